using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>
/// The storefront as a real process killed with SIGKILL: events it acknowledged are still counted after a restart (the event journal),
/// the live tracker stays within <c>Storefront:MaxUsers</c> over a long replay, a model file caught half-written serves the old model,
/// and a model file torn in place serves the last-good copy (or, without one, stops the restart).
/// </summary>
public sealed class CrashTests
{
    private const string Recommendations = "/api/recommendations?user=U0042&count=10";

    [Fact]
    public async Task Every_event_acknowledged_before_a_sigkill_during_load_is_counted_after_a_restart()
    {
        using var state = new TempDirectory();
        Dictionary<string, string> settings = Settings(state);
        var acknowledged = new ConcurrentBag<(string User, string Item)>();
        int cutOff = 0;   // requests in flight when the process died
        var refused = new ConcurrentBag<string>();
        long acceptedBefore;
        string[] items;
        using (StorefrontProcess app = await StorefrontProcess.StartAsync(settings))
        {
            acceptedBefore = (await StorefrontFactory.GetJson(app.Client, "/api/tracking")).GetProperty("accepted").GetInt64();
            items = [.. (await StorefrontFactory.GetJson(app.Client, "/api/trending?count=40")).GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("id").GetString()!)];
            using var stop = new CancellationTokenSource();
            Task[] writers = [.. Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (int batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    // 1 to 4 views, each by its own user, so each can be looked up after the restart.
                    var events = Enumerable.Range(0, 1 + (batch % 4))
                        .Select(n => new { user = $"K{worker}-{batch}-{n}", item = items[(batch + n + worker) % items.Length], type = "view" })
                        .ToArray();
                    HttpResponseMessage response;
                    try
                    {
                        response = await app.Client.PostAsJsonAsync("/api/events", events, CancellationToken.None);
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref cutOff);
                        return;   // the process was killed: this batch was never acknowledged
                    }

                    if ((int)response.StatusCode == 202)
                    {
                        JsonElement answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                        Assert.Equal(events.Length, answer.GetProperty("accepted").GetInt32());
                        foreach (var e in events)
                        {
                            acknowledged.Add((e.user, e.item));
                        }
                    }
                    else
                    {
                        refused.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }))];

            using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(3));   // not a speed claim: only stops a hung test
            while (acknowledged.Count < 400 && !hangGuard.IsCancellationRequested && !writers.All(w => w.IsCompleted))
            {
                await Task.Delay(20, CancellationToken.None);
            }

            app.Kill();   // SIGKILL while the writers are still posting
            stop.Cancel();
            await Task.WhenAll(writers);
            Assert.True(acknowledged.Count >= 400, $"only {acknowledged.Count} events were acknowledged before the kill:\n{app.Output}");
            Assert.Empty(refused);
            Assert.True(cutOff > 0, "the kill did not interrupt any request, so it was not mid-stream");
        }

        using StorefrontProcess restarted = await StorefrontProcess.StartAsync(settings);
        JsonElement tracking = await StorefrontFactory.GetJson(restarted.Client, "/api/tracking");
        JsonElement journal = tracking.GetProperty("journal");
        Assert.True(journal.GetProperty("recordsDropped").GetInt64() <= 1, journal.ToString());   // at most the one record being written
        Assert.True(tracking.GetProperty("accepted").GetInt64() >= acceptedBefore + acknowledged.Count,
            $"{acknowledged.Count} events acknowledged after {acceptedBefore} seeded, but the restarted tracker counts {tracking}");
        var lost = new List<string>();
        foreach ((string user, string item) in acknowledged)
        {
            JsonElement viewed = await StorefrontFactory.GetJson(restarted.Client, $"/api/recently-viewed?user={user}&count=5");
            if (!viewed.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == item))
            {
                lost.Add($"{user} viewed {item}");
            }
        }

        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events were lost: {string.Join(", ", lost.Take(10))}");

        // The shop's clock runs on across the restart: a view after it lands after the journaled ones, at the front.
        (string someUser, string viewedBefore) = acknowledged.First();
        string viewedNow = items.First(i => i != viewedBefore);
        Assert.Equal(202, (int)(await restarted.Client.PostAsJsonAsync("/api/events", new[] { new { user = someUser, item = viewedNow, type = "view" } })).StatusCode);
        JsonElement front = await StorefrontFactory.GetJson(restarted.Client, $"/api/recently-viewed?user={someUser}&count=5");
        Assert.Equal([viewedNow, viewedBefore], front.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task The_tracker_stays_within_max_users_over_a_long_replay_and_reports_the_evictions()
    {
        using var state = new TempDirectory();
        Dictionary<string, string> settings = Settings(state);
        settings["Storefront:MaxUsers"] = "50";
        settings["Storefront:SnapshotAfterEvents"] = "20000";   // snapshots and journal rotation happen during the seeding replay too
        long evictedBefore;
        using (StorefrontProcess app = await StorefrontProcess.StartAsync(settings))
        {
            // The first start-up replays the sample history (tens of thousands of events by hundreds of users) into the journal.
            JsonElement seeded = await StorefrontFactory.GetJson(app.Client, "/api/tracking");
            Assert.InRange(seeded.GetProperty("users").GetInt32(), 1, 50);
            evictedBefore = seeded.GetProperty("evictedUsers").GetInt64();
            Assert.True(evictedBefore > 0, seeded.ToString());
            for (int batch = 0; batch < 20; batch++)
            {
                var events = Enumerable.Range(0, 10).Select(n => new { user = $"B{batch}-{n}", item = "I0291", type = "view" }).ToArray();
                Assert.Equal(202, (int)(await app.Client.PostAsJsonAsync("/api/events", events)).StatusCode);
            }

            app.Kill();
        }

        using StorefrontProcess restarted = await StorefrontProcess.StartAsync(settings);
        JsonElement tracking = await StorefrontFactory.GetJson(restarted.Client, "/api/tracking");
        Assert.InRange(tracking.GetProperty("users").GetInt32(), 1, 50);
        Assert.Equal(50, tracking.GetProperty("maxUsers").GetInt32());
        Assert.True(tracking.GetProperty("evictedUsers").GetInt64() >= evictedBefore + 200 - 50, tracking.ToString());
        Assert.True(tracking.GetProperty("journal").GetProperty("recordsReplayed").GetInt64() > 0, tracking.ToString());
        // The newest user is still held; the oldest live users were evicted.
        Assert.Equal("I0291", (await StorefrontFactory.GetJson(restarted.Client, "/api/recently-viewed?user=B19-9")).GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(0, (await StorefrontFactory.GetJson(restarted.Client, "/api/recently-viewed?user=B0-0")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Killed_while_a_new_model_file_is_half_written_the_restarted_app_serves_the_old_model_then_the_new_one()
    {
        using var state = new TempDirectory();
        Dictionary<string, string> settings = Settings(state);
        settings["Storefront:WatchModel"] = "true";
        settings["Storefront:ReloadDelay"] = "00:00:00.200";
        string model = settings["Storefront:Model"];
        string[] old;
        byte[] next = await File.ReadAllBytesAsync(ShopModels.Second);
        // What ModelFile.Save leaves when it is killed mid-write: half of the new model in a temporary file beside the served one.
        string temporary = Path.Combine(Path.GetDirectoryName(model)!, $".{Path.GetFileName(model)}.{Guid.NewGuid():N}.tmp");
        using (StorefrontProcess app = await StorefrontProcess.StartAsync(settings))
        {
            old = Ids(await StorefrontFactory.GetJson(app.Client, Recommendations));
            await File.WriteAllBytesAsync(temporary, next[..(next.Length / 2)]);
            app.Kill();
        }

        using StorefrontProcess restarted = await StorefrontProcess.StartAsync(settings);
        JsonElement served = await StorefrontFactory.GetJson(restarted.Client, Recommendations);
        Assert.Equal(1, served.GetProperty("modelVersion").GetInt64());
        Assert.Equal(old, Ids(served));

        // The write completes and the rename publishes the whole file: the watcher swaps it in as version 2.
        await File.WriteAllBytesAsync(temporary, next);
        File.Move(temporary, model, overwrite: true);
        long version = 1;
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(2));   // not a speed claim: only stops a hung test
        while (version == 1 && !hangGuard.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
            version = (await StorefrontFactory.GetJson(restarted.Client, "/api/model")).GetProperty("modelVersion").GetInt64();
        }

        JsonElement swapped = await StorefrontFactory.GetJson(restarted.Client, Recommendations);
        Assert.Equal(2, swapped.GetProperty("modelVersion").GetInt64());
        Assert.NotEqual(old, Ids(swapped));
    }

    [Fact]
    public async Task A_model_file_torn_in_place_at_the_kill_restarts_on_the_last_good_copy_and_says_so_until_a_good_file_is_reloaded()
    {
        using var state = new TempDirectory();
        Dictionary<string, string> settings = Settings(state);
        string model = settings["Storefront:Model"];
        byte[] next = await File.ReadAllBytesAsync(ShopModels.Second);
        string[] old;
        using (StorefrontProcess app = await StorefrontProcess.StartAsync(settings))
        {
            old = Ids(await StorefrontFactory.GetJson(app.Client, Recommendations));
            // A copy that writes over the served file in place (not ModelFile.Save's temporary file and rename), cut off by the kill.
            await File.WriteAllBytesAsync(model, next[..(next.Length / 2)]);
            app.Kill();
        }

        using StorefrontProcess restarted = await StorefrontProcess.StartAsync(settings);
        JsonElement served = await StorefrontFactory.GetJson(restarted.Client, "/api/model");
        JsonElement fallback = served.GetProperty("fallback");
        string footer = await restarted.Client.GetStringAsync("/");

        Assert.True(served.GetProperty("lastGood").GetBoolean(), served.ToString());
        Assert.Equal(state.File("last-good.pzm"), served.GetProperty("source").GetString());
        Assert.Equal(model, fallback.GetProperty("modelPath").GetString());
        Assert.StartsWith("shop.pzm: ", fallback.GetProperty("reason").GetString());
        Assert.Equal(old, Ids(await StorefrontFactory.GetJson(restarted.Client, Recommendations)));
        Assert.Contains("id=\"last-good\"", footer);
        Assert.Contains("the last-good copy of the model: shop.pzm failed its checks", footer);
        Assert.Contains("failed its checks, so the last-good copy", restarted.Output);

        // The file is replaced properly and reloaded: it serves, and the footer and /api/model stop saying "last-good".
        File.Copy(ShopModels.Second, model + ".incoming", overwrite: true);
        File.Move(model + ".incoming", model, overwrite: true);
        Assert.Equal(HttpStatusCode.OK, (await restarted.Client.PostAsync("/admin/model/reload", null)).StatusCode);
        JsonElement reloaded = await StorefrontFactory.GetJson(restarted.Client, "/api/model");
        Assert.Equal((2L, false, model), (reloaded.GetProperty("modelVersion").GetInt64(), reloaded.GetProperty("lastGood").GetBoolean(),
            reloaded.GetProperty("source").GetString()));
        Assert.DoesNotContain("id=\"last-good\"", await restarted.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_model_file_torn_in_place_with_no_last_good_copy_stops_the_restart_naming_the_file_and_never_serves_it()
    {
        using var state = new TempDirectory();
        Dictionary<string, string> settings = Settings(state);
        string model = settings["Storefront:Model"];
        byte[] next = await File.ReadAllBytesAsync(ShopModels.Second);
        using (StorefrontProcess app = await StorefrontProcess.StartAsync(settings))
        {
            await File.WriteAllBytesAsync(model, next[..(next.Length / 2)]);
            app.Kill();
        }

        File.Delete(state.File("last-good.pzm"));   // as on a machine that never served a good model

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StorefrontProcess.StartAsync(settings));

        Assert.Contains("ModelFormatException", refused.Message);   // the host's log of the failed start
        Assert.Contains("exited with code 2 ", refused.Message);    // then one error line, not an unhandled exception's abort (134)
        Assert.Contains("error: ", refused.Message);
        Assert.Contains("shop.pzm", refused.Message);
        Assert.Contains("No model could serve instead: the last-good copy", refused.Message);
    }

    private static Dictionary<string, string> Settings(TempDirectory state)
    {
        string model = state.File("shop.pzm");
        File.Copy(ShopModels.First, model);
        return new Dictionary<string, string>
        {
            ["Storefront:Data"] = ShopModels.Data,
            ["Storefront:Model"] = model,
            ["Storefront:StateDirectory"] = state.Path,
            ["Storefront:Journal"] = state.File("events"),
            ["Storefront:WatchModel"] = "false",
            ["Storefront:RateLimit"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    private static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
}
