namespace Personalize.Core.Tracking;

/// <summary>One item of a user's buy-again list, with the numbers behind its score.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="ItemIndex">The item's index in <see cref="EventTracker.Items"/>.</param>
/// <param name="Score">Repeat propensity × how due the item is (see <see cref="EventTracker.BuyAgain(string, int, Filtering.CompiledFilter?)"/>);
/// between 0 and 1.</param>
/// <param name="TimesBought">How many separate orders of the item the user placed.</param>
/// <param name="LastBought">When the user last bought it.</param>
/// <param name="TypicalInterval">The typical time between two orders of this item (across buyers, and this user's own when they re-bought it),
/// to the whole second.</param>
/// <param name="RepeatRate">The share of the item's buyers who bought it again, shrunk toward the category's for items with few buyers.</param>
public readonly record struct BuyAgainItem(string ItemId, int ItemIndex, float Score, int TimesBought, DateTimeOffset LastBought,
    TimeSpan TypicalInterval, float RepeatRate)
{
    /// <summary>Gets when the item is due again: <see cref="LastBought"/> + <see cref="TypicalInterval"/>.</summary>
    public DateTimeOffset DueAt => LastBought + TypicalInterval;
}
