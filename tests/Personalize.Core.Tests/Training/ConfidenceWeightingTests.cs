using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

/// <summary><see cref="ConfidenceWeighting"/>: how weights become confidence, what Automatic picks, and fold-in agreeing with the trainer.</summary>
public sealed class ConfidenceWeightingTests
{
    /// <summary>120 users over 40 items; weights are play-count-like (1 to about 50,000, heavy tail) when <paramref name="heavy"/>, else 1–10.</summary>
    private static FeedbackMatrix Feedback(bool heavy, int seed = 3)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < 120; u++)
        {
            foreach (int i in Enumerable.Range(0, 40).OrderBy(_ => random.Next()).Take(10))
            {
                double weight = heavy ? Math.Floor(Math.Exp(random.NextDouble() * random.NextDouble() * 11)) : 1 + random.Next(10);
                rows.Add(new Interaction($"u{u}", $"i{(u % 4 * 10 + i) % 40}", Value: (float)weight));
            }
        }

        return FeedbackMatrix.FromLog(InteractionLog.Create(rows));
    }

    [Theory]
    [InlineData(false, "linear")]
    [InlineData(true, "log")]
    public void Automatic_is_logarithmic_only_for_heavy_tailed_weights_and_the_model_records_the_choice(bool heavy, string expected)
    {
        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 4, NumberOfIterations = 2 }).Fit(Feedback(heavy));

        Assert.Equal(expected, model.Properties["weighting"]);
    }

    [Fact]
    public void Automatic_resolves_by_the_ratio_of_the_largest_weight_to_the_median()
    {
        Assert.Equal(ConfidenceWeighting.Linear, ImplicitAlsTrainer.Resolve(ConfidenceWeighting.Automatic, [1, 1, 4, 10, 15, 1, 60]));
        Assert.Equal(ConfidenceWeighting.Logarithmic, ImplicitAlsTrainer.Resolve(ConfidenceWeighting.Automatic, [1, 2, 3, 2, 1, 5000]));
        Assert.Equal(ConfidenceWeighting.Linear, ImplicitAlsTrainer.Resolve(ConfidenceWeighting.Linear, [1, 2, 3, 2, 1, 5000]));
        Assert.Equal(ConfidenceWeighting.Logarithmic, ImplicitAlsTrainer.Resolve(ConfidenceWeighting.Logarithmic, [1, 1]));
        Assert.Equal(ConfidenceWeighting.Linear, ImplicitAlsTrainer.Resolve(ConfidenceWeighting.Automatic, []));
    }

    [Fact]
    public void On_equal_weights_logarithmic_and_linear_train_the_same_model()
    {
        var rows = new List<Interaction>();
        var random = new Random(5);
        for (int u = 0; u < 60; u++)
        {
            foreach (int i in Enumerable.Range(0, 30).OrderBy(_ => random.Next()).Take(8))
            {
                rows.Add(new Interaction($"u{u}", $"i{i}"));
            }
        }

        FeedbackMatrix feedback = FeedbackMatrix.FromLog(InteractionLog.Create(rows));
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 6, NumberOfIterations = 5, NumberOfThreads = 1 };

        FactorModel linear = new ImplicitAlsTrainer(options with { Weighting = ConfidenceWeighting.Linear }).Fit(feedback);
        FactorModel log = new ImplicitAlsTrainer(options with { Weighting = ConfidenceWeighting.Logarithmic }).Fit(feedback);

        for (int u = 0; u < linear.Users.Count; u++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(linear.GetUserFactors(u), log.GetUserFactors(u)) > 0.9999f, $"user {u}");
        }
    }

    [Fact]
    public void Logarithmic_weighting_keeps_heavy_users_from_dominating_an_item()
    {
        FeedbackMatrix feedback = Feedback(heavy: true);
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 6, NumberOfIterations = 6, NumberOfThreads = 1 };

        FactorModel linear = new ImplicitAlsTrainer(options with { Weighting = ConfidenceWeighting.Linear }).Fit(feedback);
        FactorModel log = new ImplicitAlsTrainer(options with { Weighting = ConfidenceWeighting.Logarithmic }).Fit(feedback);

        Assert.Equal("linear", linear.Properties["weighting"]);
        Assert.Equal("log", log.Properties["weighting"]);
        Assert.NotEqual(linear.UserFactors.ToArray(), log.UserFactors.ToArray());
    }

    [Fact]
    public void Fold_in_under_logarithmic_weighting_lands_on_the_trained_vectors()
    {
        FactorModel model = new ImplicitAlsTrainer(new()
        {
            NumberOfFactors = 6, NumberOfIterations = 15, NumberOfThreads = 1, Solver = ImplicitAlsSolver.Cholesky, Weighting = ConfidenceWeighting.Logarithmic,
        }).Fit(Feedback(heavy: true));
        using var recommender = new Recommender(model);
        var vector = new float[model.NumberOfFactors];
        float worst = 1;

        for (int u = 0; u < model.Users.Count; u++)
        {
            recommender.FoldIn(model.Users.GetId(u), [], [], vector);
            worst = MathF.Min(worst, TensorPrimitives.CosineSimilarity(model.GetUserFactors(u), vector));
        }

        Assert.True(worst > 0.999f, $"worst cosine {worst:F5}");
    }

    [Fact]
    public void An_undefined_weighting_is_refused()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => new ImplicitAlsTrainer(new() { Weighting = (ConfidenceWeighting)7 }));

        Assert.Contains("Weighting", error.Message);
    }
}
