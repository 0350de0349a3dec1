using BenchmarkDotNet.Attributes;
using Personalize.Core.Tracking;

namespace Personalize.Benchmarks.Tracking;

/// <summary>
/// <see cref="EventTracker.Track"/> throughput: 1,000,000 events over 10,000 items and 1,000 or 100,000 known users, tracked by one thread
/// (baseline) or split over two, and the trending counters alone (<see cref="EventTracker.TrackAnonymous"/>) on two threads, while 0 or 8
/// reader threads query <see cref="EventTracker.TrendingNow(Span{TrendingItem}, Personalize.Core.Filtering.CompiledFilter?, string?)"/>
/// and <see cref="EventTracker.RecentlyViewed(string, Span{ViewedItem}, Personalize.Core.Filtering.CompiledFilter?)"/> in turn, either in a
/// closed loop (as fast as they can: the worst case on 2 cores) or paced at 1,000 queries a second each. Reported time is per event.
/// </summary>
[MemoryDiagnoser]
public class TrackingThroughputBenchmarks
{
    private const int Events = 1_000_000;
    private LiveEvents _events = null!;
    private EventTracker _tracker = null!;
    private TimeSpan _shift;
    private Thread[] _readers = [];
    private volatile bool _stop;
    private long _queries;

    /// <summary>none, 8 paced (1,000 queries/s each) or 8 closed-loop readers.</summary>
    [Params("none", "8 paced", "8 closed-loop")]
    public string Readers { get; set; } = "none";

    /// <summary>Distinct users the events are spread over: 1,000 fit in the CPU caches, 100,000 do not.</summary>
    [Params(1_000, 100_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = new LiveEvents(seed: 42, Events, users: Users, items: 10_000);
        _tracker = new EventTracker(_events.ItemMap);
        Track(0, Events);   // every user exists: the measured calls are the steady state of a running shop
        int readers = Readers == "none" ? 0 : 8;
        bool paced = Readers == "8 paced";
        _readers = new Thread[readers];
        for (int r = 0; r < readers; r++)
        {
            int reader = r;
            _readers[r] = new Thread(() => Read(reader, paced)) { IsBackground = true };
            _readers[r].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        foreach (Thread reader in _readers)
        {
            reader.Join();
        }

        Console.WriteLine($"// readers: {Interlocked.Read(ref _queries):N0} queries; tracker: {_tracker.GetReport().Accepted:N0} events accepted");
    }

    [IterationSetup]
    public void NextDay() => _shift += _events.Span;   // each iteration's events come after the previous ones

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "Track, 1 writer")]
    public int OneWriter() => Track(0, Events);

    [Benchmark(OperationsPerInvoke = Events, Description = "Track, 2 writers")]
    public int TwoWriters()
    {
        int second = 0;
        var other = new Thread(() => second = Track(Events / 2, Events));
        other.Start();
        int first = Track(0, Events / 2);
        other.Join();
        return first + second;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "TrackAnonymous (counters only), 2 writers")]
    public int TwoWritersCountersOnly()
    {
        int second = 0;
        var other = new Thread(() => second = TrackAnonymous(Events / 2, Events));
        other.Start();
        int first = TrackAnonymous(0, Events / 2);
        other.Join();
        return first + second;
    }

    private int TrackAnonymous(int from, int to)
    {
        int accepted = 0;
        string[] items = _events.Items, types = _events.Types;
        DateTimeOffset[] times = _events.Times;
        TimeSpan shift = _shift;
        for (int e = from; e < to; e++)
        {
            accepted += _tracker.TrackAnonymous(items[e], types[e], times[e] + shift) == TrackOutcome.Accepted ? 1 : 0;
        }

        return accepted;
    }

    private int Track(int from, int to)
    {
        int accepted = 0;
        string[] users = _events.Users, items = _events.Items, types = _events.Types;
        DateTimeOffset[] times = _events.Times;
        TimeSpan shift = _shift;
        for (int e = from; e < to; e++)
        {
            accepted += _tracker.Track(users[e], items[e], types[e], times[e] + shift) == TrackOutcome.Accepted ? 1 : 0;
        }

        return accepted;
    }

    private void Read(int reader, bool paced)
    {
        var trending = new TrendingItem[10];
        var viewed = new ViewedItem[10];
        var random = new Random(reader);
        while (!_stop)
        {
            _tracker.TrendingNow(trending);
            _tracker.RecentlyViewed(_events.Users[random.Next(Events)], viewed);
            Interlocked.Add(ref _queries, 2);
            if (paced)
            {
                Thread.Sleep(2);   // two queries per 2 ms: 1,000 a second
            }
        }
    }
}
