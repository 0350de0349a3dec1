using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Scoring;
using Personalize.Core.Tracking;

namespace Personalize.Benchmarks.Tracking;

/// <summary>
/// Query time of the live surfaces over a tracker fed 2,000,000 events: trending now over 10k and 100k items (all items, a 10% filter,
/// one of 10 categories) against a reference that decays every item's two counts with <see cref="Math.Pow(double, double)"/> at query
/// time (what the stored-value-and-time design costs), and one user's recently viewed and buy-again lists.
/// </summary>
[MemoryDiagnoser]
public class LiveSurfaceBenchmarks
{
    private EventTracker _tracker = null!;
    private CompiledFilter _tenPercent = null!;
    private readonly TrendingItem[] _trending = new TrendingItem[10];
    private readonly ViewedItem[] _viewed = new ViewedItem[10];
    private readonly BuyAgainItem[] _again = new BuyAgainItem[10];
    private double[] _shortValue = [], _baseValue = [], _lastSeconds = [];
    private double _nowSeconds;
    private readonly float[] _scores = new float[10];
    private readonly int[] _best = new int[10];
    private string _user = "";

    [Params(10_000, 100_000)]
    public int ItemCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var events = new LiveEvents(seed: 7, count: 2_000_000, users: 20_000, items: ItemCount);
        string path = Path.Combine(Path.GetTempPath(), "personalize-bench-live-items.csv");
        var random = new Random(7);
        using (var writer = new StreamWriter(path))
        {
            writer.Write("item_id,category,bucket\n");
            for (int i = 0; i < ItemCount; i++)
            {
                writer.Write($"i{i},Shop/C{i % 10},{random.Next(100)}\n");
            }
        }

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);
        _tracker = new EventTracker(events.ItemMap, catalog: catalog, timeProvider: new Fixed(events.Times[^1]));
        for (int e = 0; e < events.Users.Length; e++)
        {
            _tracker.Track(events.Users[e], events.Items[e], events.Types[e], events.Times[e]);
        }

        _tenPercent = FilterCompiler.Compile(Filter.Where("bucket").LessThan(10), catalog, events.ItemMap);
        _user = events.Users[^1];

        // The reference keeps, per item, both decayed values as of the item's last event and that event's time.
        _shortValue = new double[ItemCount];
        _baseValue = new double[ItemCount];
        _lastSeconds = new double[ItemCount];
        for (int e = 0; e < events.Users.Length; e++)
        {
            int item = events.ItemMap.GetIndex(events.Items[e]);
            double t = events.Times[e].ToUnixTimeMilliseconds() / 1000.0;
            double dt = t - _lastSeconds[item];
            _shortValue[item] = (_shortValue[item] * Math.Pow(2, -dt / 3600)) + 1;
            _baseValue[item] = (_baseValue[item] * Math.Pow(2, -dt / 86400)) + 1;
            _lastSeconds[item] = t;
        }

        _nowSeconds = events.Times[^1].ToUnixTimeMilliseconds() / 1000.0;
    }

    [Benchmark(Baseline = true, Description = "reference: decay every item at query time")]
    public int Reference()
    {
        int kept = 0;
        for (int i = 0; i < _shortValue.Length; i++)
        {
            if (_baseValue[i] == 0)
            {
                continue;
            }

            double age = _nowSeconds - _lastSeconds[i];
            double recent = _shortValue[i] * Math.Pow(2, -age / 3600);
            double expected = _baseValue[i] * Math.Pow(2, -age / 86400) / 24;
            MinHeap.Offer(_scores, _best, ref kept, (float)((recent + 5) / (expected + 5)), i);
        }

        MinHeap.SortDescending(_scores, _best, kept);
        return kept;
    }

    [Benchmark(Description = "TrendingNow top-10")]
    public int TrendingNow() => _tracker.TrendingNow(_trending);

    [Benchmark(Description = "TrendingNow top-10, 10% filter")]
    public int TrendingNowFiltered() => _tracker.TrendingNow(_trending, _tenPercent);

    [Benchmark(Description = "TrendingNow top-10, one category (10%)")]
    public int TrendingNowCategory() => _tracker.TrendingNow(_trending, category: "Shop/C3");

    [Benchmark(Description = "RecentlyViewed top-10")]
    public int RecentlyViewed() => _tracker.RecentlyViewed(_user, _viewed);

    [Benchmark(Description = "BuyAgain top-10")]
    public int BuyAgain() => _tracker.BuyAgain(_user, _again);

    private sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
