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
}
