using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.ML;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.ML.Tests.ML;

/// <summary>The whole path an ML.NET user takes: a CSV text loader, MapValueToKey, our trainer, Score, then top-K.</summary>
public sealed class CsvToTopKPipelineTests
{
    private sealed class CsvRating
    {
        [LoadColumn(0)]
        public string UserId { get; set; } = "";

        [LoadColumn(1)]
        public string ItemId { get; set; } = "";

        [LoadColumn(2)]
        public float Label { get; set; }
    }

    [Fact]
    public void From_a_CSV_to_scores_to_top_K_the_pipeline_and_the_recommender_agree()
    {
        using var directory = new TempDirectory();
        string csv = MLTestData.WriteCsv(directory.File("ratings.csv"), MLTestData.Ratings());
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<CsvRating>(csv, separatorChar: ',', hasHeader: true);
        var pipeline = MLTestData.KeyIds(ml).Append(ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "user_key", "item_key"));

        var model = pipeline.Fit(data);
        FactorModelTransformer trained = model.LastTransformer;
        // Top-K for u1 two ways: rank the pipeline's Score over u1's unseen items, and ask the recommender.
        var seen = new HashSet<string>(data.GetColumn<string>("UserId").Zip(data.GetColumn<string>("ItemId")).Where(p => p.First == "u1").Select(p => p.Second));
        CsvRating[] candidates = [.. trained.Model.Items.Ids.Where(i => !seen.Contains(i)).Select(i => new CsvRating { UserId = "u1", ItemId = i })];
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(candidates));
        string[] byScore = [.. scored.GetColumn<string>("ItemId").Zip(EstimatorWorkout.Scores(scored))
            .OrderByDescending(p => p.Second).ThenBy(p => trained.Model.Items.GetIndex(p.First)).Take(5).Select(p => p.First)];
        using var recommender = new Recommender(trained.Model);
        string[] recommended = [.. recommender.ForUser("u1", 5).Select(r => r.ItemId)];

        Assert.Equal(byScore, recommended);
        Assert.All(recommended, item => Assert.True(int.Parse(item[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1, $"u1 likes odd items, got {item}"));
        Assert.DoesNotContain(recommended, seen.Contains);
    }
}
