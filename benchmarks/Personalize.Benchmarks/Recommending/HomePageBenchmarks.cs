using BenchmarkDotNet.Attributes;
using Personalize.Benchmarks.Tracking;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Pages;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;

namespace Personalize.Benchmarks.Recommending;

/// <summary>
/// A home page of 5 shelves of 10 (for you, related to viewed, recently viewed, buy again, trending) over 100k items × 64 factors,
/// with a business filter (in stock, ~75%) and a tracker that has taken 1M live events from 20k users; against one plain top-10.
/// </summary>
[MemoryDiagnoser]
public class HomePageBenchmarks
{
    private const int Items = 100_000;
    private Recommender _recommender = null!;
    private HomePageBuilder _builder = null!;
    private HomePageRequest _request = null!;
    private readonly Recommendation[] _top = new Recommendation[10];
    private string _user = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        FactorModel model = Synthetic.Model(random, users: 20_000, items: Items, rank: 64, seenPerUser: 20);
        string path = Path.Combine(Path.GetTempPath(), "personalize-bench-home-items.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("item_id,category,in_stock\n");
            for (int i = 0; i < Items; i++)
            {
                writer.Write($"i{i},Shop/C{i % 10},{(random.Next(4) != 0 ? "true" : "false")}\n");
            }
        }

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);
        var events = new LiveEvents(seed: 3, count: 1_000_000, users: 20_000, items: Items);
        var tracker = new EventTracker(model, catalog: catalog, timeProvider: new FixedClock(events.Times[^1]));
        for (int e = 0; e < events.Users.Length; e++)
        {
            tracker.Track(events.Users[e], events.Items[e], events.Types[e], events.Times[e]);
        }

        _recommender = new Recommender(model, catalog, null);
        _builder = new HomePageBuilder(_recommender, tracker);
        _user = events.Users[^1];
        _request = new HomePageRequest(_user,
        [
            new("for-you", ShelfKind.ForYou, 10),
            new("related", ShelfKind.RelatedToRecentlyViewed, 10),
            new("viewed", ShelfKind.RecentlyViewed, 10),
            new("again", ShelfKind.BuyAgain, 10),
            new("trending", ShelfKind.TrendingNow, 10),
        ]) { BusinessFilter = Filter.Where("in_stock").IsTrue() };
        _builder.Build(_request);   // compiles and caches the business filter once, as a server's first page would
    }

    [GlobalCleanup]
    public void Cleanup() => _recommender.Dispose();

    [Benchmark(Baseline = true, Description = "one top-10 (for you only)")]
    public int TopTen() => _recommender.ForUser(_user, null, _top, out _);

    [Benchmark(Description = "home page: 5 shelves of 10")]
    public int HomePage() => _builder.Build(_request).Shelves.Sum(s => s.Items.Count);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
