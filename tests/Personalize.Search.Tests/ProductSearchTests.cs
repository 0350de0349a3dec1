using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Search.Tests;

public sealed class ProductSearchTests : IClassFixture<SampleShop>
{
    private readonly SampleShop _shop;

    public ProductSearchTests(SampleShop shop) => _shop = shop;

    private Filter Parse(string text) => FilterText.Parse(text, _shop.Catalog.Schema).Value;

    /// <summary>A user the model knows well: the one with the most seen items.</summary>
    private string HeavyUser => _shop.Model.Users.GetId(Enumerable.Range(0, _shop.Model.Users.Count).MaxBy(u => _shop.Model.GetSeenItems(u).Length));

    private static List<RecommendationPage> AllPages(Func<string?, RecommendationPage> page)
    {
        var pages = new List<RecommendationPage>();
        string? cursor = null;
        do
        {
            pages.Add(page(cursor));
            cursor = pages[^1].NextCursor;
            Assert.True(pages.Count < 1000, "the cursor never ends");
        }
        while (cursor is not null);
        return pages;
    }

    [Fact]
    public void Related_to_your_search_is_the_basket_blend_of_the_page_without_any_match_and_with_the_same_filter_and_blocks()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        var catalog = _shop.Catalog;
        Filter filter = Parse("price <= 80");
        var request = new SearchRequest("dune") { UserId = HeavyUser, Filter = filter, PageSize = 5, Related = 8 };

        SearchResult result = search.Search(request);

        // The expected list: Core's basket blend of the page's items, filtered, without any item the query matched.
        var matched = _shop.Index.Match("dune").Candidates.Select(c => c.ItemId).ToHashSet();
        CompiledFilter compiled = FilterCompiler.Compile(filter, catalog, _shop.Model.Items);
        List<string> expected = [.. _shop.Recommender.RelatedTo([.. result.Page.Select(r => r.ItemId)], _shop.Model.Items.Count, compiled)
            .Where(r => !matched.Contains(r.ItemId)).Take(8).Select(r => r.ItemId)];
        Assert.Equal(8, result.Related.Count);
        Assert.Equal(expected, result.Related.Select(r => r.ItemId));
        Assert.All(result.Related, r => Assert.True(catalog.GetValue(catalog.GetIndex(r.ItemId), "price") is decimal p && p <= 80));

        // Saved blocks apply too: a blocked item and a blocked brand leave the list, the rest moves up.
        string blockedItem = result.Related[0].ItemId;
        string blockedBrand = catalog.GetText(catalog.GetIndex(result.Related[1].ItemId), "brand")!;
        SearchResult blocked = search.Search(request, new UserPreferences { BlockedItems = [blockedItem], BlockedBrands = [blockedBrand] });
        Assert.Equal(8, blocked.Related.Count);
        Assert.DoesNotContain(blocked.Related, r => r.ItemId == blockedItem || catalog.GetText(catalog.GetIndex(r.ItemId), "brand") == blockedBrand);

        // Not asked for, or no model: none.
        Assert.Empty(search.Search(request with { Related = 0 }).Related);
        Assert.Empty(new ProductSearch(_shop.Index).Search(request).Related);
    }

    [Fact]
    public void Related_to_your_search_with_not_seen_leaves_out_the_users_history_and_keeps_the_filters_count()
    {
        // The related scan has no user: 'not seen' is applied from the model's history, the attribute conditions item by item.
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        var request = new SearchRequest("dune") { UserId = HeavyUser, Filter = Parse("price <= 80 and not seen"), PageSize = 5, Related = 8 };

        SearchResult result = search.Search(request);

        int user = _shop.Model.Users.GetIndex(HeavyUser);
        var seen = _shop.Model.GetSeenItems(user).ToArray().Select(_shop.Model.Items.GetId).ToHashSet();
        var matched = _shop.Index.Match("dune").Candidates.Select(c => c.ItemId).ToHashSet();
        CompiledFilter prices = FilterCompiler.Compile(Parse("price <= 80"), _shop.Catalog, _shop.Model.Items);
        List<string> expected = [.. _shop.Recommender.RelatedTo([.. result.Page.Select(r => r.ItemId)], _shop.Model.Items.Count, prices)
            .Where(r => !matched.Contains(r.ItemId) && !seen.Contains(r.ItemId)).Take(8).Select(r => r.ItemId)];
        Assert.NotEmpty(seen);
        Assert.Equal(8, result.Related.Count);
        Assert.Equal(expected, result.Related.Select(r => r.ItemId));
    }

    [Fact]
    public void Related_to_your_search_without_a_filter_lists_only_items_the_catalogue_has()
    {
        var request = new SearchRequest("kettle") { UserId = HeavyUser, PageSize = 5, Related = 5 };
        string[] related = [.. new ProductSearch(_shop.Index, _shop.Recommender).Search(request).Related.Select(r => r.ItemId)];
        Assert.Equal(5, related.Length);

        // The same shop with the catalogue missing the first three of those: the model still has them.
        string[] lines = File.ReadAllLines(Path.Combine(SampleShop.Folder, "items.csv"));
        string path = Path.Combine(Path.GetTempPath(), $"items-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllLines(path, lines.Where((line, i) => i == 0 || !related.Take(3).Contains(line[..line.IndexOf(',', StringComparison.Ordinal)])));
            ItemCatalog smaller = ItemCatalog.ReadCsv(path);
            using CatalogSearchIndex index = CatalogSearchIndex.Build(smaller);
            SearchResult result = new ProductSearch(index, _shop.Recommender).Search(request);

            Assert.Equal(_shop.Catalog.Count - 3, smaller.Count);
            Assert.Equal(5, result.Related.Count);
            Assert.All(result.Related, r => Assert.True(smaller.GetIndex(r.ItemId) >= 0, $"{r.ItemId} is not in the catalogue"));
            Assert.Equal(related.Skip(3), result.Related.Select(r => r.ItemId).Take(2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Results_honour_the_filter_the_sort_and_the_cursor_and_facets_count_every_matching_eligible_item()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        var request = new SearchRequest("dune") { UserId = HeavyUser, Filter = Parse("price <= 60"), Sort = SortOrder.PriceAscending, PageSize = 7,
            Facets = FacetRequest.ParseList("brand") };

        List<RecommendationPage> pages = AllPages(c => search.Search(request with { Cursor = c }).Page);

        var catalog = _shop.Catalog;
        List<int> matching = [.. _shop.Index.Match("dune").Candidates.Select(c => catalog.GetIndex(c.ItemId))];
        List<int> eligible = [.. matching.Where(i => catalog.GetValue(i, "price") is decimal p && p <= 60)];
        List<int> shown = [.. pages.SelectMany(p => p.Select(r => r.ItemIndex))];
        Assert.True(eligible.Count > request.PageSize, "the query should need several pages");
        Assert.Equal(eligible.Order(), shown.Order());
        Assert.Equal(shown.Select(i => (decimal)catalog.GetValue(i, "price")!), shown.Select(i => (decimal)catalog.GetValue(i, "price")!).Order());
        Facet brands = pages[0].Facets[0];
        Assert.Equal(eligible.Count, brands.Values.Sum(v => v.Count) + brands.Missing);
        foreach (FacetValue value in brands.Values)
        {
            Assert.Equal(eligible.Count(i => catalog.GetText(i, "brand") == value.Label), value.Count);
        }
    }

    [Fact]
    public void Blocked_brands_never_appear_and_an_opted_out_user_gets_the_anonymous_order()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        string user = HeavyUser;
        var request = new SearchRequest("smart") { UserId = user, PageSize = 500 };

        SearchResult personal = search.Search(request);
        SearchResult optedOut = search.Search(request, new UserPreferences { PersonalizationOptOut = true });
        SearchResult anonymous = search.Search(request with { UserId = null });
        SearchResult blocked = search.Search(request, new UserPreferences { BlockedBrands = ["Dune"] });

        Assert.Equal(RecommendationSource.Personalized, personal.Page.Source);
        Assert.Equal(RecommendationSource.NonPersonal, optedOut.Page.Source);
        Assert.Equal(anonymous.Page.Select(r => r.ItemId), optedOut.Page.Select(r => r.ItemId));
        Assert.NotEqual(anonymous.Page.Select(r => r.ItemId), personal.Page.Select(r => r.ItemId));
        Assert.Contains(personal.Page, r => _shop.Catalog.GetText(r.ItemIndex, "brand") == "Dune");
        Assert.DoesNotContain(blocked.Page, r => _shop.Catalog.GetText(r.ItemIndex, "brand") == "Dune");
        Assert.Equal(personal.Page.Count(r => _shop.Catalog.GetText(r.ItemIndex, "brand") != "Dune"), blocked.Page.Count);
    }

    [Fact]
    public void Personal_relevance_is_the_documented_blend_and_seen_items_are_kept()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender, rankOptions: new RankOptions { PersonalizationWeight = 1f });
        string user = HeavyUser;
        int u = _shop.Model.Users.GetIndex(user);

        SearchResult result = search.Search(new SearchRequest("dune") { UserId = user, PageSize = 1000 });

        // With weight 1 the order is the model's alone: scores descend in the model's score.
        List<float> modelScores = [.. result.Page.Where(r => _shop.Model.Items.TryGetIndex(r.ItemId, out _))
            .Select(r => _shop.Model.Score(u, _shop.Model.Items.GetIndex(r.ItemId)))];
        Assert.Equal(modelScores.OrderDescending(), modelScores);
        HashSet<string> seen = [.. _shop.Model.GetSeenItems(u).ToArray().Select(_shop.Model.Items.GetId)];
        HashSet<string> matching = [.. result.Match.Candidates.Select(c => c.ItemId)];
        Assert.Equal(matching.Intersect(seen).Order(), result.Page.Select(r => r.ItemId).Intersect(seen).Order());
    }

    [Fact]
    public void A_cursor_from_another_query_is_refused_and_a_search_without_a_model_orders_by_text()
    {
        var search = new ProductSearch(_shop.Index);
        SearchResult first = search.Search(new SearchRequest("dune") { PageSize = 3 });

        Assert.NotNull(first.Page.NextCursor);
        Assert.Throws<ArgumentException>(() => search.Search(new SearchRequest("cobalt") { PageSize = 3, Cursor = first.Page.NextCursor }));
        SearchResult all = search.Search(new SearchRequest("dune") { PageSize = 1000 });
        Assert.Equal(RecommendationSource.NonPersonal, all.Page.Source);
        Assert.Equal(all.Match.Candidates.Select(c => c.ItemId), all.Page.Select(r => r.ItemId));
    }

    [Fact]
    public void An_invalid_request_reports_every_error()
    {
        var search = new ProductSearch(_shop.Index);

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => search.Search(new SearchRequest("x") { PageSize = 0, Sort = (SortOrder)99 }));

        Assert.Equal("SearchRequest is invalid (2 errors): PageSize = 0: must be between 1 and 10000. Sort = 99: not a defined sort order.", error.Message);
    }

    [Fact]
    public void A_folded_in_searcher_is_ordered_by_their_new_taste_and_a_fold_of_someone_else_is_refused()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender, rankOptions: new RankOptions { PersonalizationWeight = 1f });
        var request = new SearchRequest("dune") { UserId = "new-reader", PageSize = 20 };
        SearchResult cold = search.Search(request);
        Assert.Equal(RecommendationSource.PopularFallback, cold.Page.Source);

        string[] matches = [.. _shop.Index.Match("dune").Candidates.Select(c => c.ItemId).Where(id => _shop.Model.Items.TryGetIndex(id, out _))];
        FoldedUser reader = _shop.Recommender.FoldIn("new-reader", [.. matches.TakeLast(2).Select(id => new Interaction("new-reader", id, "purchase"))]);
        SearchResult warm = search.Search(request with { FoldedUser = reader });
        Assert.Equal(RecommendationSource.Personalized, warm.Page.Source);
        Assert.NotEqual(cold.Page.Select(r => r.ItemId), warm.Page.Select(r => r.ItemId));
        RankedList expected = _shop.Recommender.Rank(reader, _shop.Index.Match("dune").Candidates, new RankOptions { PersonalizationWeight = 1f });
        Assert.Equal(expected.Where(r => _shop.Catalog.GetIndex(r.ItemId) >= 0).Take(20).Select(r => r.ItemId), warm.Page.Select(r => r.ItemId));

        var refused = Assert.Throws<ArgumentException>(() => search.Search(request with { UserId = HeavyUser, FoldedUser = reader }));
        Assert.Contains("user 'new-reader'", refused.Message, StringComparison.Ordinal);
    }
}
