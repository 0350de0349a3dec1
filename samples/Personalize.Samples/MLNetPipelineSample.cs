using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.ML;
using Personalize.Core.Recommending;

namespace Personalize.Samples;

/// <summary>
/// A full ML.NET pipeline from a CSV file to top-K recommendations: load the ratings with ML.NET's text loader, key the ids with
/// <c>MapValueToKey</c>, train Personalize.Core's explicit trainer as an ML.NET estimator, score and evaluate a held-out part, save and
/// load the pipeline, and ask the trained model for each user's top 5.
/// </summary>
internal static class MLNetPipelineSample
{
    /// <summary>One row of <c>samples/data/ratings.csv</c> (user_id,item_id,rating,timestamp).</summary>
    private sealed class Rating
    {
        [LoadColumn(0)]
        public string UserId { get; set; } = "";

        [LoadColumn(1)]
        public string ItemId { get; set; } = "";

        [LoadColumn(2)]
        public float Label { get; set; }
    }

    /// <summary>What a prediction engine returns.</summary>
    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    public static void Run(string ratingsCsv, string workFolder)
    {
        var ml = new MLContext(seed: 1);

        // 1. CSV -> IDataView, split 80/20.
        IDataView data = ml.Data.LoadFromTextFile<Rating>(ratingsCsv, separatorChar: ',', hasHeader: true);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

        // 2. The pipeline: ML.NET's key mapping, then our trainer, which adds a Score column.
        var pipeline = ml.Transforms.Conversion.MapValueToKey("user_key", nameof(Rating.UserId))
            .Append(ml.Transforms.Conversion.MapValueToKey("item_key", nameof(Rating.ItemId)))
            .Append(ml.Personalization().Trainers.BiasedMatrixFactorization(
                labelColumnName: "Label", userIdColumnName: "user_key", itemIdColumnName: "item_key", numberOfFactors: 32, numberOfIterations: 30));
        var model = pipeline.Fit(split.TrainSet);

        // 3. Score the held-out part and evaluate: our metrics agree with ML.NET's regression evaluator.
        IDataView scored = model.Transform(split.TestSet);
        RatingEvaluationMetrics ours = ml.Personalization().EvaluateRatings(scored);
        RegressionMetrics theirs = ml.Regression.Evaluate(scored);
        Console.WriteLine($"held-out ratings: {ours.Count:N0}; RMSE {ours.RootMeanSquaredError:F4} (ML.NET: {theirs.RootMeanSquaredError:F4}), "
            + $"MAE {ours.MeanAbsoluteError:F4} (ML.NET: {theirs.MeanAbsoluteError:F4})");

        // 4. Save and load the whole pipeline (mlContext.Model.Save cannot hold a custom transformer; see PersonalizationModelOperations).
        string path = Path.Combine(workFolder, "ratings-pipeline.zip");
        ml.Personalization().Model.Save(model, data.Schema, path);
        ITransformer loaded = ml.Personalization().Model.Load(path, out _);

        // 5. One prediction at a time, with ML.NET's prediction engine on the loaded pipeline.
        var engine = ml.Model.CreatePredictionEngine<Rating, Prediction>(loaded);
        Console.WriteLine($"U0001 on I0002: {engine.Predict(new Rating { UserId = "U0001", ItemId = "I0002" }).Score:F2} stars");

        // 6. Top-K: the transformer holds the FactorModel, which the recommender serves (seen items left out, cold start handled).
        FactorModelTransformer trained = model.LastTransformer;
        using var recommender = new Recommender(trained.Model);
        foreach (string user in new[] { "U0001", "U0002", "someone-new" })
        {
            RecommendationList top = recommender.ForUser(user, 5);
            string items = top.Source == RecommendationSource.Personalized
                ? string.Join(", ", top.Select(r => $"{r.ItemId} {r.Score:F2}"))
                : string.Join(", ", top.Select(r => r.ItemId));
            Console.WriteLine($"{user} ({top.Source}): {items}");
        }
    }
}
