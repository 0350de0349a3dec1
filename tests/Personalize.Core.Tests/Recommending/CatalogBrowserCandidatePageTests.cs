using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

/// <summary>
/// Pins the browse of a ranked candidate list (which reads only the candidates) to the reference that builds the same page over
/// catalogue-sized arrays: the same items, scores, totals, cursors and facet counts, page after page, for many lists, filters, sorts,
/// page sizes and saved preferences; with the filter evaluated for the candidates alone and with it read from the compiled cache.
/// </summary>
public sealed class CatalogBrowserCandidatePageTests : IClassFixture<CustomShop>
{
    private static readonly string?[] Filters =
    [
        null,
        "in_stock",
        "price <= 20",
        "brand in (\"Acme\", \"Zen\") and price between 5 and 49.5",
        "category under \"Electronics\" or tags contains any (\"sale\")",
        "not in_stock and rating >= 3",
        "in_stock and not seen",
    ];

    private static readonly IReadOnlyList<FacetRequest> AllFacets = FacetRequest.ParseList("brand,category,price,rating,tags,in_stock");

    private readonly CustomShop _shop;

    public CatalogBrowserCandidatePageTests(CustomShop shop) => _shop = shop;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 24)];

    [Theory, MemberData(nameof(Seeds))]
    public void Candidate_pages_equal_the_catalogue_scan_page_for_page(int seed)
    {
        var random = new Random(seed);
        // Short lists evaluate an uncached filter for the candidates alone; long ones (and repeats) compile it for the catalogue.
        int[] sizes = [0, 1, 3, 20, 60, 79, 150, 500];
        int count = sizes[random.Next(sizes.Length)];
        RankedList ranked = Ranked(random, count);
        string? filterText = Filters[random.Next(Filters.Length)];
        var request = new BrowseRequest
        {
            UserId = random.Next(3) == 0 ? null : "user-2",
            Filter = filterText is null ? null : _shop.Parse(filterText),
            Sort = random.Next(4) == 0 ? null : (SortOrder)random.Next(6),
            PageSize = random.Next(1, 14),
            Facets = random.Next(2) == 0 ? AllFacets : [],
            ApplyPreferences = random.Next(5) != 0,
        };
        UserPreferences? preferences = random.Next(3) switch
        {
            0 => null,
            1 => new UserPreferences { BlockedBrands = ["Acme"], BlockedItems = ["item-3", "item-10", "extra-2", "no-such-item"] },
            _ => new UserPreferences { DefaultFilter = "price >= 9.99", BlockedCategories = ["Garden"], PreferredSort = "price-desc" },
        };
        string context = $"seed {seed}: {count} candidates, filter '{filterText}', sort {request.Sort}, page {request.PageSize}";

        // A fresh browser has no compiled filters; a warm one has this request's filter compiled by the scan.
        var fresh = new CatalogBrowser(_shop.Catalog, _shop.Model);
        var warm = new CatalogBrowser(_shop.Catalog, _shop.Model);
        List<RecommendationPage> expected = CustomShop.AllPages(c => warm.BrowseByCatalogScan(request with { Cursor = c }, ranked, preferences));
        List<RecommendationPage> uncached = CustomShop.AllPages(c => fresh.Browse(request with { Cursor = c }, ranked, preferences));
        List<RecommendationPage> cached = CustomShop.AllPages(c => warm.Browse(request with { Cursor = c }, ranked, preferences));

        AssertSamePages(expected, uncached, context + " (filter not compiled)");
        AssertSamePages(expected, cached, context + " (filter compiled)");
    }

    [Fact]
    public void A_repeated_item_counts_once_at_its_best_place_as_in_the_catalogue_scan()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        List<RankCandidate> candidates = [new("item-5", 1), new("item-7", 9), new("item-5", 5), new("item-9", 3), new("item-7", 2), new("item-5", 8)];
        RankedList ranked = _shop.Recommender.Rank("user-1", candidates);

        RecommendationPage page = browser.Browse(new BrowseRequest { PageSize = 10 }, ranked);
        RecommendationPage reference = browser.BrowseByCatalogScan(new BrowseRequest { PageSize = 10 }, ranked);

        List<string> firstPlaces = [.. ranked.Select(r => r.ItemId).Distinct()];
        Assert.Equal(firstPlaces, page.Select(r => r.ItemId));
        Assert.Equal(3, page.TotalCount);
        AssertSamePages([reference], [page], "repeats");
    }

    [Fact]
    public void A_filter_that_does_not_fit_the_catalogue_is_refused_by_both_paths()
    {
        var browser = new CatalogBrowser(_shop.Catalog, _shop.Model);
        RankedList ranked = Ranked(new Random(5), 10);
        var request = new BrowseRequest { Filter = Filter.Where("brand").AtLeast(3m) };

        ArgumentException candidate = Assert.Throws<ArgumentException>(() => browser.Browse(request, ranked));
        ArgumentException scan = Assert.Throws<ArgumentException>(() => browser.BrowseByCatalogScan(request, ranked));

        Assert.Equal(scan.Message, candidate.Message);
    }

    private RankedList Ranked(Random random, int count)
    {
        // Catalogue items, items the model lacks (extra-*), ids the catalogue lacks, repeats and tied scores.
        List<RankCandidate> candidates = [.. Enumerable.Range(0, count).Select(_ => new RankCandidate(random.Next(8) switch
        {
            0 => $"extra-{random.Next(40)}",
            1 => $"item-{random.Next(280, 300)}",
            _ => $"item-{random.Next(280)}",
        }, random.Next(0, 12)))];
        if (count > 0)
        {
            candidates.Add(new RankCandidate("not-in-catalogue", 100));
        }

        return _shop.Recommender.Rank(random.Next(2) == 0 ? "user-2" : "", candidates);
    }

    private static void AssertSamePages(List<RecommendationPage> expected, List<RecommendationPage> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: {expected.Count} pages expected, {actual.Count} read.");
        for (int p = 0; p < expected.Count; p++)
        {
            RecommendationPage e = expected[p], a = actual[p];
            string where = $"{context}, page {p + 1}";
            Assert.True(e.Select(r => (r.ItemId, r.ItemIndex, r.Score)).SequenceEqual(a.Select(r => (r.ItemId, r.ItemIndex, r.Score))),
                $"{where}: items {string.Join(' ', e.Select(r => r.ItemId))} expected, {string.Join(' ', a.Select(r => r.ItemId))} read.");
            Assert.True((e.TotalCount, e.NextCursor, e.PageNumber, e.Source, e.Sort, e.UserId) == (a.TotalCount, a.NextCursor, a.PageNumber, a.Source, a.Sort, a.UserId),
                $"{where}: total {e.TotalCount} / {a.TotalCount}, cursor {e.NextCursor} / {a.NextCursor}, page {e.PageNumber} / {a.PageNumber}.");
            Assert.Equal(e.Filter, a.Filter);
            Assert.Equal(Describe(e.Facets), Describe(a.Facets));
        }
    }

    private static List<string> Describe(IReadOnlyList<Facet> facets) =>
        [.. facets.SelectMany(f => f.Values.Select(v => $"{f.Attribute} {f.Type} missing {f.Missing}: {v.Label} = {v.Count} ({FilterText.Format(v.Filter)})")
            .DefaultIfEmpty($"{f.Attribute} {f.Type} missing {f.Missing}: no values"))];
}
