using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Filtering;

/// <summary>Filters compiled against the sample catalogue and applied to a model trained on the sample events.</summary>
public sealed class FilteredRecommendationTests : IClassFixture<FilteredRecommendationTests.Shop>
{
    private readonly Shop _shop;

    public FilteredRecommendationTests(Shop shop) => _shop = shop;

    public sealed class Shop
    {
        public Shop()
        {
            Catalog = ItemCatalog.ReadCsv(Path.Combine(SampleData.Folder, "items.csv"));
            Model = new ImplicitAlsTrainer(new() { NumberOfFactors = 16, NumberOfIterations = 5 }).Fit(FeedbackMatrix.FromLog(InteractionLog.ReadCsv(SampleData.Events)));
        }

        public ItemCatalog Catalog { get; }

        public FactorModel Model { get; }
    }

    private CompiledFilter Compile(string text) => FilterCompiler.Compile(FilterText.Parse(text, _shop.Catalog.Schema).Value, _shop.Catalog, _shop.Model.Items);

    private bool Matches(int modelItem, Func<int, bool> onCatalog)
    {
        int c = _shop.Catalog.GetIndex(_shop.Model.Items.GetId(modelItem));
        return c >= 0 && onCatalog(c);
    }

    public static TheoryData<string> Texts => new()
    {
        "in_stock",
        "price <= 20",
        "brand in (\"Acme\", \"Zen\") and rating >= 4",
        "category under \"Kitchen\" or tags contains any (\"sale\")",
        "not in_stock",
        "price between 10 and 50 and not category under \"Kitchen\"",
        "added_at >= \"2026-06-01T00:00:00Z\"",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Compiled_bits_agree_with_evaluating_each_item_directly(string text)
    {
        CompiledFilter compiled = Compile(text);
        Func<int, bool> direct = text switch
        {
            "in_stock" => c => _shop.Catalog.GetValue(c, "in_stock") is true,
            "price <= 20" => c => (decimal)_shop.Catalog.GetValue(c, "price")! <= 20,
            "brand in (\"Acme\", \"Zen\") and rating >= 4" => c => _shop.Catalog.GetText(c, "brand") is "Acme" or "Zen" && (decimal)_shop.Catalog.GetValue(c, "rating")! >= 4,
            "category under \"Kitchen\" or tags contains any (\"sale\")" => c => _shop.Catalog.GetText(c, "category")!.StartsWith("Kitchen/", StringComparison.Ordinal)
                || (_shop.Catalog.GetValue(c, "tags") is string[] tags && tags.Contains("sale")),
            "not in_stock" => c => _shop.Catalog.GetValue(c, "in_stock") is not true,
            "price between 10 and 50 and not category under \"Kitchen\"" => c => (decimal)_shop.Catalog.GetValue(c, "price")! is >= 10 and <= 50
                && !_shop.Catalog.GetText(c, "category")!.StartsWith("Kitchen/", StringComparison.Ordinal),
            _ => c => (DateTimeOffset)_shop.Catalog.GetValue(c, "added_at")! >= new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero),
        };

        int expected = 0;
        for (int i = 0; i < _shop.Model.Items.Count; i++)
        {
            bool want = Matches(i, direct);
            expected += want ? 1 : 0;
            Assert.True(want == compiled.IsEligible(i), $"{text}: item {_shop.Model.Items.GetId(i)} expected {want}");
        }

        Assert.Equal(expected, compiled.EligibleCount);
        Assert.True(expected > 0 && expected < _shop.Model.Items.Count, $"{text} selects {expected} of {_shop.Model.Items.Count}: not a useful test");
    }

    [Theory]
    [InlineData("in_stock")]
    [InlineData("brand = \"Acme\"")]
    [InlineData("brand = \"Acme\" and price <= 15")]
    public void Filtered_lists_are_the_best_eligible_items_and_never_lose_results_while_enough_match(string text)
    {
        CompiledFilter filter = Compile(text);
        using var recommender = new Recommender(_shop.Model);
        foreach (string user in new[] { "U0001", "U0042", "U1234", "U4999" })
        {
            int userIndex = _shop.Model.Users.GetIndex(user);
            int[] seen = _shop.Model.GetSeenItems(userIndex).ToArray();
            int[] eligibleUnseen = [.. Enumerable.Range(0, _shop.Model.Items.Count).Where(i => filter.IsEligible(i) && Array.BinarySearch(seen, i) < 0)];
            int[] expected = [.. eligibleUnseen.OrderByDescending(i => _shop.Model.Score(userIndex, i)).ThenBy(i => i).Take(10)];

            RecommendationList list = recommender.ForUser(user, 10, filter);

            Assert.Equal(Math.Min(10, eligibleUnseen.Length), list.Count);
            Assert.Equal(expected, list.Select(r => r.ItemIndex));
        }
    }

    [Fact]
    public void Unknown_users_get_popular_items_that_pass_the_filter()
    {
        CompiledFilter filter = Compile("brand = \"Zen\"");
        using var recommender = new Recommender(_shop.Model);

        RecommendationList list = recommender.ForUser("somebody new", 5, filter);

        Assert.Equal(RecommendationSource.PopularFallback, list.Source);
        Assert.Equal(5, list.Count);
        Assert.All(list, r => Assert.True(filter.IsEligible(r.ItemIndex)));
        Assert.True(list.Zip(list.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public void Not_seen_is_applied_per_user_even_when_the_recommender_keeps_seen_items()
    {
        CompiledFilter filter = Compile("in_stock and not seen");
        using var recommender = new Recommender(_shop.Model, new RecommenderOptions { ExcludeSeen = false });
        int user = _shop.Model.Users.GetIndex("U0042");

        RecommendationList list = recommender.ForUser("U0042", 20, filter);

        Assert.True(filter.ExcludesSeen);
        Assert.All(list, r => Assert.True(_shop.Model.GetSeenItems(user).BinarySearch(r.ItemIndex) < 0));
        Assert.All(list, r => Assert.True(filter.IsEligible(r.ItemIndex)));
    }

    [Fact]
    public void Compiling_refuses_unknown_attributes_wrong_types_and_a_nested_not_bought_with_clear_messages()
    {
        var unknown = Assert.Throws<ArgumentException>(() => FilterCompiler.Compile(Filter.Where("colour").EqualTo("red"), _shop.Catalog, _shop.Model.Items));
        var wrongType = Assert.Throws<ArgumentException>(() => FilterCompiler.Compile(Filter.Where("brand").AtLeast(3m), _shop.Catalog, _shop.Model.Items));
        var bought = Assert.Throws<ArgumentException>(() => FilterCompiler.Compile(Filter.NotBought.Or(Filter.Where("in_stock").IsTrue()), _shop.Catalog, _shop.Model.Items));

        Assert.StartsWith("The filter names the attribute 'colour', which the catalogue does not have; it has: title, brand, category", unknown.Message);
        Assert.StartsWith("The condition 'brand >= 3' does not apply to 'brand', which is Text in the catalogue.", wrongType.Message);
        Assert.Contains("'not bought' can only be applied to the whole filter", bought.Message);
    }

    [Fact]
    public void A_filter_compiled_for_other_items_is_refused()
    {
        CompiledFilter filter = FilterCompiler.Compile(Filter.Where("in_stock").IsTrue(), _shop.Catalog, IdMap.FromIds(["I0001", "I0002"]));
        using var recommender = new Recommender(_shop.Model);

        var exception = Assert.Throws<ArgumentException>(() => recommender.ForUser("U0001", 5, filter));

        Assert.Contains("compiled for 2 items", exception.Message);
    }
}
