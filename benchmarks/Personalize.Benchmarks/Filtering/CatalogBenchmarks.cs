using System.Globalization;
using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Filtering;

namespace Personalize.Benchmarks.Filtering;

/// <summary>
/// Customization over a 1M-item catalogue (50 brands, 40 category paths, prices, half-star ratings, stock, tags): compiling a
/// 10-clause filter into a bitset, and exact facet counts (brand, category, price ranges, rating thresholds) over the items it leaves
/// eligible and over the whole catalogue.
/// </summary>
[MemoryDiagnoser]
public class CatalogBenchmarks
{
    private const int Items = 1_000_000;
    private ItemCatalog _catalog = null!;
    private Filter _tenClauses = null!;
    private CompiledFilter _compiled = null!;
    private IReadOnlyList<FacetRequest> _facets = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string path = Path.Combine(Path.GetTempPath(), "personalize-bench-catalog-1m.csv");
        string[] tags = ["sale", "new", "eco", "premium", "value", "bundle"];
        using (var writer = new StreamWriter(path))
        {
            writer.Write("item_id,brand,category,price,rating,in_stock,tags\n");
            for (int i = 0; i < Items; i++)
            {
                string tagList = string.Join('|', tags.Where(_ => random.Next(4) == 0));
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"i{i},B{random.Next(50)},C{random.Next(8)}/S{random.Next(5)},{random.Next(100, 20000) / 100m},{random.Next(2, 11) / 2.0},{(random.Next(4) != 0 ? "true" : "false")},{tagList}\n"));
            }
        }

        _catalog = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = new CatalogSchema([new("tags", AttributeType.Tags)]) });
        _tenClauses = FilterText.Parse(
            "brand in (\"B1\", \"B2\", \"B3\", \"B4\", \"B5\", \"B6\", \"B7\", \"B8\", \"B9\", \"B10\", \"B11\", \"B12\", \"B13\", \"B14\", \"B15\", \"B16\", \"B17\", \"B18\", \"B19\", \"B20\") "
            + "and price between 10 and 150 and rating >= 2.5 and in_stock and not category under \"C7\" and (tags contains any (\"sale\", \"eco\") "
            + "or price <= 40) and rating <= 4.5 and category under \"C1\" or category under \"C2\" or brand = \"B30\"", _catalog.Schema).Value;
        _compiled = FilterCompiler.Compile(_tenClauses, _catalog, _catalog.Items);
        _facets = FacetRequest.ParseList("brand,category,price,rating");
        FacetCounter.Count(_catalog, _compiled, _facets);   // builds the cached value indices once, as the first query of a server would
    }

    /// <summary>How many items the filter leaves eligible (reported by the setup check).</summary>
    public int Eligible => _compiled.EligibleCount;

    [Benchmark(Description = "compile a 10-clause filter, 1M items")]
    public int Compile() => FilterCompiler.Compile(_tenClauses, _catalog, _catalog.Items).EligibleCount;

    [Benchmark(Description = "facet counts (4 attributes) over the filter's eligible items")]
    public int FacetsFiltered() => FacetCounter.Count(_catalog, _compiled, _facets).Count;

    [Benchmark(Description = "facet counts (4 attributes) over all 1M items")]
    public int FacetsAll() => FacetCounter.Count(_catalog, _facets).Count;
}
