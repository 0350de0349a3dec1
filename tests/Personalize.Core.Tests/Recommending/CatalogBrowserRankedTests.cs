using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

public sealed class CatalogBrowserRankedTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public CatalogBrowserRankedTests(CustomShop shop) => _shop = shop;

    private RankedList Ranked(int seed, int count, string user = "user-2")
    {
        var random = new Random(seed);
        List<RankCandidate> candidates = [.. Enumerable.Range(0, count).Select(_ => new RankCandidate(
            random.Next(6) == 0 ? $"extra-{random.Next(40)}" : $"item-{random.Next(300)}", random.Next(0, 10)))];
        candidates.Add(new RankCandidate("not-in-catalogue", 100));
        return _shop.Recommender.Rank(user, candidates);
    }

    [Fact]
    public void Relevance_pages_follow_the_ranked_order_once_per_item_and_skip_ids_the_catalogue_lacks()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        RankedList ranked = Ranked(seed: 1, count: 150);

        List<RecommendationPage> pages = CustomShop.AllPages(c => browser.Browse(new BrowseRequest { Cursor = c, PageSize = 7 }, ranked));

        List<string> expected = [.. ranked.Select(r => r.ItemId).Where(id => _shop.Catalog.GetIndex(id) >= 0).Distinct()];
        Assert.Equal(expected, pages.SelectMany(p => p.Select(r => r.ItemId)));
        Assert.All(pages, p => Assert.Equal(expected.Count, p.TotalCount));
        Assert.All(pages, p => Assert.Equal(RecommendationSource.Personalized, p.Source));
        Dictionary<string, float> best = ranked.GroupBy(r => r.ItemId).ToDictionary(g => g.Key, g => g.First().Score);
        Assert.All(pages.SelectMany(p => p), r => Assert.Equal(best[r.ItemId], r.Score));
    }

    [Fact]
    public void CompileFilter_gives_another_item_set_the_request_filter_or_the_saved_default_and_the_saved_blocks()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        var catalog = _shop.Catalog;
        var items = _shop.Model.Items;
        string brand = catalog.GetText(0, "brand")!;
        var preferences = new UserPreferences { DefaultFilter = "in_stock", BlockedBrands = [brand], BlockedItems = ["item-1"] };
        int At(int m) => catalog.GetIndex(items.GetId(m));   // model items the catalogue lacks (-1) have no attributes
        bool InStock(int m) => At(m) >= 0 && catalog.GetValue(At(m), "in_stock") is true;
        bool OfBrand(int m) => At(m) >= 0 && catalog.GetText(At(m), "brand") == brand;
        bool Cheap(int m) => At(m) >= 0 && catalog.GetValue(At(m), "price") is decimal p && p <= 20;

        CompiledFilter? none = browser.CompileFilter(new BrowseRequest(), items);
        CompiledFilter saved = browser.CompileFilter(new BrowseRequest { UserId = "u" }, items, preferences)!;
        CompiledFilter requested = browser.CompileFilter(new BrowseRequest { UserId = "u", Filter = _shop.Parse("price <= 20") }, items, preferences)!;
        CompiledFilter ignored = browser.CompileFilter(new BrowseRequest { UserId = "u", Filter = _shop.Parse("price <= 20"), ApplyPreferences = false }, items, preferences)!;

        Assert.Null(none);
        Assert.Equal(items.Count, saved.ItemCount);
        Assert.All(Enumerable.Range(0, items.Count), m =>
        {
            Assert.Equal(InStock(m) && !OfBrand(m), saved.IsEligible(m));
            Assert.Equal(Cheap(m) && !OfBrand(m), requested.IsEligible(m));
            Assert.Equal(Cheap(m), ignored.IsEligible(m));
        });
    }

    [Fact]
    public void Filter_sort_and_facets_apply_to_the_candidates_only()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        RankedList ranked = Ranked(seed: 2, count: 200);
        Filter filter = _shop.Parse("in_stock");
        var request = new BrowseRequest { Filter = filter, Sort = SortOrder.PriceAscending, PageSize = 9, Facets = FacetRequest.ParseList("brand") };

        List<RecommendationPage> pages = CustomShop.AllPages(c => browser.Browse(request with { Cursor = c }, ranked));

        var catalog = _shop.Catalog;
        List<int> candidates = [.. ranked.Select(r => catalog.GetIndex(r.ItemId)).Where(i => i >= 0).Distinct()];
        Dictionary<int, int> place = candidates.Select((item, position) => (item, position)).ToDictionary(p => p.item, p => p.position);
        List<int> expected = [.. candidates.Where(c => catalog.GetValue(c, "in_stock") is true)
            .OrderBy(c => catalog.GetValue(c, "price") is null ? 1 : 0).ThenBy(c => (decimal?)catalog.GetValue(c, "price") ?? 0).ThenBy(c => place[c])];
        Assert.Equal(expected, pages.SelectMany(p => p.Select(r => r.ItemIndex)));
        Facet brands = pages[0].Facets[0];
        foreach (FacetValue value in brands.Values)
        {
            Assert.Equal(expected.Count(c => catalog.GetText(c, "brand") == value.Label), value.Count);
        }
    }

    [Fact]
    public void Blocked_brands_never_appear_and_a_cursor_from_another_list_is_refused()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        RankedList first = Ranked(seed: 3, count: 100);
        RankedList other = Ranked(seed: 4, count: 100);
        var preferences = new UserPreferences { BlockedBrands = ["Acme"] };

        RecommendationPage page = browser.Browse(new BrowseRequest { UserId = "user-2", PageSize = 500 }, first, preferences);
        RecommendationPage small = browser.Browse(new BrowseRequest { UserId = "user-2", PageSize = 3 }, first, preferences);

        Assert.NotEmpty(page);
        Assert.Contains(first, r => _shop.Catalog.GetIndex(r.ItemId) is int c && c >= 0 && _shop.Catalog.GetText(c, "brand") == "Acme");
        Assert.All(page, r => Assert.NotEqual("Acme", _shop.Catalog.GetText(r.ItemIndex, "brand")));
        Assert.Throws<ArgumentException>(() => browser.Browse(new BrowseRequest { UserId = "user-2", PageSize = 3, Cursor = small.NextCursor }, other, preferences));
    }
}
