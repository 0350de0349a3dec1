using System.Collections.Concurrent;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Serving;

/// <summary>
/// Eight readers query through leases while one thread swaps among three models (from files and from memory) and offers corrupted
/// files in between. Every answer must be exactly the answer of the model its lease names, and nothing may throw.
/// </summary>
public sealed class ModelStoreStressTests
{
    private const int Readers = 8;
    private const int Swaps = 300;

    [Fact]
    public void Readers_see_one_whole_model_per_query_while_models_are_swapped_and_bad_files_rejected()
    {
        using var folder = new TempDirectory();
        FactorModel[] models = [TestModels.Create(seed: 11), TestModels.Create(seed: 12), TestModels.Create(seed: 13)];
        string[] paths = new string[models.Length];
        for (int m = 0; m < models.Length; m++)
        {
            paths[m] = folder.File($"model-{m}.pzm");
            ModelFile.Save(models[m], paths[m]);
        }

        string corrupted = folder.File("corrupted.pzm");
        byte[] bytes = File.ReadAllBytes(paths[1]);
        bytes[^20] ^= 0xFF;
        File.WriteAllBytes(corrupted, bytes);

        string[] users = ["user-0", "user-7", "user-19", "unknown-user"];
        var expected = new Dictionary<string, string[]>();   // by the model's seed: files load as new instances
        foreach (FactorModel model in models)
        {
            using var recommender = new Recommender(model);
            expected[model.Properties["seed"]] = [.. users.Select(u => Key(recommender.ForUser(u, 10)))];
        }

        Assert.Equal(models.Length, expected.Values.Select(a => a[0]).Distinct().Count());   // the models answer differently

        using var store = new ModelStore(models[0], paths[0]);
        var snapshots = new ConcurrentBag<ModelSnapshot> { store.CurrentSnapshot! };
        var errors = new ConcurrentQueue<string>();
        long queries = 0;
        int stop = 0;
        var readers = new Thread[Readers];
        for (int r = 0; r < Readers; r++)
        {
            int reader = r;
            readers[r] = new Thread(() =>
            {
                int i = reader;
                while (Volatile.Read(ref stop) == 0 || i < reader + 50)
                {
                    try
                    {
                        using ModelLease lease = store.Acquire();
                        int u = i++ % users.Length;
                        string answer = Key(lease.Recommender.ForUser(users[u], 10));
                        if (answer != expected[lease.Model.Properties["seed"]][u])
                        {
                            errors.Enqueue($"reader {reader}: version {lease.Version} ({lease.Source}) answered {answer} for {users[u]}");
                        }

                        Interlocked.Increment(ref queries);
                    }
                    catch (Exception exception)
                    {
                        errors.Enqueue($"reader {reader}: {exception}");
                    }
                }
            });
            readers[r].Start();
        }

        int accepted = 0, rejected = 0;
        for (int s = 1; s <= Swaps; s++)
        {
            ModelSwapResult result = s % 10 == 0 ? store.TryLoad(corrupted)
                : s % 2 == 0 ? store.TrySwap(models[s % 3], $"memory-{s % 3}")
                : store.TryLoad(paths[s % 3]);
            _ = result.Accepted ? accepted++ : rejected++;
            snapshots.Add(store.CurrentSnapshot!);
        }

        Volatile.Write(ref stop, 1);
        foreach (Thread reader in readers)
        {
            reader.Join();
        }

        Assert.Empty(errors);
        Assert.Equal((Swaps - Swaps / 10, Swaps / 10), (accepted, rejected));
        Assert.Equal(1 + accepted, store.Version);
        Assert.True(queries >= Readers * 50, $"only {queries} queries ran");
        ModelSnapshot current = store.CurrentSnapshot!;
        Assert.All(snapshots.Where(s => !ReferenceEquals(s, current)), s => Assert.True(s.IsReleased, $"version {s.Version} was never released"));
    }

    private static string Key(RecommendationList list) => list.Source + ":" + string.Join(",", list.Select(r => r.ItemId));
}
