using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Search;

namespace Personalize.Benchmarks.Search;

/// <summary>Building the in-memory search index of a generated catalogue (100k items; <c>PERSONALIZE_SEARCH_BENCH_ITEMS=1000000</c> for
/// 1M): title, brand, category and tags analysed, the vocabulary for typo tolerance read.</summary>
[MemoryDiagnoser]
public class SearchIndexBuildBenchmarks
{
    private ItemCatalog _catalog = null!;

    [ParamsSource(nameof(ItemCounts))]
    public int ItemCount { get; set; }

    public static IEnumerable<int> ItemCounts() => SearchCatalog.ItemCounts();

    [GlobalSetup]
    public void Setup() => _catalog = SearchCatalog.Create(ItemCount);

    [Benchmark(Description = "CatalogSearchIndex.Build, in memory")]
    public int Build()
    {
        using CatalogSearchIndex index = CatalogSearchIndex.Build(_catalog);
        return index.Catalog.Count;
    }
}
