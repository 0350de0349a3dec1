using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Benchmarks.Training;

/// <summary>
/// One epoch of implicit ALS (a user half-step and an item half-step, with the loss) on 6,000 users × 4,000 items × 1M interactions,
/// 64 factors. The measured call also converts weights to confidences and computes regularization (well under 5% of the time).
/// </summary>
[MemoryDiagnoser]
public class AlsEpochBenchmarks
{
    private FeedbackMatrix _feedback = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(ImplicitAlsSolver.ConjugateGradient)]
    public ImplicitAlsSolver Solver { get; set; }

    [GlobalSetup]
    public void Setup() => _feedback = Synthetic.Feedback(seed: 42, users: 6000, items: 4000, interactions: 1_000_000);

    [Benchmark(Description = "one ALS epoch, 1M interactions, 64 factors")]
    public FactorModel OneEpoch() => new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options
    {
        NumberOfFactors = 64,
        NumberOfIterations = 1,
        NumberOfThreads = Threads,
        Solver = Solver,
    }).Fit(_feedback);
}
