using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

/// <summary>Sort orders, paging and the "a filter never costs the user their K results" rule of <see cref="Recommender.Recommend"/>.</summary>
public sealed class CustomizedListTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public CustomizedListTests(CustomShop shop) => _shop = shop;

    public static TheoryData<SortOrder, string?, int> Cases()
    {
        var data = new TheoryData<SortOrder, string?, int>();
        foreach (SortOrder sort in Enum.GetValues<SortOrder>())
        {
            data.Add(sort, null, 7);
            data.Add(sort, "in_stock and price <= 25", 10);
        }

        data.Add(SortOrder.Relevance, "brand = \"Acme\" or tags contains any (\"eco\")", 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pages_of_a_personalized_list_follow_the_reference_order_without_repeats_or_gaps(SortOrder sort, string? filterText, int pageSize)
    {
        Filter? filter = filterText is null ? null : _shop.Parse(filterText);
        const int Pool = 60;
        var request = new RecommendationRequest("user-3") { Sort = sort, Filter = filter, PageSize = pageSize, CandidatePoolSize = Pool };
        List<RecommendationPage> pages = CustomShop.AllPages(cursor => _shop.Recommender.Recommend(request with { Cursor = cursor }));

        List<int> expected = _shop.ReferenceOrder(3, filter, sort, excludeSeen: true, Pool);
        List<int> actual = [.. pages.SelectMany(p => p.Select(r => r.ItemIndex))];
        Assert.Equal(expected, actual);
        Assert.Equal(actual.Count, actual.Distinct().Count());
        for (int p = 0; p < pages.Count; p++)
        {
            Assert.Equal(p + 1, pages[p].PageNumber);
            Assert.Equal(expected.Count, pages[p].TotalCount);
            Assert.Equal(RecommendationSource.Personalized, pages[p].Source);
            Assert.Equal(sort, pages[p].Sort);
            Assert.Equal(p < pages.Count - 1 ? pageSize : expected.Count - (pageSize * p), pages[p].Count);
        }
    }

    [Theory]
    [InlineData(SortOrder.Relevance)]
    [InlineData(SortOrder.PriceAscending)]
    [InlineData(SortOrder.Newest)]
    public void An_unknown_user_pages_through_every_eligible_item_in_popularity_order(SortOrder sort)
    {
        var request = new RecommendationRequest("stranger") { Sort = sort, PageSize = 25, CandidatePoolSize = 10 };
        List<RecommendationPage> pages = CustomShop.AllPages(cursor => _shop.Recommender.Recommend(request with { Cursor = cursor }));

        Assert.All(pages, p => Assert.Equal(RecommendationSource.PopularFallback, p.Source));
        Assert.Equal(_shop.ReferenceOrder(null, null, sort, excludeSeen: false, pool: 0), pages.SelectMany(p => p.Select(r => r.ItemIndex)).ToList());
    }

    [Fact]
    public void The_first_relevance_page_equals_the_filtered_top_k()
    {
        Filter filter = _shop.Parse("price between 5 and 49.5");
        RecommendationPage page = _shop.Recommender.Recommend(new RecommendationRequest("user-8") { Filter = filter, PageSize = 12 });
        RecommendationList top = _shop.Recommender.ForUser("user-8", 12, _shop.Recommender.Compile(filter));

        Assert.Equal(top.Select(r => r.ItemId), page.Select(r => r.ItemId));
        Assert.Equal(top.Select(r => r.Score), page.Select(r => r.Score));
    }

    [Fact]
    public void A_selective_filter_still_fills_the_page_while_enough_items_match()
    {
        Filter filter = _shop.Parse("brand = \"Zen\" and category under \"Electronics\"");
        RecommendationPage page = _shop.Recommender.Recommend(new RecommendationRequest("user-1") { Filter = filter, PageSize = 5 });

        Assert.True(page.TotalCount >= 5, $"only {page.TotalCount} items match: the test needs at least 5");
        Assert.Equal(5, page.Count);
        Assert.All(page, r => Assert.Equal("Zen", _shop.Value(r.ItemIndex, "brand")));
    }

    [Fact]
    public void Items_without_the_sort_attribute_come_last_in_both_directions()
    {
        foreach (SortOrder sort in new[] { SortOrder.PriceAscending, SortOrder.PriceDescending })
        {
            var request = new RecommendationRequest("stranger") { Sort = sort, PageSize = 1000 };
            List<int> order = [.. _shop.Recommender.Recommend(request).Select(r => r.ItemIndex)];
            int firstMissing = order.FindIndex(i => _shop.Value(i, "price") is null);
            Assert.True(firstMissing > 0, "the catalogue should have items without a price");
            Assert.All(order.Skip(firstMissing), i => Assert.Null(_shop.Value(i, "price")));
        }
    }

    [Fact]
    public void A_cursor_from_another_query_is_refused_with_a_clear_message()
    {
        var request = new RecommendationRequest("user-2") { PageSize = 5, Sort = SortOrder.PriceAscending };
        string cursor = _shop.Recommender.Recommend(request).NextCursor!;

        var otherUser = Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(new RecommendationRequest("user-4") { Cursor = cursor, Sort = SortOrder.PriceAscending }));
        Assert.Contains("another query", otherUser.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(request with { Cursor = cursor, Sort = SortOrder.Rating }));
        Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(request with { Cursor = cursor, Filter = _shop.Parse("in_stock") }));
        var garbage = Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(request with { Cursor = "not-a-cursor" }));
        Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(request with { Cursor = "garbage" }));
        Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(request with { Cursor = "" }));
        Assert.Contains("not a cursor", garbage.Message, StringComparison.Ordinal);
        Assert.Equal(2, _shop.Recommender.Recommend(request with { Cursor = cursor, PageSize = 3 }).PageNumber);
    }

    [Fact]
    public void The_same_request_gives_the_same_page_and_cursor()
    {
        var request = new RecommendationRequest("user-5") { PageSize = 9, Sort = SortOrder.Rating };
        RecommendationPage first = _shop.Recommender.Recommend(request);
        RecommendationPage again = _shop.Recommender.Recommend(request);

        Assert.Equal(first.Select(r => r.ItemIndex), again.Select(r => r.ItemIndex));
        Assert.Equal(first.NextCursor, again.NextCursor);
    }

    [Fact]
    public void Invalid_requests_report_every_problem()
    {
        var error = Assert.Throws<ValidationException>(() => _shop.Recommender.Recommend(new RecommendationRequest("user-1") { PageSize = 0, CandidatePoolSize = 0 }));
        Assert.Contains("PageSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("CandidatePoolSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sorting_by_an_attribute_without_a_catalogue_says_what_is_missing()
    {
        using var bare = new Recommender(_shop.Model);
        var error = Assert.Throws<InvalidOperationException>(() => bare.Recommend(new RecommendationRequest("user-1") { Sort = SortOrder.PriceAscending }));
        Assert.Contains("price-asc", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, bare.Recommend(new RecommendationRequest("user-1") { Sort = SortOrder.Popularity }).Count);
    }

    [Fact]
    public void Compile_without_a_catalogue_accepts_the_per_user_rules_and_names_the_attributes_a_filter_reads()
    {
        using var bare = new Recommender(_shop.Model, new RecommenderOptions { ExcludeSeen = false });

        CompiledFilter notSeen = bare.Compile(Filter.NotSeen);
        CompiledFilter notBought = bare.Compile(Filter.NotSeen.And(Filter.NotBought));
        var error = Assert.Throws<InvalidOperationException>(() =>
            bare.Compile(Filter.NotSeen.And(Filter.Where("brand").EqualTo("Acme")).And(Filter.Where("price").AtMost(20m))));
        var nested = Assert.Throws<ArgumentException>(() => bare.Compile(Filter.Not(Filter.NotSeen)));

        Assert.Equal((true, false, _shop.Model.Items.Count), (notSeen.ExcludesSeen, notSeen.ExcludesBought, notSeen.EligibleCount));
        Assert.Equal((true, true), (notBought.ExcludesSeen, notBought.ExcludesBought));
        Assert.Contains("'brand', 'price'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no catalogue", error.Message, StringComparison.Ordinal);
        Assert.Contains("'not seen'", nested.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_not_seen_filter_works_without_a_catalogue_in_every_way_in()
    {
        using var bare = new Recommender(_shop.Model, new RecommenderOptions { ExcludeSeen = false });
        int user = _shop.Model.Users.GetIndex("user-1");
        HashSet<int> seen = [.. _shop.Model.GetSeenItems(user).ToArray()];
        CompiledFilter notSeen = bare.Compile(Filter.NotSeen);
        var destination = new Recommendation[10];

        RecommendationPage page = bare.Recommend(new RecommendationRequest("user-1") { Filter = Filter.NotSeen, PageSize = 10 });
        RecommendationList list = bare.ForUser("user-1", 10, notSeen);
        int written = bare.ForUser("user-1", notSeen, destination, out RecommendationSource source);

        Assert.Equal(10, page.Count);
        Assert.DoesNotContain(page, r => seen.Contains(r.ItemIndex));
        Assert.Equal(list, destination[..written]);
        Assert.Equal(RecommendationSource.Personalized, source);
        Assert.DoesNotContain(list, r => seen.Contains(r.ItemIndex));
        Assert.Contains(bare.ForUser("user-1", 10), r => seen.Contains(r.ItemIndex));   // the filter made the difference
    }

    [Fact]
    public void Sorting_by_an_attribute_the_catalogue_lacks_names_it()
    {
        using var renamed = new Recommender(_shop.Model, _shop.Catalog, null, new RecommenderOptions { Attributes = new CatalogAttributes { Price = "cost" } });
        var error = Assert.Throws<InvalidOperationException>(() => renamed.Recommend(new RecommendationRequest("user-1") { Sort = SortOrder.PriceAscending }));
        Assert.Contains("'cost'", error.Message, StringComparison.Ordinal);
    }
}
