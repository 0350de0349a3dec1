using Personalize.Core.Filtering;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

/// <summary>The per-user rule <c>not bought</c>: applied with the purchases a request gives, refused where no purchases are known.</summary>
public sealed class NotBoughtTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public NotBoughtTests(CustomShop shop) => _shop = shop;

    [Fact]
    public void Recommend_leaves_out_the_purchased_items_and_nothing_else()
    {
        Filter filter = _shop.Parse("not bought and price <= 25");
        RecommendationPage plain = _shop.Recommender.Recommend(new RecommendationRequest("user-4") { Filter = _shop.Parse("price <= 25"), PageSize = 300 });
        string[] bought = [.. plain.Take(3).Select(r => r.ItemId)];

        RecommendationPage page = _shop.Recommender.Recommend(new RecommendationRequest("user-4") { Filter = filter, PageSize = 300, PurchasedItems = bought });

        Assert.True(filter == FilterText.Parse(FilterText.Format(filter), _shop.Catalog.Schema).Value);
        Assert.Equal(plain.Select(r => r.ItemId).Except(bought), page.Select(r => r.ItemId));
        Assert.True(_shop.Recommender.Compile(filter).ExcludesBought);
    }

    [Fact]
    public void Without_purchases_the_rule_is_refused_rather_than_ignored()
    {
        Filter filter = _shop.Parse("not bought");

        var paged = Assert.Throws<InvalidOperationException>(() => _shop.Recommender.Recommend(new RecommendationRequest("user-4") { Filter = filter }));
        Assert.Contains("PurchasedItems", paged.Message, StringComparison.Ordinal);
        var direct = Assert.Throws<ArgumentException>(() => _shop.Recommender.ForUser("user-4", 10, _shop.Recommender.Compile(filter)));
        Assert.Contains("'not bought'", direct.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _shop.Recommender.RelatedTo(["item-1"], 10, _shop.Recommender.Compile(filter)));

        // Nor is 'not seen' for related items, which have no user (it was left out in silence).
        var notSeen = Assert.Throws<ArgumentException>(() => _shop.Recommender.RelatedTo(["item-1"], 10, _shop.Recommender.Compile(_shop.Parse("not seen"))));
        Assert.Contains("has 'not seen', but a list of related items has no user", notSeen.Message, StringComparison.Ordinal);
    }
}
