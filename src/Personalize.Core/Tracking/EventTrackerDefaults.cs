namespace Personalize.Core.Tracking;

/// <summary>The documented defaults of <see cref="EventTrackerOptions"/>.</summary>
internal static class EventTrackerDefaults
{
    public static readonly TimeSpan ShortHalfLife = TimeSpan.FromHours(1);
    public static readonly TimeSpan BaselineHalfLife = TimeSpan.FromDays(1);
    public const double TrendingSmoothing = 5;
    public const string ViewEventType = "view";
    public const string PurchaseEventType = "purchase";
    public const string CategoryAttribute = "category";
    public const int UnknownItemIdCapacity = 100;
    public const int RecentSearchCapacity = 20;

    /// <summary>Recent searches: a query is kept up to this many characters (longer text is cut), so memory per user stays bounded.</summary>
    public const int MaxQueryLength = 200;

    public const double BuyAgainMinimumRepeatRate = 0.1;

    /// <summary>Buy again: the weight, in buyers (and in intervals), of the category's repeat rate (and typical interval) in an item's: an
    /// item with few buyers looks like its category until its own evidence outweighs that.</summary>
    public const double PriorBuyers = 5;

    /// <summary>Buy again: the share of the score kept when an item is not due at all, so propensity still orders those items.</summary>
    public const double DueFloor = 0.2;

    /// <summary>Buy again: purchases of one item by one user closer together than this are one order.</summary>
    public static readonly TimeSpan SameOrderWindow = TimeSpan.FromMinutes(1);
}
