namespace Personalize.Cli.Sample;

/// <summary>
/// Writes a small synthetic shop (<c>items.csv</c>, <c>events.csv</c>, <c>ratings.csv</c>) with planted,
/// learnable structure: per-user category, brand and price tastes drive browsing sessions with a
/// view → cart → purchase funnel, consumables are re-bought at a per-item interval, a few items
/// trend just before the end, and explicit ratings come from a low-rank model. Deterministic: the same
/// options give byte-identical files. The model is documented in <c>samples/data/README.md</c>.
/// </summary>
internal static partial class SampleShopGenerator
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

        ShopCatalog catalog = BuildCatalog(options, start, end);
        UserTaste[] users = BuildUsers(options, catalog);
        List<ShopEvent> events = SimulateEvents(options, catalog, users, start, end);
        List<ShopRating> ratings = GenerateRatings(options, start, end, out int clamped);

        string[] userIds = SampleShopCsvWriter.MakeIds('U', options.Users);
        string[] itemIds = SampleShopCsvWriter.MakeIds('I', options.Items);

        System.IO.Directory.CreateDirectory(directory);
        long itemsBytes = SampleShopCsvWriter.WriteItems(Path.Combine(directory, ItemsFileName), catalog, itemIds);
        long eventsBytes = SampleShopCsvWriter.WriteEvents(Path.Combine(directory, EventsFileName), events, userIds, itemIds);
        long ratingsBytes = SampleShopCsvWriter.WriteRatings(Path.Combine(directory, RatingsFileName), ratings, userIds, itemIds);

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
}
