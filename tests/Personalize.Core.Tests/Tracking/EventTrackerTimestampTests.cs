using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary><see cref="DateTimeOffset.MinValue"/> is the tracker's "never": an event at it is refused, not silently lost.</summary>
public sealed class EventTrackerTimestampTests
{
    [Fact]
    public void Track_at_the_minimum_instant_throws_and_records_nothing()
    {
        var f = new TrackerFixture();

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => f.Tracker.Track("u1", "i1", "view", DateTimeOffset.MinValue));

        Assert.Equal("timestamp", exception.ParamName);
        Assert.Contains("never", exception.Message);
        Assert.Empty(f.Tracker.RecentlyViewed("u1", 5));
        Assert.Equal(0L, f.Tracker.GetReport().Received);
    }

    [Fact]
    public void Track_anonymous_at_the_minimum_instant_throws_too()
    {
        var f = new TrackerFixture();

        Assert.Throws<ArgumentOutOfRangeException>(() => f.Tracker.TrackAnonymous("i1", "view", default));
        Assert.Empty(f.Tracker.TrendingNow(5));
    }

    [Fact]
    public void One_tick_after_the_minimum_is_kept_and_shown_with_its_time()
    {
        var f = new TrackerFixture();
        DateTimeOffset early = DateTimeOffset.MinValue.AddTicks(1);

        Assert.Equal(TrackOutcome.Accepted, f.Tracker.Track("u1", "i1", "view", early));

        ViewedItem viewed = Assert.Single(f.Tracker.RecentlyViewed("u1", 5));
        Assert.Equal(("i1", early), (viewed.ItemId, viewed.ViewedAt));
    }

    [Fact]
    public void A_user_id_with_a_lone_surrogate_is_refused_so_two_cannot_become_one()
    {
        // "user\uD800" and "user\uD801" were both kept as "user\uFFFD" by the journal and the snapshot, which then listed one user twice
        // and could not be read at the next start.
        var f = new TrackerFixture();
        DateTimeOffset now = f.Clock.GetUtcNow();
        string lone = "user" + (char)0xD800;

        var track = Assert.Throws<ArgumentException>(() => f.Tracker.Track(lone, "i1", "view", now));
        Assert.Throws<ArgumentException>(() => f.Tracker.TrackSearch(lone, "kettle", now));

        Assert.Equal("userId", track.ParamName);
        Assert.Equal(TrackOutcome.Accepted, f.Tracker.Track("user\U0001F600", "i1", "view", now));   // a surrogate pair is fine
        Assert.Equal(1L, f.Tracker.GetReport().Received);
    }

    [Fact]
    public void Replay_of_a_log_with_a_row_at_the_minimum_instant_throws_before_replaying_anything()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("events.csv",
            "user_id,item_id,event_type,timestamp\nu1,i1,view,2026-10-01T10:00:00Z\nu2,i2,view,0001-01-01T00:00:00Z\n");
        InteractionLog log = new CsvInteractionReader().Read(path);
        var f = new TrackerFixture();

        var exception = Assert.Throws<ArgumentException>(() => f.Tracker.Replay(log));

        Assert.Equal("log", exception.ParamName);
        Assert.Contains("The log's row from line 3 is at 0001-01-01T00:00:00Z", exception.Message);
        Assert.Equal(0L, f.Tracker.GetReport().Received);
        Assert.Empty(f.Tracker.RecentlyViewed("u1", 5));
    }
}
