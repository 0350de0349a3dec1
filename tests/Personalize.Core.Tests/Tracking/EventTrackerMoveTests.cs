using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// <see cref="EventTracker.MoveTo(IdMap)"/>: the state moves to a tracker over another item numbering by item id, so every surface of the
/// moved tracker equals that of a tracker over the new numbering that saw the same events; in memory and through the journal.
/// </summary>
public sealed class EventTrackerMoveTests
{
    /// <summary>The scenario's items in reverse order, with one item the scenario never touches added in front.</summary>
    private static IdMap Renumbered(JournalScenario scenario) =>
        IdMap.FromIds(new[] { "i-new" }.Concat(Enumerable.Range(0, scenario.Items.Count).Reverse().Select(scenario.Items.GetId)));

    [Fact]
    public void A_moved_tracker_answers_as_a_tracker_over_the_new_numbering_that_saw_the_same_events()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 21, count: 600);
        ItemCatalog catalog = JournalScenario.Catalog(folder);
        var clock = new ManualTimeProvider(scenario.End);
        var tracker = new EventTracker(scenario.Items, new EventTrackerOptions(), catalog, clock);
        var reference = new EventTracker(Renumbered(scenario), new EventTrackerOptions(), catalog, clock);
        scenario.Play(tracker, 0, 400);
        scenario.Play(reference, 0, 400);

        EventTracker moved = tracker.MoveTo(Renumbered(scenario));
        scenario.Play(moved, 400, 600);
        scenario.Play(reference, 400, 600);

        Assert.Equal("i-new", moved.Items.GetId(0));
        Assert.Equal(scenario.Surfaces(reference), scenario.Surfaces(moved));
        Assert.True(moved.HasCategories);
    }

    [Fact]
    public void State_of_items_the_new_numbering_lacks_is_dropped_and_the_rest_keeps_its_order()
    {
        var scenario = new JournalScenario(seed: 22, count: 400);
        var tracker = new EventTracker(scenario.Items, null, null, new ManualTimeProvider(scenario.End));
        scenario.Play(tracker, 0, 400);
        string[] kept = [.. Enumerable.Range(0, scenario.Items.Count).Select(scenario.Items.GetId).Where(id => id is not ("i1" or "i2")).Reverse()];
        string before = scenario.Surfaces(tracker);
        long accepted = tracker.GetReport().Accepted;

        EventTracker moved = tracker.MoveTo(IdMap.FromIds(kept));

        foreach (string user in scenario.UserIds)
        {
            Assert.Equal(tracker.RecentlyViewed(user, 100).Select(v => v.ItemId).Where(kept.Contains), moved.RecentlyViewed(user, 100).Select(v => v.ItemId));
            Assert.Equal(tracker.BuyAgain(user, 100).Select(b => b.ItemId).Where(kept.Contains), moved.BuyAgain(user, 100).Select(b => b.ItemId));
        }

        Assert.Equal(tracker.TrendingNow(100, scenario.End).Select(t => t.ItemId).Where(kept.Contains), moved.TrendingNow(100, scenario.End).Select(t => t.ItemId));
        Assert.Equal(accepted, moved.GetReport().Accepted);
        Assert.Equal(before, scenario.Surfaces(tracker));   // without a journal the old tracker is left as it was
    }

    [Fact]
    public void With_a_journal_the_directory_changes_hands_and_a_restart_replays_what_the_moved_tracker_saw()
    {
        using var folder = new TempDirectory();
        string directory = folder.File("journal");
        var scenario = new JournalScenario(seed: 23, count: 500);
        var options = new EventTrackerOptions { Journal = new EventJournalOptions(directory) };
        var clock = new ManualTimeProvider(scenario.End);
        string live;
        using (var tracker = new EventTracker(scenario.Items, options, null, clock))
        {
            scenario.Play(tracker, 0, 300);
            using EventTracker moved = tracker.MoveTo(Renumbered(scenario));
            JournalScenario.Call next = scenario.Calls[300];

            Assert.Throws<ObjectDisposedException>(() => tracker.Track("u0", "i0", "view", next.At));
            Assert.Equal((true, false), (tracker.IsClosed, moved.IsClosed));
            Assert.Equal((300L, 0L), (moved.GetReport().Journal!.SnapshotSequence, moved.GetReport().Journal!.RecordsReplayed));
            scenario.Play(moved, 300, 500);
            live = scenario.Surfaces(moved);
        }

        using var reopened = new EventTracker(Renumbered(scenario), options, null, clock);

        Assert.Equal(live, scenario.Surfaces(reopened));
        Assert.Equal((300L, 200L, 0L), (reopened.GetReport().Journal!.SnapshotSequence, reopened.GetReport().Journal!.RecordsReplayed,
            reopened.GetReport().Journal!.RecordsDropped));
    }

    [Fact]
    public void A_disposed_journaled_tracker_cannot_move()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 24, count: 10);
        var tracker = new EventTracker(scenario.Items, new EventTrackerOptions { Journal = new EventJournalOptions(folder.File("journal")) });
        using var inMemory = new EventTracker(scenario.Items);
        using EventTracker copy = inMemory.MoveTo(scenario.Items);
        Assert.False(tracker.IsClosed);
        tracker.Dispose();

        Assert.True(tracker.IsClosed);
        Assert.False(inMemory.IsClosed);   // without a journal the state is copied and the tracker is left as it was

        Assert.Throws<ObjectDisposedException>(() => tracker.MoveTo(scenario.Items));
        Assert.Throws<ArgumentNullException>(() => tracker.MoveTo((IdMap)null!));
    }
}
