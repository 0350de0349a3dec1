using BenchmarkDotNet.Attributes;
using Personalize.Core.Tracking;

namespace Personalize.Benchmarks.Tracking;

/// <summary>
/// <see cref="EventTracker.Track"/> throughput with the event journal off (the in-memory baseline), with
/// <see cref="JournalFlushPolicy.GroupCommit"/> (each record handed to the operating system, flushed to disk every 100 ms) and with
/// <see cref="JournalFlushPolicy.EveryRecord"/> (each call returns after its record is flushed to disk; concurrent calls share a flush),
/// from 1 or 4 writer threads. 2,000 events per invocation over 1,000 users and 10,000 items; reported time is per event. Unlike the
/// other benchmarks the measured method does I/O on purpose: the journal's writes and flushes are what is measured. Snapshots are off
/// (<see cref="EventJournalOptions.SnapshotAfterRecords"/> at its maximum), so only the append path is timed.
/// </summary>
[MemoryDiagnoser]
public class JournalThroughputBenchmarks
{
    private const int Events = 2_000;
    private LiveEvents _events = null!;
    private EventTracker _memory = null!;
    private EventTracker _groupCommit = null!;
    private EventTracker _everyRecord = null!;
    private string _directory = "";

    /// <summary>Threads tracking at once: with <see cref="JournalFlushPolicy.EveryRecord"/>, more writers share each disk flush.</summary>
    [Params(1, 4)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = new LiveEvents(seed: 42, Events, users: 1_000, items: 10_000);
        _directory = Path.Combine(Path.GetTempPath(), "personalize-journal-bench-" + Guid.NewGuid().ToString("N"));
        _memory = new EventTracker(_events.ItemMap);
        _groupCommit = Journaled(JournalFlushPolicy.GroupCommit);
        _everyRecord = Journaled(JournalFlushPolicy.EveryRecord);
        foreach (EventTracker tracker in (EventTracker[])[_memory, _groupCommit, _everyRecord])
        {
            Track(tracker, 0, Events);   // every user exists: the steady state of a running shop
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// journal records: group commit {_groupCommit.GetReport().Journal!.LastSequence:N0}, "
            + $"every record {_everyRecord.GetReport().Journal!.LastSequence:N0}");
        _memory.Dispose();
        _groupCommit.Dispose();
        _everyRecord.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "Track, no journal")]
    public int NoJournal() => Run(_memory);

    [Benchmark(OperationsPerInvoke = Events, Description = "Track, journal GroupCommit (100 ms)")]
    public int GroupCommit() => Run(_groupCommit);

    [Benchmark(OperationsPerInvoke = Events, Description = "Track, journal EveryRecord")]
    public int EveryRecord() => Run(_everyRecord);

    private EventTracker Journaled(JournalFlushPolicy policy) => new(_events.ItemMap, new EventTrackerOptions
    {
        Journal = new EventJournalOptions(Path.Combine(_directory, policy.ToString())) { FlushPolicy = policy, SnapshotAfterRecords = int.MaxValue },
    });

    private int Run(EventTracker tracker)
    {
        if (Writers == 1)
        {
            return Track(tracker, 0, Events);
        }

        var threads = new Thread[Writers];
        var accepted = new int[Writers];
        int share = Events / Writers;
        for (int w = 0; w < Writers; w++)
        {
            int writer = w;
            threads[w] = new Thread(() => accepted[writer] = Track(tracker, writer * share, (writer + 1) * share));
            threads[w].Start();
        }

        int total = 0;
        for (int w = 0; w < Writers; w++)
        {
            threads[w].Join();
            total += accepted[w];
        }

        return total;
    }

    private int Track(EventTracker tracker, int from, int to)
    {
        int accepted = 0;
        string[] users = _events.Users, items = _events.Items, types = _events.Types;
        DateTimeOffset[] times = _events.Times;
        for (int e = from; e < to; e++)
        {
            accepted += tracker.Track(users[e], items[e], types[e], times[e]) == TrackOutcome.Accepted ? 1 : 0;
        }

        return accepted;
    }
}
