using System.Globalization;
using System.Text;

namespace Personalize.Cli.Sample;

/// <summary>What <see cref="SampleShopGenerator.Write"/> produced.</summary>
internal sealed record SampleShopSummary
{
    /// <summary>Directory the files were written to (as given).</summary>
    public required string Directory { get; init; }

    /// <summary>Rows of <c>items.csv</c>.</summary>
    public required int Items { get; init; }

    /// <summary>Size of the user id space (<see cref="SampleShopOptions.Users"/>).</summary>
    public required int Users { get; init; }

    /// <summary>Users with at least one row in <c>events.csv</c>.</summary>
    public required int ActiveUsers { get; init; }

    /// <summary>Rows of <c>events.csv</c> with <c>event_type = view</c>.</summary>
    public required int Views { get; init; }

    /// <summary>Rows of <c>events.csv</c> with <c>event_type = cart</c>.</summary>
    public required int Carts { get; init; }

    /// <summary>Rows of <c>events.csv</c> with <c>event_type = purchase</c>.</summary>
    public required int Purchases { get; init; }

    /// <summary>Purchases of an item the same user had already purchased earlier.</summary>
    public required int RepeatPurchases { get; init; }

    /// <summary>Rows of <c>ratings.csv</c>.</summary>
    public required int Ratings { get; init; }

    /// <summary>Ratings whose planted value fell outside [1, 5] and was clamped.</summary>
    public required int ClampedRatings { get; init; }

    /// <summary>Ids of the items that trend in the last days before <see cref="SampleShopOptions.End"/>.</summary>
    public required IReadOnlyList<string> SurgeItemIds { get; init; }

    /// <summary>Bytes of <c>items.csv</c>.</summary>
    public required long ItemsBytes { get; init; }

    /// <summary>Bytes of <c>events.csv</c>.</summary>
    public required long EventsBytes { get; init; }

    /// <summary>Bytes of <c>ratings.csv</c>.</summary>
    public required long RatingsBytes { get; init; }

    /// <summary>Rows of <c>events.csv</c>.</summary>
    public int Events => Views + Carts + Purchases;

    /// <summary>Total bytes of the three files.</summary>
    public long BytesWritten => ItemsBytes + EventsBytes + RatingsBytes;
}

/// <summary>
/// Writes a small synthetic shop (<c>items.csv</c>, <c>events.csv</c>, <c>ratings.csv</c>) with planted,
/// learnable structure: per-user category, brand and price tastes drive browsing sessions with a
/// view → cart → purchase funnel, consumables are re-bought at a per-item interval, a few items
/// trend just before the end, and explicit ratings come from a low-rank model. Deterministic: the same
/// options give byte-identical files. The model is documented in <c>samples/data/README.md</c>.
/// </summary>
internal static class SampleShopGenerator
{
    /// <summary>File name of the catalog.</summary>
    internal const string ItemsFileName = "items.csv";

    /// <summary>File name of the interaction log.</summary>
    internal const string EventsFileName = "events.csv";

    /// <summary>File name of the explicit ratings.</summary>
    internal const string RatingsFileName = "ratings.csv";

    /// <summary>Header of <c>items.csv</c>.</summary>
    internal const string ItemsHeader = "item_id,title,brand,category,price,rating,rating_count,in_stock,added_at,tags";

    /// <summary>Header of <c>events.csv</c>.</summary>
    internal const string EventsHeader = "user_id,item_id,event_type,timestamp,quantity";

    /// <summary>Header of <c>ratings.csv</c>.</summary>
    internal const string RatingsHeader = "user_id,item_id,rating,timestamp";

    /// <summary>Number of trending items.</summary>
    internal const int SurgeItemCount = 5;

    /// <summary>Length in days of the trend at the end of the window.</summary>
    internal const int SurgeDays = 3;

    /// <summary>Seconds per day.</summary>
    private const long Day = 86_400L;

    /// <summary>Utility of an item in a category the user does not prefer (preferred ones get ln of their weight).</summary>
    private const double OtherCategoryAffinity = -4.0;

    /// <summary>Utility bonus of an item of one of the user's preferred brands.</summary>
    private const double BrandAffinity = 2.4;

    /// <summary>Price match term: minus this times the squared distance between the item's and the user's price level.</summary>
    private const double PriceSensitivity = 0.7;

    /// <summary>Quality term: this times (item rating - 4).</summary>
    private const double QualityWeight = 0.9;

    /// <summary>Temperature of the softmax (scale of the Gumbel noise).</summary>
    private const double Temperature = 1.0;

    /// <summary>Probability that a view after the first stays in the session's focus category.</summary>
    private const double FocusShare = 0.8;

    /// <summary>Probability that a consumable purchase is followed by another one after the item's interval.</summary>
    private const double RepeatProbability = 0.85;

    /// <summary>Probability that a browsing session during the trend shows a trending item.</summary>
    private const double SurgeInSessionShare = 0.3;

    /// <summary>Probability that a user makes an extra visit for a trending item during the trend.</summary>
    private const double SurgeVisitProbability = 0.07;

    /// <summary>Mean of the planted ratings.</summary>
    internal const double RatingMean = 3.6;

    /// <summary>Standard deviation of the planted user rating bias.</summary>
    internal const double RatingUserBiasSd = 0.25;

    /// <summary>Standard deviation of the planted item rating bias.</summary>
    internal const double RatingItemBiasSd = 0.25;

    /// <summary>Variance of the planted dot product of user and item factors (split evenly over the rank).</summary>
    internal const double RatingInteractionVariance = 0.12;

    /// <summary>Calibrated mean number of events one browsing session produces (repeat orders included).</summary>
    private const double EventsPerSession = 6.36;

    /// <summary>Relative activity of the hours 00-23 (UTC) for session starts.</summary>
    private static readonly double[] s_hourWeights =
    [
        0.25, 0.12, 0.08, 0.06, 0.06, 0.10, 0.30, 0.60, 0.80, 0.90, 1.00, 1.00,
        1.10, 1.00, 0.90, 0.90, 1.00, 1.20, 1.50, 1.80, 2.00, 1.80, 1.20, 0.60,
    ];

    /// <summary>Relative frequency of 0, 1, 2, 3 and 4 tags.</summary>
    private static readonly double[] s_tagCountWeights = [0.10, 0.20, 0.30, 0.25, 0.15];

    /// <summary>Invented brand names.</summary>
    private static readonly string[] s_brands =
    [
        "Acme", "Zen", "Nordwind", "Bergmann", "Kestrel", "Lumo", "Orbit", "Pinecrest",
        "Quill", "Rivet", "Solace", "Tundra", "Vela", "Wren", "Yuzu", "Alder",
        "Brisk", "Cobalt", "Dune", "Ember", "Fjord", "Granite", "Halcyon", "Ivory",
        "Juniper", "Koa", "Larkspur", "Meridian", "Nimbus", "Oakline", "Pebble", "Quartz",
        "Roam", "Saltmarsh", "Tidewell", "Umbra", "Verdant", "Willow", "Yonder", "Zephyr",
    ];

    /// <summary>Top-level categories; leaf <c>c</c> belongs to <c>s_categories[c].Parent</c>.</summary>
    private static readonly string[] s_parents = ["Kitchen", "Grocery", "Household", "Electronics", "Outdoor"];

    /// <summary>The planted leaf categories.</summary>
    private static readonly CategorySpec[] s_categories =
    [
        new("Kitchen/Coffee", 0, 1.0, 89.0, 0.55, false,
            ["Burr Grinder", "Espresso Machine", "Pour-Over Kettle", "Milk Frother", "French Press", "Drip Brewer"],
            [], [], ["coffee", "espresso", "brewing", "barista", "grinder", "stainless"]),
        new("Kitchen/Cookware", 0, 1.0, 49.0, 0.50, false,
            ["Skillet", "Saucepan", "Dutch Oven", "Wok", "Stockpot", "Griddle"],
            ["20 cm", "24 cm", "28 cm"], [0.85, 1.0, 1.2], ["cookware", "nonstick", "castiron", "induction", "stainless", "ovenproof"]),
        new("Kitchen/Knives", 0, 0.7, 59.0, 0.60, false,
            ["Chef Knife", "Paring Knife", "Bread Knife", "Santoku", "Utility Knife", "Carving Knife"],
            ["6\"", "7\"", "8\"", "9\""], [0.85, 0.95, 1.0, 1.1], ["knives", "steel", "japanese", "forged", "sharp", "chef"]),
        new("Grocery/Coffee", 1, 1.0, 9.0, 0.35, true,
            ["Espresso Beans", "Filter Roast", "Decaf Blend", "Cold Brew Blend", "Single Origin Beans"],
            ["250 g", "500 g", "1 kg"], [1.0, 1.8, 3.2], ["coffee", "beans", "arabica", "roast", "organic", "fairtrade"]),
        new("Grocery/Tea", 1, 0.8, 6.0, 0.35, true,
            ["Green Tea", "Earl Grey", "Chai Blend", "Rooibos", "Herbal Infusion", "Breakfast Tea"],
            ["20 bags", "50 bags", "100 g"], [1.0, 2.0, 1.6], ["tea", "organic", "loose", "herbal", "caffeine", "fairtrade"]),
        new("Household/Cleaning", 2, 0.9, 5.5, 0.40, true,
            ["Dish Soap", "Surface Spray", "Laundry Detergent", "Glass Cleaner", "Bathroom Cleaner", "Floor Cleaner"],
            ["500 ml", "750 ml", "1 l", "2 l"], [1.0, 1.3, 1.6, 2.7], ["cleaning", "ecofriendly", "refill", "unscented", "concentrate", "lemon"]),
        new("Household/Storage", 2, 0.7, 25.0, 0.50, false,
            ["Storage Box", "Shelf Organizer", "Jar Set", "Drawer Divider", "Laundry Basket"],
            [], [], ["storage", "organizer", "stackable", "bamboo", "airtight"]),
        new("Electronics/Audio", 3, 1.2, 79.0, 0.80, false,
            ["Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar", "Turntable"],
            [], [], ["audio", "wireless", "bluetooth", "noisecancelling", "bass", "portable"]),
        new("Electronics/Wearables", 3, 0.8, 149.0, 0.60, false,
            ["Smartwatch", "Fitness Band", "Smart Ring", "Sleep Tracker"],
            [], [], ["fitness", "wearable", "gps", "waterproof", "sleep", "heartrate"]),
        new("Electronics/Accessories", 3, 1.1, 19.0, 0.60, false,
            ["USB-C Cable", "Power Bank", "Phone Case", "Wireless Charger", "Screen Protector"],
            [], [], ["usbc", "charging", "magsafe", "fastcharge", "protective", "portable"]),
        new("Outdoor/Camping", 4, 0.8, 69.0, 0.70, false,
            ["Tent", "Sleeping Bag", "Camp Stove", "Headlamp", "Trekking Poles", "Water Filter"],
            [], [], ["camping", "lightweight", "waterproof", "hiking", "ultralight", "family"]),
        new("Outdoor/Cycling", 4, 0.8, 45.0, 0.80, false,
            ["Bike Light", "Helmet", "Saddle Bag", "Bike Lock", "Mini Pump", "Cycling Gloves"],
            [], [], ["cycling", "bike", "rechargeable", "reflective", "commuting", "road"]),
    ];

    /// <summary>
    /// Generates the sample shop for <paramref name="options"/> and writes <c>items.csv</c>,
    /// <c>events.csv</c> and <c>ratings.csv</c> into <paramref name="directory"/> (created if missing,
    /// existing files overwritten). UTF-8 without BOM, <c>\n</c> line endings, invariant culture.
    /// </summary>
    /// <param name="directory">Output directory.</param>
    /// <param name="options">Generator parameters; validated first.</param>
    /// <returns>Row counts and sizes of what was written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal static SampleShopSummary Write(string directory, SampleShopOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        long end = options.End.ToUnixTimeSeconds();
        long start = end - (options.Days * Day);

        Catalog catalog = BuildCatalog(options, start, end);
        UserTaste[] users = BuildUsers(options, catalog);
        List<ShopEvent> events = SimulateEvents(options, catalog, users, start, end);
        List<ShopRating> ratings = GenerateRatings(options, start, end, out int clamped);

        string[] userIds = MakeIds('U', options.Users);
        string[] itemIds = MakeIds('I', options.Items);

        System.IO.Directory.CreateDirectory(directory);
        long itemsBytes = WriteItems(Path.Combine(directory, ItemsFileName), catalog, itemIds);
        long eventsBytes = WriteEvents(Path.Combine(directory, EventsFileName), events, userIds, itemIds);
        long ratingsBytes = WriteRatings(Path.Combine(directory, RatingsFileName), ratings, userIds, itemIds);

        int views = 0;
        int carts = 0;
        int purchases = 0;
        int repeats = 0;
        var active = new bool[options.Users];
        var bought = new HashSet<long>();
        foreach (ShopEvent e in events)
        {
            active[e.User] = true;
            switch (e.Kind)
            {
                case EventKind.View:
                    views++;
                    break;
                case EventKind.Cart:
                    carts++;
                    break;
                default:
                    purchases++;
                    if (!bought.Add(((long)e.User * options.Items) + e.Item))
                    {
                        repeats++;
                    }

                    break;
            }
        }

        int activeUsers = 0;
        foreach (bool a in active)
        {
            if (a)
            {
                activeUsers++;
            }
        }

        var surgeIds = new string[catalog.SurgeItems.Length];
        for (int i = 0; i < surgeIds.Length; i++)
        {
            surgeIds[i] = itemIds[catalog.SurgeItems[i]];
        }

        return new SampleShopSummary
        {
            Directory = directory,
            Items = options.Items,
            Users = options.Users,
            ActiveUsers = activeUsers,
            Views = views,
            Carts = carts,
            Purchases = purchases,
            RepeatPurchases = repeats,
            Ratings = ratings.Count,
            ClampedRatings = clamped,
            SurgeItemIds = surgeIds,
            ItemsBytes = itemsBytes,
            EventsBytes = eventsBytes,
            RatingsBytes = ratingsBytes,
        };
    }

    // ------------------------------------------------------------------ catalog

    /// <summary>Builds brands, items and the trending items.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="start">Start of the event window (Unix seconds).</param>
    /// <param name="end">End of the event window (Unix seconds).</param>
    /// <returns>The catalog.</returns>
    private static Catalog BuildCatalog(SampleShopOptions options, long start, long end)
    {
        Random rng = RandomStream(options.Seed, 1, 0);
        int brandCount = s_brands.Length;
        int parentCount = s_parents.Length;

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
        var categoryCdf = Cumulative(s_categories.Length, c => s_categories[c].Weight);
        for (int i = 0; i < n; i++)
        {
            leafOf[i] = i < 2 * s_categories.Length ? i % s_categories.Length : SampleCdf(categoryCdf, rng);
        }

        Shuffle(leafOf, rng);

        var items = new ItemSpec[n];
        var titleCounters = new Dictionary<string, int>(StringComparer.Ordinal);
        long catalogStart = start - (730 * Day);
        var brandWeights = new double[brandCount];
        for (int i = 0; i < n; i++)
        {
            int leaf = leafOf[i];
            CategorySpec cat = s_categories[leaf];
            for (int b = 0; b < brandCount; b++)
            {
                brandWeights[b] = brandParents[b, cat.Parent] ? brandSize[b] : 0.0;
            }

            int brand = SampleWeighted(brandWeights, rng);
            string noun = cat.Nouns[rng.Next(cat.Nouns.Length)];
            string key = s_brands[brand] + " " + noun;
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
            int tagCount = SampleWeighted(s_tagCountWeights, rng);
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
        var categoryStart = new int[s_categories.Length + 1];
        for (int i = 0; i < n; i++)
        {
            categoryStart[items[i].Category + 1]++;
        }

        for (int c = 0; c < s_categories.Length; c++)
        {
            categoryStart[c + 1] += categoryStart[c];
        }

        var fill = (int[])categoryStart.Clone();
        for (int i = 0; i < n; i++)
        {
            order[fill[items[i].Category]++] = i;
        }

        var brandCategoryCount = new int[brandCount, s_categories.Length];
        for (int i = 0; i < n; i++)
        {
            brandCategoryCount[items[i].Brand, items[i].Category]++;
        }

        int[] surge = PickSurgeItems(options.Seed, items, start);
        return new Catalog(items, order, categoryStart, brandCategoryCount, surge);
    }

    /// <summary>Builds the <c>|</c>-separated tag list of an item: attribute tags first, then category words.</summary>
    /// <param name="cat">Leaf category.</param>
    /// <param name="rng">Catalog random stream.</param>
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
        var usedLeaf = new bool[s_categories.Length];
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
                    && (!strict || (!s_categories[item.Category].Consumable && item.AddedAt < start && item.Rating >= 4.0 && !usedLeaf[item.Category]));
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

    // ------------------------------------------------------------------ users

    /// <summary>Draws every user's planted taste and activity.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="catalog">The catalog.</param>
    /// <returns>One taste per user.</returns>
    private static UserTaste[] BuildUsers(SampleShopOptions options, Catalog catalog)
    {
        int leafCount = s_categories.Length;
        int brandCount = s_brands.Length;
        var users = new UserTaste[options.Users];
        var catWeights = new double[leafCount];
        var brandWeights = new double[brandCount];
        for (int u = 0; u < users.Length; u++)
        {
            Random rng = RandomStream(options.Seed, 2, u);

            double k = rng.NextDouble();
            int catCount = k < 0.30 ? 1 : k < 0.75 ? 2 : 3;
            for (int c = 0; c < leafCount; c++)
            {
                catWeights[c] = catalog.CategoryStart[c + 1] > catalog.CategoryStart[c] ? s_categories[c].Weight : 0.0;
            }

            var cats = new int[catCount];
            var weights = new double[catCount];
            double sum = 0.0;
            for (int j = 0; j < catCount; j++)
            {
                int c = SampleWeighted(catWeights, rng);
                catWeights[c] = 0.0;
                cats[j] = c;
                weights[j] = 0.4 + Exponential(rng);
                sum += weights[j];
            }

            for (int j = 0; j < catCount; j++)
            {
                weights[j] /= sum;
            }

            Array.Sort(weights, cats);
            Array.Reverse(weights);
            Array.Reverse(cats);

            int brandCountWanted = 2 + rng.Next(3);
            var brands = new int[brandCountWanted];
            var taken = new bool[brandCount];
            for (int j = 0; j < brandCountWanted; j++)
            {
                bool fromCategories = rng.NextDouble() < 0.8;
                double total = 0.0;
                for (int b = 0; b < brandCount; b++)
                {
                    double w = 0.0;
                    if (!taken[b])
                    {
                        if (fromCategories)
                        {
                            for (int c = 0; c < catCount; c++)
                            {
                                w += weights[c] * catalog.BrandCategoryCount[b, cats[c]];
                            }
                        }
                        else
                        {
                            w = 1.0;
                        }
                    }

                    brandWeights[b] = w;
                    total += w;
                }

                if (total <= 0.0)
                {
                    for (int b = 0; b < brandCount; b++)
                    {
                        brandWeights[b] = taken[b] ? 0.0 : 1.0;
                    }
                }

                int chosen = SampleWeighted(brandWeights, rng);
                taken[chosen] = true;
                brands[j] = chosen;
            }

            double p = rng.NextDouble();
            PriceTier tier = p < 0.35 ? PriceTier.Budget : p < 0.80 ? PriceTier.Mid : PriceTier.Premium;
            double level = (tier == PriceTier.Budget ? -0.9 : tier == PriceTier.Mid ? 0.0 : 0.9) + (0.2 * Normal(rng));
            double activity = Math.Exp(Normal(rng));

            users[u] = new UserTaste
            {
                Categories = cats,
                CategoryWeights = weights,
                Brands = brands,
                Tier = tier,
                PriceLevel = level,
                Activity = activity,
            };
        }

        return users;
    }

    // ------------------------------------------------------------------ events

    /// <summary>Simulates every user's sessions, repeat orders and trend visits; returns events sorted by time, user, item.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="catalog">The catalog.</param>
    /// <param name="users">Planted user tastes.</param>
    /// <param name="start">Start of the event window (Unix seconds).</param>
    /// <param name="end">End of the event window (Unix seconds).</param>
    /// <returns>The sorted event log.</returns>
    private static List<ShopEvent> SimulateEvents(SampleShopOptions options, Catalog catalog, UserTaste[] users, long start, long end)
    {
        // Session days are calendar (UTC) days covering the window: weekends busier, slow growth towards the end.
        long firstDay = start / Day;
        int calendarDays = (int)(((end - 1) / Day) - firstDay + 1);
        var dayCdf = Cumulative(calendarDays, d =>
        {
            DayOfWeek dow = DateTimeOffset.FromUnixTimeSeconds((firstDay + d) * Day).DayOfWeek;
            double weekly = dow is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1.25 : dow == DayOfWeek.Monday ? 0.95 : 1.0;
            return weekly * (1.0 + (0.25 * d / calendarDays));
        });

        // Extra trend visits: calendar days overlapping the trend, weighted 1, 2, 3, ... (rising interest).
        long surgeStart = end - (SurgeDays * Day);
        long surgeFirstDay = surgeStart / Day;
        int surgeCalendarDays = (int)(((end - 1) / Day) - surgeFirstDay + 1);
        double[] surgeDayCdf = Cumulative(surgeCalendarDays, d => d + 1.0);
        double[] hourCdf = Cumulative(24, h => s_hourWeights[h]);

        double activitySum = 0.0;
        foreach (UserTaste user in users)
        {
            activitySum += user.Activity;
        }

        double sessionsWanted = options.TargetEvents / EventsPerSession;
        double scale = Math.Max(0.0, sessionsWanted - users.Length) / activitySum;
        int maxSessions = Math.Max(1, options.Days * 2);

        var events = new List<ShopEvent>(options.TargetEvents + (options.TargetEvents / 8));
        var chooser = new Chooser(catalog);
        var times = new List<long>();
        var sim = new SessionContext(catalog, chooser, events, start, end, hourCdf);
        for (int u = 0; u < users.Length; u++)
        {
            UserTaste user = users[u];
            Random rng = RandomStream(options.Seed, 3, u);
            chooser.Prepare(user);
            sim.Begin(u, user, rng);

            int sessions = Math.Min(maxSessions, 1 + (int)Math.Floor((scale * user.Activity) + rng.NextDouble()));
            times.Clear();
            for (int s = 0; s < sessions; s++)
            {
                times.Add(DrawTime(dayCdf, firstDay, start, end, hourCdf, rng));
            }

            times.Sort();
            foreach (long t in times)
            {
                sim.BrowsingSession(t, surgeVisit: false);
            }

            if (rng.NextDouble() < SurgeVisitProbability)
            {
                sim.BrowsingSession(DrawTime(surgeDayCdf, surgeFirstDay, surgeStart, end - 1800, hourCdf, rng), surgeVisit: true);
            }
        }

        events.Sort();
        return events;
    }

    /// <summary>A random time in <c>[from, to)</c>: a calendar day from <paramref name="dayCdf"/>, a time of day from the diurnal profile.</summary>
    /// <param name="dayCdf">Cumulative weights of the calendar days starting at <paramref name="firstDay"/>.</param>
    /// <param name="firstDay">Unix day number of the first calendar day.</param>
    /// <param name="from">Earliest allowed time (Unix seconds).</param>
    /// <param name="to">End (exclusive) of the allowed range (Unix seconds).</param>
    /// <param name="hourCdf">Cumulative hour weights.</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>Unix seconds.</returns>
    private static long DrawTime(double[] dayCdf, long firstDay, long from, long to, double[] hourCdf, Random rng)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            long t = ((firstDay + SampleCdf(dayCdf, rng)) * Day) + TimeOfDay(hourCdf, rng);
            if (t >= from && t < to)
            {
                return t;
            }
        }

        return from + rng.NextInt64(Math.Max(1, to - from));
    }

    /// <summary>A random second within a day, drawn from the diurnal profile.</summary>
    /// <param name="hourCdf">Cumulative hour weights.</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>Seconds after midnight UTC.</returns>
    private static long TimeOfDay(double[] hourCdf, Random rng)
    {
        int hour = SampleCdf(hourCdf, rng);
        return (hour * 3600L) + rng.Next(3600);
    }

    // ------------------------------------------------------------------ ratings

    /// <summary>Draws the explicit ratings of the first <see cref="SampleShopOptions.RatingUsers"/> users for the first
    /// <see cref="SampleShopOptions.RatingItems"/> items from the planted low-rank model.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="start">Start of the window (Unix seconds).</param>
    /// <param name="end">End of the window (Unix seconds).</param>
    /// <param name="clamped">Number of ratings whose raw value fell outside [1, 5].</param>
    /// <returns>Ratings sorted by user, then item.</returns>
    private static List<ShopRating> GenerateRatings(SampleShopOptions options, long start, long end, out int clamped)
    {
        int rank = options.RatingRank;
        int n = Math.Min(options.Items, options.RatingItems);
        double factorSd = Math.Pow(RatingInteractionVariance / rank, 0.25);

        Random itemRng = RandomStream(options.Seed, 5, 0);
        var itemBias = new double[n];
        var itemFactors = new double[n * rank];
        var itemWeight = new double[n];
        for (int i = 0; i < n; i++)
        {
            itemBias[i] = RatingItemBiasSd * Normal(itemRng);
            for (int f = 0; f < rank; f++)
            {
                itemFactors[(i * rank) + f] = factorSd * Normal(itemRng);
            }

            itemWeight[i] = Math.Exp(0.8 * Normal(itemRng));
        }

        double[] itemCdf = Cumulative(n, i => itemWeight[i]);
        var ratings = new List<ShopRating>(options.RatingUsers * options.RatingsPerUser);
        var userFactors = new double[rank];
        var picked = new HashSet<int>();
        var keys = new double[n];
        var keyOrder = new int[n];
        int mean = options.RatingsPerUser;
        int low = Math.Max(1, (mean + 1) / 2);
        int high = Math.Max(low, (3 * mean) / 2);
        clamped = 0;
        for (int u = 0; u < options.RatingUsers; u++)
        {
            Random rng = RandomStream(options.Seed, 6, u);
            double userBias = RatingUserBiasSd * Normal(rng);
            for (int f = 0; f < rank; f++)
            {
                userFactors[f] = factorSd * Normal(rng);
            }

            int count = Math.Min(n, low + rng.Next(high - low + 1));
            int[] chosen = PickWithoutReplacement(rng, itemCdf, itemWeight, count, picked, keys, keyOrder);
            Array.Sort(chosen);
            foreach (int i in chosen)
            {
                double dot = 0.0;
                for (int f = 0; f < rank; f++)
                {
                    dot += userFactors[f] * itemFactors[(i * rank) + f];
                }

                double raw = RatingMean + userBias + itemBias[i] + dot + (options.RatingNoise * Normal(rng));
                if (raw < 1.0 || raw > 5.0)
                {
                    clamped++;
                }

                double value = Math.Round(Math.Clamp(raw, 1.0, 5.0), 1, MidpointRounding.AwayFromZero);
                long timestamp = start + (long)(rng.NextDouble() * (end - start));
                ratings.Add(new ShopRating(u, i, (int)Math.Round(value * 10.0), timestamp));
            }
        }

        return ratings;
    }

    /// <summary>Samples <paramref name="count"/> distinct items with probability proportional to their weight.</summary>
    /// <param name="rng">Random stream.</param>
    /// <param name="cdf">Cumulative item weights.</param>
    /// <param name="weights">Item weights.</param>
    /// <param name="count">Number of items wanted (at most the number of items).</param>
    /// <param name="picked">Scratch set.</param>
    /// <param name="keys">Scratch array (one per item).</param>
    /// <param name="keyOrder">Scratch array (one per item).</param>
    /// <returns>The chosen item indices (unordered).</returns>
    private static int[] PickWithoutReplacement(Random rng, double[] cdf, double[] weights, int count, HashSet<int> picked, double[] keys, int[] keyOrder)
    {
        var result = new int[count];
        if (count * 4 <= weights.Length)
        {
            picked.Clear();
            int filled = 0;
            while (filled < count)
            {
                int i = SampleCdf(cdf, rng);
                if (picked.Add(i))
                {
                    result[filled++] = i;
                }
            }

            return result;
        }

        // Efraimidis-Spirakis: the items with the largest u^(1/w), i.e. the smallest -ln(u)/w.
        for (int i = 0; i < weights.Length; i++)
        {
            keys[i] = -Math.Log(1.0 - rng.NextDouble()) / weights[i];
            keyOrder[i] = i;
        }

        Array.Sort(keys, keyOrder);
        Array.Copy(keyOrder, result, count);
        return result;
    }

    // ------------------------------------------------------------------ writing

    /// <summary>Writes <c>items.csv</c>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="catalog">The catalog.</param>
    /// <param name="itemIds">Item id strings.</param>
    /// <returns>Bytes written.</returns>
    private static long WriteItems(string path, Catalog catalog, string[] itemIds)
    {
        using (StreamWriter writer = CreateWriter(path))
        {
            writer.Write(ItemsHeader);
            writer.Write('\n');
            for (int i = 0; i < catalog.Items.Length; i++)
            {
                ItemSpec item = catalog.Items[i];
                writer.Write(itemIds[i]);
                writer.Write(',');
                writer.Write(CsvField(item.Title));
                writer.Write(',');
                writer.Write(CsvField(s_brands[item.Brand]));
                writer.Write(',');
                writer.Write(CsvField(s_categories[item.Category].Path));
                writer.Write(',');
                writer.Write(item.Price.ToString("0.00", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(item.Rating.ToString("0.0", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(item.RatingCount.ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(item.InStock ? "true" : "false");
                writer.Write(',');
                writer.Write(FormatTimestamp(item.AddedAt));
                writer.Write(',');
                writer.Write(CsvField(item.Tags));
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    /// <summary>Writes <c>events.csv</c>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="events">Sorted events.</param>
    /// <param name="userIds">User id strings.</param>
    /// <param name="itemIds">Item id strings.</param>
    /// <returns>Bytes written.</returns>
    private static long WriteEvents(string path, List<ShopEvent> events, string[] userIds, string[] itemIds)
    {
        using (StreamWriter writer = CreateWriter(path))
        {
            writer.Write(EventsHeader);
            writer.Write('\n');
            long cachedSecond = long.MinValue;
            string cachedStamp = string.Empty;
            foreach (ShopEvent e in events)
            {
                if (e.Timestamp != cachedSecond)
                {
                    cachedSecond = e.Timestamp;
                    cachedStamp = FormatTimestamp(e.Timestamp);
                }

                writer.Write(userIds[e.User]);
                writer.Write(',');
                writer.Write(itemIds[e.Item]);
                writer.Write(',');
                writer.Write(e.Kind == EventKind.View ? "view" : e.Kind == EventKind.Cart ? "cart" : "purchase");
                writer.Write(',');
                writer.Write(cachedStamp);
                writer.Write(',');
                writer.Write(e.Quantity.ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    /// <summary>Writes <c>ratings.csv</c>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="ratings">Ratings sorted by user, then item.</param>
    /// <param name="userIds">User id strings.</param>
    /// <param name="itemIds">Item id strings.</param>
    /// <returns>Bytes written.</returns>
    private static long WriteRatings(string path, List<ShopRating> ratings, string[] userIds, string[] itemIds)
    {
        using (StreamWriter writer = CreateWriter(path))
        {
            writer.Write(RatingsHeader);
            writer.Write('\n');
            foreach (ShopRating r in ratings)
            {
                writer.Write(userIds[r.User]);
                writer.Write(',');
                writer.Write(itemIds[r.Item]);
                writer.Write(',');
                writer.Write((r.Tenths / 10).ToString(CultureInfo.InvariantCulture));
                writer.Write('.');
                writer.Write((r.Tenths % 10).ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(r.Timestamp.ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    /// <summary>Opens a UTF-8 (no BOM) writer that replaces <paramref name="path"/>.</summary>
    /// <param name="path">Target file.</param>
    /// <returns>The writer.</returns>
    private static StreamWriter CreateWriter(string path)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
    }

    /// <summary>Quotes a CSV field per RFC 4180 when it contains a comma, quote or line break.</summary>
    /// <param name="value">Raw field.</param>
    /// <returns>The field as written.</returns>
    private static string CsvField(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Formats Unix seconds as <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    /// <param name="unixSeconds">Unix seconds.</param>
    /// <returns>ISO 8601 UTC text.</returns>
    private static string FormatTimestamp(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Ids <c>P0001</c> ... with at least four digits.</summary>
    /// <param name="prefix">Id prefix.</param>
    /// <param name="count">Number of ids.</param>
    /// <returns>The ids.</returns>
    private static string[] MakeIds(char prefix, int count)
    {
        int width = Math.Max(4, count.ToString(CultureInfo.InvariantCulture).Length);
        string format = "D" + width.ToString(CultureInfo.InvariantCulture);
        var ids = new string[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = prefix + (i + 1).ToString(format, CultureInfo.InvariantCulture);
        }

        return ids;
    }

    // ------------------------------------------------------------------ random helpers

    /// <summary>An independent random stream for (<paramref name="seed"/>, <paramref name="purpose"/>, <paramref name="index"/>).</summary>
    /// <param name="seed">Master seed.</param>
    /// <param name="purpose">Which part of the generator uses the stream.</param>
    /// <param name="index">Entity index (user, ...).</param>
    /// <returns>A seeded <see cref="Random"/>.</returns>
    private static Random RandomStream(int seed, int purpose, int index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ ((ulong)(uint)purpose << 24) ^ (uint)index);
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    /// <param name="rng">Random stream.</param>
    /// <returns>N(0, 1) sample.</returns>
    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A standard exponential draw.</summary>
    /// <param name="rng">Random stream.</param>
    /// <returns>Exp(1) sample.</returns>
    private static double Exponential(Random rng) => -Math.Log(1.0 - rng.NextDouble());

    /// <summary>Cumulative sums of <paramref name="weight"/> over <c>0..count-1</c>.</summary>
    /// <param name="count">Number of entries.</param>
    /// <param name="weight">Weight of an entry.</param>
    /// <returns>The cumulative array.</returns>
    private static double[] Cumulative(int count, Func<int, double> weight)
    {
        var cdf = new double[count];
        double sum = 0.0;
        for (int i = 0; i < count; i++)
        {
            sum += weight(i);
            cdf[i] = sum;
        }

        return cdf;
    }

    /// <summary>Samples an index from a cumulative weight array.</summary>
    /// <param name="cdf">Cumulative weights (last entry is the total).</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>The index.</returns>
    private static int SampleCdf(double[] cdf, Random rng) => SearchCdf(cdf, 0, cdf.Length, rng.NextDouble() * cdf[^1]);

    /// <summary>First index in <c>[from, to)</c> whose cumulative weight exceeds <paramref name="target"/>.</summary>
    /// <param name="cdf">Cumulative weights.</param>
    /// <param name="from">First index of the range.</param>
    /// <param name="to">End (exclusive) of the range.</param>
    /// <param name="target">Point in the cumulative scale.</param>
    /// <returns>The index (clamped to the range).</returns>
    private static int SearchCdf(double[] cdf, int from, int to, double target)
    {
        int lo = from;
        int hi = to - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>Samples an index proportionally to non-negative weights (at least one positive).</summary>
    /// <param name="weights">Weights.</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>The index.</returns>
    private static int SampleWeighted(double[] weights, Random rng)
    {
        double total = 0.0;
        foreach (double w in weights)
        {
            total += w;
        }

        double target = rng.NextDouble() * total;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0.0)
            {
                continue;
            }

            last = i;
            target -= weights[i];
            if (target < 0.0)
            {
                return i;
            }
        }

        return last;
    }

    /// <summary>Fisher-Yates shuffle.</summary>
    /// <param name="values">Array shuffled in place.</param>
    /// <param name="rng">Random stream.</param>
    private static void Shuffle(int[] values, Random rng)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    // ------------------------------------------------------------------ types

    /// <summary>A leaf category of the planted catalog.</summary>
    /// <param name="Path">Path written to <c>items.csv</c> (<c>Parent/Leaf</c>).</param>
    /// <param name="Parent">Index into the parent list.</param>
    /// <param name="Weight">Relative share of catalog items and of user interest.</param>
    /// <param name="MedianPrice">Median of the log-normal base price.</param>
    /// <param name="PriceSigma">Log-scale standard deviation of the base price within a brand.</param>
    /// <param name="Consumable">Whether buyers re-order items of this category.</param>
    /// <param name="Nouns">Product nouns used in titles.</param>
    /// <param name="Packs">Optional size/pack suffixes appended to titles.</param>
    /// <param name="PackFactors">Price multipliers of <paramref name="Packs"/>.</param>
    /// <param name="Tags">Category tag words.</param>
    private sealed record CategorySpec(
        string Path,
        int Parent,
        double Weight,
        double MedianPrice,
        double PriceSigma,
        bool Consumable,
        string[] Nouns,
        string[] Packs,
        double[] PackFactors,
        string[] Tags);

    /// <summary>One generated catalog item.</summary>
    private sealed class ItemSpec
    {
        /// <summary>Leaf category index.</summary>
        public required int Category { get; init; }

        /// <summary>Brand index.</summary>
        public required int Brand { get; init; }

        /// <summary>Display title.</summary>
        public required string Title { get; init; }

        /// <summary>Price with two decimals.</summary>
        public required decimal Price { get; init; }

        /// <summary>Standardised log base price within the category (about -2 .. 2; budget &lt; 0 &lt; premium).</summary>
        public required double PriceLevel { get; init; }

        /// <summary>Displayed average rating (one decimal).</summary>
        public required double Rating { get; init; }

        /// <summary>Number of reviews behind <see cref="Rating"/>.</summary>
        public required int RatingCount { get; init; }

        /// <summary>Whether the item is in stock at the end of the window.</summary>
        public required bool InStock { get; init; }

        /// <summary>Listing time (Unix seconds); no events before it.</summary>
        public required long AddedAt { get; init; }

        /// <summary>Time it sold out (Unix seconds), <see cref="long.MaxValue"/> when in stock; no carts after it.</summary>
        public required long SoldOutAt { get; init; }

        /// <summary>Typical re-order interval in days for consumables, 0 otherwise.</summary>
        public required int RepurchaseDays { get; init; }

        /// <summary>The <c>|</c>-separated tags field.</summary>
        public required string Tags { get; init; }
    }

    /// <summary>The generated catalog plus lookup tables.</summary>
    /// <param name="Items">Items by index.</param>
    /// <param name="Order">Item indices grouped by category.</param>
    /// <param name="CategoryStart">Offsets of each category in <paramref name="Order"/> (length = leaves + 1).</param>
    /// <param name="BrandCategoryCount">Number of items per brand and leaf.</param>
    /// <param name="SurgeItems">Indices of the trending items, ascending.</param>
    private sealed record Catalog(ItemSpec[] Items, int[] Order, int[] CategoryStart, int[,] BrandCategoryCount, int[] SurgeItems);

    /// <summary>Price level of a user.</summary>
    private enum PriceTier
    {
        /// <summary>Prefers cheap items.</summary>
        Budget,

        /// <summary>Prefers typical prices.</summary>
        Mid,

        /// <summary>Prefers expensive items.</summary>
        Premium,
    }

    /// <summary>A user's planted taste and activity.</summary>
    private sealed class UserTaste
    {
        /// <summary>Preferred leaf categories, strongest first.</summary>
        public required int[] Categories { get; init; }

        /// <summary>Weights of <see cref="Categories"/> (sum to 1).</summary>
        public required double[] CategoryWeights { get; init; }

        /// <summary>Preferred brands.</summary>
        public required int[] Brands { get; init; }

        /// <summary>Price tier.</summary>
        public required PriceTier Tier { get; init; }

        /// <summary>Preferred standardised price level (tier centre plus jitter).</summary>
        public required double PriceLevel { get; init; }

        /// <summary>Relative activity (log-normal, drives the number of sessions).</summary>
        public required double Activity { get; init; }
    }

    /// <summary>Kind of an interaction.</summary>
    private enum EventKind : byte
    {
        /// <summary>Product page view.</summary>
        View,

        /// <summary>Add to cart.</summary>
        Cart,

        /// <summary>Purchase.</summary>
        Purchase,
    }

    /// <summary>One row of <c>events.csv</c>; orders by time, user, item, kind, quantity.</summary>
    /// <param name="Timestamp">Unix seconds.</param>
    /// <param name="User">User index.</param>
    /// <param name="Item">Item index.</param>
    /// <param name="Kind">Event kind.</param>
    /// <param name="Quantity">Quantity (1 for views).</param>
    private readonly record struct ShopEvent(long Timestamp, int User, int Item, EventKind Kind, int Quantity) : IComparable<ShopEvent>
    {
        /// <summary>Total order used to sort the log.</summary>
        /// <param name="other">The other event.</param>
        /// <returns>Sign of the comparison.</returns>
        public int CompareTo(ShopEvent other)
        {
            int c = Timestamp.CompareTo(other.Timestamp);
            if (c != 0)
            {
                return c;
            }

            c = User.CompareTo(other.User);
            if (c != 0)
            {
                return c;
            }

            c = Item.CompareTo(other.Item);
            if (c != 0)
            {
                return c;
            }

            c = ((byte)Kind).CompareTo((byte)other.Kind);
            return c != 0 ? c : Quantity.CompareTo(other.Quantity);
        }
    }

    /// <summary>One row of <c>ratings.csv</c>.</summary>
    /// <param name="User">User index.</param>
    /// <param name="Item">Item index.</param>
    /// <param name="Tenths">Rating times ten (10..50).</param>
    /// <param name="Timestamp">Unix seconds.</param>
    private readonly record struct ShopRating(int User, int Item, int Tenths, long Timestamp);

    /// <summary>
    /// A user's choice distribution: softmax over items of the planted utility (the Gumbel-max choice rule),
    /// stored as cumulative weights in category-grouped order so both "any item" and "item of category c" draws are one binary search.
    /// </summary>
    private sealed class Chooser
    {
        /// <summary>The catalog.</summary>
        private readonly Catalog _catalog;

        /// <summary>Cumulative softmax weights over <see cref="Catalog.Order"/>.</summary>
        private readonly double[] _cumulative;

        /// <summary>Whether a brand is preferred by the current user.</summary>
        private readonly bool[] _preferredBrand;

        /// <summary>Category affinity of the current user per leaf.</summary>
        private readonly double[] _categoryAffinity;

        /// <summary>Creates the chooser for a catalog.</summary>
        /// <param name="catalog">The catalog.</param>
        public Chooser(Catalog catalog)
        {
            _catalog = catalog;
            _cumulative = new double[catalog.Order.Length];
            _preferredBrand = new bool[s_brands.Length];
            _categoryAffinity = new double[s_categories.Length];
        }

        /// <summary>Whether <paramref name="brand"/> is one of the current user's brands.</summary>
        /// <param name="brand">Brand index.</param>
        /// <returns>True when preferred.</returns>
        public bool IsPreferredBrand(int brand) => _preferredBrand[brand];

        /// <summary>Whether <paramref name="category"/> is one of the current user's categories.</summary>
        /// <param name="category">Leaf index.</param>
        /// <returns>True when preferred.</returns>
        public bool IsPreferredCategory(int category) => _categoryAffinity[category] > OtherCategoryAffinity;

        /// <summary>Computes the choice table of <paramref name="user"/>.</summary>
        /// <param name="user">The user.</param>
        public void Prepare(UserTaste user)
        {
            Array.Fill(_preferredBrand, false);
            foreach (int b in user.Brands)
            {
                _preferredBrand[b] = true;
            }

            Array.Fill(_categoryAffinity, OtherCategoryAffinity);
            for (int j = 0; j < user.Categories.Length; j++)
            {
                _categoryAffinity[user.Categories[j]] = Math.Log(user.CategoryWeights[j]);
            }

            double sum = 0.0;
            int[] order = _catalog.Order;
            for (int k = 0; k < order.Length; k++)
            {
                ItemSpec item = _catalog.Items[order[k]];
                double distance = item.PriceLevel - user.PriceLevel;
                double utility = _categoryAffinity[item.Category]
                    + (_preferredBrand[item.Brand] ? BrandAffinity : 0.0)
                    - (PriceSensitivity * distance * distance)
                    + (QualityWeight * (item.Rating - 4.0));
                sum += Math.Exp(utility / Temperature);
                _cumulative[k] = sum;
            }
        }

        /// <summary>Draws an item from the whole catalog.</summary>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        public int SampleAny(Random rng) => _catalog.Order[SearchCdf(_cumulative, 0, _cumulative.Length, rng.NextDouble() * _cumulative[^1])];

        /// <summary>Draws an item of leaf <paramref name="category"/>.</summary>
        /// <param name="category">Leaf index.</param>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        public int SampleInCategory(int category, Random rng)
        {
            int from = _catalog.CategoryStart[category];
            int to = _catalog.CategoryStart[category + 1];
            double low = from == 0 ? 0.0 : _cumulative[from - 1];
            double high = _cumulative[to - 1];
            return _catalog.Order[SearchCdf(_cumulative, from, to, low + (rng.NextDouble() * (high - low)))];
        }
    }

    /// <summary>Generates the events of one user's sessions into the shared log.</summary>
    private sealed class SessionContext
    {
        /// <summary>The catalog.</summary>
        private readonly Catalog _catalog;

        /// <summary>The current user's choice table.</summary>
        private readonly Chooser _chooser;

        /// <summary>Output log.</summary>
        private readonly List<ShopEvent> _events;

        /// <summary>Window start (Unix seconds).</summary>
        private readonly long _start;

        /// <summary>Window end (Unix seconds, exclusive).</summary>
        private readonly long _end;

        /// <summary>Start of the trend (Unix seconds).</summary>
        private readonly long _surgeStart;

        /// <summary>Cumulative hour weights.</summary>
        private readonly double[] _hourCdf;

        /// <summary>Consumables with a running re-order chain for the current user.</summary>
        private readonly HashSet<int> _chains = [];

        /// <summary>Items carted in the current session with their quantity.</summary>
        private readonly List<(int Item, int Quantity)> _carted = [];

        /// <summary>Scratch weights for picking a trending item.</summary>
        private readonly double[] _surgeWeights;

        /// <summary>Current user index.</summary>
        private int _user;

        /// <summary>Current user's taste.</summary>
        private UserTaste? _taste;

        /// <summary>Current user's random stream.</summary>
        private Random? _rng;

        /// <summary>Creates the context.</summary>
        /// <param name="catalog">The catalog.</param>
        /// <param name="chooser">Choice table (prepared per user by the caller).</param>
        /// <param name="events">Output log.</param>
        /// <param name="start">Window start.</param>
        /// <param name="end">Window end.</param>
        /// <param name="hourCdf">Cumulative hour weights.</param>
        public SessionContext(Catalog catalog, Chooser chooser, List<ShopEvent> events, long start, long end, double[] hourCdf)
        {
            _catalog = catalog;
            _chooser = chooser;
            _events = events;
            _start = start;
            _end = end;
            _surgeStart = end - (SurgeDays * Day);
            _hourCdf = hourCdf;
            _surgeWeights = new double[catalog.SurgeItems.Length];
        }

        /// <summary>Switches to another user.</summary>
        /// <param name="user">User index.</param>
        /// <param name="taste">The user's taste.</param>
        /// <param name="rng">The user's behaviour stream.</param>
        public void Begin(int user, UserTaste taste, Random rng)
        {
            _user = user;
            _taste = taste;
            _rng = rng;
            _chains.Clear();
        }

        /// <summary>
        /// One browsing session starting at <paramref name="t"/>: views mostly in a focus category, some views carted,
        /// some carts bought at checkout; consumable purchases start a re-order chain.
        /// </summary>
        /// <param name="t">Session start (Unix seconds).</param>
        /// <param name="surgeVisit">Whether this is an extra visit that starts at a trending item.</param>
        public void BrowsingSession(long t, bool surgeVisit)
        {
            Random rng = _rng!;
            _carted.Clear();
            bool surging = t >= _surgeStart && _catalog.SurgeItems.Length > 0;
            int views = surgeVisit ? 2 + rng.Next(3) : 3 + Geometric(rng, 0.4, 12);
            int surgeSlot = surgeVisit ? 0 : surging && rng.NextDouble() < SurgeInSessionShare ? rng.Next(views) : -1;
            int focus = -1;
            for (int v = 0; v < views; v++)
            {
                int item = -1;
                bool isSurge = v == surgeSlot;
                if (isSurge)
                {
                    item = PickSurgeItem(rng);
                }
                else
                {
                    for (int attempt = 0; attempt < 8 && item < 0; attempt++)
                    {
                        int candidate = focus < 0 || rng.NextDouble() >= FocusShare
                            ? _chooser.SampleAny(rng)
                            : _chooser.SampleInCategory(focus, rng);
                        if (_catalog.Items[candidate].AddedAt <= t)
                        {
                            item = candidate;
                        }
                    }

                    if (item < 0)
                    {
                        continue;
                    }

                    if (focus < 0)
                    {
                        focus = _catalog.Items[item].Category;
                    }
                }

                Emit(t, item, EventKind.View, 1);
                ItemSpec spec = _catalog.Items[item];
                if (t < spec.SoldOutAt && !IsCarted(item) && rng.NextDouble() < CartProbability(spec, isSurge && surging))
                {
                    t += 8 + rng.Next(90);
                    int quantity = DrawQuantity(spec, rng);
                    Emit(t, item, EventKind.Cart, quantity);
                    _carted.Add((item, quantity));
                }

                t += 15 + (long)Math.Exp(3.6 + (0.8 * Normal(rng)));
            }

            long checkout = t + 30 + rng.Next(240);
            foreach ((int item, int quantity) in _carted)
            {
                ItemSpec spec = _catalog.Items[item];
                bool surgeItem = surging && Array.IndexOf(_catalog.SurgeItems, item) >= 0;
                if (rng.NextDouble() < BuyProbability(spec, surgeItem))
                {
                    Emit(checkout, item, EventKind.Purchase, quantity);
                    if (spec.RepurchaseDays > 0 && _chains.Add(item))
                    {
                        ReorderChain(item, checkout, quantity);
                    }
                }
            }
        }

        /// <summary>Re-orders a consumable every <see cref="ItemSpec.RepurchaseDays"/> (±jitter) while the user keeps buying it.</summary>
        /// <param name="item">The consumable.</param>
        /// <param name="bought">Time of the first purchase.</param>
        /// <param name="quantity">Quantity of the first purchase.</param>
        private void ReorderChain(int item, long bought, int quantity)
        {
            Random rng = _rng!;
            ItemSpec spec = _catalog.Items[item];
            long last = bought;
            while (rng.NextDouble() < RepeatProbability)
            {
                double gapDays = spec.RepurchaseDays * Math.Exp(0.12 * Normal(rng));
                long day = (last + (long)(gapDays * Day)) / Day;
                long t = (day * Day) + TimeOfDay(_hourCdf, rng);
                if (t <= last)
                {
                    t = last + Day;
                }

                if (t >= _end || t >= spec.SoldOutAt)
                {
                    return;
                }

                if (rng.NextDouble() < 0.5)
                {
                    Emit(t, item, EventKind.View, 1);
                    t += 10 + rng.Next(60);
                }

                if (rng.NextDouble() >= 0.8)
                {
                    quantity = DrawQuantity(spec, rng);
                }

                Emit(t, item, EventKind.Cart, quantity);
                t += 30 + rng.Next(240);
                Emit(t, item, EventKind.Purchase, quantity);
                last = t;
            }
        }

        /// <summary>Picks a trending item, three times likelier when it is in one of the user's categories.</summary>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        private int PickSurgeItem(Random rng)
        {
            int[] surge = _catalog.SurgeItems;
            for (int s = 0; s < surge.Length; s++)
            {
                _surgeWeights[s] = _chooser.IsPreferredCategory(_catalog.Items[surge[s]].Category) ? 3.0 : 1.0;
            }

            return surge[SampleWeighted(_surgeWeights, rng)];
        }

        /// <summary>Probability that a view is carted: higher for preferred brands, categories, price fit and quality.</summary>
        /// <param name="item">Viewed item.</param>
        /// <param name="trending">Whether it is a trending item during the trend.</param>
        /// <returns>The probability.</returns>
        private double CartProbability(ItemSpec item, bool trending)
        {
            if (trending)
            {
                return 0.40;
            }

            double distance = item.PriceLevel - _taste!.PriceLevel;
            double p = 0.05
                + (_chooser.IsPreferredBrand(item.Brand) ? 0.12 : 0.0)
                + (0.07 * Math.Exp(-distance * distance))
                + (0.05 * (item.Rating - 4.0));
            if (!_chooser.IsPreferredCategory(item.Category))
            {
                p *= 0.5;
            }

            return Math.Clamp(p, 0.01, 0.6);
        }

        /// <summary>Probability that a carted item is bought at checkout.</summary>
        /// <param name="item">Carted item.</param>
        /// <param name="trending">Whether it is a trending item during the trend.</param>
        /// <returns>The probability.</returns>
        private double BuyProbability(ItemSpec item, bool trending)
        {
            if (trending)
            {
                return 0.65;
            }

            double p = 0.55 + (_chooser.IsPreferredBrand(item.Brand) ? 0.1 : 0.0) + (0.05 * (item.Rating - 4.0));
            return Math.Clamp(p, 0.2, 0.9);
        }

        /// <summary>Quantity of a cart/purchase: mostly 1, up to 3; consumables 1-6.</summary>
        /// <param name="item">The item.</param>
        /// <param name="rng">Random stream.</param>
        /// <returns>The quantity.</returns>
        private static int DrawQuantity(ItemSpec item, Random rng)
        {
            double u = rng.NextDouble();
            if (item.RepurchaseDays > 0)
            {
                return u < 0.40 ? 1 : u < 0.70 ? 2 : u < 0.85 ? 3 : u < 0.95 ? 4 : 6;
            }

            return u < 0.88 ? 1 : u < 0.97 ? 2 : 3;
        }

        /// <summary>Whether the item is already in the session's cart.</summary>
        /// <param name="item">Item index.</param>
        /// <returns>True when carted.</returns>
        private bool IsCarted(int item)
        {
            foreach ((int carted, _) in _carted)
            {
                if (carted == item)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Appends an event when it falls inside the window.</summary>
        /// <param name="t">Unix seconds.</param>
        /// <param name="item">Item index.</param>
        /// <param name="kind">Event kind.</param>
        /// <param name="quantity">Quantity.</param>
        private void Emit(long t, int item, EventKind kind, int quantity)
        {
            if (t >= _start && t < _end)
            {
                _events.Add(new ShopEvent(t, _user, item, kind, quantity));
            }
        }

        /// <summary>Number of failures before the first success, capped.</summary>
        /// <param name="rng">Random stream.</param>
        /// <param name="p">Success probability.</param>
        /// <param name="cap">Largest value returned.</param>
        /// <returns>The draw.</returns>
        private static int Geometric(Random rng, double p, int cap)
        {
            int k = 0;
            while (k < cap && rng.NextDouble() >= p)
            {
                k++;
            }

            return k;
        }
    }
}
