using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Search.Tests;

/// <summary>The bundled sample shop (samples/data): its catalogue, a small model trained on its events, and an in-memory search index.</summary>
public sealed class SampleShop : IDisposable
{
    public SampleShop()
    {
        Catalog = ItemCatalog.ReadCsv(Path.Combine(Folder, "items.csv"));
        InteractionLog log = InteractionLog.ReadCsv(Path.Combine(Folder, "events.csv"));
        Model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 16, NumberOfIterations = 4 }).Fit(FeedbackMatrix.FromLog(log));
        Index = CatalogSearchIndex.Build(Catalog);
        Recommender = new Recommender(Model);
    }

    public static string Folder
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "samples", "data");
                if (File.Exists(Path.Combine(candidate, "items.csv")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("samples/data/items.csv was not found above " + AppContext.BaseDirectory);
        }
    }

    public ItemCatalog Catalog { get; }

    public FactorModel Model { get; }

    public CatalogSearchIndex Index { get; }

    public Recommender Recommender { get; }

    public string Title(string itemId) => Catalog.GetText(Catalog.GetIndex(itemId), "title") ?? "";

    public string Text(int item) => string.Join(' ', new[] { "title", "brand", "category" }.Select(a => Catalog.GetText(item, a) ?? "")
        .Append(Catalog.GetValue(item, "tags") is IReadOnlyList<string> tags ? string.Join(' ', tags) : "")).ToLowerInvariant();

    public void Dispose()
    {
        Index.Dispose();
        Recommender.Dispose();
    }
}
