using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

public sealed class CatalogBrowserTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public CatalogBrowserTests(CustomShop shop) => _shop = shop;

    [Fact]
    public void Items_the_model_does_not_know_are_browsable_and_catalogue_order_is_the_default()
    {
        var browser = new CatalogBrowser(_shop.Catalog);
        List<string> all = [.. CustomShop.AllPages(c => browser.Browse(new BrowseRequest { Cursor = c, PageSize = 33 })).SelectMany(p => p.Select(r => r.ItemId))];

        Assert.Equal(_shop.Catalog.Items.Ids, all);
        Assert.Contains("extra-0", all);
    }

    [Fact]
    public void With_a_model_relevance_is_popularity_and_unknown_items_come_after_known_ones_of_equal_popularity()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        RecommendationPage page = browser.Browse(new BrowseRequest { PageSize = 400 });
        float Popularity(string id) => _shop.Model.Items.TryGetIndex(id, out int m) ? _shop.Model.ItemPopularity[m] : 0;

        Assert.Equal(_shop.Catalog.Count, page.Count);
        Assert.True(page.Zip(page.Skip(1)).All(p => Popularity(p.First.ItemId) > Popularity(p.Second.ItemId)
            || (Popularity(p.First.ItemId) == Popularity(p.Second.ItemId) && p.First.ItemIndex < p.Second.ItemIndex)));
        Assert.All(page, r => Assert.Equal(RecommendationSource.NonPersonal, page.Source));
    }

    [Fact]
    public void Not_seen_leaves_out_the_browsing_user_s_history_in_the_model_and_nothing_for_a_user_it_does_not_know()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        string user = _shop.Model.Users.GetId(3);
        HashSet<string> seen = [.. _shop.Model.GetSeenItems(3).ToArray().Select(i => _shop.Model.Items.GetId(i)).Where(id => _shop.Catalog.GetIndex(id) >= 0)];
        var request = new BrowseRequest { UserId = user, Filter = _shop.Parse("not seen"), PageSize = 500 };

        RecommendationPage page = browser.Browse(request);
        RecommendationPage stranger = browser.Browse(request with { UserId = "nobody" });
        RecommendationPage ranked = browser.Browse(request, _shop.Recommender.Rank(user, [.. _shop.Catalog.Items.Ids.Select(id => new RankCandidate(id, 1))]));

        Assert.NotEmpty(seen);
        Assert.Equal(_shop.Catalog.Count - seen.Count, page.Count);
        Assert.DoesNotContain(page, r => seen.Contains(r.ItemId));
        Assert.Equal(_shop.Catalog.Count, stranger.Count);
        Assert.Equal(_shop.Catalog.Count - seen.Count, ranked.Count);
        Assert.DoesNotContain(ranked, r => seen.Contains(r.ItemId));
    }

    [Fact]
    public void Not_seen_on_a_candidate_page_does_not_compile_the_filter_over_the_whole_catalogue()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        string user = _shop.Model.Users.GetId(3);
        Filter filter = _shop.Parse("in_stock and not seen");

        RecommendationPage page = browser.Browse(new BrowseRequest { UserId = user, Filter = filter, PageSize = 50 },
            _shop.Recommender.Rank(user, [.. _shop.Catalog.Items.Ids.Take(60).Select(id => new RankCandidate(id, 1))]));

        Assert.NotEmpty(page);
        Assert.False(browser.HasCompiled(filter));
    }

    [Theory]
    [InlineData("not bought", true)]
    [InlineData("not seen", false)]
    public void A_history_rule_the_browser_cannot_apply_is_refused_instead_of_ignored(string rule, bool withModel)
    {
        var browser = withModel ? new CatalogBrowser(_shop.Catalog, _shop.Model) : new CatalogBrowser(_shop.Catalog);

        var exception = Assert.Throws<InvalidOperationException>(() => browser.Browse(new BrowseRequest { UserId = "u", Filter = _shop.Parse(rule) }));

        Assert.Contains($"has '{rule}'", exception.Message);
    }

    [Fact]
    public void Browse_sorts_filters_pages_and_counts_facets_over_the_whole_catalogue()
    {
        var browser = new CatalogBrowser(_shop.Catalog);
        Filter filter = _shop.Parse("in_stock");
        var request = new BrowseRequest { Filter = filter, Sort = SortOrder.PriceAscending, PageSize = 16, Facets = FacetRequest.ParseList("brand,category") };
        List<RecommendationPage> pages = CustomShop.AllPages(c => browser.Browse(request with { Cursor = c }));
        List<int> items = [.. pages.SelectMany(p => p.Select(r => r.ItemIndex))];

        var catalog = _shop.Catalog;
        List<int> expected = [.. Enumerable.Range(0, catalog.Count).Where(c => catalog.GetValue(c, "in_stock") is true)
            .OrderBy(c => catalog.GetValue(c, "price") is null ? 1 : 0).ThenBy(c => (decimal?)catalog.GetValue(c, "price") ?? 0).ThenBy(c => c)];
        Assert.Equal(expected, items);
        Assert.Equal(expected.Count, pages[0].Facets[0].Values.Sum(v => v.Count) + pages[0].Facets[0].Missing);
    }

    [Fact]
    public async Task A_browsing_user_gets_their_saved_preferences()
    {
        var store = new InMemoryPreferenceStore();
        await store.SaveAsync("ann", new UserPreferences { BlockedBrands = ["Acme"], DefaultFilter = "rating >= 4" });
        var browser = new CatalogBrowser(_shop.Catalog, preferences: store);

        RecommendationPage ann = await browser.BrowseAsync(new BrowseRequest { UserId = "ann", PageSize = 500 });
        RecommendationPage anonymous = await browser.BrowseAsync(new BrowseRequest { PageSize = 500 });

        Assert.All(ann, r => Assert.NotEqual("Acme", _shop.Catalog.GetText(r.ItemIndex, "brand")));
        Assert.All(ann, r => Assert.True((decimal?)_shop.Catalog.GetValue(r.ItemIndex, "rating") >= 4));
        Assert.Equal(_shop.Catalog.Count, anonymous.Count);
    }
}
