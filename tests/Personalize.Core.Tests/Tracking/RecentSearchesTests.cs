using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

public sealed class RecentSearchesTests
{
    private static DateTimeOffset At(int minutes) => TrackerFixture.Start.AddMinutes(minutes);

    [Fact]
    public void Lists_distinct_searches_newest_first_and_a_repeat_moves_to_the_front()
    {
        var f = new TrackerFixture();
        Assert.Equal(TrackOutcome.Accepted, f.Tracker.TrackSearch("u", "pour over kettle", At(1)));
        f.Tracker.TrackSearch("u", "grinder", At(2));
        f.Tracker.TrackSearch("u", "  Pour   over\tKETTLE ", At(3));   // the same query, ignoring case and spacing
        f.Tracker.TrackSearch("v", "mug", At(4));

        IReadOnlyList<RecentSearch> searches = f.Tracker.RecentSearches("u", 10);

        Assert.Equal(["Pour over KETTLE", "grinder"], searches.Select(s => s.Query));
        Assert.Equal([At(3), At(2)], searches.Select(s => s.SearchedAt));
        Assert.Equal([2, 1], searches.Select(s => s.Count));
        Assert.Equal(["Pour over KETTLE"], f.Tracker.RecentSearches("u", 1).Select(s => s.Query));
        Assert.Empty(f.Tracker.RecentSearches("u", 0));
        Assert.Empty(f.Tracker.RecentSearches("nobody", 5));
    }

    [Fact]
    public void A_late_search_takes_its_place_in_time_order_and_does_not_move_a_newer_one_back()
    {
        var f = new TrackerFixture();
        f.Tracker.TrackSearch("u", "a", At(10));
        f.Tracker.TrackSearch("u", "b", At(1));    // arrives late
        f.Tracker.TrackSearch("u", "a", At(5));    // older than the kept search of "a": counted, not moved

        IReadOnlyList<RecentSearch> searches = f.Tracker.RecentSearches("u", 10);

        Assert.Equal(["a", "b"], searches.Select(s => s.Query));
        Assert.Equal(At(10), searches[0].SearchedAt);
        Assert.Equal(2, searches[0].Count);
    }

    [Fact]
    public void Keeps_the_capacity_forgetting_the_least_recent_and_bounds_each_query()
    {
        var f = new TrackerFixture(options: new EventTrackerOptions { RecentSearchCapacity = 3 });
        for (int i = 0; i < 5; i++)
        {
            f.Tracker.TrackSearch("u", $"q{i}", At(i));
        }

        f.Tracker.TrackSearch("u", new string('x', 500) + " tail", At(9));
        f.Tracker.TrackSearch("u", new string('y', 199) + "\U0001F600", At(10));   // the cut would split a surrogate pair

        IReadOnlyList<RecentSearch> searches = f.Tracker.RecentSearches("u", 10);
        Assert.Equal(3, searches.Count);
        Assert.Equal(new string('y', 199), searches[0].Query);
        Assert.Equal(new string('x', 200), searches[1].Query);
        Assert.Equal("q4", searches[2].Query);

        // A late search older than every one kept is the least recent: it is not kept (it displaced q4, the newest of the rest).
        f.Tracker.TrackSearch("u", "late", At(3));
        Assert.Equal([new string('y', 199), new string('x', 200), "q4"], f.Tracker.RecentSearches("u", 10).Select(r => r.Query));
    }

    [Fact]
    public void An_empty_query_is_not_recorded_and_searches_change_neither_seen_items_nor_trending()
    {
        var f = new TrackerFixture();

        Assert.Equal(TrackOutcome.EmptyQuery, f.Tracker.TrackSearch("u", " \t\n", At(1)));
        f.Tracker.TrackSearch("u", "i1", At(2));

        Assert.Single(f.Tracker.RecentSearches("u", 10));
        Assert.False(f.Tracker.HasSeen("u", "i1"));
        Assert.Empty(f.Tracker.RecentlyViewed("u", 10));
        Assert.Equal(0, f.Tracker.GetReport().Accepted);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Tracker.TrackSearch("u", "q", DateTimeOffset.MinValue));
        Assert.Throws<ArgumentException>(() => f.Tracker.TrackSearch("", "q", At(1)));
    }
}
