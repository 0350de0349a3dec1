// A bounded load test of the storefront, on loopback only: N clients for a fixed duration (and at most a fixed number of requests)
// against recommendations, search and event posting, while the model file is replaced and reloaded K times and a corrupted file is
// offered once. Every answer names its model version; each is checked against the list that version's model gives (a "torn" answer
// would be one that matches neither). It stops by itself and exits 1 on any error or torn answer.
//
//   dotnet run --project benchmarks/Personalize.Storefront.Load -c Release -- [--clients 64] [--seconds 60] [--swaps 10] [--max-requests 5000000]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Personalize.Storefront;

int clients = Option("--clients", 64);
int seconds = Option("--seconds", 60);
int swaps = Option("--swaps", 10);
long maxRequests = Option("--max-requests", 5_000_000);
if (clients < 1 || seconds < 1 || swaps < 0 || maxRequests < 1)
{
    Console.Error.WriteLine("--clients, --seconds and --max-requests must be at least 1, --swaps at least 0.");
    return 2;
}

string data = FindData();
string work = Path.Combine(Path.GetTempPath(), "storefront-load-" + Environment.ProcessId);
Directory.CreateDirectory(work);
try
{
    Console.WriteLine($"Training two models of {data} ...");
    InteractionLog log = InteractionLog.ReadCsv(Path.Combine(data, "events.csv"));
    FeedbackMatrix feedback = FeedbackMatrix.FromLog(log);
    string first = Path.Combine(work, "first.pzm"), second = Path.Combine(work, "second.pzm"), corrupted = Path.Combine(work, "corrupted.pzm");
    ModelFile.Save(Fit(feedback, 32, 42), first);
    ModelFile.Save(Fit(feedback, 24, 7), second);
    byte[] bytes = File.ReadAllBytes(second);
    bytes[bytes.Length / 2] ^= 0x5A;
    File.WriteAllBytes(corrupted, bytes);
    string served = Path.Combine(work, "shop.pzm");
    File.Copy(first, served);

    await using var app = StorefrontApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
    {
        builder.Configuration["Storefront:Data"] = data;
        builder.Configuration["Storefront:Model"] = served;
        builder.Configuration["Storefront:StateDirectory"] = work;
        builder.Configuration["Storefront:WatchModel"] = "false";           // swaps go through the admin endpoint, so each version is known
        builder.Configuration["Storefront:RateLimit"] = "100000000";        // measure the app, not the limiter
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
    });
    await app.StartAsync();
    string address = app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = new Uri(address) };

    string[] users = [.. Enumerable.Range(1, 20).Select(u => "U" + u.ToString("0000", CultureInfo.InvariantCulture))];
    string[] queries = ["tea", "kettle", "speaker", "knife", "coffee beans", "cable"];
    string[] urls = [.. users.Select(u => $"/api/recommendations?user={u}&count=10"), .. queries.Select(q => $"/api/search?q={Uri.EscapeDataString(q)}&user=U0042&pageSize=10")];

    // The list each model gives for each URL, read while only that model serves; versions map to models as swaps are accepted.
    var reference = new Dictionary<string, Dictionary<string, string[]>> { ["first"] = await Lists(http, urls) };
    var versionModel = new ConcurrentDictionary<long, string> { [1] = "first" };
    long version = await Reload(http, served, second, expectAccepted: true);
    versionModel[version] = "second";
    reference["second"] = await Lists(http, urls);
    version = await Reload(http, served, first, expectAccepted: true);
    versionModel[version] = "first";

    Console.WriteLine($"Load: {clients} clients for {seconds} s (at most {maxRequests:N0} requests) on {address}, {swaps} swaps and one corrupted file.");
    var stopwatch = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    long issued = 0, errors = 0, torn = 0, unmapped = 0;
    var latencies = new ConcurrentBag<(string Kind, double[] Milliseconds)>();
    var firstErrors = new ConcurrentQueue<string>();
    var versionsSeen = new ConcurrentDictionary<long, long>();
    Task[] workers = [.. Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
    {
        var random = new Random(client);
        var own = new Dictionary<string, List<double>> { ["recommendations"] = [], ["search"] = [], ["events"] = [] };
        while (stopwatch.Elapsed < deadline && Interlocked.Increment(ref issued) <= maxRequests)
        {
            int pick = random.Next(10);
            string kind = pick < 5 ? "recommendations" : pick < 8 ? "search" : "events";
            string url = kind == "search" ? urls[users.Length + random.Next(queries.Length)] : urls[random.Next(users.Length)];
            long started = Stopwatch.GetTimestamp();
            try
            {
                HttpResponseMessage response = kind == "events"
                    ? await http.PostAsJsonAsync("/api/events", new { user = "U" + random.Next(4000, 5001).ToString(CultureInfo.InvariantCulture), item = "I" + random.Next(1, 2001).ToString("0000", CultureInfo.InvariantCulture), type = pick == 9 ? "cart" : "view" })
                    : await http.GetAsync(url);
                string body = await response.Content.ReadAsStringAsync();
                own[kind].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                    firstErrors.Enqueue($"{(int)response.StatusCode} {kind}: {body[..Math.Min(200, body.Length)]}");
                    continue;
                }

                if (kind != "events")
                {
                    using JsonDocument answer = JsonDocument.Parse(body);
                    long answered = answer.RootElement.GetProperty("modelVersion").GetInt64();
                    versionsSeen.AddOrUpdate(answered, 1, (_, n) => n + 1);
                    if (!versionModel.TryGetValue(answered, out string? model))
                    {
                        Interlocked.Increment(ref unmapped);
                    }
                    else if (!reference[model][url].SequenceEqual(Ids(answer.RootElement)))
                    {
                        Interlocked.Increment(ref torn);
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
            {
                Interlocked.Increment(ref errors);
                firstErrors.Enqueue($"{kind}: {exception.Message}");
            }
        }

        foreach ((string kind, List<double> values) in own)
        {
            latencies.Add((kind, [.. values]));
        }
    }))];

    // Swaps spread over the run; the corrupted file is offered halfway and must be refused with the old model serving on.
    int accepted = 0, refused = 0;
    for (int swap = 1; swap <= swaps + 1 && stopwatch.Elapsed < deadline; swap++)
    {
        TimeSpan at = deadline * swap / (swaps + 2);
        while (stopwatch.Elapsed < at && workers.Any(w => !w.IsCompleted))
        {
            await Task.Delay(20);
        }

        if (swap == swaps / 2 + 1)
        {
            long before = versionModel.Keys.Max();
            long after = await Reload(http, served, corrupted, expectAccepted: false);
            refused += after == before ? 1 : 0;
            File.Copy(versionModel[before] == "first" ? first : second, served, overwrite: true);   // the file as it was
            continue;
        }

        long current = versionModel.Keys.Max();
        string next = versionModel[current] == "first" ? "second" : "first";
        versionModel[current + 1] = next;   // before the swap: a worker may see the new version before the reload call returns
        long newVersion = await Reload(http, served, next == "first" ? first : second, expectAccepted: true);
        if (newVersion != current + 1)
        {
            throw new InvalidOperationException($"the reload made version {newVersion}, expected {current + 1}");
        }

        accepted++;
    }

    await Task.WhenAll(workers);
    TimeSpan elapsed = stopwatch.Elapsed;
    double[] all = [.. latencies.SelectMany(l => l.Milliseconds).Order()];
    Console.WriteLine();
    Console.WriteLine($"| Requests | Duration | Requests/s | p50 ms | p99 ms | p99.9 ms | Errors | Torn answers | Unknown versions | Swaps accepted | Corrupted refused | Versions answered |");
    Console.WriteLine($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {all.Length:N0} | {elapsed.TotalSeconds:F1} s | {all.Length / elapsed.TotalSeconds:N0} | {P(all, 0.50):F2} | {P(all, 0.99):F2} | {P(all, 0.999):F2} | {errors} | {torn} | {unmapped} | {accepted} | {refused} of 1 | {versionsSeen.Count} |"));
    Console.WriteLine();
    Console.WriteLine("| Endpoint | Requests | p50 ms | p99 ms | p99.9 ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (IGrouping<string, (string Kind, double[] Milliseconds)> kind in latencies.GroupBy(l => l.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        double[] values = [.. kind.SelectMany(l => l.Milliseconds).Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind.Key} | {values.Length:N0} | {P(values, 0.50):F2} | {P(values, 0.99):F2} | {P(values, 0.999):F2} |"));
    }

    foreach (string error in firstErrors.Take(5))
    {
        Console.WriteLine("error: " + error);
    }

    await app.StopAsync();
    return errors == 0 && torn == 0 && unmapped == 0 && refused == (swaps > 0 ? 1 : 0) ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}

static double P(double[] sorted, double quantile) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

static async Task<Dictionary<string, string[]>> Lists(HttpClient http, string[] urls)
{
    var lists = new Dictionary<string, string[]>(StringComparer.Ordinal);
    foreach (string url in urls)
    {
        using JsonDocument answer = JsonDocument.Parse(await http.GetStringAsync(url));
        lists[url] = Ids(answer.RootElement);
    }

    return lists;
}

static async Task<long> Reload(HttpClient http, string served, string model, bool expectAccepted)
{
    string incoming = served + ".incoming";
    File.Copy(model, incoming, overwrite: true);
    File.Move(incoming, served, overwrite: true);
    HttpResponseMessage response = await http.PostAsync("/admin/model/reload", null);
    using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    if (response.IsSuccessStatusCode != expectAccepted)
    {
        throw new InvalidOperationException($"reload of {Path.GetFileName(model)} answered {(int)response.StatusCode}: {answer.RootElement}");
    }

    return answer.RootElement.GetProperty("version").GetInt64();
}

static FactorModel Fit(FeedbackMatrix feedback, int factors, int seed)
{
    FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = factors, NumberOfIterations = 8, Seed = seed }).Fit(feedback);
    return model.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: model.Items));
}

static string FindData()
{
    foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "samples", "data");
            if (File.Exists(Path.Combine(candidate, "items.csv")))
            {
                return candidate;
            }
        }
    }

    throw new DirectoryNotFoundException("samples/data was not found; run from the repository.");
}

int Option(string name, int fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;
}
