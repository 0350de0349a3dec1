using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

/// <summary>
/// The span overload of <see cref="Recommender.ForUser(string, CompiledFilter?, Span{Recommendation}, out RecommendationSource)"/> is the hot path: after a
/// warm-up it must allocate nothing. This counts the bytes allocated on the calling thread; it does not measure time.
/// </summary>
public sealed class RecommenderAllocationTests
{
    [Theory]
    [InlineData(10, false)]
    [InlineData(10, true)]
    [InlineData(200, false)]
    [InlineData(200, true)]
    public void ForUser_into_a_span_allocates_nothing_after_a_warm_up(int count, bool withBiases)
    {
        FactorModel model = TestModels.Create(seed: 400 + count, userCount: 50, itemCount: 1000, numberOfFactors: 16, withBiases: withBiases,
            seenFraction: 0.05);
        using var recommender = new Recommender(model);
        string[] userIds = [.. model.Users.Ids];
        var destination = new Recommendation[count];
        recommender.ForUser(userIds[0], null, destination, out _);

        long written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int call = 0; call < 100; call++)
            {
                written += recommender.ForUser(userIds[call % userIds.Length], null, destination, out _);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(runs * 100L * count, written);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 2)]
    [InlineData(100, 1)]
    public void ForUser_with_the_int8_copy_allocates_nothing_after_a_warm_up(int count, int threads)
    {
        // 20,000 items: enough per wanted result for the pre-scan to run (it hands short ranges to the fp32 scan).
        FactorModel model = TestModels.Create(seed: 420 + count, userCount: 20, itemCount: 20_000, numberOfFactors: 24, onGrid: false,
            seenFraction: 0.001);
        using var recommender = new Recommender(model, new RecommenderOptions { NumberOfThreads = threads, ItemFactorCompression = ItemFactorCompression.Int8 });
        string[] userIds = [.. model.Users.Ids];
        var destination = new Recommendation[count];
        foreach (string userId in userIds)
        {
            recommender.ForUser(userId, null, destination, out _);
        }

        long written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int call = 0; call < 100; call++)
            {
                written += recommender.ForUser(userIds[call % userIds.Length], null, destination, out _);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(runs * 100L * count, written);
    }

    [Theory]
    [InlineData(10, ColdStartPolicy.Popular)]
    [InlineData(200, ColdStartPolicy.Popular)]
    [InlineData(10, ColdStartPolicy.Empty)]
    public void ForUser_into_a_span_for_an_unknown_user_allocates_nothing_after_a_warm_up(int count, ColdStartPolicy coldStart)
    {
        FactorModel model = TestModels.Create(seed: 410, userCount: 10, itemCount: 1000, numberOfFactors: 8);
        using var recommender = new Recommender(model, new RecommenderOptions { ColdStart = coldStart });
        var destination = new Recommendation[count];
        recommender.ForUser("nobody", null, destination, out _);

        long written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int call = 0; call < 100; call++)
            {
                written += recommender.ForUser("nobody", null, destination, out _);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(coldStart == ColdStartPolicy.Popular ? runs * 100L * count : 0, written);
    }

    [Theory]
    [InlineData(10, 1)]   // 10 % eligible: only the eligible items are scored
    [InlineData(10, 5)]   // 50 % eligible: a full scan that checks the bits
    [InlineData(200, 5)]
    public void ForUser_into_a_span_through_a_filter_allocates_nothing_after_a_warm_up(int count, int bucketsBelow)
    {
        using var folder = new TempDirectory();
        FactorModel model = TestModels.Create(seed: 430 + count, userCount: 20, itemCount: 1000, numberOfFactors: 16, seenFraction: 0.05);
        string csv = folder.Write("items.csv", "item_id,bucket\n" + string.Join('\n', Enumerable.Range(0, model.Items.Count).Select(i => $"{model.Items.GetId(i)},{i % 10}")) + "\n");
        using var recommender = new Recommender(model, ItemCatalog.ReadCsv(csv), preferences: null);
        CompiledFilter filter = recommender.Compile(Filter.Where("bucket").LessThan(bucketsBelow));
        string[] userIds = [.. model.Users.Ids];
        var destination = new Recommendation[count];
        recommender.ForUser(userIds[0], filter, destination, out _);

        long written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int call = 0; call < 100; call++)
            {
                written += recommender.ForUser(userIds[call % userIds.Length], filter, destination, out _);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(runs * 100L * count, written);
        Assert.All(destination, r => Assert.True(r.ItemIndex % 10 < bucketsBelow, $"item {r.ItemIndex} does not pass the filter"));
    }
}
