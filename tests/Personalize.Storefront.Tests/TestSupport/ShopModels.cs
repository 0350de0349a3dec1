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
    private static readonly Lazy<(string First, string Second, string Data)> Files = new(Train);

    /// <summary>The sample shop folder (samples/data).</summary>
    public static string Data => Files.Value.Data;

    /// <summary>The model file the storefronts start with (seed 42).</summary>
    public static string First => Files.Value.First;

    /// <summary>Another model of the same shop (seed 7, other factor count), for swaps.</summary>
    public static string Second => Files.Value.Second;

    private static (string, string, string) Train()
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
        ModelFile.Save(Fit(feedback, factors: 16, seed: 42), first);
        ModelFile.Save(Fit(feedback, factors: 12, seed: 7), second);
        return (first, second, data);
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
