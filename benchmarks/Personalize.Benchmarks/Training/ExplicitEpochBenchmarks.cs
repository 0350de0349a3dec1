using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Benchmarks.Training;

/// <summary>
/// One epoch of the explicit trainer (block-parallel SGD) on 1M synthetic ratings (20,000 users × 5,000 items), 64 factors.
/// The measured call includes the setup (cells, shuffle, bias warm start, aligned tables: tens of ms, more than an epoch), so one
/// epoch is <c>(T(Epochs = 11) − T(Epochs = 1)) / 10</c>: ten epochs' difference, well above the setup's noise (with 2 − 1 the setup's
/// noise swallowed the epoch and two epochs could come out faster than one). The same holds for one sweep of Bayesian sampling
/// (<see cref="BiasedMatrixFactorizationTrainer.Options.UseBayesianSampling"/>), at the 32 factors automatic tuning gives it.
/// </summary>
[MemoryDiagnoser]
public class ExplicitEpochBenchmarks
{
    private RatingMatrix _ratings = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(1, 11)]
    public int Epochs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var rows = new List<Interaction>(1_000_000);
        var pairs = new HashSet<long>();
        while (rows.Count < 1_000_000)
        {
            int user = random.Next(20_000), item = random.Next(5_000);
            if (pairs.Add(((long)user << 32) | (uint)item))
            {
                rows.Add(new Interaction("u" + user, "i" + item, Rating: 1 + random.Next(5)));
            }
        }

        _ratings = RatingMatrix.FromLog(InteractionLog.Create(rows));
    }

    [Benchmark(Description = "explicit MF, 1M ratings, 64 factors")]
    public FactorModel Fit() => new BiasedMatrixFactorizationTrainer(new BiasedMatrixFactorizationTrainer.Options
    {
        NumberOfFactors = 64,
        NumberOfIterations = Epochs,
        NumberOfThreads = Threads,
    }).Fit(_ratings);

    [Benchmark(Description = "Bayesian MF sweeps, 1M ratings, 32 factors")]
    public FactorModel Bayesian() => new BiasedMatrixFactorizationTrainer(new BiasedMatrixFactorizationTrainer.Options
    {
        UseBayesianSampling = true,
        NumberOfFactors = 32,
        NumberOfIterations = Epochs,
        NumberOfThreads = Threads,
    }).Fit(_ratings);
}
