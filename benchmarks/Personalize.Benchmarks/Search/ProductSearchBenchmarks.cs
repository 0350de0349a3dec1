using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Search;

namespace Personalize.Benchmarks.Search;

/// <summary>
/// One page (20) of a two-word query ("steel kettle": about 1/480 of the catalogue matches both words) with a filter (price ≤ 50 and in
/// stock), over a generated catalogue (100k items; <c>PERSONALIZE_SEARCH_BENCH_ITEMS=1000000</c> for 1M) and a 64-factor model of
/// the same items: text relevance alone (the baseline), personalized for a known user, and the Lucene match alone. Also "related to
/// your search" (10 items) on top of the personalized page.
/// </summary>
[MemoryDiagnoser]
public class ProductSearchBenchmarks
{
    private CatalogSearchIndex _index = null!;
    private Recommender _recommender = null!;
    private ProductSearch _textOnly = null!;
    private ProductSearch _personalized = null!;
    private SearchRequest _request = null!;

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
        _personalized.Search(_request with { Related = 10 });   // first use: unit-length item factors, value indices
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        _recommender.Dispose();
    }

    [Benchmark(Baseline = true, Description = "text relevance only, filtered page")]
    public int TextOnly() => _textOnly.Search(_request).Page.Count;

    [Benchmark(Description = "personalized, filtered page")]
    public int Personalized() => _personalized.Search(_request).Page.Count;

    [Benchmark(Description = "personalized page + related to your search (10)")]
    public int PersonalizedWithRelated() => _personalized.Search(_request with { Related = 10 }).Related.Count;

    [Benchmark(Description = "Lucene match alone (no filter, no page)")]
    public int MatchOnly() => _index.Match(_request.Query).Candidates.Count;
}
