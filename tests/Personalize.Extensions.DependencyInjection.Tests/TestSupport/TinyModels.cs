using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Extensions.DependencyInjection.Tests.TestSupport;

/// <summary>Small models trained through the public API from seeded random logs: users U000…U039, items I0000…I0059.</summary>
internal static class TinyModels
{
    public const int Users = 40;
    public const int Items = 60;

    /// <summary>An implicit model; different seeds give different logs and so different answers.</summary>
    public static FactorModel Implicit(int seed)
    {
        var random = new Random(seed);
        var interactions = new List<Interaction>();
        for (int u = 0; u < Users; u++)
        {
            for (int e = 0; e < 10; e++)
            {
                interactions.Add(new Interaction($"U{u:D3}", $"I{random.Next(Items):D4}"));
            }
        }

        var trainer = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 4, Seed = seed, NumberOfThreads = 1 });
        return trainer.Fit(FeedbackMatrix.FromLog(InteractionLog.Create(interactions)));
    }

    /// <summary>An explicit (ratings) model, incompatible with a service serving implicit models.</summary>
    public static FactorModel Explicit(int seed)
    {
        var random = new Random(seed);
        var interactions = new List<Interaction>();
        for (int u = 0; u < Users; u++)
        {
            foreach (int i in Enumerable.Range(0, Items).OrderBy(_ => random.Next()).Take(8))
            {
                interactions.Add(new Interaction($"U{u:D3}", $"I{i:D4}", Rating: random.Next(1, 6)));
            }
        }

        var trainer = new BiasedMatrixFactorizationTrainer(new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 3 });
        return trainer.Fit(RatingMatrix.FromLog(InteractionLog.Create(interactions)));
    }

    /// <summary>Saves an implicit model and returns its path.</summary>
    public static string Save(TempDirectory folder, string name, FactorModel model)
    {
        string path = folder.File(name);
        ModelFile.Save(model, path);
        return path;
    }

    /// <summary>What a plain recommender over the model answers: source and item ids, in order.</summary>
    public static string Answer(FactorModel model, string userId, int count = 10)
    {
        using var recommender = new Recommender(model);
        return Key(recommender.ForUser(userId, count));
    }

    public static string Key(RecommendationList list) => list.Source + ":" + string.Join(",", list.Select(r => r.ItemId));

    /// <summary>A catalogue of every item: even items are brand Acme, odd ones Zen; price is the item number.</summary>
    public static string Catalog(TempDirectory folder)
    {
        var lines = new List<string> { "item_id,title,brand,price" };
        for (int i = 0; i < Items; i++)
        {
            lines.Add($"I{i:D4},Item {i},{(i % 2 == 0 ? "Acme" : "Zen")},{i}.50");
        }

        return folder.Write("items.csv", string.Join("\n", lines) + "\n");
    }

    /// <summary>Copies a model file with one byte flipped two thirds into the file (inside the factor sections of a tiny model).</summary>
    public static string Flipped(TempDirectory folder, string source, string name)
    {
        byte[] bytes = File.ReadAllBytes(source);
        bytes[bytes.Length * 2 / 3] ^= 0x5A;
        return Write(folder, name, bytes);
    }

    /// <summary>Copies a model file cut to half its length.</summary>
    public static string Truncated(TempDirectory folder, string source, string name)
    {
        byte[] bytes = File.ReadAllBytes(source);
        return Write(folder, name, bytes[..(bytes.Length / 2)]);
    }

    private static string Write(TempDirectory folder, string name, byte[] bytes)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
