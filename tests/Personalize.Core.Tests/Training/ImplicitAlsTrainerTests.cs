using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

public sealed class ImplicitAlsTrainerTests
{
    /// <summary>A log of planted taste: users in groups, each group interacting mostly with its own block of items.</summary>
    private static FeedbackMatrix PlantedFeedback(int seed, int users = 300, int items = 120, int groups = 4, int perUser = 12)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        int block = items / groups;
        for (int u = 0; u < users; u++)
        {
            int group = u % groups;
            for (int e = 0; e < perUser; e++)
            {
                int item = random.NextDouble() < 0.9 ? group * block + random.Next(block) : random.Next(items);
                rows.Add(new Interaction($"u{u}", $"i{item}", Value: 1 + random.Next(3)));
            }
        }

        return FeedbackMatrix.FromLog(InteractionLog.Create(rows));
    }

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new ImplicitAlsTrainer.Options();
        Assert.Equal(64, options.NumberOfFactors);
        Assert.Equal(15, options.NumberOfIterations);
        Assert.Equal(0.03f, options.Regularization);
        Assert.Equal(1f, options.RegularizationExponent);
        Assert.Equal(50f, options.ConfidenceScale);
        Assert.Equal(ConfidenceWeighting.Automatic, options.Weighting);
        Assert.Equal(ImplicitAlsSolver.ConjugateGradient, options.Solver);
        Assert.Equal(3, options.ConjugateGradientSteps);
        Assert.Equal(0.1f, options.InitialScale);
        Assert.Equal(42, options.Seed);
        Assert.Null(options.NumberOfThreads);
    }

    [Fact]
    public void Invalid_options_are_reported_together_in_one_message()
    {
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 0, Regularization = -0.1f, NumberOfThreads = 0 };
        var exception = Assert.Throws<ValidationException>(() => new ImplicitAlsTrainer(options));
        Assert.StartsWith("ImplicitAlsTrainer.Options is invalid (3 errors): ", exception.Message);
        Assert.Contains("NumberOfFactors", exception.Message);
        Assert.Contains("Regularization", exception.Message);
        Assert.Contains("NumberOfThreads", exception.Message);
    }

    [Fact]
    public void Fit_rejects_empty_feedback_with_a_clear_message()
    {
        var feedback = FeedbackMatrix.FromLog(InteractionLog.Create([]));
        var exception = Assert.Throws<ArgumentException>(() => new ImplicitAlsTrainer().Fit(feedback));
        Assert.Contains("no interactions", exception.Message);
    }

    [Fact]
    public void A_model_records_the_epochs_it_was_trained_for_also_when_stopped_early()
    {
        // The property "epochs" said the options' count: 15 for a fit stopped after epoch 2, 5 for the snapshot after epoch 1 of 5.
        FeedbackMatrix feedback = PlantedFeedback(seed: 4, users: 80, items: 40);
        var snapshots = new List<FactorModel>();
        FactorModel stopped = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 8, NumberOfThreads = 1 })
            .Fit(feedback, null, (epoch, model) => { snapshots.Add(model); return epoch < 2; }, CancellationToken.None);
        var ratings = RatingMatrix.FromLog(InteractionLog.Create([.. Enumerable.Range(0, 200).Select(r => new Interaction($"u{r % 20}", $"i{r % 13}", Rating: 1 + (r % 5)))]));
        FactorModel sgd = new BiasedMatrixFactorizationTrainer(new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 4, NumberOfThreads = 1 })
            .Fit(ratings, null, (epoch, _) => epoch < 3, CancellationToken.None);

        Assert.Equal(["1", "2"], snapshots.Select(m => m.Properties[ModelPropertyNames.Epochs]));
        Assert.Equal("2", stopped.Properties[ModelPropertyNames.Epochs]);
        Assert.Equal("3", sgd.Properties[ModelPropertyNames.Epochs]);
    }

    [Fact]
    public void A_fit_whose_factors_overflow_throws_instead_of_returning_a_model_of_NaN()
    {
        // Regularization 0, the exact solver and 3 items under 16 factors: singular equations. Fit returned all 528 factors NaN, and the
        // recommender then gave empty "personalized" lists.
        var rows = Enumerable.Range(0, 30).SelectMany(u => new[] { new Interaction($"u{u}", $"i{u % 3}"), new Interaction($"u{u}", $"i{(u + 1) % 3}") });
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(InteractionLog.Create([.. rows]));
        var singular = new ImplicitAlsTrainer.Options { NumberOfFactors = 16, NumberOfIterations = 15, Regularization = 0, Solver = ImplicitAlsSolver.Cholesky };

        var error = Assert.Throws<InvalidOperationException>(() => new ImplicitAlsTrainer(singular).Fit(feedback));
        FactorModel regularized = new ImplicitAlsTrainer(singular with { Regularization = 0.03f }).Fit(feedback);

        Assert.StartsWith("Training diverged in epoch ", error.Message);
        Assert.EndsWith("give a regularization above 0.", error.Message);
        Assert.All(regularized.UserFactors.ToArray(), f => Assert.True(float.IsFinite(f)));
    }

    [Theory]
    [InlineData(ImplicitAlsSolver.ConjugateGradient)]
    [InlineData(ImplicitAlsSolver.Cholesky)]
    public void Factors_are_bit_identical_whatever_the_thread_count(ImplicitAlsSolver solver)
    {
        FeedbackMatrix feedback = PlantedFeedback(seed: 1, users: 700, items: 1100);
        var one = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 16, NumberOfIterations = 4, NumberOfThreads = 1, Solver = solver })
            .Fit(feedback);
        var two = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 16, NumberOfIterations = 4, NumberOfThreads = 2, Solver = solver })
            .Fit(feedback);
        Assert.True(one.UserFactors.SequenceEqual(two.UserFactors), "user factors differ between 1 and 2 threads");
        Assert.True(one.ItemFactors.SequenceEqual(two.ItemFactors), "item factors differ between 1 and 2 threads");
    }

    [Fact]
    public void The_same_seed_gives_the_same_model_and_another_seed_a_different_one()
    {
        FeedbackMatrix feedback = PlantedFeedback(seed: 2);
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 3 };
        FactorModel a = new ImplicitAlsTrainer(options).Fit(feedback);
        FactorModel b = new ImplicitAlsTrainer(options).Fit(feedback);
        FactorModel c = new ImplicitAlsTrainer(options with { Seed = 7 }).Fit(feedback);
        Assert.True(a.ItemFactors.SequenceEqual(b.ItemFactors));
        Assert.False(a.ItemFactors.SequenceEqual(c.ItemFactors));
    }

    [Fact]
    public void Conjugate_gradient_with_enough_steps_reaches_the_exact_Cholesky_solution()
    {
        FeedbackMatrix feedback = PlantedFeedback(seed: 3, users: 120, items: 60);
        var exact = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 6, NumberOfIterations = 3, Solver = ImplicitAlsSolver.Cholesky })
            .Fit(feedback);
        var iterative = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 6, NumberOfIterations = 3, ConjugateGradientSteps = 30 })
            .Fit(feedback);
        for (int u = 0; u < feedback.NumberOfUsers; u++)
        {
            for (int i = 0; i < feedback.NumberOfItems; i++)
            {
                float expected = exact.Score(u, i);
                Assert.True(Math.Abs(expected - iterative.Score(u, i)) <= 1e-3f + 1e-3f * Math.Abs(expected),
                    $"score of user {u}, item {i}: Cholesky {expected}, CG {iterative.Score(u, i)}");
            }
        }
    }

    [Fact]
    public void Loss_never_increases_with_exact_solves_and_progress_is_reported_per_epoch()
    {
        FeedbackMatrix feedback = PlantedFeedback(seed: 4);
        var reports = new List<TrainingProgress>();
        new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 6, Solver = ImplicitAlsSolver.Cholesky })
            .Fit(feedback, new ListProgress(reports));
        Assert.Equal([1, 2, 3, 4, 5, 6], reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(6, r.NumberOfEpochs));
        for (int e = 1; e < reports.Count; e++)
        {
            Assert.True(reports[e].Loss <= reports[e - 1].Loss * (1 + 1e-6), $"loss rose from {reports[e - 1].Loss} to {reports[e].Loss} at epoch {e + 1}");
        }

        Assert.True(reports[^1].Loss < reports[0].Loss);
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        FeedbackMatrix feedback = PlantedFeedback(seed: 5);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new ImplicitAlsTrainer().Fit(feedback, cancellationToken: cancel.Token));
    }

    [Fact]
    public void It_learns_planted_groups_and_ranks_them_above_other_items()
    {
        FeedbackMatrix feedback = PlantedFeedback(seed: 6, users: 400, items: 200, groups: 4);
        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 8 }).Fit(feedback);
        using var recommender = new Recommender(model);
        int inGroup = 0, total = 0;
        for (int u = 0; u < 40; u++)
        {
            int group = u % 4;
            foreach (Recommendation r in recommender.ForUser($"u{u}", 10))
            {
                int item = int.Parse(r.ItemId.AsSpan(1));
                inGroup += item / 50 == group ? 1 : 0;
                total++;
            }
        }

        // By chance a quarter would be in the user's group.
        Assert.True(inGroup >= 0.8 * total, $"{inGroup} of {total} recommendations were in the user's planted group");
    }

    [Fact]
    public void On_the_sample_time_split_recall_and_ndcg_are_at_least_twice_the_popularity_baseline()
    {
        InteractionLog log = InteractionLog.ReadCsv(SampleData.Events);
        DateTimeOffset cutoff = log.GetLatestTimestamp()!.Value.AddDays(-10);
        (InteractionLog train, InteractionLog heldOut) = log.SplitByTime(cutoff);
        FactorModel model = new ImplicitAlsTrainer().Fit(FeedbackMatrix.FromLog(train));
        using var recommender = new Recommender(model);
        RankingReport als = RankingEvaluation.Evaluate(recommender, heldOut, 10);
        RankingReport popular = RankingEvaluation.EvaluatePopularity(model, heldOut, 10);
        Assert.True(als.UsersEvaluated > 1000, $"only {als.UsersEvaluated} users were evaluated");
        Assert.True(als.Recall >= 2 * popular.Recall, $"recall@10 {als.Recall:F4} vs popularity {popular.Recall:F4}");
        Assert.True(als.Ndcg >= 2 * popular.Ndcg, $"NDCG@10 {als.Ndcg:F4} vs popularity {popular.Ndcg:F4}");
    }

    private sealed class ListProgress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
