using System.Text.Json;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>The JSON API on good input: ids as strings, the model version on every answer, paging, facets, events.</summary>
public sealed class ApiTests : IClassFixture<StorefrontFactory>
{
    private readonly StorefrontFactory _factory;

    public ApiTests(StorefrontFactory factory) => _factory = factory;

    [Fact]
    public async Task Recommendations_for_a_known_user_are_personalized_item_ids_as_strings_with_the_model_version()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement answer = await StorefrontFactory.GetJson(client, "/api/recommendations?user=U0042&count=7");

        Assert.Equal(1, answer.GetProperty("modelVersion").GetInt64());
        Assert.Equal("personalized", answer.GetProperty("source").GetString());
        JsonElement[] items = [.. answer.GetProperty("items").EnumerateArray()];
        Assert.Equal(7, items.Length);
        Assert.All(items, i => Assert.Equal(JsonValueKind.String, i.GetProperty("id").ValueKind));
        Assert.All(items, i => Assert.StartsWith("I", i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Recommendations_with_a_filter_keep_only_matching_items_and_page_with_the_cursor()
    {
        using HttpClient client = _factory.CreateClient();
        string filter = Uri.EscapeDataString("brand in (\"Nordwind\", \"Lumo\") and price <= 50");

        JsonElement first = await StorefrontFactory.GetJson(client, $"/api/recommendations?user=U0042&count=5&filter={filter}");
        string cursor = first.GetProperty("nextCursor").GetString()!;
        JsonElement second = await StorefrontFactory.GetJson(client, $"/api/recommendations?user=U0042&count=5&filter={filter}&cursor={Uri.EscapeDataString(cursor)}");

        JsonElement[] items = [.. first.GetProperty("items").EnumerateArray(), .. second.GetProperty("items").EnumerateArray()];
        Assert.Equal(10, items.Length);
        Assert.All(items, i => Assert.Contains(i.GetProperty("brand").GetString(), new[] { "Nordwind", "Lumo" }));
        Assert.All(items, i => Assert.True(i.GetProperty("price").GetDecimal() <= 50m));
        Assert.Equal(10, items.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task An_anonymous_visitor_gets_the_non_personal_list()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement answer = await StorefrontFactory.GetJson(client, "/api/recommendations?count=3");

        Assert.Equal("non-personal", answer.GetProperty("source").GetString());
        Assert.Equal(3, answer.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Search_returns_matches_facet_counts_related_items_and_pages_without_repeats()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement first = await StorefrontFactory.GetJson(client, "/api/search?q=kettle&user=U0042&pageSize=10");
        string cursor = first.GetProperty("nextCursor").GetString()!;
        JsonElement second = await StorefrontFactory.GetJson(client, $"/api/search?q=kettle&user=U0042&pageSize=10&cursor={Uri.EscapeDataString(cursor)}");

        int total = first.GetProperty("totalCount").GetInt32();
        Assert.True(total > 10, $"only {total} kettles");
        string[] ids = [.. first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetString()!)];
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(first.GetProperty("items").EnumerateArray(), i => Assert.Contains("Kettle", i.GetProperty("title").GetString()));
        JsonElement brand = first.GetProperty("facets").EnumerateArray().Single(f => f.GetProperty("attribute").GetString() == "brand");
        Assert.Equal(total, brand.GetProperty("values").EnumerateArray().Sum(v => v.GetProperty("count").GetInt32()));
        Assert.NotEqual(0, first.GetProperty("related").GetArrayLength());
    }

    [Fact]
    public async Task Search_narrowed_by_a_facet_value_and_sorted_by_price_is_ascending_within_that_value()
    {
        using HttpClient client = _factory.CreateClient();
        JsonElement all = await StorefrontFactory.GetJson(client, "/api/search?q=kettle&pageSize=5");
        JsonElement value = all.GetProperty("facets").EnumerateArray().Single(f => f.GetProperty("attribute").GetString() == "brand")
            .GetProperty("values")[0];

        JsonElement narrowed = await StorefrontFactory.GetJson(client,
            $"/api/search?q=kettle&pageSize=50&sort=price-asc&filter={Uri.EscapeDataString(value.GetProperty("filter").GetString()!)}");

        Assert.Equal(value.GetProperty("count").GetInt32(), narrowed.GetProperty("totalCount").GetInt32());
        decimal[] prices = [.. narrowed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetDecimal())];
        Assert.Equal(prices.Order(), prices);
        Assert.All(narrowed.GetProperty("items").EnumerateArray(), i => Assert.Equal(value.GetProperty("label").GetString(), i.GetProperty("brand").GetString()));
    }

    [Fact]
    public async Task Related_lists_other_items_than_the_one_asked_about()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement answer = await StorefrontFactory.GetJson(client, "/api/related?item=I0291&count=5");

        string[] ids = [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        Assert.Equal(5, ids.Length);
        Assert.DoesNotContain("I0291", ids);
    }

    [Fact]
    public async Task Trending_lists_the_sample_shops_planted_surge_items_first()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement answer = await StorefrontFactory.GetJson(client, "/api/trending?count=5");

        string[] ids = [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        string[] planted = ["I0291", "I0624", "I1181", "I1288", "I1315"];
        Assert.True(ids.Intersect(planted).Count() >= 3, string.Join(", ", ids));
    }

    [Fact]
    public async Task A_posted_view_is_at_the_front_of_recently_viewed_on_the_home_page_without_a_retrain()
    {
        using HttpClient client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "shop-user=U0077");

        HttpResponseMessage posted = await StorefrontFactory.PostEvents(client, new[] { new { user = "U0077", item = "I1999", type = "view" } });
        string home = await client.GetStringAsync("/");

        JsonElement accepted = await StorefrontFactory.Json(posted);
        Assert.Equal(1, accepted.GetProperty("accepted").GetInt32());
        Assert.Equal(1, accepted.GetProperty("modelVersion").GetInt64());
        string viewed = Pages.Shelf(home, "viewed");
        Assert.Equal("I1999", Pages.ItemIds(viewed).First());
    }

    [Fact]
    public async Task Events_posted_through_the_api_change_the_recommendations_the_api_answers_without_a_retrain()
    {
        using HttpClient client = _factory.CreateClient();
        static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

        // A known user buys the first three items of their list: those are seen now, and the rest moves with the new taste.
        string[] before = Ids(await StorefrontFactory.GetJson(client, "/api/recommendations?user=U0123&count=10"));
        HttpResponseMessage posted = await StorefrontFactory.PostEvents(client, before.Take(3).Select(item => new { user = "U0123", item, type = "purchase" }).ToArray());
        Assert.Equal(3, (await StorefrontFactory.Json(posted)).GetProperty("accepted").GetInt32());
        JsonElement after = await StorefrontFactory.GetJson(client, "/api/recommendations?user=U0123&count=10");
        Assert.Equal("personalized", after.GetProperty("source").GetString());
        Assert.Empty(Ids(after).Intersect(before.Take(3)));

        // A shopper the model has never seen gets the popular list until their first views, then a list folded in from them.
        JsonElement cold = await StorefrontFactory.GetJson(client, "/api/recommendations?user=new-shopper-7&count=10");
        Assert.Equal("popular-fallback", cold.GetProperty("source").GetString());
        string[] viewed = ["I0101", "I0202", "I0303"];   // not the planted trending items, which another test of this class counts on
        await StorefrontFactory.PostEvents(client, viewed.Select(item => new { user = "new-shopper-7", item, type = "view" }).ToArray());
        JsonElement warm = await StorefrontFactory.GetJson(client, "/api/recommendations?user=new-shopper-7&count=10");
        Assert.Equal("personalized", warm.GetProperty("source").GetString());
        Assert.Empty(Ids(warm).Intersect(viewed));
        Assert.NotEqual(Ids(cold), Ids(warm));
    }

    [Fact]
    public async Task The_model_endpoint_names_the_serving_version_and_file()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement answer = await StorefrontFactory.GetJson(client, "/api/model");

        Assert.Equal((1L, _factory.ModelPath), (answer.GetProperty("modelVersion").GetInt64(), answer.GetProperty("source").GetString()));
    }
}
