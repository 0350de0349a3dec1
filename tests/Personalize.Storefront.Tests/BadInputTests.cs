using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>Bad input answers RFC 7807 problem details naming what was wrong (never a 500); pages and bodies are bounded.</summary>
public sealed class BadInputTests : IClassFixture<StorefrontFactory>
{
    private readonly StorefrontFactory _factory;

    public BadInputTests(StorefrontFactory factory) => _factory = factory;

    public static TheoryData<string, int> BadFilters => new()
    {
        { "brand in (\"Acme\" \"Zen\")", 17 },
        { "price <=", 9 },
        { "colour = \"red\"", 1 },
    };

    [Theory]
    [MemberData(nameof(BadFilters))]
    public async Task A_bad_filter_answers_400_with_the_column_and_the_message(string filter, int column)
    {
        using HttpClient client = _factory.CreateClient();

        foreach (string url in new[] { "/api/recommendations?user=U0042&filter=", "/api/search?q=kettle&filter=" })
        {
            JsonElement problem = await StorefrontFactory.Problem(await client.GetAsync(url + Uri.EscapeDataString(filter)), 400);

            Assert.Equal(column, problem.GetProperty("column").GetInt32());
            Assert.Equal("filter", problem.GetProperty("parameter").GetString());
            Assert.Contains($"column {column}", problem.GetProperty("detail").GetString());
            Assert.Equal("The filter is invalid.", problem.GetProperty("title").GetString());
        }
    }

    [Theory]
    [InlineData("/api/recommendations?user=U0042&count=0", "count")]
    [InlineData("/api/recommendations?user=U0042&count=101", "count")]
    [InlineData("/api/search?q=tea&pageSize=1000", "pageSize")]
    [InlineData("/api/related?item=I0291&count=-1", "count")]
    [InlineData("/api/trending?count=100000", "count")]
    public async Task A_page_larger_than_the_limit_answers_400_naming_the_limit(string url, string parameter)
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement problem = await StorefrontFactory.Problem(await client.GetAsync(url), 400);

        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Equal(100, problem.GetProperty("maximum").GetInt32());
    }

    [Theory]
    [InlineData("/api/search", "q")]
    [InlineData("/api/search?q=tea&sort=cheapest", "sort")]
    [InlineData("/api/recommendations?user=U0042&sort=cheapest", "sort")]
    [InlineData("/api/related", "item")]
    [InlineData("/api/trending?category=Garden", "category")]
    public async Task A_missing_or_unknown_parameter_answers_400_naming_it(string url, string parameter)
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement problem = await StorefrontFactory.Problem(await client.GetAsync(url), 400);

        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    [Theory]
    [InlineData("/api/recommendations?user=U0042&count=abc", "count", "abc")]
    [InlineData("/api/recommendations?user=U0042&count=99999999999999", "count", "99999999999999")]
    public async Task A_parameter_that_is_not_a_number_answers_400_naming_it_and_the_value(string url, string parameter, string value)
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement problem = await StorefrontFactory.Problem(await client.GetAsync(url), 400);

        Assert.Equal("A parameter could not be read.", problem.GetProperty("title").GetString());
        Assert.Contains(parameter, problem.GetProperty("detail").GetString());
        Assert.Contains(value, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_item_answers_404()
    {
        using HttpClient client = _factory.CreateClient();

        JsonElement problem = await StorefrontFactory.Problem(await client.GetAsync("/api/related?item=I9999"), 404);

        Assert.Contains("'I9999'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_cursor_from_another_query_or_a_broken_one_answers_400()
    {
        using HttpClient client = _factory.CreateClient();
        JsonElement tea = await StorefrontFactory.GetJson(client, "/api/search?q=tea&pageSize=5");
        string cursor = Uri.EscapeDataString(tea.GetProperty("nextCursor").GetString()!);

        HttpResponseMessage other = await client.GetAsync($"/api/search?q=kettle&pageSize=5&cursor={cursor}");
        HttpResponseMessage broken = await client.GetAsync("/api/recommendations?user=U0042&cursor=not-a-cursor");

        Assert.Contains("cursor", (await StorefrontFactory.Problem(other, 400)).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cursor", (await StorefrontFactory.Problem(broken, 400)).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "{\"user\":\"U0042\",\"item\":\"I9999\",\"type\":\"view\"}", "Unknown item." },
        { "{\"user\":\"U0042\",\"item\":\"I0291\",\"type\":\"like\"}", "Unknown event type." },
        { "{\"user\":\"U0042\",\"item\":\"I0291\"", "The body is not valid JSON." },
        { "[1, 2]", "The body is not an event or a list of events." },
        { "{\"user\":42,\"item\":\"I0291\",\"type\":\"view\"}", "The body is not an event or a list of events." },
        { "[]", "Wrong number of events." },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_bad_event_answers_400_and_tracks_nothing(string body, string title)
    {
        using HttpClient client = _factory.CreateClient();

        HttpResponseMessage response = await client.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(title, (await StorefrontFactory.Problem(response, 400)).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("{\"user\":\"U0042\",\"item\":\"I0291\",\"type\":\"view\",\"timestamp\":\"2024-01-31T12:00:00Z\"}", "the field 'timestamp' is not one the API reads")]
    [InlineData("{\"user\":\"U0042\",\"itemId\":\"I0291\",\"type\":\"view\"}", "the field 'itemId' is not one the API reads")]
    [InlineData("{\"User\":\"U0042\",\"item\":\"I0291\",\"type\":\"view\"}", "the field 'User' is not one the API reads")]
    [InlineData("{\"user\":\"U0042\",\"item\":\"I0291\",\"item\":\"I0292\",\"type\":\"view\"}", "the field 'item' is given twice")]
    public async Task A_field_the_api_does_not_read_refuses_the_batch_instead_of_being_dropped(string second, string detail)
    {
        using HttpClient client = _factory.CreateClient();
        long before = (await StorefrontFactory.GetJson(client, "/api/tracking")).GetProperty("accepted").GetInt64();
        string body = "[{\"user\":\"U0042\",\"item\":\"I0291\",\"type\":\"view\"}," + second + "]";

        HttpResponseMessage response = await client.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));

        JsonElement problem = await StorefrontFactory.Problem(response, 400);
        Assert.Equal("The body is not an event or a list of events.", problem.GetProperty("title").GetString());
        Assert.StartsWith("Event 1: " + detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await StorefrontFactory.GetJson(client, "/api/tracking")).GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task An_event_that_cannot_be_tracked_refuses_the_whole_batch_before_anything_is_recorded()
    {
        using HttpClient client = _factory.CreateClient();
        long before = (await StorefrontFactory.GetJson(client, "/api/tracking")).GetProperty("accepted").GetInt64();
        // I0457 is in the catalogue but nobody had it in the sample's log, so the model (and its tracker) lacks it: the view was
        // acknowledged with 202 and dropped. A user id beyond the journal's 4,096 characters answered 500 after event 0 was recorded.
        object[] newItem = [new { user = "U0042", item = "I0291", type = "view" }, new { user = "U0042", item = "I0457", type = "purchase" }];
        object[] longId = [new { user = "U0042", item = "I0291", type = "view" }, new { user = new string('U', 4097), item = "I0291", type = "view" }];

        JsonElement untracked = await StorefrontFactory.Problem(await StorefrontFactory.PostEvents(client, newItem), 400);
        JsonElement tooLong = await StorefrontFactory.Problem(await StorefrontFactory.PostEvents(client, longId), 400);

        Assert.Equal(("Item not tracked yet.", 1, "item"), (untracked.GetProperty("title").GetString(), untracked.GetProperty("index").GetInt32(), untracked.GetProperty("field").GetString()));
        Assert.Equal(("User id too long.", 1, "user"), (tooLong.GetProperty("title").GetString(), tooLong.GetProperty("index").GetInt32(), tooLong.GetProperty("field").GetString()));
        Assert.Equal(before, (await StorefrontFactory.GetJson(client, "/api/tracking")).GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task A_saved_not_seen_keeps_the_home_page_and_not_bought_which_search_cannot_apply_is_refused_at_save()
    {
        using HttpClient client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", "shop-user=U0043");

        HttpResponseMessage notSeen = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price <= 50 and not seen"));
        HttpResponseMessage home = await client.GetAsync("/");
        HttpResponseMessage notBought = await Pages.PostForm(client, "/profile", "/profile", ("filter", "not bought"));
        HttpResponseMessage search = await client.GetAsync("/search?q=kettle&f=" + Uri.EscapeDataString("not bought"));
        HttpResponseMessage partial = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price < 10 or not seen"));   // read, not applicable
        string profile = await client.GetStringAsync("/profile");

        Assert.Equal(HttpStatusCode.OK, notSeen.StatusCode);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);   // was 500 on every visit until the setting changed
        Assert.Equal(HttpStatusCode.BadRequest, notBought.StatusCode);
        Assert.Contains("'not bought' cannot be a saved default filter in this shop", System.Net.WebUtility.HtmlDecode(await notBought.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);   // was 500
        Assert.Contains("id=\"error\"", await partial.Content.ReadAsStringAsync());
        Assert.Contains("id=\"error\"", await search.Content.ReadAsStringAsync());
        Assert.Contains("value=\"price &lt;= 50 and not seen\"", profile);
    }

    [Fact]
    public async Task More_than_100_events_in_one_body_answer_400()
    {
        using HttpClient client = _factory.CreateClient();
        var events = Enumerable.Range(0, 101).Select(_ => new { user = "U0042", item = "I0291", type = "view" }).ToArray();

        JsonElement problem = await StorefrontFactory.Problem(await StorefrontFactory.PostEvents(client, events), 400);

        Assert.Equal(101, problem.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_answers_413()
    {
        using HttpClient client = _factory.CreateClient();
        string huge = "[" + string.Join(",", Enumerable.Repeat("{\"user\":\"U0042\",\"item\":\"I0291\",\"type\":\"view\"}", 400)) + "]";

        HttpResponseMessage response = await client.PostAsync("/api/events", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(16 * 1024, (await StorefrontFactory.Problem(response, 413)).GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task A_bad_filter_in_the_search_page_is_shown_with_its_caret_not_a_500()
    {
        using HttpClient client = _factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/search?q=tea&f=" + Uri.EscapeDataString("price between 5"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"error\"", html);
        Assert.Contains("^", html);
    }

    [Fact]
    public async Task Product_pages_of_unknown_items_answer_404()
    {
        using HttpClient client = _factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/product/I9999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
