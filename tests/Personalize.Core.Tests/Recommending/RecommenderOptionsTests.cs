using System.ComponentModel.DataAnnotations;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

public sealed class RecommenderOptionsTests
{
    [Fact]
    public void New_options_have_the_documented_defaults()
    {
        var options = new RecommenderOptions();

        Assert.True(options.ExcludeSeen);
        Assert.Equal(ColdStartPolicy.Popular, options.ColdStart);
        Assert.Equal(1, options.NumberOfThreads);
        Assert.Equal(ItemSimilarity.Cosine, options.RelatedItemsSimilarity);
        Assert.Equal(0.5f, options.CooccurrenceWeight);
        Assert.Equal(ItemFactorCompression.None, options.ItemFactorCompression);
    }

    [Fact]
    public void A_recommender_rejects_an_undefined_item_factor_compression()
    {
        var options = new RecommenderOptions { ItemFactorCompression = (ItemFactorCompression)7 };

        var error = Assert.Throws<ValidationException>(() => new Recommender(TestModels.Create(seed: 235), options));

        Assert.Equal("RecommenderOptions is invalid (1 error): ItemFactorCompression = 7: must be None or Int8.", error.Message);
    }

    [Fact]
    public void A_recommender_reports_every_invalid_related_items_option_at_once()
    {
        var options = new RecommenderOptions { CooccurrenceWeight = 1.5f, RelatedItemsSimilarity = (ItemSimilarity)9 };

        var error = Assert.Throws<ValidationException>(() => new Recommender(TestModels.Create(seed: 234), options));

        Assert.Equal("RecommenderOptions is invalid (2 errors): CooccurrenceWeight = 1.5: must be between 0 and 1. RelatedItemsSimilarity = 9: must be Cosine or Dot.", error.Message);
    }

    [Fact]
    public void A_recommender_without_options_uses_the_defaults()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 230));

        Assert.Equal(new RecommenderOptions(), recommender.Options);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void A_recommender_rejects_a_number_of_threads_outside_1_to_64(int threads)
    {
        var error = Assert.Throws<ValidationException>(() => new Recommender(TestModels.Create(seed: 231), new RecommenderOptions { NumberOfThreads = threads }));

        Assert.Equal($"RecommenderOptions is invalid (1 error): NumberOfThreads = {threads}: must be between 1 and 64.", error.Message);
    }

    [Fact]
    public void A_recommender_rejects_an_undefined_cold_start_policy()
    {
        var error = Assert.Throws<ValidationException>(() => new Recommender(TestModels.Create(seed: 232), new RecommenderOptions { ColdStart = (ColdStartPolicy)7 }));

        Assert.Equal("RecommenderOptions is invalid (1 error): ColdStart = 7: must be Popular or Empty.", error.Message);
    }

    [Fact]
    public void ForUsers_rejects_a_null_id_before_any_work()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 233));

        var error = Assert.Throws<ArgumentNullException>(() => recommender.ForUsers(["u0", null!], 5));

        Assert.Contains("index 1", error.Message);
    }
}
