using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Benchmarks.Training;

/// <summary>One rating prediction by ids (two id lookups, a 64-factor dot product, clamping): it must allocate nothing.</summary>
[MemoryDiagnoser]
public class PredictionBenchmarks
{
    private FactorModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var rows = new List<Interaction>();
        for (int r = 0; r < 20_000; r++)
        {
            rows.Add(new Interaction("u" + random.Next(500), "i" + random.Next(400), Rating: 1 + random.Next(5)));
        }

        _model = new BiasedMatrixFactorizationTrainer(new() { NumberOfFactors = 64, NumberOfIterations = 1 })
            .Fit(RatingMatrix.FromLog(InteractionLog.Create(rows), new RatingMatrixOptions { Duplicates = DuplicateRatingPolicy.Average }));
    }

    [Benchmark(Baseline = true, Description = "PredictRating by index")]
    public float ByIndex() => _model.PredictRating(7, 11);

    [Benchmark(Description = "PredictRating by id")]
    public float ById() => _model.PredictRating("u7", "i11");

    [Benchmark(Description = "PredictRating, unknown user (bias fallback)")]
    public float Unknown() => _model.PredictRating("nobody", "i11");
}
