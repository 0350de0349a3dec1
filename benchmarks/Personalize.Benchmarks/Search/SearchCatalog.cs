using System.Globalization;
using Personalize.Core.Data;

namespace Personalize.Benchmarks.Search;

/// <summary>A generated product catalogue for the search benchmarks: titles of brand, material and product words, brands, categories,
/// prices and tags, with item ids i0.. (the ids of <see cref="Synthetic.Model"/>).</summary>
internal static class SearchCatalog
{
    private static readonly string[] Materials = ["steel", "glass", "bamboo", "ceramic", "copper", "oak", "walnut", "cotton", "wool", "linen",
        "stoneware", "enamel", "cast iron", "silicone", "aluminium", "porcelain"];

    private static readonly string[] Products = ["kettle", "mug", "grinder", "pan", "knife", "board", "lamp", "chair", "towel", "blanket",
        "speaker", "headphones", "cable", "charger", "backpack", "bottle", "teapot", "skillet", "whisk", "scale", "shelf", "basket", "vase",
        "candle", "pillow", "rug", "clock", "mirror", "planter", "tray"];

    private static readonly string[] Adjectives = ["compact", "classic", "modern", "travel", "pro", "mini", "large", "smart", "vintage", "eco"];

    private static readonly string[] Tags = ["sale", "new", "eco", "premium", "value", "bundle", "gift", "handmade"];

    /// <summary>The item count: <c>PERSONALIZE_SEARCH_BENCH_ITEMS</c> (such as 1000000), else 100,000.</summary>
    public static IEnumerable<int> ItemCounts() =>
        [int.TryParse(Environment.GetEnvironmentVariable("PERSONALIZE_SEARCH_BENCH_ITEMS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 100_000];

    public static ItemCatalog Create(int items, int seed = 42)
    {
        var random = new Random(seed);
        string path = Path.Combine(Path.GetTempPath(), $"personalize-bench-search-{items}.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("item_id,title,brand,category,price,in_stock,tags\n");
            for (int i = 0; i < items; i++)
            {
                string brand = "Brand" + random.Next(200).ToString(CultureInfo.InvariantCulture);
                string product = Products[random.Next(Products.Length)];
                string title = $"{brand} {Adjectives[random.Next(Adjectives.Length)]} {Materials[random.Next(Materials.Length)]} {product} {i % 97}";
                string tags = string.Join('|', Tags.Where(_ => random.Next(4) == 0));
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"i{i},{title},{brand},Home/{product},{random.Next(300, 30000) / 100m},{(random.Next(4) != 0 ? "true" : "false")},{tags}\n"));
            }
        }

        try
        {
            return ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = new CatalogSchema([new("tags", AttributeType.Tags)]) });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
