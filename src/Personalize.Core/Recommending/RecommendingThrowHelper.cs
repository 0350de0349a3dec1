using System.Diagnostics.CodeAnalysis;

namespace Personalize.Core.Recommending;

/// <summary>Cold throw paths of the related-items, fold-in and explanation surfaces, kept out of line so the callers stay small.</summary>
internal static class RecommendingThrowHelper
{
    [DoesNotReturn]
    public static void ItemIndexOutside(string argument, int index, int itemCount) =>
        throw new ArgumentOutOfRangeException(argument, index, $"The item index {index} is not in the model, whose indices run from 0 to {itemCount - 1}.");

    [DoesNotReturn]
    public static void LengthMismatch(string argument, int length, int expected, string what) =>
        throw new ArgumentException($"The span holds {length} values; {expected} are needed ({what}).", argument);

    [DoesNotReturn]
    public static void FilterForOtherItems(int filterItems, int modelItems) =>
        throw new ArgumentException($"The filter was compiled for {filterItems} items, but the model has {modelItems}; compile it with the model's Items.", "filter");

    [DoesNotReturn]
    public static void NotAscending(string argument, int position) =>
        throw new ArgumentException($"The item indices must be ascending and distinct, but the one at position {position} is not larger than the one before.", argument);

    [DoesNotReturn]
    public static void NegativeWeight(string argument, int position, float weight) =>
        throw new ArgumentException($"The weight at position {position} is {weight}; weights must be finite and 0 or more.", argument);
}
