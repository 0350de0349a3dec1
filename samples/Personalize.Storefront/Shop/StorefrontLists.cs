using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Storefront.Shop;

/// <summary>Lists that the library leaves to the app to combine with saved preferences.</summary>
internal static class StorefrontLists
{
    /// <summary>Items related to one item, without the user's blocked brands, categories and items.</summary>
    public static IReadOnlyList<RelatedItem> Related(ShopSnapshot snapshot, string itemId, int count, UserPreferences? preferences)
    {
        Filter? blocks = ShopQuery.Blocks(preferences);
        CompiledFilter? compiled = blocks is null ? null : snapshot.Recommender.Compile(blocks);
        IReadOnlyList<string> blockedItems = preferences?.BlockedItems ?? [];
        RelatedItemList related = snapshot.Recommender.RelatedTo([itemId], count + blockedItems.Count, compiled);
        return [.. related.Where(r => !blockedItems.Contains(r.ItemId)).Take(count)];
    }
}
