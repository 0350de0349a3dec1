using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Filtering;

/// <summary>
/// Filtered top-10 over 100k items × 64 factors at 50%, 10% and 1% selectivity, against the unfiltered query in the same run.
/// The filter (<c>bucket &lt; s</c> on a uniform 0..99 attribute) is compiled once in setup, as a server would.
/// </summary>
[MemoryDiagnoser]
public class FilteredTopKBenchmarks
{
    private Recommender _recommender = null!;
    private CompiledFilter _filter = null!;
    private readonly Recommendation[] _destination = new Recommendation[10];

    [Params(50, 10, 1)]
    public int SelectivityPercent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        FactorModel model = Synthetic.Model(random, users: 1, items: 100_000, rank: 64, seenPerUser: 20);
        string path = Path.Combine(Path.GetTempPath(), "personalize-bench-items.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("item_id,bucket\n");
            for (int i = 0; i < 100_000; i++)
            {
                writer.Write($"i{i},{random.Next(100)}\n");
            }
        }

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);
        _filter = FilterCompiler.Compile(Filter.Where("bucket").LessThan(SelectivityPercent), catalog, model.Items);
        _recommender = new Recommender(model);
    }

    [GlobalCleanup]
    public void Cleanup() => _recommender.Dispose();

    [Benchmark(Baseline = true, Description = "unfiltered top-10")]
    public int Unfiltered() => _recommender.ForUser("u0", null, _destination, out _);

    [Benchmark(Description = "filtered top-10")]
    public int Filtered() => _recommender.ForUser("u0", _filter, _destination, out _);
}
