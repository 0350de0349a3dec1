using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Recommending;

/// <summary>
/// Related items and explanations on the bundled sample shop, whose users choose by planted category and brand taste
/// (samples/data/README.md): what is related to an item must share its category and brand far more often than chance.
/// </summary>
public sealed class RelatedItemsQualityTests : IClassFixture<RelatedItemsQualityTests.Shop>
{
    private readonly Shop _shop;

    public RelatedItemsQualityTests(Shop shop) => _shop = shop;

    /// <summary>A model trained on all sample events, with co-occurrence, and each model item's category and brand.</summary>
    public sealed class Shop
    {
        public Shop()
        {
            FeedbackMatrix data = FeedbackMatrix.FromLog(InteractionLog.ReadCsv(SampleData.Events));
            FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 32, NumberOfIterations = 10 }).Fit(data);
            Model = model.WithCooccurrence(CooccurrenceIndex.Build(data, items: model.Items));
            ItemCatalog catalog = ItemCatalog.ReadCsv(Path.Combine(SampleData.Folder, "items.csv"));
            Category = [.. model.Items.Ids.Select(id => catalog.GetText(catalog.GetIndex(id), "category")!)];
            Brand = [.. model.Items.Ids.Select(id => catalog.GetText(catalog.GetIndex(id), "brand")!)];
        }

        public FactorModel Model { get; }

        public string[] Category { get; }

        public string[] Brand { get; }

        /// <summary>How often two different random items share the attribute.</summary>
        public static double Chance(string[] values)
        {
            double same = values.GroupBy(v => v).Sum(g => (double)g.Count() * (g.Count() - 1));
            return same / ((double)values.Length * (values.Length - 1));
        }
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0f)]
    public void Related_items_share_the_planted_category_and_brand_far_more_often_than_chance(float cooccurrenceWeight)
    {
        using var recommender = new Recommender(_shop.Model, new RecommenderOptions { CooccurrenceWeight = cooccurrenceWeight });
        int pairs = 0, sameCategory = 0, sameBrand = 0;

        for (int item = 0; item < _shop.Model.Items.Count; item++)
        {
            foreach (RelatedItem related in recommender.RelatedTo([_shop.Model.Items.GetId(item)], 10))
            {
                pairs++;
                sameCategory += _shop.Category[related.ItemIndex] == _shop.Category[item] ? 1 : 0;
                sameBrand += _shop.Brand[related.ItemIndex] == _shop.Brand[item] ? 1 : 0;
            }
        }

        double category = sameCategory / (double)pairs, brand = sameBrand / (double)pairs;
        double categoryChance = Shop.Chance(_shop.Category), brandChance = Shop.Chance(_shop.Brand);
        string measured = $"same category {category:F3} (chance {categoryChance:F3}), same brand {brand:F3} (chance {brandChance:F3})";
        // Thresholds: at least 0.80 of related items in the item's category (chance is about 0.09) and at least 0.30 of its brand
        // (chance is about 0.03); measured 0.99 and 0.62 with co-occurrence, 0.99 and 0.43 with the factors alone.
        Assert.True(category >= 0.80, measured);
        Assert.True(brand >= 0.30, measured);
        Assert.Equal(10 * _shop.Model.Items.Count, pairs);
    }

    [Fact]
    public void Blending_in_cooccurrence_relates_items_of_the_same_brand_more_often_than_the_factors_alone()
    {
        double SameBrand(float weight)
        {
            using var recommender = new Recommender(_shop.Model, new RecommenderOptions { CooccurrenceWeight = weight });
            int same = 0, pairs = 0;
            for (int item = 0; item < _shop.Model.Items.Count; item++)
            {
                foreach (RelatedItem related in recommender.RelatedTo([_shop.Model.Items.GetId(item)], 10))
                {
                    pairs++;
                    same += _shop.Brand[related.ItemIndex] == _shop.Brand[item] ? 1 : 0;
                }
            }

            return same / (double)pairs;
        }

        double factors = SameBrand(0f), blended = SameBrand(0.5f);

        Assert.True(blended > factors + 0.03, $"same brand: factors alone {factors:F3}, blended {blended:F3}");
    }

    [Fact]
    public void The_history_item_that_contributes_most_to_a_recommendation_usually_shares_its_category()
    {
        using var recommender = new Recommender(_shop.Model);
        int explained = 0, sameCategory = 0;

        for (int user = 0; user < _shop.Model.Users.Count; user += 25)
        {
            string userId = _shop.Model.Users.GetId(user);
            FoldedUser folded = recommender.FoldIn(userId, []);
            foreach (Recommendation r in recommender.ForUser(folded, 3))
            {
                ScoreExplanation why = recommender.Explain(folded, r.ItemId, 1);
                explained++;
                sameCategory += _shop.Category[why.Contributions[0].ItemIndex] == _shop.Category[r.ItemIndex] ? 1 : 0;
            }
        }

        double share = sameCategory / (double)explained;
        // Threshold: at least 0.6 (chance is about 0.09; measured 0.997): "because you bought X" names an item of the same kind.
        Assert.True(share >= 0.6, $"the top contributor shares the recommended item's category in {share:F3} of {explained} explanations");
    }
}
