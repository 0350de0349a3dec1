using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Search;

namespace Personalize.Benchmarks.Search;

/// <summary>
/// One page (20) of a two-word query ("steel kettle": about 1/480 of the catalogue matches both words) with a filter (price ≤ 50 and in
/// stock), over a generated catalogue (100k items; <c>PERSONALIZE_SEARCH_BENCH_ITEMS=1000000</c> for 1M) and a 64-factor model of
/// the same items: the Lucene match alone (the baseline: the ratio column is each method's time over it, measured in the same run),
/// text relevance alone, personalized for a known user, the personalized page built the previous way (over catalogue-sized arrays),
/// and "related to your search" (10 items) on top of the personalized page.
/// </summary>
/// <remarks>Latency percentiles are per query when each iteration is one query: run with <c>--invocationCount 1 --unrollFactor 1
/// --iterationCount 1000</c> (benchmarks/README.md); the P50, P95 and P99 columns are then over those 1000 single queries.</remarks>
[MemoryDiagnoser]
[Config(typeof(LatencyPercentilesConfig))]
[Outliers(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove)]   // a percentile must count the slow queries
public class ProductSearchBenchmarks
{
    private CatalogSearchIndex _index = null!;
    private Recommender _recommender = null!;
    private ProductSearch _textOnly = null!;
    private ProductSearch _personalized = null!;
    private SearchRequest _request = null!;
    private CatalogBrowser _browser = null!;
    private BrowseRequest _browse = null!;

    [ParamsSource(nameof(ItemCounts))]
    public int ItemCount { get; set; }

    public static IEnumerable<int> ItemCounts() => SearchCatalog.ItemCounts();

    [GlobalSetup]
    public void Setup()
    {
        ItemCatalog catalog = SearchCatalog.Create(ItemCount);
        _index = CatalogSearchIndex.Build(catalog);
        FactorModel model = Synthetic.Model(new Random(7), users: 1_000, items: ItemCount, rank: 64, seenPerUser: 20);
        _recommender = new Recommender(model);
        _textOnly = new ProductSearch(_index);
        _personalized = new ProductSearch(_index, _recommender);
        Filter filter = FilterText.Parse("price <= 50 and in_stock", catalog.Schema).Value;
        _request = new SearchRequest("steel kettle") { UserId = "u42", Filter = filter, PageSize = 20 };
        _browser = new CatalogBrowser(catalog, model);
        _browse = new BrowseRequest { UserId = "u42", Filter = filter, PageSize = 20 };
        _personalized.Search(_request with { Related = 10 });   // first use: unit-length item factors, value indices
        if (PreviousPage() != Personalized())
        {
            throw new InvalidOperationException("The page built over catalogue-sized arrays differs from the search page.");
        }

        // Every benchmark runs in one process (--inProcess) and the first ones would otherwise be measured partly on tier-0 code:
        // a few rounds of calls with pauses let tiered compilation promote the query path (it counts calls once jitting is quiet).
        for (int round = 0; round < 3; round++)
        {
            for (int call = 0; call < 100; call++)
            {
                MatchOnly();
                TextOnly();
                Personalized();
                PreviousPage();
            }

            Thread.Sleep(200);
        }

        // The set-up's garbage (the catalogue file, the index build) is collected now, not by a background GC during the first
        // measured queries (with --noForcedGCs nothing else collects it before them).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        _recommender.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Lucene match alone (no filter, no page)")]
    public int MatchOnly() => _index.Match(_request.Query).Candidates.Count;

    [Benchmark(Description = "text relevance only, filtered page")]
    public int TextOnly() => _textOnly.Search(_request).Page.Count;

    [Benchmark(Description = "personalized, filtered page")]
    public int Personalized() => _personalized.Search(_request).Page.Count;

    [Benchmark(Description = "personalized, filtered page, previous way (catalogue-sized arrays)")]
    public int PreviousPage()
    {
        TextMatch match = _index.Match(_request.Query);
        RankedList ranked = _recommender.Rank(_request.UserId!, match.Candidates, _personalized.RankOptions);
        return _browser.BrowseByCatalogScan(_browse, ranked).Count;
    }

    [Benchmark(Description = "personalized page + related to your search (10)")]
    public int PersonalizedWithRelated() => _personalized.Search(_request with { Related = 10 }).Related.Count;

    /// <summary>Adds the median, 95th and 99th percentile of the iterations (per query when each iteration is one query).</summary>
    private sealed class LatencyPercentilesConfig : ManualConfig
    {
        public LatencyPercentilesConfig() => AddColumn(StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99));
    }

    /// <summary>A percentile of the iteration times, in milliseconds (BenchmarkDotNet's own columns stop at P95).</summary>
    private sealed class PercentileColumn(int percentile) : IColumn
    {
        public string Id => $"{nameof(PercentileColumn)}.P{percentile}";

        public string ColumnName => $"P{percentile}";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 100;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"Percentile {percentile} of the iteration times (per query with --invocationCount 1 --unrollFactor 1)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics is { } statistics
                ? (statistics.Percentiles.Percentile(percentile) / 1e6).ToString("F3", CultureInfo.InvariantCulture) + " ms"
                : "NA";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
