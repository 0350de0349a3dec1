using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.Evaluation;

public sealed class RankingEvaluationTests
{
    /// <summary>
    /// Two users, four items. Popularity (distinct users in training): i0 = 2, i1 = 1, i2 = 1, i3 = 0... built so the popularity lists
    /// are known by hand: user a saw i0 → list [i1, i2, i3]; user b saw i0, i1 → list [i2, i3].
    /// </summary>
    [Fact]
    public void Popularity_metrics_match_a_hand_computed_example()
    {
        var train = InteractionLog.Create(
        [
            new Interaction("a", "i0"), new Interaction("b", "i0"), new Interaction("b", "i1"), new Interaction("c", "i2"), new Interaction("c", "i3"),
            new Interaction("c", "i1"),
        ]);
        FactorModel model = new Personalize.Core.Training.ImplicitAlsTrainer(new() { NumberOfFactors = 2, NumberOfIterations = 1 })
            .Fit(FeedbackMatrix.FromLog(train));

        // popularity: i0 = 2, i1 = 2, i2 = 1, i3 = 1. a's list (k = 2, seen i0): [i1, i2]; b's list (seen i0, i1): [i2, i3].
        var heldOut = InteractionLog.Create([new Interaction("a", "i2"), new Interaction("b", "i3"), new Interaction("b", "i0"), new Interaction("z", "i1")]);
        RankingReport report = RankingEvaluation.EvaluatePopularity(model, heldOut, 2);

        // a: relevant {i2}, hit at rank 2 → recall 1, precision 1/2, DCG 1/log2(3), ideal 1 → NDCG 0.6309.
        // b: relevant {i3} (i0 was seen), hit at rank 2 → same. z is unknown: skipped.
        Assert.Equal(2, report.UsersEvaluated);
        Assert.Equal(1, report.UsersSkipped);
        Assert.Equal(0.5, report.Precision, 6);
        Assert.Equal(1.0, report.Recall, 6);
        Assert.Equal(1 / Math.Log2(3), report.Ndcg, 6);
        Assert.Equal(1.0, report.HitRate, 6);

        // Both hits are at rank 2 with one relevant item: AP = (1/2) / min(2, 1) = 1/2 and RR = 1/2 for each user.
        // Lists [i1, i2] and [i2, i3] cover 3 of the 4 items. The baseline never lists a seen item. No held-out item is unknown.
        Assert.Equal(0.5, report.MeanAveragePrecision, 6);
        Assert.Equal(0.5, report.MeanReciprocalRank, 6);
        Assert.Equal(0.75, report.Coverage, 6);
        Assert.Equal(0, report.SeenItemsRecommended);
        Assert.Equal(0, report.UnknownItemsSkipped);
    }
}
