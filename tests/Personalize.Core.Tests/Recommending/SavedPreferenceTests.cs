using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

/// <summary>Saved preferences apply to every list of their user, can be overridden per request, and come from the preference store.</summary>
public sealed class SavedPreferenceTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public SavedPreferenceTests(CustomShop shop) => _shop = shop;

    private List<int> Everything(RecommendationRequest request, UserPreferences? preferences) =>
        [.. CustomShop.AllPages(c => _shop.Recommender.Recommend(request with { Cursor = c, PageSize = 50 }, preferences)).SelectMany(p => p.Select(r => r.ItemIndex))];

    [Fact]
    public void Blocked_brands_items_and_categories_never_appear_on_any_page()
    {
        var preferences = new UserPreferences { BlockedBrands = ["Acme"], BlockedItems = ["item-1", "item-2", "item-3"], BlockedCategories = ["Home"] };
        foreach (SortOrder sort in Enum.GetValues<SortOrder>())
        {
            List<int> items = Everything(new RecommendationRequest("user-9") { Sort = sort, CandidatePoolSize = 1000 }, preferences);

            Assert.NotEmpty(items);
            Assert.DoesNotContain(items, i => _shop.Value(i, "brand") is "Acme");
            Assert.DoesNotContain(items, i => _shop.Value(i, "category") is string c && c.StartsWith("Home", StringComparison.Ordinal));
            Assert.DoesNotContain(items, i => i is 1 or 2 or 3);
        }
    }

    [Fact]
    public void The_saved_default_filter_applies_unless_the_request_has_its_own()
    {
        var preferences = new UserPreferences { DefaultFilter = "price <= 10" };
        List<int> saved = Everything(new RecommendationRequest("user-9"), preferences);
        List<int> overridden = Everything(new RecommendationRequest("user-9") { Filter = _shop.Parse("price >= 49.5") }, preferences);

        Assert.All(saved, i => Assert.True((decimal?)_shop.Value(i, "price") <= 10));
        Assert.All(overridden, i => Assert.True((decimal?)_shop.Value(i, "price") >= 49.5m));
        Assert.Equal(_shop.ReferenceOrder(9, _shop.Parse("price <= 10"), SortOrder.Relevance, true, 0), saved);
    }

    [Fact]
    public void The_preferred_sort_applies_unless_the_request_sorts()
    {
        var preferences = new UserPreferences { PreferredSort = "price-desc" };
        RecommendationPage preferred = _shop.Recommender.Recommend(new RecommendationRequest("user-9"), preferences);
        RecommendationPage requested = _shop.Recommender.Recommend(new RecommendationRequest("user-9") { Sort = SortOrder.Newest }, preferences);

        Assert.Equal(SortOrder.PriceDescending, preferred.Sort);
        Assert.Equal(SortOrder.Newest, requested.Sort);
    }

    [Fact]
    public void A_request_can_set_the_preferences_aside()
    {
        var preferences = new UserPreferences { BlockedBrands = ["Acme", "Zen", "Wren", "Orbit"], PreferredSort = "rating" };
        RecommendationPage page = _shop.Recommender.Recommend(new RecommendationRequest("user-9") { ApplyPreferences = false }, preferences);
        RecommendationPage plain = _shop.Recommender.Recommend(new RecommendationRequest("user-9"));

        Assert.Equal(plain.Select(r => r.ItemIndex), page.Select(r => r.ItemIndex));
        Assert.Equal(SortOrder.Relevance, page.Sort);
    }

    [Fact]
    public void An_opt_out_gives_the_non_personal_list_and_a_request_cannot_undo_it()
    {
        var preferences = new UserPreferences { PersonalizationOptOut = true };
        RecommendationPage page = _shop.Recommender.Recommend(new RecommendationRequest("user-9") { PageSize = 300, Personalize = true }, preferences);

        Assert.Equal(RecommendationSource.NonPersonal, page.Source);
        Assert.Equal(_shop.ReferenceOrder(null, null, SortOrder.Relevance, false, 0), page.Select(r => r.ItemIndex));
    }

    [Fact]
    public void A_request_can_turn_personalization_off()
    {
        RecommendationPage page = _shop.Recommender.Recommend(new RecommendationRequest("user-9") { Personalize = false, PageSize = 20 });

        Assert.Equal(RecommendationSource.NonPersonal, page.Source);
        Assert.Equal(_shop.ReferenceOrder(null, null, SortOrder.Relevance, false, 0).Take(20), page.Select(r => r.ItemIndex));
    }

    [Fact]
    public void An_invalid_saved_filter_or_sort_is_reported_with_the_user()
    {
        var filter = Assert.Throws<InvalidOperationException>(() => _shop.Recommender.Recommend(new RecommendationRequest("user-9"), new UserPreferences { DefaultFilter = "price <=" }));
        Assert.Contains("'user-9'", filter.Message, StringComparison.Ordinal);
        var sort = Assert.Throws<InvalidOperationException>(() => _shop.Recommender.Recommend(new RecommendationRequest("user-9"), new UserPreferences { PreferredSort = "cheap" }));
        Assert.Contains("'cheap'", sort.Message, StringComparison.Ordinal);

        // Blocks are saved without a limit but applied as one filter, which has one: an ArgumentException about FilterText.MaxListSize
        // did not say it came from the saved preferences.
        var blocks = Assert.Throws<InvalidOperationException>(() => _shop.Recommender.Recommend(new RecommendationRequest("user-9"),
            new UserPreferences { BlockedBrands = [.. Enumerable.Range(0, 300).Select(i => $"Brand {i}")] }));
        Assert.StartsWith("The saved preferences of user 'user-9' (300 blocked brands, 0 blocked categories) cannot be applied as a filter: ", blocks.Message);
        Assert.EndsWith("Unblock some.", blocks.Message);
    }

    [Fact]
    public async Task RecommendAsync_reads_the_users_preferences_from_the_preference_store()
    {
        var store = new InMemoryPreferenceStore();
        await store.SaveAsync("user-9", new UserPreferences { BlockedBrands = ["Zen"], PreferredSort = "price-asc" });
        using var recommender = new Recommender(_shop.Model, _shop.Catalog, store);

        RecommendationPage mine = await recommender.RecommendAsync(new RecommendationRequest("user-9") { PageSize = 40 });
        RecommendationPage theirs = await recommender.RecommendAsync(new RecommendationRequest("user-10") { PageSize = 40 });

        Assert.Equal(SortOrder.PriceAscending, mine.Sort);
        Assert.DoesNotContain(mine, r => _shop.Value(r.ItemIndex, "brand") is "Zen");
        Assert.Equal(SortOrder.Relevance, theirs.Sort);
        Assert.Contains(theirs, r => _shop.Value(r.ItemIndex, "brand") is "Zen");
    }
}
