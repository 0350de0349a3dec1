using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

/// <summary>Facet counts are exact: each count equals a brute-force count, and each value's filter selects exactly that many items.</summary>
public sealed class FacetCountTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public FacetCountTests(CustomShop shop) => _shop = shop;

    [Theory]
    [InlineData(null)]
    [InlineData("in_stock")]
    [InlineData("price < 50 and not brand = \"Orbit\"")]
    public void Every_count_matches_the_items_its_filter_selects_among_the_eligible(string? filterText)
    {
        Filter? filter = filterText is null ? null : _shop.Parse(filterText);
        var request = new RecommendationRequest("user-6")
        {
            Filter = filter,
            Facets = [new("brand"), new("category"), new("tags"), new("in_stock"), new("price"), new("rating")],
        };
        RecommendationPage page = _shop.Recommender.Recommend(request);
        HashSet<int> seen = [.. _shop.Model.GetSeenItems(6).ToArray()];
        CompiledFilter? compiled = filter is null ? null : _shop.Recommender.Compile(filter);
        List<int> eligible = [.. Enumerable.Range(0, _shop.Model.Items.Count).Where(i => (compiled is null || compiled.IsEligible(i)) && !seen.Contains(i))];

        Assert.Equal(6, page.Facets.Count);
        foreach (Facet facet in page.Facets)
        {
            Assert.NotEmpty(facet.Values);
            foreach (FacetValue value in facet.Values)
            {
                CompiledFilter narrowed = _shop.Recommender.Compile(value.Filter);
                int expected = eligible.Count(narrowed.IsEligible);
                Assert.True(expected == value.Count, $"{facet.Attribute} '{value.Label}': counted {value.Count}, its filter selects {expected}");
            }

            int missing = eligible.Count(i => _shop.Value(i, facet.Attribute) is null);
            Assert.Equal(missing, facet.Missing);
        }
    }

    [Theory]
    [InlineData(SortOrder.PriceAscending)]
    [InlineData(SortOrder.Newest)]
    public void A_personalized_list_sorted_by_an_attribute_counts_its_facets_over_the_same_items_as_its_total(SortOrder sort)
    {
        const int Pool = 40;
        var request = new RecommendationRequest("user-6") { Sort = sort, CandidatePoolSize = Pool, PageSize = 7, Facets = [new("brand"), new("price")] };

        RecommendationPage page = _shop.Recommender.Recommend(request);
        List<int> listed = [.. CustomShop.AllPages(cursor => _shop.Recommender.Recommend(request with { Cursor = cursor })).SelectMany(p => p.Select(r => r.ItemIndex))];

        Assert.Equal(Pool, page.TotalCount);
        Assert.Equal(page.TotalCount, listed.Count);
        Assert.True(_shop.Model.Items.Count - _shop.Model.GetSeenItems(6).Length > Pool, "the test needs more eligible items than the pool");
        foreach (Facet facet in page.Facets)
        {
            if (facet.Type == AttributeType.Text)
            {
                Assert.Equal(page.TotalCount, facet.Values.Sum(v => v.Count) + facet.Missing);
            }

            foreach (FacetValue value in facet.Values)
            {
                CompiledFilter narrowed = _shop.Recommender.Compile(value.Filter);
                Assert.Equal(listed.Count(narrowed.IsEligible), value.Count);
            }
        }
    }

    [Fact]
    public void Text_values_come_most_frequent_first_and_sum_to_the_items_that_have_one()
    {
        IReadOnlyList<Facet> facets = FacetCounter.Count(_shop.Catalog, [new FacetRequest("brand")]);
        Facet brand = facets[0];

        Assert.Equal(4, brand.Values.Count);
        Assert.Equal(_shop.Catalog.Count, brand.Values.Sum(v => v.Count) + brand.Missing);
        Assert.True(brand.Values.Zip(brand.Values.Skip(1)).All(p => p.First.Count >= p.Second.Count));
        Assert.Equal(AttributeType.Text, brand.Type);
    }

    [Fact]
    public void A_category_path_counts_every_item_under_it()
    {
        Facet category = FacetCounter.Count(_shop.Catalog, [new FacetRequest("category")])[0];
        int Count(string label) => category.Values.Single(v => v.Label == label).Count;

        Assert.Equal(Count("Home/Kitchen") + Count("Home/Storage"), Count("Home"));
        Assert.Equal(Count("Electronics/Audio") + Count("Electronics/Cables"), Count("Electronics"));
    }

    [Fact]
    public void Given_ranges_and_thresholds_are_counted_as_asked()
    {
        IReadOnlyList<Facet> facets = FacetCounter.Count(_shop.Catalog,
            [FacetRequest.Ranges("price", 10, 50), FacetRequest.Thresholds("rating", 3, 4.5m)]);
        Facet price = facets[0];
        Facet rating = facets[1];
        decimal?[] prices = [.. Enumerable.Range(0, _shop.Catalog.Count).Select(c => (decimal?)_shop.Catalog.GetValue(c, "price"))];
        decimal?[] ratings = [.. Enumerable.Range(0, _shop.Catalog.Count).Select(c => (decimal?)_shop.Catalog.GetValue(c, "rating"))];

        Assert.Equal(["under 10", "10 to 50", "50 and over"], price.Values.Select(v => v.Label));
        Assert.Equal([prices.Count(p => p < 10), prices.Count(p => p >= 10 && p < 50), prices.Count(p => p >= 50)], price.Values.Select(v => v.Count));
        Assert.Equal(["4.5 and up", "3 and up"], rating.Values.Select(v => v.Label));
        Assert.Equal([ratings.Count(r => r >= 4.5m), ratings.Count(r => r >= 3)], rating.Values.Select(v => v.Count));
    }

    [Fact]
    public void Default_buckets_are_thresholds_for_ratings_and_a_one_two_five_scale_for_prices()
    {
        IReadOnlyList<Facet> facets = FacetCounter.Count(_shop.Catalog, FacetRequest.ParseList("rating, price"));

        Assert.Equal(["4 and up", "3 and up", "2 and up", "1 and up"], facets[0].Values.Select(v => v.Label));
        Assert.Equal(["under 10", "10 to 25", "25 to 50", "50 and over"], facets[1].Values.Select(v => v.Label));
    }

    [Fact]
    public void Empty_values_and_ranges_are_left_out_unless_asked_for()
    {
        // Ranges far above every price: the top ones are empty. A filter that leaves one brand: the others are empty.
        decimal top = Enumerable.Range(0, _shop.Catalog.Count).Max(c => (decimal?)_shop.Catalog.GetValue(c, "price") ?? 0);
        FacetRequest ranges = FacetRequest.Ranges("price", top + 1, top + 2);
        Facet hidden = FacetCounter.Count(_shop.Catalog, [ranges])[0];
        Facet shown = FacetCounter.Count(_shop.Catalog, [ranges with { IncludeEmpty = true }])[0];
        string oneBrand = FacetCounter.Count(_shop.Catalog, [new FacetRequest("brand")])[0].Values[0].Label;
        CompiledFilter narrowed = _shop.Recommender.Compile(Filter.Where("brand").EqualTo(oneBrand));
        Facet brandsHidden = FacetCounter.Count(_shop.Catalog, narrowed, [new FacetRequest("brand")])[0];
        Facet brandsShown = FacetCounter.Count(_shop.Catalog, narrowed, [new FacetRequest("brand") { IncludeEmpty = true }])[0];

        Assert.Equal([$"under {top + 1:0.##}"], hidden.Values.Select(v => v.Label));
        Assert.Equal([_shop.Catalog.Count - hidden.Missing, 0, 0], shown.Values.Select(v => v.Count));
        Assert.Equal([oneBrand], brandsHidden.Values.Select(v => v.Label));
        Assert.Equal(4, brandsShown.Values.Count);
        Assert.Equal(brandsHidden.Values[0].Count, brandsShown.Values.Sum(v => v.Count));
    }

    [Fact]
    public void MaxValues_keeps_the_most_frequent()
    {
        Facet tags = FacetCounter.Count(_shop.Catalog, [new FacetRequest("tags") { MaxValues = 2 }])[0];
        Facet all = FacetCounter.Count(_shop.Catalog, [new FacetRequest("tags")])[0];

        Assert.Equal(all.Values.Take(2), tags.Values);
    }

    [Fact]
    public void Bad_requests_name_the_problem()
    {
        var unknown = Assert.Throws<ArgumentException>(() => FacetCounter.Count(_shop.Catalog, [new FacetRequest("colour")]));
        Assert.Contains("'colour'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("brand", unknown.Message, StringComparison.Ordinal);
        var date = Assert.Throws<ArgumentException>(() => FacetCounter.Count(_shop.Catalog, [new FacetRequest("added_at")]));
        Assert.Contains("date-time", date.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FacetRequest.Ranges("price", 10, 10));
        Assert.Throws<ArgumentException>(() => FacetRequest.Thresholds("rating"));
        Assert.Throws<ArgumentException>(() => FacetRequest.ParseList(" , "));
        var unordered = Assert.Throws<ArgumentException>(() => new FacetRequest("price") { Edges = [50m, 10m] });
        Assert.Equal("Edges", unordered.ParamName);
        Assert.Equal("Edges", Assert.Throws<ArgumentException>(() => new FacetRequest("price") { Edges = [] }).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FacetRequest("brand") { MaxValues = -1 });
    }

    [Fact]
    public void Edges_set_on_the_record_are_copied_and_count_as_the_factory_does()
    {
        var edges = new List<decimal> { 10m, 50m };
        var request = new FacetRequest("price") { Edges = edges };
        edges[0] = 40m;

        Assert.Equal([10m, 50m], request.Edges!);
        var viaInit = FacetCounter.Count(_shop.Catalog, [request]);
        var viaFactory = FacetCounter.Count(_shop.Catalog, [FacetRequest.Ranges("price", 10m, 50m)]);
        Assert.Equal(viaFactory[0].Values.Select(v => (v.Label, v.Count)), viaInit[0].Values.Select(v => (v.Label, v.Count)));
    }
}
