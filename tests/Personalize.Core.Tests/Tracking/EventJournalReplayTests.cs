using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// The journal's round trip: a tracker reopened on its journal (a snapshot and the records after it, or the records alone) answers every
/// surface (recently viewed, buy again, trending overall and per category, recent searches, seen items) exactly as the live tracker that
/// wrote it did, with the same memory bound applied the same way.
/// </summary>
public sealed class EventJournalReplayTests
{
    public static TheoryData<JournalFlushPolicy> Policies => [JournalFlushPolicy.EveryRecord, JournalFlushPolicy.GroupCommit];

    [Theory, MemberData(nameof(Policies))]
    public void The_journal_alone_gives_the_surfaces_of_the_live_tracker(JournalFlushPolicy policy)
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 11, count: 400);
        ItemCatalog catalog = JournalScenario.Catalog(folder);
        string live;
        using (EventTracker tracker = Open(folder.File("journal"), scenario, catalog, policy: policy))
        {
            scenario.Play(tracker, 0, 400);
            live = scenario.Surfaces(tracker);
        }

        using EventTracker reopened = Open(folder.File("journal"), scenario, catalog);

        Assert.Equal(live, scenario.Surfaces(reopened));
        JournalReport journal = reopened.GetReport().Journal!;
        Assert.Equal((0L, 400L, 0L, 0L, 400L), (journal.SnapshotSequence, journal.RecordsReplayed, journal.RecordsDropped, journal.BytesDropped, journal.LastSequence));
        Assert.Null(journal.DroppedReason);
    }

    [Fact]
    public void A_snapshot_and_the_journal_after_it_give_the_surfaces_of_the_live_tracker()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 12, count: 1000);
        ItemCatalog catalog = JournalScenario.Catalog(folder);
        string live;
        using (EventTracker tracker = Open(folder.File("journal"), scenario, catalog))
        {
            scenario.Play(tracker, 0, 600);
            Assert.Equal(600, tracker.SaveSnapshot());
            scenario.Play(tracker, 600, 1000);
            live = scenario.Surfaces(tracker);
        }

        using EventTracker reopened = Open(folder.File("journal"), scenario, catalog);

        Assert.Equal(live, scenario.Surfaces(reopened));
        JournalReport journal = reopened.GetReport().Journal!;
        Assert.Equal((600L, 400L, 0L, 1000L), (journal.SnapshotSequence, journal.RecordsReplayed, journal.RecordsDropped, journal.LastSequence));
    }

    [Fact]
    public void A_snapshot_starts_a_new_segment_and_deletes_the_ones_it_covers()
    {
        using var folder = new TempDirectory();
        string directory = folder.File("journal");
        var scenario = new JournalScenario(seed: 13, count: 300);
        using EventTracker tracker = Open(directory, scenario, null);
        scenario.Play(tracker, 0, 100);
        tracker.SaveSnapshot();
        scenario.Play(tracker, 100, 250);
        tracker.SaveSnapshot();
        scenario.Play(tracker, 250, 300);

        string[] files = [.. Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

        Assert.Equal(["events-00000000000000000251.journal", "tracker.lock", "tracker.snapshot"], files);
        Assert.Equal(2, tracker.GetReport().Journal!.SnapshotsWritten);
    }

    [Fact]
    public void Snapshots_are_taken_in_the_background_every_SnapshotAfterRecords_records()
    {
        using var folder = new TempDirectory();
        string directory = folder.File("journal");
        var scenario = new JournalScenario(seed: 14, count: 200);
        string live;
        using (var tracker = new EventTracker(scenario.Items,
            new EventTrackerOptions { Journal = new EventJournalOptions(directory) { SnapshotAfterRecords = 50, FlushPolicy = JournalFlushPolicy.GroupCommit } },
            null, new ManualTimeProvider(scenario.End)))
        {
            scenario.Play(tracker, 0, 150);
            // A hang guard, not a timing claim: the snapshot due after record 50 runs on a thread of its own, so a pool kept busy by the
            // tests running beside this one does not hold it up.
            bool written = SpinWait.SpinUntil(() => tracker.GetReport().Journal!.SnapshotsWritten > 0, TimeSpan.FromSeconds(60));
            ThreadPool.GetAvailableThreads(out int workers, out _);
            Assert.True(written, $"no background snapshot in 60 s; last snapshot error: {tracker.GetReport().Journal!.LastSnapshotError ?? "none"}; "
                + $"thread pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} work items pending, {workers} worker threads available");
            scenario.Play(tracker, 150, 200);
            live = scenario.Surfaces(tracker);
        }

        using EventTracker reopened = Open(directory, scenario, null);

        // However far the background snapshots got, the snapshot and the records after it add up to every event.
        JournalReport journal = reopened.GetReport().Journal!;
        Assert.Equal(200, journal.SnapshotSequence + journal.RecordsReplayed);
        Assert.True(journal.SnapshotSequence >= 50, $"the snapshot covers {journal.SnapshotSequence} records");
        Assert.Equal(live, scenario.Surfaces(reopened));
    }

    [Fact]
    public void Replay_of_a_bounded_tracker_evicts_the_same_users_and_items_as_the_live_tracker()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 15, count: 1500, users: 40);
        var bounded = new EventTrackerOptions { MaxUsers = 16, MaxItemsPerUser = 6 };
        string live;
        using (EventTracker tracker = Open(folder.File("journal"), scenario, null, bounded))
        {
            scenario.Play(tracker, 0, 900);
            tracker.SaveSnapshot();
            scenario.Play(tracker, 900, 1500);
            live = scenario.Surfaces(tracker);
            Assert.True(tracker.GetReport().EvictedUsers > 0 && tracker.GetReport().EvictedUserItems > 0, "the bounds were reached");
        }

        using EventTracker reopened = Open(folder.File("journal"), scenario, null, bounded);

        Assert.Equal(live, scenario.Surfaces(reopened));
    }

    [Fact]
    public void A_long_replay_stays_within_the_memory_bound_and_reports_the_evictions()
    {
        using var folder = new TempDirectory();
        const int MaxUsers = 100, MaxItems = 8;
        var scenario = new JournalScenario(seed: 16, count: 20_000, users: 2_000, items: 200);
        var bounded = new EventTrackerOptions { MaxUsers = MaxUsers, MaxItemsPerUser = MaxItems };
        TrackingReport live;
        using (EventTracker tracker = Open(folder.File("journal"), scenario, null, bounded, JournalFlushPolicy.GroupCommit))
        {
            scenario.Play(tracker, 0, 20_000);
            live = tracker.GetReport();
        }

        using EventTracker reopened = Open(folder.File("journal"), scenario, null, bounded);

        TrackingReport report = reopened.GetReport();
        Assert.Equal(20_000, report.Journal!.RecordsReplayed);
        Assert.InRange(report.Users, 1, MaxUsers);
        Assert.Equal((live.Users, live.EvictedUsers, live.EvictedUserItems), (report.Users, report.EvictedUsers, report.EvictedUserItems));
        Assert.True(report.EvictedUsers >= 2_000 - MaxUsers, $"{report.EvictedUsers} users evicted");
        int[] seen = new int[scenario.Items.Count];
        foreach (string user in scenario.UserIds)
        {
            Assert.InRange(reopened.CopySeenAdditions(user, seen), 0, MaxItems);
        }
    }

    [Fact]
    public void Concurrent_writers_and_snapshots_replay_to_the_live_state()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 20, count: 4_000, users: 30);
        var bounded = new EventTrackerOptions { MaxUsers = 20, MaxItemsPerUser = 10 };
        string live;
        using (EventTracker tracker = Open(folder.File("journal"), scenario, null, bounded, JournalFlushPolicy.GroupCommit))
        {
            // Four writers interleave in whatever order the scheduler picks, while snapshots are taken: the journal records the order the
            // state saw, so the replay must reach the same state.
            Parallel.For(0, 5, part =>
            {
                if (part == 4)
                {
                    for (int s = 0; s < 5; s++)
                    {
                        tracker.SaveSnapshot();
                    }
                }
                else
                {
                    scenario.Play(tracker, part * 1_000, (part + 1) * 1_000);
                }
            });
            live = scenario.Surfaces(tracker);
        }

        using EventTracker reopened = Open(folder.File("journal"), scenario, null, bounded);

        Assert.Equal(live, scenario.Surfaces(reopened));
        Assert.Equal(4_000, reopened.GetReport().Journal!.LastSequence);
    }

    [Fact]
    public void A_log_replayed_into_a_journaled_tracker_is_journaled()
    {
        using var folder = new TempDirectory();
        string csv = folder.Write("events.csv", "user_id,item_id,event_type,timestamp\nu1,i1,view,2026-10-01T10:00:00Z\n"
            + "u1,i2,purchase,2026-10-01T10:05:00Z\nu2,zz,view,2026-10-01T10:06:00Z\n");
        InteractionLog log = InteractionLog.ReadCsv(csv, new CsvInteractionReaderOptions { EventColumn = "event_type", TimeColumn = "timestamp" });
        var scenario = new JournalScenario(seed: 17, count: 0);
        using (EventTracker tracker = Open(folder.File("journal"), scenario, null))
        {
            Assert.Equal(3, tracker.Replay(log));
        }

        using EventTracker reopened = Open(folder.File("journal"), scenario, null);

        Assert.Equal(2, reopened.GetReport().Journal!.RecordsReplayed);   // the unknown item is counted, not journaled
        Assert.Equal(["i1"], reopened.RecentlyViewed("u1", 5).Select(v => v.ItemId));
        Assert.True(reopened.HasSeen("u1", "i2"));
    }

    [Fact]
    public void A_snapshot_moved_away_leaves_the_journal_after_it_to_replay_as_its_message_says()
    {
        // The damaged-snapshot message says to move it away "to start from the journal alone"; recovery then took the journal's first
        // record (after the snapshot) for a gap, and dropped and deleted the segment.
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 31, count: 40);
        string journal = folder.File("journal");
        using (EventTracker tracker = Open(journal, scenario, null))
        {
            scenario.Play(tracker, 0, 25);
            Assert.Equal(25, tracker.SaveSnapshot());
            scenario.Play(tracker, 25, 40);
        }

        File.Move(Path.Combine(journal, "tracker.snapshot"), folder.File("tracker.snapshot.damaged"));
        using EventTracker reopened = Open(journal, scenario, null);

        JournalReport report = reopened.GetReport().Journal!;
        Assert.Equal((15L, 0L, 40L), (report.RecordsReplayed, report.RecordsDropped, report.LastSequence));
        Assert.Null(report.DroppedReason);
    }

    [Fact]
    public void A_segment_left_without_its_header_ends_no_recovery_when_segments_follow_it()
    {
        // A full disk failed a segment's header: the 0-byte file read as damage at the next start, and the segments after it, with
        // events acknowledged as durable, were dropped and deleted.
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 32, count: 20);
        string journal = folder.File("journal"), other = folder.File("other");
        using (EventTracker tracker = Open(journal, scenario, null))
        {
            scenario.Play(tracker, 0, 10);
        }

        using (EventTracker tracker = Open(other, scenario, null))
        {
            scenario.Play(tracker, 0, 10);
            Assert.Equal(10, tracker.SaveSnapshot());   // starts the segment of record 11
            scenario.Play(tracker, 10, 20);
        }

        string later = Directory.GetFiles(other, "events-*.journal").Single();
        File.Copy(later, Path.Combine(journal, Path.GetFileName(later)));
        File.WriteAllBytes(Path.Combine(journal, $"events-{5:D20}.journal"), []);
        using EventTracker reopened = Open(journal, scenario, null);

        JournalReport report = reopened.GetReport().Journal!;
        Assert.Equal((20L, 0L, 20L), (report.RecordsReplayed, report.RecordsDropped, report.LastSequence));
        Assert.False(File.Exists(Path.Combine(journal, $"events-{5:D20}.journal")));
        Assert.True(File.Exists(Path.Combine(journal, Path.GetFileName(later))));
    }

    [Fact]
    public void A_file_that_only_has_the_name_of_a_segment_is_not_deleted_by_a_snapshot()
    {
        // A snapshot deleted every events-*.journal before the current segment, unread; the documentation promises a file that is not
        // a journal segment is never cut or deleted.
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 33, count: 10);
        string journal = folder.File("journal");
        string foreign = Path.Combine(journal, $"events-{0:D20}.journal");
        using (EventTracker tracker = Open(journal, scenario, null))
        {
            File.WriteAllText(foreign, "item_id,category\ni0,Grocery\n");   // put there while the tracker runs
            scenario.Play(tracker, 0, 5);
            Assert.Equal(5, tracker.SaveSnapshot());
            scenario.Play(tracker, 5, 10);
        }

        using EventTracker reopened = Open(journal, scenario, null);

        Assert.Equal("item_id,category\ni0,Grocery\n", File.ReadAllText(foreign));
        Assert.Equal((5L, 5L, 10L), (reopened.GetReport().Journal!.SnapshotSequence, reopened.GetReport().Journal!.RecordsReplayed,
            reopened.GetReport().Journal!.LastSequence));
    }

    [Fact]
    public void An_empty_item_id_is_journaled_and_read_back()
    {
        // An IdMap may hold "", and Track accepts it; the journal wrote it, but read a zero-length id as damage and dropped the rest.
        using var folder = new TempDirectory();
        IdMap items = IdMap.FromIds(["", "i1"]);
        var options = new EventTrackerOptions { Journal = new EventJournalOptions(folder.File("journal")) };
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero));
        using (var tracker = new EventTracker(items, options, null, clock))
        {
            Assert.Equal(TrackOutcome.Accepted, tracker.Track("u1", "", "view", clock.GetUtcNow()));
            Assert.Equal(TrackOutcome.Accepted, tracker.Track("u1", "i1", "view", clock.GetUtcNow()));
        }

        using var reopened = new EventTracker(items, options, null, clock);

        Assert.Equal((2L, 0L), (reopened.GetReport().Journal!.RecordsReplayed, reopened.GetReport().Journal!.RecordsDropped));
        Assert.True(reopened.HasSeen("u1", ""));
    }

    [Fact]
    public void A_journal_directory_is_used_by_one_tracker_at_a_time()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 18, count: 0);
        using EventTracker first = Open(folder.File("journal"), scenario, null);

        var error = Assert.Throws<IOException>(() => Open(folder.File("journal"), scenario, null));

        Assert.StartsWith($"The event journal in '{folder.File("journal")}' is in use by another tracker", error.Message);
    }

    [Fact]
    public void Tracking_after_dispose_is_refused()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 19, count: 0);
        EventTracker tracker = Open(folder.File("journal"), scenario, null);
        tracker.Dispose();

        Assert.Throws<ObjectDisposedException>(() => tracker.Track("u1", "i1", "view", JournalScenario.Start));
    }

    private static EventTracker Open(string directory, JournalScenario scenario, ItemCatalog? catalog, EventTrackerOptions? options = null,
        JournalFlushPolicy policy = JournalFlushPolicy.EveryRecord) =>
        new(scenario.Items, (options ?? new EventTrackerOptions()) with { Journal = new EventJournalOptions(directory) { FlushPolicy = policy } },
            catalog, new ManualTimeProvider(scenario.End));
}
