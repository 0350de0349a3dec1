using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>Two writers and four readers at once: nothing is lost, and the state equals that of one thread tracking the same events.</summary>
public sealed class EventTrackerConcurrencyTests
{
    private static (string User, string Item, string Type, TimeSpan Offset)[] Events(int writer, int count)
    {
        var random = new Random(100 + writer);
        string[] types = ["view", "view", "view", "cart", "purchase"];
        var events = new (string, string, string, TimeSpan)[count];
        for (int e = 0; e < count; e++)
        {
            // Each writer has its own users (so each user's event order is fixed) but both share every item.
            string item = e % 10 == 9 ? $"unknown{e % 7}" : $"i{random.Next(30)}";
            events[e] = ($"w{writer}-u{random.Next(50)}", item, types[random.Next(types.Length)], TimeSpan.FromSeconds(e - count));
        }

        return events;
    }

    [Fact]
    public void Concurrent_tracking_with_readers_loses_nothing_and_matches_a_single_thread()
    {
        const int PerWriter = 40_000;
        var concurrent = new TrackerFixture(itemCount: 30);
        var sequential = new TrackerFixture(itemCount: 30);
        var streams = new[] { Events(0, PerWriter), Events(1, PerWriter) };
        foreach (var stream in streams)
        {
            foreach (var (user, item, type, offset) in stream)
            {
                sequential.Track(user, item, type, offset);
            }
        }

        using var done = new CancellationTokenSource();
        long reads = 0;
        var readers = Enumerable.Range(0, 4).Select(r => new Thread(() =>
        {
            var trending = new TrendingItem[10];
            var viewed = new ViewedItem[10];
            var again = new BuyAgainItem[10];
            while (!done.IsCancellationRequested)
            {
                concurrent.Tracker.TrendingNow(trending);
                concurrent.Tracker.RecentlyViewed($"w{r % 2}-u{r}", viewed);
                concurrent.Tracker.BuyAgain($"w{r % 2}-u{r}", again);
                Interlocked.Increment(ref reads);
            }
        })).ToList();
        var writers = streams.Select(stream => new Thread(() =>
        {
            foreach (var (user, item, type, offset) in stream)
            {
                concurrent.Track(user, item, type, offset);
            }
        })).ToList();
        readers.ForEach(t => t.Start());
        writers.ForEach(t => t.Start());
        writers.ForEach(t => t.Join());
        done.Cancel();
        readers.ForEach(t => t.Join());

        TrackingReport a = concurrent.Tracker.GetReport(), b = sequential.Tracker.GetReport();
        Assert.Equal(2L * PerWriter, a.Received);
        Assert.Equal((b.Accepted, b.UnknownItems, b.Users), (a.Accepted, a.UnknownItems, a.Users));
        Assert.Equal(b.UnknownItemIds.OrderBy(p => p.Key), a.UnknownItemIds.OrderBy(p => p.Key));
        Assert.True(reads > 0);

        var expected = sequential.Tracker.TrendingNow(30).ToDictionary(t => t.ItemId);
        IReadOnlyList<TrendingItem> actual = concurrent.Tracker.TrendingNow(30);
        Assert.Equal(expected.Count, actual.Count);
        foreach (TrendingItem item in actual)
        {
            // Float sums in another order: equal to a relative 1e-5.
            Assert.Equal(expected[item.ItemId].RecentEvents, item.RecentEvents, item.RecentEvents * 1e-5);
            Assert.Equal(expected[item.ItemId].ExpectedEvents, item.ExpectedEvents, item.ExpectedEvents * 1e-5);
        }

        for (int u = 0; u < 50; u++)
        {
            foreach (string user in new[] { $"w0-u{u}", $"w1-u{u}" })
            {
                Assert.Equal(sequential.Tracker.RecentlyViewed(user, 50), concurrent.Tracker.RecentlyViewed(user, 50));
                // Interval sums add up in another order: the same items, orders and times, the interval equal to a millisecond.
                IReadOnlyList<BuyAgainItem> one = sequential.Tracker.BuyAgain(user, 50), two = concurrent.Tracker.BuyAgain(user, 50);
                Assert.Equal(one.Select(i => (i.ItemId, i.TimesBought, i.LastBought)), two.Select(i => (i.ItemId, i.TimesBought, i.LastBought)));
                Assert.All(one.Zip(two), p => Assert.Equal(p.First.TypicalInterval.TotalMilliseconds, p.Second.TypicalInterval.TotalMilliseconds, 1.0));
            }
        }
    }
}
