using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>The documented skip rules of <see cref="RankingEvaluation"/> and its argument checks.</summary>
public sealed class RankingEvaluationRulesTests
{
    /// <summary>Users a, b, c over i0…i3; a saw i0, b saw i1, c saw nothing.</summary>
    private static FactorModel Model() =>
        TinyModels.Create(["a", "b", "c"], TinyModels.Items(4), new Dictionary<string, string[]> { ["a"] = ["i0"], ["b"] = ["i1"] });

    [Fact]
    public void Unknown_users_and_users_without_a_relevant_item_are_skipped_and_unknown_items_counted()
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(
            ("a", "i1"), ("a", "i9"), ("a", "i9"),   // a: i1 is relevant; i9 is unknown to the model (one pair, two rows)
            ("b", "i1"),                             // b: only a seen item → skipped
            ("c", "i8"),                             // c: only an unknown item → skipped, and one unknown pair
            ("z", "i0"), ("z", "i2"));               // z: unknown user → skipped
        var asked = new List<string>();

        RankingReport report = RankingEvaluation.EvaluateLists(model, heldOut, 2, user =>
        {
            asked.Add(model.Users.GetId(user));
            return [model.Items.GetIndex("i1"), model.Items.GetIndex("i2")];
        });

        // Only a is evaluated: relevant {i1} (i9 is left out of the denominator), hit at rank 1 → recall 1, precision 1/2.
        Assert.Equal(["a"], asked);
        Assert.Equal((1, 3, 2), (report.UsersEvaluated, report.UsersSkipped, report.UnknownItemsSkipped));
        Assert.Equal(1.0, report.Recall, 10);
        Assert.Equal(0.5, report.Precision, 10);
    }

    [Fact]
    public void A_held_out_log_with_no_evaluable_user_gives_zero_averages_and_the_counts()
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(("z", "i0"), ("a", "i0"));

        RankingReport report = RankingEvaluation.EvaluatePopularity(model, heldOut, 3);

        Assert.Equal(new RankingReport(3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0), report);
    }

    [Fact]
    public void Held_out_logs_that_share_the_training_id_maps_are_matched_by_id_too()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("a", "i0"), new Interaction("b", "i1"), new Interaction("a", "i1"), new Interaction("new-user", "i0"),
            new Interaction("b", "new-item"),
        ]);
        var train = log.Subset([0, 1]);      // a saw i0, b saw i1
        var heldOut = log.Subset([2, 3, 4]); // same maps, so "new-user" and "new-item" have indices but no training rows
        FactorModel model = new Personalize.Core.Training.ImplicitAlsTrainer(new() { NumberOfFactors = 2, NumberOfIterations = 1 })
            .Fit(FeedbackMatrix.FromLog(train));

        RankingReport report = RankingEvaluation.EvaluatePopularity(model, heldOut, 1);

        // a: relevant {i1}, popularity list [i1] (i0 is seen) → hit. new-user: unknown → skipped. b: only new-item → skipped, 1 unknown.
        Assert.Equal((1, 2, 1), (report.UsersEvaluated, report.UsersSkipped, report.UnknownItemsSkipped));
        Assert.Equal(1.0, report.HitRate, 10);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void K_below_1_is_rejected_with_the_valid_range(int k)
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(("a", "i1"));

        var popularity = Assert.Throws<ArgumentOutOfRangeException>(() => RankingEvaluation.EvaluatePopularity(model, heldOut, k));
        var lists = Assert.Throws<ArgumentOutOfRangeException>(() => RankingEvaluation.EvaluateLists(model, heldOut, k, _ => []));

        foreach (ArgumentOutOfRangeException e in new[] { popularity, lists })
        {
            Assert.Equal("k", e.ParamName);
            Assert.StartsWith($"The list length k is {k}; it must be 1 or more.", e.Message);
        }
    }

    [Theory]
    [InlineData(4, "has the item index 4 at position 1; item indices must be between 0 and 3.")]
    [InlineData(-1, "has the item index -1 at position 1; item indices must be between 0 and 3.")]
    [InlineData(0, "lists the item 'i0' (index 0) twice within its first 3; each item may appear once.")]
    public void EvaluateLists_rejects_an_item_index_outside_the_model_or_a_repeat(int second, string message)
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(("a", "i1"));

        var e = Assert.Throws<ArgumentException>(() => RankingEvaluation.EvaluateLists(model, heldOut, 3, _ => [0, second, 2]));

        Assert.Equal("topKForUserIndex", e.ParamName);
        Assert.StartsWith("The ranking for user 'a' (index 0) " + message, e.Message);
    }

    [Fact]
    public void EvaluateLists_ignores_items_after_the_first_K_even_when_they_are_bad()
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(("a", "i2"));

        RankingReport report = RankingEvaluation.EvaluateLists(model, heldOut, 2, _ => [1, 2, 2, 99]);

        // [i1, i2] counts: hit at rank 2 → MRR 1/2, coverage 2/4.
        Assert.Equal(0.5, report.MeanReciprocalRank, 10);
        Assert.Equal(0.5, report.Coverage, 10);
    }

    [Fact]
    public void EvaluateLists_reports_a_null_list_with_the_user()
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(("c", "i1"));

        var e = Assert.Throws<InvalidOperationException>(() => RankingEvaluation.EvaluateLists(model, heldOut, 3, _ => null!));

        Assert.Equal("The ranking for user 'c' (index 2) is null; return an empty list when there is nothing to recommend.", e.Message);
    }

    [Fact]
    public void A_cancelled_token_stops_the_evaluation()
    {
        FactorModel model = Model();
        InteractionLog heldOut = TinyModels.HeldOut(("a", "i1"));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => RankingEvaluation.EvaluatePopularity(model, heldOut, 3, cancellation.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => RankingEvaluation.EvaluateLists(model, heldOut, 3, _ => [], cancellation.Token));
        using var recommender = new Recommender(model);
        Assert.ThrowsAny<OperationCanceledException>(() => RankingEvaluation.Evaluate(recommender, heldOut, 3, cancellation.Token));
    }
}
