using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

public sealed class ForUserIndexTests
{
    private static readonly FactorModel Model = TestModels.Create(seed: 12);

    [Fact]
    public void ForUserIndex_gives_the_personalized_list_of_ForUser()
    {
        using var recommender = new Recommender(Model);
        var byIndex = new Recommendation[10];
        var byId = new Recommendation[10];

        int written = recommender.ForUserIndex(Model.Users.GetIndex("user-3"), byIndex);
        int expected = recommender.ForUser("user-3", null, byId, out RecommendationSource source);

        Assert.Equal(RecommendationSource.Personalized, source);
        Assert.Equal(byId[..expected], byIndex[..written]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(30)]
    public void ForUserIndex_rejects_an_index_outside_the_model(int userIndex)
    {
        using var recommender = new Recommender(Model);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => recommender.ForUserIndex(userIndex, new Recommendation[5]));
        Assert.Equal("userIndex", error.ParamName);
    }
}
