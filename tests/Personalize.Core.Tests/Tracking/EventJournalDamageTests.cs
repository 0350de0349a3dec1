using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// A torn or damaged journal tail, made on real files: the journal is cut at every byte offset of its last records, or has a byte flipped
/// at every offset of them, and reopened. Every whole record before the damage must come back, nothing after it may be applied (the
/// surfaces equal those of a tracker that saw exactly the surviving events), and the report must count what was dropped.
/// </summary>
public sealed class EventJournalDamageTests
{
    private const int Events = 40;
    private const int DamagedRecords = 3;

    [Fact]
    public void Every_whole_record_before_a_cut_is_replayed_at_every_byte_offset_of_the_last_records()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 5, Events);
        var (segment, ends) = WriteJournal(folder.File("journal"), scenario);
        byte[] original = File.ReadAllBytes(segment);
        string[] expected = ExpectedSurfaces(scenario);

        for (long cut = ends[Events - DamagedRecords - 1]; cut <= original.Length; cut++)
        {
            int whole = ends.Count(end => end <= cut);
            using var damaged = new TempDirectory();
            File.WriteAllBytes(Path.Combine(damaged.Path, Path.GetFileName(segment)), original[..(int)cut]);

            using EventTracker reopened = Open(damaged.Path, scenario);

            JournalReport journal = reopened.GetReport().Journal!;
            bool torn = cut != ends[whole - 1];
            Assert.True(whole == journal.RecordsReplayed, $"cut at {cut}: {journal.RecordsReplayed} records replayed, expected {whole}");
            Assert.Equal((torn ? 1 : 0, torn ? cut - ends[whole - 1] : 0), (journal.RecordsDropped, journal.BytesDropped));
            Assert.Equal(torn, journal.DroppedReason is not null);
            Assert.Equal(expected[whole], scenario.Surfaces(reopened));
        }
    }

    [Fact]
    public void A_flipped_byte_drops_its_record_and_every_record_after_it()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 6, Events);
        var (segment, ends) = WriteJournal(folder.File("journal"), scenario);
        byte[] original = File.ReadAllBytes(segment);
        string[] expected = ExpectedSurfaces(scenario);

        for (long offset = ends[Events - DamagedRecords - 1]; offset < original.Length; offset++)
        {
            int record = ends.Count(end => end <= offset);   // the record (0-based) that holds the flipped byte
            byte[] bytes = (byte[])original.Clone();
            bytes[offset] ^= 0x5A;
            using var damaged = new TempDirectory();
            File.WriteAllBytes(Path.Combine(damaged.Path, Path.GetFileName(segment)), bytes);

            using EventTracker reopened = Open(damaged.Path, scenario);

            JournalReport journal = reopened.GetReport().Journal!;
            Assert.True(record == journal.RecordsReplayed, $"byte {offset} flipped: {journal.RecordsReplayed} records replayed, expected {record}");
            Assert.True(Events - record == journal.RecordsDropped, $"byte {offset} flipped: {journal.RecordsDropped} dropped, expected {Events - record}");
            Assert.Equal(original.Length - ends[record - 1], journal.BytesDropped);
            Assert.Contains($"offset {ends[record - 1]}: record {record + 1}: ", journal.DroppedReason);
            Assert.Equal(expected[record], scenario.Surfaces(reopened));
        }
    }

    [Fact]
    public void New_events_after_a_dropped_tail_follow_the_last_good_record()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 7, Events);
        var (segment, ends) = WriteJournal(folder.File("journal"), scenario);
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(ends[^1] - 3);   // the last record is torn
        }

        long recordLength = ends[^1] - ends[^2];
        using (EventTracker reopened = Open(Path.GetDirectoryName(segment)!, scenario))
        {
            JournalReport dropped = reopened.GetReport().Journal!;
            Assert.Equal((Events - 1, 1L, recordLength - 3), (dropped.RecordsReplayed, dropped.RecordsDropped, dropped.BytesDropped));
            Assert.Equal($"{Path.GetFileName(segment)}: offset {ends[^2]}: record {Events}: cut short: a record of {recordLength - 8} payload bytes "
                + $"needs {recordLength} bytes, {recordLength - 3} are left; the tail from there ({recordLength - 3} bytes, 1 record) was dropped.",
                dropped.DroppedReason);
            scenario.Play(reopened, Events - 1, Events);   // the lost event, tracked again
        }

        using EventTracker again = Open(Path.GetDirectoryName(segment)!, scenario);

        JournalReport journal = again.GetReport().Journal!;
        Assert.Equal((Events, 0L, Events), (journal.RecordsReplayed, journal.RecordsDropped, journal.LastSequence));
        Assert.Equal(ExpectedSurfaces(scenario)[Events], scenario.Surfaces(again));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void A_segment_torn_while_its_header_was_written_is_dropped_and_nothing_is_lost(int headerBytes)
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 10, 30);
        string directory = folder.File("journal");
        using (EventTracker tracker = Open(directory, scenario))
        {
            scenario.Play(tracker, 0, 20);
            tracker.SaveSnapshot();   // starts events-…21.journal
            scenario.Play(tracker, 20, 30);
            tracker.SaveSnapshot();   // starts events-…31.journal, which the "crash" tears below
        }

        string torn = Path.Combine(directory, "events-00000000000000000031.journal");
        byte[] header = File.ReadAllBytes(torn);
        File.WriteAllBytes(torn, header[..headerBytes]);

        using (EventTracker reopened = Open(directory, scenario))
        {
            JournalReport journal = reopened.GetReport().Journal!;
            Assert.Equal((30L, 0L, 0L, (long)headerBytes), (journal.SnapshotSequence, journal.RecordsReplayed, journal.RecordsDropped, journal.BytesDropped));
            Assert.Equal($"events-00000000000000000031.journal: offset 0: the segment header is cut short ({headerBytes} of 24 bytes); the tail "
                + $"from there ({headerBytes} bytes, 0 records) was dropped.", journal.DroppedReason);
            Assert.Equal(ExpectedSurfaces(scenario)[30], scenario.Surfaces(reopened));
            reopened.Track("u1", "i1", "view", scenario.End);
        }

        using EventTracker again = Open(directory, scenario);
        Assert.Equal((1L, 31L, 0L), (again.GetReport().Journal!.RecordsReplayed, again.GetReport().Journal!.LastSequence, again.GetReport().Journal!.RecordsDropped));
    }

    [Fact]
    public void A_file_that_is_not_a_journal_segment_is_refused_with_its_path_and_offset()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("events-00000000000000000001.journal", "item_id,category\ni0,Grocery\n");
        var scenario = new JournalScenario(seed: 1, 1);

        var error = Assert.Throws<EventJournalException>(() => Open(folder.Path, scenario));

        Assert.Equal((path, 0L), (error.FilePath, error.Offset));
        Assert.Equal($"{path}: offset 0: expected the event journal magic 89 50 5A 4A 0D 0A 1A 0A, found 6974656D5F69642C: this is not an event "
            + "journal segment. Move it out of the journal directory.", error.Message);
        Assert.Equal("item_id,category\ni0,Grocery\n", File.ReadAllText(path));   // never cut or deleted
    }

    [Fact]
    public void A_damaged_snapshot_is_refused_with_its_path_and_offset()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 8, 30);
        using (EventTracker tracker = Open(folder.Path, scenario))
        {
            scenario.Play(tracker, 0, 30);
            tracker.SaveSnapshot();
        }

        string snapshot = Path.Combine(folder.Path, "tracker.snapshot");
        byte[] bytes = File.ReadAllBytes(snapshot);
        bytes[100] ^= 1;
        File.WriteAllBytes(snapshot, bytes);

        var error = Assert.Throws<EventJournalException>(() => Open(folder.Path, scenario));

        Assert.Equal((snapshot, bytes.Length - 8L), (error.FilePath, error.Offset));
        Assert.StartsWith($"{snapshot}: offset {bytes.Length - 8}: the checksum is ", error.Message);
        Assert.EndsWith("The snapshot is damaged; restore it from a backup, or move it away to start from the journal alone (which holds only "
            + "the records since this snapshot).", error.Message);
    }

    [Fact]
    public void A_snapshot_written_with_other_half_lives_is_refused()
    {
        using var folder = new TempDirectory();
        var scenario = new JournalScenario(seed: 9, 10);
        using (EventTracker tracker = Open(folder.Path, scenario))
        {
            scenario.Play(tracker, 0, 10);
            tracker.SaveSnapshot();
        }

        var options = new EventTrackerOptions { ShortHalfLife = TimeSpan.FromHours(2), Journal = new EventJournalOptions(folder.Path) };
        var error = Assert.Throws<EventJournalException>(() => new EventTracker(scenario.Items, options));

        Assert.Contains("the snapshot was written with ShortHalfLife 01:00:00 and BaselineHalfLife 1.00:00:00, but the tracker's options have "
            + "02:00:00 and 1.00:00:00", error.Message);
    }

    /// <summary>Tracks the scenario into a fresh journal (one segment) and returns the segment and its length after each call: where each
    /// record ends, measured on the file, not by the journal's own reader.</summary>
    private static (string Segment, long[] Ends) WriteJournal(string directory, JournalScenario scenario)
    {
        var ends = new long[scenario.Calls.Count];
        using EventTracker tracker = Open(directory, scenario, JournalFlushPolicy.GroupCommit);
        string segment = Directory.GetFiles(directory, "events-*.journal").Single();
        for (int n = 0; n < ends.Length; n++)
        {
            scenario.Play(tracker, n, n + 1);
            ends[n] = new FileInfo(segment).Length;
        }

        Assert.True(ends.Zip(ends.Skip(1)).All(pair => pair.First < pair.Second), "every call appends one record");
        return (segment, ends);
    }

    /// <summary>The surfaces of an in-memory tracker after the first k calls, for every k.</summary>
    private static string[] ExpectedSurfaces(JournalScenario scenario)
    {
        var expected = new string[scenario.Calls.Count + 1];
        for (int k = 0; k <= scenario.Calls.Count; k++)
        {
            var tracker = new EventTracker(scenario.Items, null, null, new ManualTimeProvider(scenario.End));
            scenario.Play(tracker, 0, k);
            expected[k] = scenario.Surfaces(tracker);
        }

        return expected;
    }

    private static EventTracker Open(string directory, JournalScenario scenario, JournalFlushPolicy policy = JournalFlushPolicy.EveryRecord) =>
        new(scenario.Items, new EventTrackerOptions { Journal = new EventJournalOptions(directory) { FlushPolicy = policy } }, null,
            new ManualTimeProvider(scenario.End));
}
