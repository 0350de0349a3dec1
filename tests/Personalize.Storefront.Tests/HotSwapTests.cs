using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>
/// Model hot swap through the DI package: the admin endpoint and the watched file reload atomically, a bad file is refused while the old
/// model keeps serving, and under concurrent requests every answer is the list of the model version it names.
/// </summary>
public sealed class HotSwapTests
{
    private const string Recommendations = "/api/recommendations?user=U0042&count=10";
    private const string Search = "/api/search?q=tea&user=U0042&pageSize=10";

    [Fact]
    public async Task The_admin_reload_serves_the_replaced_file_as_the_next_version_on_pages_and_the_api()
    {
        using var factory = new StorefrontFactory();
        using HttpClient client = factory.CreateClient();
        string[] before = Ids(await StorefrontFactory.GetJson(client, Recommendations));

        factory.ReplaceModel(ShopModels.Second);
        JsonElement reload = await StorefrontFactory.Json(await client.PostAsync("/admin/model/reload", null));
        JsonElement after = await StorefrontFactory.GetJson(client, Recommendations);

        Assert.Equal(2, reload.GetProperty("version").GetInt64());
        Assert.Equal(2, after.GetProperty("modelVersion").GetInt64());
        Assert.NotEqual(before, Ids(after));
        Assert.Equal(2, Pages.FooterVersion(await client.GetStringAsync("/")));
    }

    [Fact]
    public async Task Live_events_carry_over_a_swap_and_events_after_it_reach_the_new_models_journaled_tracker()
    {
        using var factory = new StorefrontFactory();
        using HttpClient client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "shop-user=U0077");
        await StorefrontFactory.Json(await StorefrontFactory.PostEvents(client, new[] { new { user = "U0077", item = "I1999", type = "view" } }));
        long acceptedBefore = (await StorefrontFactory.GetJson(client, "/api/tracking")).GetProperty("accepted").GetInt64();

        await Swap(factory, client, ShopModels.Second, expectedVersion: 2);
        JsonElement carried = await StorefrontFactory.GetJson(client, "/api/recently-viewed?user=U0077");
        JsonElement posted = await StorefrontFactory.Json(await StorefrontFactory.PostEvents(client, new[] { new { user = "U0077", item = "I0291", type = "view" } }));
        JsonElement tracking = await StorefrontFactory.GetJson(client, "/api/tracking");

        Assert.Equal(2, carried.GetProperty("modelVersion").GetInt64());
        Assert.Equal("I1999", carried.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal((1, 2L), (posted.GetProperty("accepted").GetInt32(), posted.GetProperty("modelVersion").GetInt64()));
        Assert.Equal(2, tracking.GetProperty("modelVersion").GetInt64());
        Assert.Equal(acceptedBefore + 1, tracking.GetProperty("accepted").GetInt64());
        Assert.Equal(0, tracking.GetProperty("journal").GetProperty("recordsDropped").GetInt64());
        Assert.Equal(["I0291", "I1999"], Pages.ItemIds(Pages.Shelf(await client.GetStringAsync("/"), "viewed")).Take(2).ToArray());
    }

    [Fact]
    public async Task After_a_swap_to_a_model_that_numbers_the_items_differently_the_live_shelves_name_the_same_items()
    {
        using var factory = new StorefrontFactory();
        using HttpClient client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "shop-user=LIVE-7");   // not in the history: the live shelves come from these events alone
        await Swap(factory, client, ShopModels.Rebuilt, expectedVersion: 2);
        var events = new[] { "I0291", "I1999", "I1270", "I0291" }.Select(item => new { user = "LIVE-7", item, type = "view" }).ToArray();
        await StorefrontFactory.Json(await StorefrontFactory.PostEvents(client, events));
        string before = await client.GetStringAsync("/");

        // The same factors with every item renumbered: a tracker that kept the old numbering would fold in and filter the wrong items.
        await Swap(factory, client, ShopModels.Reordered, expectedVersion: 3);
        string after = await client.GetStringAsync("/");

        Assert.Equal(3, Pages.FooterVersion(after));
        Assert.Equal(["I0291", "I1270", "I1999"], Pages.ItemIds(Pages.Shelf(before, "viewed")).Order(StringComparer.Ordinal));
        Assert.Equal(Pages.ItemIds(Pages.Shelf(before, "viewed")), Pages.ItemIds(Pages.Shelf(after, "viewed")));
        Assert.Contains("picked for you", Pages.Shelf(after, "for-you"));   // folded in from the live events
        Assert.Equal(Pages.ItemIds(Pages.Shelf(before, "for-you")), Pages.ItemIds(Pages.Shelf(after, "for-you")));
        Assert.Equal(Pages.ItemIds(Pages.Shelf(before, "trending")).Order(StringComparer.Ordinal),
            Pages.ItemIds(Pages.Shelf(after, "trending")).Order(StringComparer.Ordinal));
        JsonElement viewed = await StorefrontFactory.GetJson(client, "/api/recently-viewed?user=LIVE-7");
        Assert.Equal(3, viewed.GetProperty("modelVersion").GetInt64());
        Assert.Equal("I0291", viewed.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_corrupted_file_is_refused_with_422_and_the_old_model_keeps_serving()
    {
        using var factory = new StorefrontFactory();
        using HttpClient client = factory.CreateClient();
        string[] before = Ids(await StorefrontFactory.GetJson(client, Recommendations));
        byte[] bytes = await File.ReadAllBytesAsync(ShopModels.Second);
        bytes[bytes.Length / 2] ^= 0x5A;
        string corrupted = factory.ModelPath + ".corrupted";
        await File.WriteAllBytesAsync(corrupted, bytes);

        factory.ReplaceModel(corrupted);
        JsonElement problem = await StorefrontFactory.Problem(await client.PostAsync("/admin/model/reload", null), 422);
        JsonElement after = await StorefrontFactory.GetJson(client, Recommendations);

        Assert.Equal(1, problem.GetProperty("version").GetInt64());
        Assert.Contains("checksum", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, after.GetProperty("modelVersion").GetInt64());
        Assert.Equal(before, Ids(after));
    }

    [Fact]
    public async Task A_replaced_watched_file_is_reloaded_by_itself()
    {
        using var factory = new StorefrontFactory(new() { ["Storefront:WatchModel"] = "true", ["Storefront:ReloadDelay"] = "00:00:00.200" });
        using HttpClient client = factory.CreateClient();
        Assert.Equal(1, (await StorefrontFactory.GetJson(client, "/api/model")).GetProperty("modelVersion").GetInt64());

        factory.ReplaceModel(ShopModels.Second);
        long version = 1;
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(60));   // not a speed claim: only stops a hung test
        while (version == 1 && !hangGuard.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
            version = (await StorefrontFactory.GetJson(client, "/api/model")).GetProperty("modelVersion").GetInt64();
        }

        Assert.Equal(2, version);
    }

    [Fact]
    public async Task Under_concurrent_requests_during_ten_reloads_every_answer_is_the_list_of_the_version_it_names()
    {
        using var factory = new StorefrontFactory();
        using HttpClient client = factory.CreateClient();
        // Reference answers: odd versions serve the first model, even versions the second.
        var reference = new Dictionary<bool, (string[] Recommendations, string[] Search)>
        {
            [true] = (Ids(await StorefrontFactory.GetJson(client, Recommendations)), Ids(await StorefrontFactory.GetJson(client, Search))),
        };
        await Swap(factory, client, ShopModels.Second, expectedVersion: 2);
        reference[false] = (Ids(await StorefrontFactory.GetJson(client, Recommendations)), Ids(await StorefrontFactory.GetJson(client, Search)));
        Assert.NotEqual(reference[true].Recommendations, reference[false].Recommendations);
        Assert.NotEqual(reference[true].Search, reference[false].Search);

        var answers = new ConcurrentBag<(string Url, long Version, string[] Ids)>();
        var versionsSeen = new ConcurrentDictionary<long, int>();
        using var stop = new CancellationTokenSource();
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(3));   // not a speed claim: only stops a hung test
        Task[] clients = [.. Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            using HttpClient own = factory.CreateClient();
            string url = worker % 2 == 0 ? Recommendations : Search;
            while (!stop.IsCancellationRequested)
            {
                HttpResponseMessage response = await own.GetAsync(url, CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                JsonElement answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                long version = answer.GetProperty("modelVersion").GetInt64();
                answers.Add((url, version, Ids(answer)));
                versionsSeen.AddOrUpdate(version, 1, (_, n) => n + 1);
            }
        }))];

        for (long version = 3; version <= 12; version++)
        {
            await Swap(factory, client, version % 2 == 1 ? ShopModels.First : ShopModels.Second, version);
            while (versionsSeen.GetValueOrDefault(version) < 4 && !hangGuard.IsCancellationRequested)
            {
                await Task.Delay(5, CancellationToken.None);
            }
        }

        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.False(hangGuard.IsCancellationRequested, "the clients did not see every version");
        Assert.Equal(10, versionsSeen.Keys.Count(v => v >= 3));
        foreach ((string url, long version, string[] ids) in answers)
        {
            (string[] recommendations, string[] search) = reference[version % 2 == 1];
            Assert.Equal(url == Recommendations ? recommendations : search, ids);
        }
    }

    private static async Task Swap(StorefrontFactory factory, HttpClient client, string model, long expectedVersion)
    {
        factory.ReplaceModel(model);
        JsonElement reload = await StorefrontFactory.Json(await client.PostAsync("/admin/model/reload", null));
        Assert.Equal(expectedVersion, reload.GetProperty("version").GetInt64());
    }

    private static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
}
