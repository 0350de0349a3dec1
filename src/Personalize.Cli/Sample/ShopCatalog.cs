namespace Personalize.Cli.Sample;

/// <summary>The generated catalog plus lookup tables.</summary>
/// <param name="Items">Items by index.</param>
/// <param name="Order">Item indices grouped by category.</param>
/// <param name="CategoryStart">Offsets of each category in <paramref name="Order"/> (length = leaves + 1).</param>
/// <param name="BrandCategoryCount">Number of items per brand and leaf.</param>
/// <param name="SurgeItems">Indices of the trending items, ascending.</param>
internal sealed record ShopCatalog(ItemSpec[] Items, int[] Order, int[] CategoryStart, int[,] BrandCategoryCount, int[] SurgeItems);
