using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests;

/// <summary>The README's 10-line library example, line for line (paths adjusted to the test's folders).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void The_readme_example_trains_saves_loads_and_recommends()
    {
        using var temp = new TempDirectory();
        string modelPath = temp.File("shop.pzm");
        var lines = new List<string>();

        InteractionLog log = InteractionLog.ReadCsv(SampleData.Events);
        FactorModel model = new ImplicitAlsTrainer().Fit(FeedbackMatrix.FromLog(log));
        ModelFile.Save(model, modelPath);

        using var recommender = new Recommender(ModelFile.Load(modelPath));
        foreach (Recommendation r in recommender.ForUser("U0042", count: 10))
        {
            lines.Add($"{r.ItemId} {r.Score:F3}");
        }

        Assert.Equal(10, lines.Count);
        Assert.Equal(10, lines.Distinct().Count());
        Assert.DoesNotContain(recommender.ForUser("U0042", 10), r => model.GetSeenItems(model.Users.GetIndex("U0042")).Contains(r.ItemIndex));
    }

    [Fact]
    public void The_readme_related_items_fold_in_and_explanation_example_runs()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(InteractionLog.ReadCsv(SampleData.Events));
        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 32, NumberOfIterations = 8 }).Fit(feedback);
        model = model.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: model.Items));   // what personalize train saves
        using var recommender = new Recommender(model);
        var lines = new List<string>();

        foreach (RelatedItem r in recommender.RelatedTo(["I0291"], count: 10))
        {
            lines.Add($"{r.ItemId} {r.Score:F3} {r.Source}");
        }

        FoldedUser visitor = recommender.FoldIn(null, [new Interaction("", "I0291", "view"), new Interaction("", "I0184", "cart")]);
        RecommendationList forYou = recommender.ForUser(visitor, 10);
        ScoreExplanation why = recommender.Explain(visitor, forYou[0].ItemId, count: 3);

        Assert.Equal(10, lines.Count);
        Assert.DoesNotContain(lines, l => l.StartsWith("I0291 ", StringComparison.Ordinal));
        Assert.Equal(10, forYou.Count);
        Assert.DoesNotContain(forYou, r => r.ItemId is "I0291" or "I0184");
        Assert.Equal(2, why.Contributions.Count);
        Assert.Equal(why.Score, why.Contributions.Sum(c => c.Value), 3);
    }
}
