using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>
/// The page forms that post (add to cart, buy, save preferences) carry ASP.NET Core's anti-forgery token and are refused with 400 without
/// it, so another site cannot post them with a shopper's cookies; the JSON API takes no token but only JSON.
/// </summary>
public sealed class AntiforgeryTests : IClassFixture<StorefrontFactory>
{
    private readonly StorefrontFactory _factory;

    public AntiforgeryTests(StorefrontFactory factory) => _factory = factory;

    [Fact]
    public async Task Every_form_that_posts_carries_the_token()
    {
        using HttpClient client = Client("U0042");

        string product = await client.GetStringAsync("/product/I0291");
        string profile = await client.GetStringAsync("/profile");

        Assert.Equal(2, Count(product, "<form method=\"post\""));
        Assert.Equal(2, Count(product, $"name=\"{Pages.AntiforgeryField}\""));
        Assert.Equal(1, Count(profile, "<form method=\"post\""));
        Assert.Equal(1, Count(profile, $"name=\"{Pages.AntiforgeryField}\""));
        Assert.NotEmpty(Pages.AntiforgeryToken(product));
    }

    [Theory]
    [InlineData("/product/I0291/buy")]
    [InlineData("/product/I0291/cart")]
    public async Task A_purchase_or_cart_post_without_the_token_is_refused_and_not_tracked(string action)
    {
        using HttpClient client = Client("U0501");
        long before = await Accepted(client);

        HttpResponseMessage refused = await client.PostAsync(action, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("id=\"error\">The form did not carry this shop's anti-forgery token", await refused.Content.ReadAsStringAsync());
        Assert.Equal(before, await Accepted(client));
    }

    [Fact]
    public async Task A_purchase_with_the_token_of_the_product_page_is_accepted_and_tracked()
    {
        using HttpClient client = Client("U0502");
        string token = Pages.AntiforgeryToken(await client.GetStringAsync("/product/I0291"));   // the view is tracked too
        long before = await Accepted(client);

        HttpResponseMessage bought = await client.PostAsync("/product/I0291/buy", new FormUrlEncodedContent([new(Pages.AntiforgeryField, token)]));

        Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        Assert.Equal("/product/I0291?done=purchase", bought.Headers.Location?.OriginalString);
        Assert.Equal(before + 1, await Accepted(client));
    }

    [Fact]
    public async Task A_purchase_of_an_item_the_model_lacks_says_it_was_not_recorded_instead_of_thanking_for_it()
    {
        using HttpClient client = Client("U0503");
        string token = Pages.AntiforgeryToken(await client.GetStringAsync("/product/I0457"));   // in the catalogue, in no one's history
        long before = await Accepted(client);

        HttpResponseMessage bought = await client.PostAsync("/product/I0457/buy", new FormUrlEncodedContent([new(Pages.AntiforgeryField, token)]));
        string page = await client.GetStringAsync(bought.Headers.Location?.OriginalString);

        Assert.Equal("/product/I0457?done=untracked", bought.Headers.Location?.OriginalString);
        Assert.Equal(before, await Accepted(client));
        Assert.Contains("so your action was not recorded", System.Net.WebUtility.HtmlDecode(page));
        Assert.DoesNotContain("Thank you for your order!", page);
    }

    [Fact]
    public async Task A_save_from_a_stale_profile_page_is_a_conflict_and_the_newer_save_stays()
    {
        using HttpClient client = Client("U0505");
        // Tab A opens the profile, tab B saves, then tab A saves the form it was filled from: it overwrote B's save with 200.
        string tabA = await client.GetStringAsync("/profile");
        string version = System.Text.RegularExpressions.Regex.Match(tabA, "name=\"version\" value=\"(\\d+)\"").Groups[1].Value;
        HttpResponseMessage tabB = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price <= 9"));
        HttpResponseMessage stale = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price <= 20"), ("version", version));

        Assert.NotEqual("", version);
        Assert.Equal(HttpStatusCode.OK, tabB.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Reload the page and save again.", await stale.Content.ReadAsStringAsync());
        Assert.Contains("id=\"default-filter\" value=\"price &lt;= 9\"", await client.GetStringAsync("/profile"));
    }

    [Fact]
    public async Task A_token_without_the_cookie_it_pairs_with_is_refused()
    {
        // What a forged post from another site can have at best: a token it got for itself, sent with the shopper's cookies, whose
        // anti-forgery cookie pairs with the shopper's own tokens only.
        using HttpClient attacker = Client("U0503");
        string stolen = Pages.AntiforgeryToken(await attacker.GetStringAsync("/product/I0291"));
        using HttpClient victim = Client("U0503");
        Assert.NotEqual(stolen, Pages.AntiforgeryToken(await victim.GetStringAsync("/product/I0291")));   // the shopper's own pair
        long before = await Accepted(victim);

        HttpResponseMessage refused = await victim.PostAsync("/product/I0291/buy", new FormUrlEncodedContent([new(Pages.AntiforgeryField, stolen)]));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(before, await Accepted(victim));
    }

    [Fact]
    public async Task Saving_preferences_without_the_token_is_refused_and_nothing_is_saved()
    {
        using HttpClient client = Client("U0504");

        HttpResponseMessage refused = await client.PostAsync("/profile", new FormUrlEncodedContent([new("filter", "price <= 5"), new("optout", "on")]));
        HttpResponseMessage saved = await Pages.PostForm(client, "/profile", "/profile", ("filter", "price <= 7"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        string profile = await client.GetStringAsync("/profile");
        Assert.Contains("id=\"default-filter\" value=\"price &lt;= 7\"", profile);
        Assert.DoesNotContain("id=\"optout\" checked", profile);
    }

    [Fact]
    public async Task The_json_api_takes_events_without_a_token_but_only_as_json()
    {
        using HttpClient client = Client("AF-0505");
        const string Body = "{\"user\":\"AF-0505\",\"item\":\"I0291\",\"type\":\"view\"}";

        HttpResponseMessage json = await client.PostAsync("/api/events", new StringContent(Body, Encoding.UTF8, "application/json"));
        HttpResponseMessage form = await client.PostAsync("/api/events", new StringContent(Body, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, json.StatusCode);
        JsonElement problem = await StorefrontFactory.Problem(form, 415);
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString());
        Assert.Equal(1, (await StorefrontFactory.GetJson(client, "/api/recently-viewed?user=AF-0505")).GetProperty("items").GetArrayLength());
    }

    private HttpClient Client(string user)
    {
        HttpClient client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", "shop-user=" + user);
        return client;
    }

    private static async Task<long> Accepted(HttpClient client) =>
        (await StorefrontFactory.GetJson(client, "/api/tracking")).GetProperty("accepted").GetInt64();

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
