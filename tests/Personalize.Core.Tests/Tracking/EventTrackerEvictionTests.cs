using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>The memory bound: <see cref="EventTrackerOptions.MaxUsers"/> evicts the least recently active users in batches, and
/// <see cref="EventTrackerOptions.MaxItemsPerUser"/> a user's least recently touched items; both are counted in the report.</summary>
public sealed class EventTrackerEvictionTests
{
    [Fact]
    public void A_new_user_over_the_bound_evicts_the_least_recently_active_users_first()
    {
        var fixture = new TrackerFixture(options: new EventTrackerOptions { MaxUsers = 32 });
        for (int u = 0; u < 32; u++)
        {
            fixture.Track($"u{u}", "i1", "view", TimeSpan.FromSeconds(u));
        }

        fixture.Track("u0", "i2", "view", TimeSpan.FromMinutes(1));   // u0 is active again: u1 and u2 are now the least recently active
        fixture.Tracker.TrackSearch("u1", "lamps", fixture.Clock.Now.AddMinutes(2));   // a search is activity too

        fixture.Track("new", "i3", "view", TimeSpan.FromMinutes(3));

        TrackingReport report = fixture.Tracker.GetReport();
        Assert.Equal((31, 2L), (report.Users, report.EvictedUsers));   // a batch of 32 / 16 = 2 users made room
        Assert.Empty(fixture.Tracker.RecentlyViewed("u2", 5));
        Assert.Empty(fixture.Tracker.RecentlyViewed("u3", 5));
        Assert.Equal(["i2", "i1"], fixture.Tracker.RecentlyViewed("u0", 5).Select(v => v.ItemId));
        Assert.Equal("lamps", Assert.Single(fixture.Tracker.RecentSearches("u1", 5)).Query);
        Assert.Single(fixture.Tracker.RecentlyViewed("new", 5));
    }

    [Fact]
    public void An_evicted_user_starts_afresh_and_keeps_counting_toward_trending()
    {
        var fixture = new TrackerFixture(options: new EventTrackerOptions { MaxUsers = 1 });
        fixture.Track("u0", "i1", "view");
        fixture.Track("u1", "i1", "view", TimeSpan.FromSeconds(1));

        fixture.Track("u0", "i2", "view", TimeSpan.FromSeconds(2));

        Assert.Equal(["i2"], fixture.Tracker.RecentlyViewed("u0", 5).Select(v => v.ItemId));
        Assert.False(fixture.Tracker.HasSeen("u0", "i1"));
        Assert.Equal((1, 2L, 3L), (fixture.Tracker.GetReport().Users, fixture.Tracker.GetReport().EvictedUsers, fixture.Tracker.GetReport().Accepted));
        Assert.Equal(2f, fixture.Tracker.TrendingNow(5, fixture.Clock.Now.AddSeconds(2)).Single(t => t.ItemId == "i1").RecentEvents, 0.01f);
    }

    [Fact]
    public void A_user_over_the_item_bound_forgets_the_least_recently_touched_items()
    {
        var fixture = new TrackerFixture(options: new EventTrackerOptions { MaxItemsPerUser = 8 });
        for (int i = 0; i < 8; i++)
        {
            fixture.Track("u", $"i{i}", i == 0 ? "purchase" : "view", TimeSpan.FromSeconds(i));
        }

        fixture.Track("u", "i0", "view", TimeSpan.FromSeconds(10));   // i0 touched again: i1 is now the least recent

        fixture.Track("u", "i8", "view", TimeSpan.FromSeconds(11));

        // 9 items > 8: the user goes down to 8 - 8 / 8 = 7 items, forgetting the 2 least recently touched.
        Assert.Equal(2L, fixture.Tracker.GetReport().EvictedUserItems);
        Assert.False(fixture.Tracker.HasSeen("u", "i1"));
        Assert.False(fixture.Tracker.HasSeen("u", "i2"));
        Assert.True(fixture.Tracker.HasSeen("u", "i0"));
        Assert.Equal(["i8", "i0", "i7", "i6", "i5", "i4", "i3"], fixture.Tracker.RecentlyViewed("u", 20).Select(v => v.ItemId));
    }

    [Fact]
    public void Concurrent_writers_never_leave_more_users_than_the_bound()
    {
        var fixture = new TrackerFixture(options: new EventTrackerOptions { MaxUsers = 50 });

        Parallel.For(0, 4, writer =>
        {
            for (int n = 0; n < 5_000; n++)
            {
                fixture.Track($"u{writer}-{n % 400}", $"i{n % 20}", "view", TimeSpan.FromSeconds(n));
            }
        });

        TrackingReport report = fixture.Tracker.GetReport();
        Assert.InRange(report.Users, 1, 50);
        Assert.Equal(20_000L, report.Accepted);
        Assert.True(report.EvictedUsers >= 1_600 - 50, $"{report.EvictedUsers} evicted");
    }
}
