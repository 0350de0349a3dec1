using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Storefront.Tests.TestSupport;

/// <summary>
/// Two models of the sample shop, trained once per test run with the public API (small and fixed, so it is quick): the storefronts under
/// test serve <see cref="First"/>, and swaps bring in <see cref="Second"/>, whose lists differ.
/// </summary>
internal static class ShopModels
{
    private static readonly Lazy<(string First, string Second, string Rebuilt, string Reordered, string Data)> Files = new(Train);

    /// <summary>The sample shop folder (samples/data).</summary>
    public static string Data => Files.Value.Data;

    /// <summary>The model file the storefronts start with (seed 42).</summary>
    public static string First => Files.Value.First;

    /// <summary>Another model of the same shop (seed 7, other factor count), for swaps.</summary>
    public static string Second => Files.Value.Second;

    /// <summary><see cref="Second"/> rebuilt from its factors (<c>FactorModel.FromFactors</c>, which keeps no training weights), with the
    /// items in the same order: the reference for <see cref="Reordered"/>.</summary>
    public static string Rebuilt => Files.Value.Rebuilt;

    /// <summary><see cref="Rebuilt"/> with its items numbered in reverse order (the same items, factors and answers), for swaps that
    /// change every item's index, as a model trained on another export of the events would.</summary>
    public static string Reordered => Files.Value.Reordered;

    private static (string, string, string, string, string) Train()
    {
        string data = FindData();
        InteractionLog log = InteractionLog.ReadCsv(Path.Combine(data, "events.csv"));
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(log);
        string folder = Path.Combine(Path.GetTempPath(), "storefront-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the folder is under the temp folder.
            }
        };
        string first = Path.Combine(folder, "first.pzm");
        string second = Path.Combine(folder, "second.pzm");
        string rebuilt = Path.Combine(folder, "rebuilt.pzm");
        string reordered = Path.Combine(folder, "reordered.pzm");
        ModelFile.Save(Fit(feedback, factors: 16, seed: 42), first);
        FactorModel secondModel = Fit(feedback, factors: 12, seed: 7);
        ModelFile.Save(secondModel, second);
        int n = secondModel.Items.Count;
        ModelFile.Save(Renumber(secondModel, feedback, i => i), rebuilt);
        ModelFile.Save(Renumber(secondModel, feedback, i => n - 1 - i), reordered);
        return (first, second, rebuilt, reordered, data);
    }

    /// <summary>The model rebuilt from its factors with item i moved to index <paramref name="renumber"/>(i), a permutation (factors,
    /// seen items and popularity moved along).</summary>
    private static FactorModel Renumber(FactorModel model, FeedbackMatrix feedback, Func<int, int> renumber)
    {
        int n = model.Items.Count, k = model.NumberOfFactors;
        string[] ids = new string[n];
        float[] factors = new float[n * k];
        float[] popularity = new float[n];
        for (int i = 0; i < n; i++)
        {
            int to = renumber(i);
            ids[to] = model.Items.GetId(i);
            model.GetItemFactors(i).CopyTo(factors.AsSpan(to * k, k));
            popularity[to] = model.ItemPopularity.IsEmpty ? 0 : model.ItemPopularity[i];
        }

        IdMap items = IdMap.FromIds(ids);
        var offsets = new List<int> { 0 };
        var seen = new List<int>();
        for (int u = 0; u < model.Users.Count; u++)
        {
            seen.AddRange(model.GetSeenItems(u).ToArray().Select(renumber).Order());
            offsets.Add(seen.Count);
        }

        FactorModel reversed = FactorModel.FromFactors(model.Kind, model.Users, items, k, model.UserFactors, factors, [.. offsets], [.. seen],
            popularity, model.Properties);
        return reversed.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: reversed.Items));
    }

    private static FactorModel Fit(FeedbackMatrix feedback, int factors, int seed)
    {
        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = factors, NumberOfIterations = 4, Seed = seed })
            .Fit(feedback);
        return model.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: model.Items));
    }

    private static string FindData()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "samples", "data");
            if (File.Exists(Path.Combine(candidate, "items.csv")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/data was not found above " + AppContext.BaseDirectory);
    }
}
