namespace Personalize.Cli.Sample;

/// <summary>One row of <c>ratings.csv</c>.</summary>
/// <param name="User">User index.</param>
/// <param name="Item">Item index.</param>
/// <param name="Tenths">Rating times ten (10..50).</param>
/// <param name="Timestamp">Unix seconds.</param>
internal readonly record struct ShopRating(int User, int Item, int Tenths, long Timestamp);
