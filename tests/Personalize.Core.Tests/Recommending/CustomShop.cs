using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

/// <summary>
/// A random model (300 items, 40 users) and a catalogue with ties and gaps on purpose: prices from a small set (some missing), ratings
/// on a half-star grid, four brands, a two-level category tree, tags, stock, dates. The catalogue has item-0..item-279 and 40 items the
/// model does not know (extra-0..); item-280..299 are in the model only.
/// </summary>
public sealed class CustomShop : IDisposable
{
    private static readonly string[] Brands = ["Acme", "Zen", "Wren", "Orbit"];
    private static readonly string[] Categories = ["Home/Kitchen", "Home/Storage", "Garden", "Electronics/Audio", "Electronics/Cables"];
    private static readonly string[] Prices = ["5", "9.99", "10", "25", "49.5", "100", ""];
    private static readonly string[] Tags = ["sale", "new", "eco", "premium"];
    private readonly TempDirectory _temp = new();

    public CustomShop()
    {
        Model = TestModels.Create(seed: 7, userCount: 40, itemCount: 300, numberOfFactors: 8, seenFraction: 0.1);
        var random = new Random(11);
        var csv = new StringBuilder("item_id,title,brand,category,price,rating,in_stock,added_at,tags\n");
        IEnumerable<string> ids = Enumerable.Range(0, 280).Select(i => $"item-{i}").Concat(Enumerable.Range(0, 40).Select(i => $"extra-{i}"));
        foreach (string id in ids)
        {
            string rating = random.Next(10) == 0 ? "" : (random.Next(2, 11) / 2.0).ToString("0.0", CultureInfo.InvariantCulture);
            string date = new DateTime(2026, 1, 1).AddDays(random.Next(60)).ToString("yyyy-MM-ddT00:00:00Z", CultureInfo.InvariantCulture);
            string tags = string.Join('|', Tags.Where(_ => random.Next(3) == 0));
            csv.Append(CultureInfo.InvariantCulture, $"{id},Title {id},{Brands[random.Next(Brands.Length)]},{Categories[random.Next(Categories.Length)]},")
               .Append(CultureInfo.InvariantCulture, $"{Prices[random.Next(Prices.Length)]},{rating},{(random.Next(2) == 0 ? "true" : "false")},{date},{tags}\n");
        }

        Catalog = ItemCatalog.ReadCsv(_temp.Write("items.csv", csv.ToString()), new ItemCatalogOptions
        {
            Schema = new CatalogSchema([new("tags", AttributeType.Tags), new("price", AttributeType.Number), new("rating", AttributeType.Number)]),
        });
        Recommender = new Recommender(Model, Catalog, preferences: null);
    }

    public FactorModel Model { get; }

    public ItemCatalog Catalog { get; }

    public Recommender Recommender { get; }

    public string Folder => _temp.Path;

    public Filter Parse(string text) => FilterText.Parse(text, Catalog.Schema).Value;

    /// <summary>The catalogue value of a model item (null when the catalogue lacks the item or the value).</summary>
    public object? Value(int modelItem, string attribute)
    {
        int c = Catalog.GetIndex(Model.Items.GetId(modelItem));
        return c < 0 ? null : Catalog.GetValue(c, attribute);
    }

    /// <summary>The list a request should produce, computed the slow, obvious way.</summary>
    public List<int> ReferenceOrder(int? user, Filter? filter, SortOrder sort, bool excludeSeen, int pool)
    {
        var eligible = new List<int>();
        CompiledFilter? compiled = filter is null ? null : FilterCompiler.Compile(filter, Catalog, Model.Items);
        HashSet<int> seen = user is { } u && excludeSeen ? [.. Model.GetSeenItems(u).ToArray()] : [];
        for (int i = 0; i < Model.Items.Count; i++)
        {
            if ((compiled is null || compiled.IsEligible(i)) && !seen.Contains(i))
            {
                eligible.Add(i);
            }
        }

        double Relevance(int i) => user is { } u2 ? Model.Score(u2, i) : Model.ItemPopularity[i];
        List<int> byRelevance = [.. eligible.OrderByDescending(i => (float)Relevance(i)).ThenBy(i => i)];
        if (sort == SortOrder.Relevance)
        {
            return byRelevance;
        }

        List<int> candidates = user is not null && byRelevance.Count > pool ? byRelevance.Take(pool).ToList() : byRelevance;
        double? Key(int i) => sort switch
        {
            SortOrder.PriceAscending => Value(i, "price") is decimal p ? (double)p : null,
            SortOrder.PriceDescending => Value(i, "price") is decimal p ? -(double)p : null,
            SortOrder.Rating => Value(i, "rating") is decimal r ? -(double)r : null,
            SortOrder.Newest => Value(i, "added_at") is DateTimeOffset t ? -(double)t.UtcTicks : null,
            _ => -Model.ItemPopularity[i],
        };
        return [.. candidates.OrderBy(i => Key(i) is null ? 1 : 0).ThenBy(i => Key(i) ?? 0).ThenByDescending(i => (float)Relevance(i)).ThenBy(i => i)];
    }

    /// <summary>Reads every page of a request's list.</summary>
    public static List<RecommendationPage> AllPages(Func<string?, RecommendationPage> page)
    {
        var pages = new List<RecommendationPage>();
        string? cursor = null;
        do
        {
            RecommendationPage next = page(cursor);
            pages.Add(next);
            cursor = next.NextCursor;
            Assert.True(pages.Count < 1000, "the cursor never ends");
        }
        while (cursor is not null);
        return pages;
    }

    public void Dispose()
    {
        Recommender.Dispose();
        _temp.Dispose();
    }
}
