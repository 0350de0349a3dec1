using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

/// <summary>A regularization far too strong for the data drives ALS to all-zero factors; the trainer must then rank like popularity,
/// never like noise.</summary>
public sealed class ImplicitAlsCollapseTests
{
    private static LogSplit Split()
    {
        var random = new Random(17);
        var rows = new List<Interaction>();
        for (int u = 0; u < 300; u++)
        {
            for (int e = 0; e < 20; e++)
            {
                rows.Add(new Interaction($"u{u}", $"i{(int)(200 * Math.Pow(random.NextDouble(), 3))}"));   // Zipf-like popularity
            }
        }

        return TrainTestSplit.PerUser(InteractionLog.Create(rows), 0.25, seed: 3);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(10f)]
    [InlineData(1000f)]
    public void A_collapsing_fit_ranks_close_to_popularity_with_finite_factors(float regularization)
    {
        LogSplit split = Split();
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(split.Train);

        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 16, Regularization = regularization, NumberOfThreads = 1 }).Fit(feedback);

        using var recommender = new Recommender(model);
        double ndcg = RankingEvaluation.Evaluate(recommender, split.Test, 10).Ndcg;
        double popular = RankingEvaluation.EvaluatePopularity(model, split.Test, 10).Ndcg;
        Assert.True(ndcg >= 0.8 * popular, $"λ = {regularization}: NDCG@10 {ndcg:F4} vs most popular {popular:F4}");
        Assert.All(model.ItemFactors.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Contains(model.ItemFactors.ToArray(), v => v != 0);
    }
}
