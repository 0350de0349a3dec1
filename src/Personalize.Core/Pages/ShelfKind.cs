namespace Personalize.Core.Pages;

/// <summary>What a shelf of a <see cref="HomePage"/> shows.</summary>
public enum ShelfKind
{
    /// <summary>"Recommended for you": the user's best items from the model (folded in from their live events when the tracker has
    /// newer ones), or popular items for a new or opted-out user.</summary>
    ForYou = 0,

    /// <summary>"Related to what you viewed": items related to the user's last viewed items (factors and co-occurrence).</summary>
    RelatedToRecentlyViewed = 1,

    /// <summary>"You viewed recently": the user's last distinct viewed items, newest first.</summary>
    RecentlyViewed = 2,

    /// <summary>"Buy it again": items the user bought before that are due again.</summary>
    BuyAgain = 3,

    /// <summary>"Selling fast right now": items whose recent event rate is high against their own baseline. Not personal.</summary>
    TrendingNow = 4,
}
