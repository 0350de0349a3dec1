using System.Globalization;
using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>Builds brands, items and the trending items.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="start">Start of the event window (Unix seconds).</param>
    /// <param name="end">End of the event window (Unix seconds).</param>
    /// <returns>The catalog.</returns>
    internal static ShopCatalog BuildCatalog(SampleShopOptions options, long start, long end)
    {
        Random rng = RandomStream(options.Seed, 1, 0);
        int brandCount = Brands.Length;
        int parentCount = Parents.Length;

        // Brands: a primary parent category (8 brands each), sometimes a second one; a price offset and a size.
        var brandParents = new bool[brandCount, parentCount];
        var brandPriceOffset = new double[brandCount];
        var brandSize = new double[brandCount];
        for (int b = 0; b < brandCount; b++)
        {
            int primary = b % parentCount;
            brandParents[b, primary] = true;
            if (rng.NextDouble() < 0.35)
            {
                int second = (primary + 1 + rng.Next(parentCount - 1)) % parentCount;
                brandParents[b, second] = true;
            }

            brandPriceOffset[b] = 0.35 * Normal(rng);
            brandSize[b] = Math.Exp(0.6 * Normal(rng));
        }

        // Leaf of every item: each leaf at least twice, the rest by category weight, then shuffled.
        int n = options.Items;
        var leafOf = new int[n];
        var categoryCdf = Cumulative(Categories.Length, c => Categories[c].Weight);
        for (int i = 0; i < n; i++)
        {
            leafOf[i] = i < 2 * Categories.Length ? i % Categories.Length : SampleCdf(categoryCdf, rng);
        }

        Shuffle(leafOf, rng);

        var items = new ItemSpec[n];
        var titleCounters = new Dictionary<string, int>(StringComparer.Ordinal);
        long catalogStart = start - (730 * Day);
        var brandWeights = new double[brandCount];
        for (int i = 0; i < n; i++)
        {
            int leaf = leafOf[i];
            CategorySpec cat = Categories[leaf];
            for (int b = 0; b < brandCount; b++)
            {
                brandWeights[b] = brandParents[b, cat.Parent] ? brandSize[b] : 0.0;
            }

            int brand = SampleWeighted(brandWeights, rng);
            string noun = cat.Nouns[rng.Next(cat.Nouns.Length)];
            string key = Brands[brand] + " " + noun;
            int model = titleCounters.TryGetValue(key, out int seen) ? seen + 1 : 1;
            titleCounters[key] = model;

            double priceSd = Math.Sqrt((cat.PriceSigma * cat.PriceSigma) + (0.35 * 0.35));
            double logBase = Math.Log(cat.MedianPrice) + brandPriceOffset[brand] + (cat.PriceSigma * Normal(rng));
            double priceLevel = (logBase - Math.Log(cat.MedianPrice)) / priceSd;
            double packFactor = 1.0;
            string title;
            if (cat.Packs.Length > 0)
            {
                int pack = rng.Next(cat.Packs.Length);
                packFactor = cat.PackFactors[pack];
                title = cat.Consumable
                    ? string.Create(CultureInfo.InvariantCulture, $"{key} No. {model}, {cat.Packs[pack]}")
                    : string.Create(CultureInfo.InvariantCulture, $"{key} {model}, {cat.Packs[pack]}");
            }
            else
            {
                title = string.Create(CultureInfo.InvariantCulture, $"{key} {model}");
            }

            decimal price = RetailPrice(Math.Exp(logBase) * packFactor);

            bool isNew = rng.NextDouble() < 0.06;
            long addedDay = isNew
                ? (start / Day) + rng.Next(Math.Max(1, (int)((end - start) / Day) - 7))
                : (catalogStart / Day) + rng.Next((int)((start - catalogStart) / Day));
            long addedAt = (addedDay * Day) + ((7 + rng.Next(11)) * 3600L) + (rng.Next(12) * 300L);

            double quality = Math.Clamp(4.05 + (0.4 * Normal(rng)), 1.5, 4.95);
            double ageYears = Math.Max(1.0, end - addedAt) / (365.0 * Day);
            int ratingCount = 1 + (int)Math.Floor(Math.Exp(Math.Log(25.0) + (1.1 * Normal(rng))) * Math.Pow(Math.Min(ageYears, 2.0), 0.8));
            double shown = Math.Round(quality + (0.9 / Math.Sqrt(ratingCount) * Normal(rng)), 1, MidpointRounding.AwayFromZero);
            double rating = Math.Clamp(shown, 1.0, 5.0);

            bool inStock = rng.NextDouble() >= 0.10;
            long soldOutAt = inStock ? long.MaxValue : end - Day - (rng.Next(19) * Day) - rng.Next((int)Day);
            int repurchaseDays = cat.Consumable ? 14 + rng.Next(17) : 0;
            bool onSale = rng.NextDouble() < 0.08;
            int tagCount = SampleWeighted(TagCountWeights, rng);
            string tags = MakeTags(cat, rng, tagCount, isNew, ratingCount >= 150 && rating >= 4.3, priceLevel, onSale);

            items[i] = new ItemSpec
            {
                Category = leaf,
                Brand = brand,
                Title = title,
                Price = price,
                PriceLevel = priceLevel,
                Rating = rating,
                RatingCount = ratingCount,
                InStock = inStock,
                AddedAt = addedAt,
                SoldOutAt = soldOutAt,
                RepurchaseDays = repurchaseDays,
                Tags = tags,
            };
        }

        // Items grouped by category (ascending id inside a category): the layout of the per-user choice tables.
        var order = new int[n];
        var categoryStart = new int[Categories.Length + 1];
        for (int i = 0; i < n; i++)
        {
            categoryStart[items[i].Category + 1]++;
        }

        for (int c = 0; c < Categories.Length; c++)
        {
            categoryStart[c + 1] += categoryStart[c];
        }

        var fill = (int[])categoryStart.Clone();
        for (int i = 0; i < n; i++)
        {
            order[fill[items[i].Category]++] = i;
        }

        var brandCategoryCount = new int[brandCount, Categories.Length];
        for (int i = 0; i < n; i++)
        {
            brandCategoryCount[items[i].Brand, items[i].Category]++;
        }

        int[] surge = PickSurgeItems(options.Seed, items, start);
        return new ShopCatalog(items, order, categoryStart, brandCategoryCount, surge);
    }

    /// <summary>Builds the <c>|</c>-separated tag list of an item: attribute tags first, then category words.</summary>
    /// <param name="cat">Leaf category.</param>
    /// <param name="rng">ShopCatalog random stream.</param>
    /// <param name="count">Number of tags wanted (0-4).</param>
    /// <param name="isNew">Whether the item is a new arrival.</param>
    /// <param name="bestseller">Whether the item is a bestseller.</param>
    /// <param name="priceLevel">Standardised log price within the category.</param>
    /// <param name="onSale">Whether the item is on sale.</param>
    /// <returns>The tags field.</returns>
    private static string MakeTags(CategorySpec cat, Random rng, int count, bool isNew, bool bestseller, double priceLevel, bool onSale)
    {
        var tags = new List<string>(4);
        if (isNew)
        {
            tags.Add("new");
        }

        if (bestseller)
        {
            tags.Add("bestseller");
        }

        if (priceLevel < -0.8)
        {
            tags.Add("value");
        }
        else if (priceLevel > 0.9)
        {
            tags.Add("premium");
        }

        if (onSale)
        {
            tags.Add("sale");
        }

        int guard = 0;
        while (tags.Count < count && guard++ < 32)
        {
            string word = cat.Tags[rng.Next(cat.Tags.Length)];
            if (!tags.Contains(word))
            {
                tags.Add(word);
            }
        }

        if (tags.Count > count)
        {
            tags.RemoveRange(count, tags.Count - count);
        }

        return string.Join('|', tags);
    }

    /// <summary>Rounds a raw price to a retail price (<c>x.99</c> from 10 up, <c>x.x9</c> below).</summary>
    /// <param name="raw">Raw positive price.</param>
    /// <returns>Price with two decimals.</returns>
    private static decimal RetailPrice(double raw)
    {
        if (raw >= 10.0)
        {
            return (decimal)Math.Floor(raw) + 0.99m;
        }

        decimal tenths = (decimal)Math.Floor(Math.Max(raw, 0.5) * 10.0) / 10m;
        return tenths + 0.09m;
    }

    /// <summary>Chooses the trending items: in stock, not consumable, listed before the window, well rated, distinct leaves.</summary>
    /// <param name="seed">Master seed.</param>
    /// <param name="items">The catalog items.</param>
    /// <param name="start">Start of the event window (Unix seconds).</param>
    /// <returns>Item indices, ascending.</returns>
    private static int[] PickSurgeItems(int seed, ItemSpec[] items, long start)
    {
        Random rng = RandomStream(seed, 4, 0);
        var indices = new int[items.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        Shuffle(indices, rng);
        var chosen = new List<int>(SurgeItemCount);
        var usedLeaf = new bool[Categories.Length];
        foreach (bool strict in new[] { true, false })
        {
            foreach (int i in indices)
            {
                if (chosen.Count == SurgeItemCount)
                {
                    break;
                }

                ItemSpec item = items[i];
                bool eligible = item.InStock && !chosen.Contains(i)
                    && (!strict || (!Categories[item.Category].Consumable && item.AddedAt < start && item.Rating >= 4.0 && !usedLeaf[item.Category]));
                if (eligible)
                {
                    chosen.Add(i);
                    usedLeaf[item.Category] = true;
                }
            }
        }

        chosen.Sort();
        return chosen.ToArray();
    }
}
