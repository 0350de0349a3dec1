using Personalize.Core.Data;

namespace Personalize.Storefront.Shop;

/// <summary>What the pages and the API show of an item, read once from the catalogue.</summary>
internal sealed record ItemInfo(string Id, string Title, string Brand, string Category, decimal Price, decimal Rating, int RatingCount, bool InStock,
    IReadOnlyList<string> Tags)
{
    /// <summary>Reads every item of the catalogue, by catalogue index.</summary>
    public static ItemInfo[] ReadAll(ItemCatalog catalog)
    {
        var items = new ItemInfo[catalog.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new ItemInfo(
                catalog.Items.GetId(i),
                catalog.GetText(i, "title") ?? catalog.Items.GetId(i),
                catalog.GetText(i, "brand") ?? "",
                catalog.GetText(i, "category") ?? "",
                catalog.GetValue(i, "price") is decimal price ? price : 0m,
                catalog.GetValue(i, "rating") is decimal rating ? rating : 0m,
                catalog.GetValue(i, "rating_count") is decimal count ? (int)count : 0,
                catalog.GetValue(i, "in_stock") is true,
                catalog.GetValue(i, "tags") as IReadOnlyList<string> ?? []);
        }

        return items;
    }
}
