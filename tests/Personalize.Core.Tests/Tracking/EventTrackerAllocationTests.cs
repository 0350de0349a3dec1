using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// The hot paths allocate nothing after a warm-up: tracking an event of a known user, and the span overloads of the surfaces. This
/// counts the bytes allocated on the calling thread; it does not measure time.
/// </summary>
public sealed class EventTrackerAllocationTests
{
    private static readonly string[] Users = [.. Enumerable.Range(0, 20).Select(u => $"u{u}")];
    private static readonly string[] ItemIds = [.. Enumerable.Range(0, 200).Select(i => $"i{i}")];

    private static TrackerFixture Warm()
    {
        var f = new TrackerFixture(itemCount: 200);
        for (int e = 0; e < 5000; e++)
        {
            f.Track(Users[e % 20], ItemIds[(e * 7) % 200], e % 10 == 0 ? "purchase" : e % 10 == 1 ? "cart" : "view", TimeSpan.FromMinutes(e - 5000));
        }

        return f;
    }

    private static void TrackRound(TrackerFixture f, DateTimeOffset now)
    {
        for (int e = 0; e < 5000; e++)
        {
            f.Tracker.Track(Users[e % 20], ItemIds[(e * 7) % 200], e % 10 == 0 ? "purchase" : "view", now);
        }
    }

    [Fact]
    public void Tracking_a_known_user_allocates_nothing_after_a_warm_up()
    {
        var f = Warm();
        TrackRound(f, f.Clock.Now);   // warm-up: first calls of each path, and each user's buffers at full size

        int minutes = 0;
        long allocated = SteadyState.FewestBytesAllocated(() => TrackRound(f, f.Clock.Now.AddMinutes(++minutes)), out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(10_000 + (runs * 5_000), f.Tracker.GetReport().Accepted);
    }

    [Fact]
    public void The_span_overloads_of_the_surfaces_allocate_nothing_after_a_warm_up()
    {
        var f = Warm();
        var trending = new TrendingItem[10];
        var viewed = new ViewedItem[10];
        var again = new BuyAgainItem[200];   // more than the stack scratch: pooled
        var filter = f.Only([.. Enumerable.Range(0, 100)]);
        (int Trending, int Viewed, int Again) counts =
            (f.Tracker.TrendingNow(trending, filter), f.Tracker.RecentlyViewed("u2", viewed), f.Tracker.BuyAgain("u0", again, filter));

        int written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int q = 0; q < 100; q++)
            {
                written += f.Tracker.TrendingNow(trending, filter);
                written += f.Tracker.RecentlyViewed(Users[2], viewed);
                written += f.Tracker.BuyAgain(Users[0], again, filter);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.True(counts is { Trending: 10, Viewed: 10, Again: > 0 }, $"{counts} items per round");
        Assert.Equal(runs * 100 * (counts.Trending + counts.Viewed + counts.Again), written);
    }
}
