using BenchmarkDotNet.Attributes;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;

namespace Personalize.Benchmarks.Serving;

/// <summary>
/// What hot-swap serving costs per query: a top-10 through a <see cref="ModelStore"/> lease (acquire, query, release) against the same
/// query on a plain <see cref="Recommender"/> (the baseline), and the swap itself (a new recommender and one atomic exchange).
/// </summary>
[MemoryDiagnoser]
public class ModelStoreBenchmarks
{
    private FactorModel _model = null!;
    private FactorModel _other = null!;
    private Recommender _recommender = null!;
    private ModelStore _store = null!;
    private readonly Recommendation[] _destination = new Recommendation[10];

    [Params(10_000, 100_000)]
    public int ItemCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _model = Synthetic.Model(random, users: 100, items: ItemCount, rank: 64, seenPerUser: 20);
        _other = Synthetic.Model(random, users: 100, items: ItemCount, rank: 64, seenPerUser: 20);
        _recommender = new Recommender(_model);
        _store = new ModelStore(_model, "benchmark");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _recommender.Dispose();
        _store.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Recommender.ForUser (span)")]
    public int Direct() => _recommender.ForUser("u7", null, _destination, out _);

    [Benchmark(Description = "lease + ForUser (span)")]
    public int ThroughLease()
    {
        using ModelLease lease = _store.Acquire();
        return lease.Recommender.ForUser("u7", null, _destination, out _);
    }

    [Benchmark(Description = "swap (TrySwap)")]
    public long Swap() => _store.TrySwap(_store.Model == _model ? _other : _model, "benchmark").Version;
}
