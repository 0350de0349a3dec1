using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Search.Tests;

/// <summary>
/// Search pages, which read only the matched items, against the reference that builds the same page over catalogue-sized arrays
/// (<c>CatalogBrowser.BrowseByCatalogScan</c>): for many queries, filters, sorts, page sizes, users and saved preferences over the sample
/// shop, every page, score, total, cursor and facet count is the same.
/// </summary>
public sealed class SearchPageEquivalenceTests : IClassFixture<SampleShop>
{
    private static readonly string[] Queries = ["knife", "dune", "cobalt blend", "roam ", "oven", "nimbus", "dutch oven", "screen", "saucepan", "kni", "knfie "];

    private static readonly string?[] Filters = [null, "in_stock", "price <= 40", "rating >= 4 and in_stock", "brand in (\"Dune\", \"Cobalt\")",
        "category under \"Household\" or brand = \"Wren\""];

    private readonly SampleShop _shop;

    public SearchPageEquivalenceTests(SampleShop shop) => _shop = shop;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 30)];

    [Theory, MemberData(nameof(Seeds))]
    public void Search_pages_equal_the_catalogue_scan_pages(int seed)
    {
        var random = new Random(seed);
        string query = Queries[random.Next(Queries.Length)];
        string? filterText = Filters[random.Next(Filters.Length)];
        string? user = random.Next(4) == 0 ? null : random.Next(5) == 0 ? "nobody" : _shop.Model.Users.GetId(random.Next(_shop.Model.Users.Count));
        UserPreferences? preferences = random.Next(3) switch
        {
            0 => null,
            1 => new UserPreferences { BlockedBrands = ["Dune"], BlockedItems = ["I0002", "I0010"], PersonalizationOptOut = random.Next(2) == 0 },
            _ => new UserPreferences { DefaultFilter = "price >= 10", BlockedCategories = ["Electronics"], PreferredSort = "rating" },
        };
        var request = new SearchRequest(query)
        {
            UserId = user,
            Filter = filterText is null ? null : FilterText.Parse(filterText, _shop.Catalog.Schema).Value,
            Sort = random.Next(3) == 0 ? null : (SortOrder)random.Next(6),
            PageSize = random.Next(1, 25),
            Facets = random.Next(2) == 0 ? FacetRequest.ParseList("brand,category,price,rating,tags,in_stock") : [],
            ApplyPreferences = random.Next(5) != 0,
            Personalize = random.Next(5) != 0,
        };
        bool withModel = random.Next(4) != 0;
        var search = new ProductSearch(_shop.Index, withModel ? _shop.Recommender : null);
        var reference = new CatalogBrowser(_shop.Catalog, withModel ? _shop.Model : null, null, _shop.Recommender.Options.Attributes);
        string context = $"seed {seed}: '{query}', filter '{filterText}', sort {request.Sort}, page {request.PageSize}, user {user}, model {withModel}";

        List<RecommendationPage> pages = AllPages(c => search.Search(request with { Cursor = c }, preferences).Page);
        List<RecommendationPage> expected = AllPages(c => reference.BrowseByCatalogScan(Browse(request, c), Ranked(search, request, preferences), preferences));

        Assert.True(pages[0].TotalCount > 0 || filterText is not null || preferences is not null, $"{context}: the query matched nothing");
        Assert.True(expected.Count == pages.Count, $"{context}: {expected.Count} pages expected, {pages.Count} read.");
        for (int p = 0; p < pages.Count; p++)
        {
            RecommendationPage e = expected[p], a = pages[p];
            Assert.True(e.Select(r => (r.ItemId, r.Score)).SequenceEqual(a.Select(r => (r.ItemId, r.Score))),
                $"{context}, page {p + 1}: {string.Join(' ', e.Select(r => r.ItemId))} expected, {string.Join(' ', a.Select(r => r.ItemId))} read.");
            Assert.True((e.TotalCount, e.NextCursor, e.Source, e.Sort) == (a.TotalCount, a.NextCursor, a.Source, a.Sort), $"{context}, page {p + 1}: totals, cursors or sources differ.");
            Assert.Equal(Describe(e.Facets), Describe(a.Facets));
        }
    }

    /// <summary>The ranked list <see cref="ProductSearch.Search"/> builds for a request (the same calls, made here).</summary>
    private RankedList Ranked(ProductSearch search, SearchRequest request, UserPreferences? preferences)
    {
        TextMatch match = _shop.Index.Match(request.Query);
        return search.Recommender is null ? RankedList.ByScore(match.Candidates)
            : request.UserId is not null
                ? search.Recommender.Rank(request.UserId, match.Candidates, request.Personalize ? search.RankOptions : search.RankOptions with { Personalize = false }, preferences)
                : search.Recommender.Rank("", match.Candidates, search.RankOptions with { Personalize = false });
    }

    private static BrowseRequest Browse(SearchRequest request, string? cursor) => new()
    {
        UserId = request.UserId,
        PageSize = request.PageSize,
        Filter = request.Filter,
        Sort = request.Sort,
        Cursor = cursor,
        ApplyPreferences = request.ApplyPreferences,
        Facets = request.Facets,
    };

    private static List<RecommendationPage> AllPages(Func<string?, RecommendationPage> page)
    {
        var pages = new List<RecommendationPage>();
        string? cursor = null;
        do
        {
            pages.Add(page(cursor));
            cursor = pages[^1].NextCursor;
            Assert.True(pages.Count < 2000, "the cursor never ends");
        }
        while (cursor is not null);
        return pages;
    }

    private static List<string> Describe(IReadOnlyList<Facet> facets) =>
        [.. facets.SelectMany(f => f.Values.Select(v => $"{f.Attribute} missing {f.Missing}: {v.Label} = {v.Count} ({FilterText.Format(v.Filter)})")
            .DefaultIfEmpty($"{f.Attribute} missing {f.Missing}: no values"))];
}
