using System.Collections.Concurrent;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>
/// The stress test: 8 reader threads query the DI service while the model is swapped repeatedly among three models whose
/// answers differ, and corrupted and incompatible files are offered in between. Every answer must be the whole answer of one of the
/// models, nothing may throw, and every bad offer is rejected and logged.
/// </summary>
public sealed class ServiceStressTests
{
    private const int Readers = 8;
    private const int Rounds = 120;
    private const int MinimumQueriesPerReader = 50;

    [Fact]
    public void Eight_readers_get_consistent_answers_while_models_are_swapped_and_bad_files_rejected()
    {
        using var folder = new TempDirectory();
        FactorModel[] models = [TinyModels.Implicit(seed: 21), TinyModels.Implicit(seed: 22), TinyModels.Implicit(seed: 23)];
        string[] paths = [.. models.Select((m, i) => TinyModels.Save(folder, $"model-{i}.pzm", m))];
        string[] bad =
        [
            TinyModels.Flipped(folder, paths[1], "flipped.pzm"),
            TinyModels.Truncated(folder, paths[2], "truncated.pzm"),
            TinyModels.Save(folder, "explicit.pzm", TinyModels.Explicit(seed: 24)),
        ];
        string[] users = ["U000", "U011", "U027", "visitor"];
        var answers = new HashSet<string>[users.Length];
        for (int u = 0; u < users.Length; u++)
        {
            answers[u] = [.. models.Select(m => TinyModels.Answer(m, users[u]))];
        }

        Assert.Equal(models.Length, answers[0].Count);   // the models answer the first user differently
        string catalog = TinyModels.Catalog(folder);
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = paths[0];
            o.CatalogPath = catalog;
        });
        IRecommendationService service = harness.Service;
        var errors = new ConcurrentQueue<string>();
        int stop = 0;
        long queries = 0;
        var readers = new Thread[Readers];
        for (int r = 0; r < Readers; r++)
        {
            int reader = r;
            readers[r] = new Thread(() =>
            {
                for (int i = 0; Volatile.Read(ref stop) == 0 || i < MinimumQueriesPerReader; i++)
                {
                    int u = (i + reader) % users.Length;
                    try
                    {
                        RecommendationList list = service.ForUser(users[u], 10);
                        if (!answers[u].Contains(TinyModels.Key(list)))
                        {
                            errors.Enqueue($"reader {reader}, query {i}: {users[u]} got {TinyModels.Key(list)}, the answer of no model");
                        }

                        RecommendationList zen = service.ForUser(users[u], 5, "brand = \"Zen\"");
                        if (zen.Count != 5 || zen.Any(x => (x.ItemId[^1] - '0') % 2 == 0))
                        {
                            errors.Enqueue($"reader {reader}, query {i}: the Zen filter let through {TinyModels.Key(zen)}");
                        }

                        Interlocked.Add(ref queries, 2);
                    }
                    catch (Exception exception)
                    {
                        errors.Enqueue($"reader {reader}, query {i}: {exception}");
                    }
                }
            });
            readers[r].Start();
        }

        int accepted = 0, rejected = 0;
        try
        {
            for (int round = 1; round <= Rounds; round++)
            {
                ModelSwapResult result = round % 4 == 0
                    ? service.TryLoad(bad[round / 4 % bad.Length])
                    : round % 2 == 0 ? service.TrySwap(models[round % 3], $"retrained-{round % 3}") : service.TryLoad(paths[round % 3]);
                _ = result.Accepted ? accepted++ : rejected++;
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            foreach (Thread reader in readers)
            {
                reader.Join();
            }
        }

        Assert.True(errors.IsEmpty, $"{errors.Count} errors, the first: {errors.FirstOrDefault()}");
        Assert.Equal((Rounds - Rounds / 4, Rounds / 4), (accepted, rejected));
        Assert.Equal(1 + accepted, service.ModelVersion);
        Assert.True(queries >= Readers * MinimumQueriesPerReader * 2, $"only {queries} queries ran");
        Assert.Equal(rejected, harness.Logs.WithEventId(3).Count);
        Assert.All(harness.Logs.WithEventId(3), e => Assert.Matches("(flipped|truncated|explicit)\\.pzm: ", e.Message));
        Assert.Equal(queries, harness.Metrics.Sum(PersonalizeDiagnostics.Queries));
    }
}
