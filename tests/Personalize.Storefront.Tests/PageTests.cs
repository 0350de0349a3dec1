using System.Net;
using System.Text.Json;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>The server-rendered pages: shelves, the promotion, search, product, profile and the user switcher.</summary>
public sealed class PageTests : IClassFixture<StorefrontFactory>
{
    private readonly StorefrontFactory _factory;

    public PageTests(StorefrontFactory factory) => _factory = factory;

    [Fact]
    public async Task Home_for_a_sample_user_has_five_shelves_each_item_once_and_the_model_version_in_the_footer()
    {
        using HttpClient client = Client("U0042");

        string home = await client.GetStringAsync("/");

        string[] shelves = ["for-you", "related", "viewed", "again", "trending"];
        IReadOnlyList<string> all = [.. shelves.SelectMany(s => Pages.ItemIds(Pages.Shelf(home, s)))];
        Assert.NotEmpty(Pages.ItemIds(Pages.Shelf(home, "for-you")));
        Assert.NotEmpty(Pages.ItemIds(Pages.Shelf(home, "viewed")));
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(1, Pages.FooterVersion(home));
        Assert.Contains("picked for you", Pages.Shelf(home, "for-you"));
    }

    [Fact]
    public async Task An_anonymous_visitor_sees_the_promoted_item_first_on_trending_and_no_history_shelves()
    {
        using HttpClient client = _factory.CreateClient();

        string home = await client.GetStringAsync("/");

        Assert.Equal("I1315", Pages.ItemIds(Pages.Shelf(home, "trending"))[0]);
        Assert.Empty(Pages.ItemIds(Pages.Shelf(home, "viewed")));
        Assert.Empty(Pages.ItemIds(Pages.Shelf(home, "again")));
    }

    [Fact]
    public async Task The_switcher_sets_the_user_and_switching_back_makes_the_visitor_anonymous()
    {
        using HttpClient client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });

        string signedIn = await client.GetStringAsync("/switch?user=U0042");
        string anonymous = await client.GetStringAsync("/switch?user=");

        Assert.Contains("Welcome back, U0042", signedIn);
        Assert.Contains("Welcome to Nordlicht Market", anonymous);
    }

    [Fact]
    public async Task The_search_page_shows_results_a_facet_rail_with_counts_sorting_and_related_items()
    {
        using HttpClient client = Client("U0042");

        string page = await client.GetStringAsync("/search?q=kettle&sort=price-asc");

        Assert.Contains("data-facet=\"brand\"", page);
        Assert.Contains("class=\"count\"", page);
        Assert.Contains("<option value=\"price-asc\" selected>", page);
        Assert.Contains("in your order", page, StringComparison.Ordinal);
        Assert.NotEmpty(Pages.ItemIds(page[page.IndexOf("id=\"results\"", StringComparison.Ordinal)..page.IndexOf("id=\"related-to-search\"", StringComparison.Ordinal)]));
        Assert.NotEmpty(Pages.ItemIds(page[page.IndexOf("id=\"related-to-search\"", StringComparison.Ordinal)..]));
    }

    [Fact]
    public async Task A_purchase_on_the_product_page_is_tracked_and_explained_by_what_the_user_bought()
    {
        using HttpClient client = Client("U0099");

        HttpResponseMessage bought = await Pages.PostForm(client, "/product/I0291", "/product/I0291/buy");
        string product = await client.GetStringAsync("/product/I1270");

        Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        Assert.Equal("/product/I0291?done=purchase", bought.Headers.Location?.OriginalString);
        Assert.Contains("id=\"related\"", product);
        Assert.Contains("Because you bought <a href=\"/product/I0291\">", product);
    }

    [Fact]
    public async Task A_purchase_still_explains_and_leaves_the_recommendations_after_a_restart()
    {
        // U0404 never had I0291 or I1270 in the sample history: what the pages say of I0291 comes from the live purchase alone.
        using var state = new Personalize.Core.Tests.TestSupport.TempDirectory();
        var settings = new Dictionary<string, string> { ["Storefront:StateDirectory"] = state.Path };
        static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        using (var before = new StorefrontFactory(settings))
        {
            using HttpClient client = Client(before, "U0404");
            Assert.Contains("I0291", Ids(await StorefrontFactory.GetJson(client, "/api/recommendations?user=U0404&count=100")));
            Assert.DoesNotContain("Because you bought <a href=\"/product/I0291\">", await client.GetStringAsync("/product/I1270"));
            Assert.Equal(HttpStatusCode.Redirect, (await Pages.PostForm(client, "/product/I0291", "/product/I0291/buy")).StatusCode);
        }

        // A new process on the same state folder: the journal replays the purchase, and every surface still knows it.
        using var after = new StorefrontFactory(settings);
        using HttpClient restarted = Client(after, "U0404");
        Assert.Contains("Because you bought <a href=\"/product/I0291\">", await restarted.GetStringAsync("/product/I1270"));
        Assert.DoesNotContain("I0291", Ids(await StorefrontFactory.GetJson(restarted, "/api/recommendations?user=U0404&count=100")));
    }

    [Fact]
    public async Task Blocking_a_brand_in_the_profile_removes_it_from_home_search_related_and_the_api()
    {
        using HttpClient client = Client("U0042");
        string brand = MostShown(await client.GetStringAsync("/"));
        string search = "/search?q=" + Uri.EscapeDataString(brand);
        Assert.Contains(brand, Pages.Brands(await client.GetStringAsync(search)));

        HttpResponseMessage saved = await Pages.PostForm(client, "/profile", "/profile", ("block", brand), ("filter", ""), ("sort", ""));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("checked> " + brand + "<", await client.GetStringAsync("/profile"));
        Assert.DoesNotContain(brand, Pages.Brands(await client.GetStringAsync("/")));
        Assert.DoesNotContain(brand, Pages.Brands(await client.GetStringAsync(search)));
        Assert.DoesNotContain(brand, Pages.Brands(Related(await client.GetStringAsync("/product/I0291"))));
        string api = await client.GetStringAsync("/api/recommendations?user=U0042&count=50");
        Assert.DoesNotContain($"\"brand\":\"{brand}\"", api);
    }

    [Fact]
    public async Task A_saved_default_filter_and_sort_apply_to_search_and_the_api_and_an_opt_out_makes_lists_non_personal()
    {
        using HttpClient client = Client("U0321");

        HttpResponseMessage saved = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price <= 20"), ("sort", "price-asc"), ("optout", "on"));
        System.Text.Json.JsonElement search = await StorefrontFactory.GetJson(client, "/api/search?q=tea&user=U0321&pageSize=30");
        System.Text.Json.JsonElement recommendations = await StorefrontFactory.GetJson(client, "/api/recommendations?user=U0321&count=30");
        string home = await client.GetStringAsync("/");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        decimal[] prices = [.. search.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetDecimal())];
        Assert.NotEmpty(prices);
        Assert.All(prices, p => Assert.True(p <= 20m, $"price {p}"));
        Assert.Equal(prices.Order(), prices);
        Assert.Equal("price-asc", search.GetProperty("sort").GetString());
        Assert.Equal("non-personal", recommendations.GetProperty("source").GetString());
        Assert.All(recommendations.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("price").GetDecimal() <= 20m));
        Assert.Contains("popular with shoppers", Pages.Shelf(home, "for-you"));
        Assert.Empty(Pages.ItemIds(Pages.Shelf(home, "viewed")));
    }

    [Fact]
    public async Task A_bad_default_filter_is_refused_with_the_parse_error_and_nothing_is_saved()
    {
        using HttpClient client = Client("U0123");

        HttpResponseMessage response = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price <"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Filter text is invalid at column", await response.Content.ReadAsStringAsync());
        Assert.Contains("name=\"filter\" id=\"default-filter\" value=\"\"", await client.GetStringAsync("/profile"));
    }

    private HttpClient Client(string user) => Client(_factory, user);

    private static HttpClient Client(StorefrontFactory factory, string user)
    {
        HttpClient client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", "shop-user=" + user);
        return client;
    }

    private static string MostShown(string html) =>
        Pages.Brands(html).GroupBy(b => b).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

    private static string Related(string product) => product[product.IndexOf("id=\"related\"", StringComparison.Ordinal)..];
}
