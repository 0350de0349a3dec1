using System.Diagnostics.CodeAnalysis;

namespace Personalize.Core.Internal;

/// <summary>
/// The cold throw paths of the hot paths (scoring, related items, fold-in, explanations, the tracker's surfaces), kept out of line so
/// the callers stay small and the JIT can inline them. One class for the whole library; grouped below by the folder that throws.
/// </summary>
internal static class ThrowHelper
{
    // Scoring.

    [DoesNotReturn]
    public static void FactorShapeMismatch(int rank, int length) =>
        throw new ArgumentException($"The item factors hold {length} values, which is not a whole number of vectors of {rank} factors.");

    [DoesNotReturn]
    public static void BlockShapeMismatch(int most) =>
        throw new ArgumentException($"A block holds 1 to {most} users, each with a row of factors, a range of excluded items, k heap slots and a count.");

    [DoesNotReturn]
    public static void RangeOutside(int start, int end, int count) =>
        throw new ArgumentOutOfRangeException(nameof(start), $"The item range [{start}, {end}) is not inside [0, {count}).");

    [DoesNotReturn]
    public static void EligibilityTooShort(int itemCount, int words) =>
        throw new ArgumentException($"The eligibility bitset has {words} words; {(itemCount + 63) / 64} are needed for {itemCount} items.");

    [DoesNotReturn]
    public static void BiasLengthMismatch(int itemCount, int biases) =>
        throw new ArgumentException($"The item biases hold {biases} values; {itemCount} are needed, one per item (or none).");

    [DoesNotReturn]
    public static void ScoreBufferLengthMismatch(int items, int scores) =>
        throw new ArgumentException($"The result buffers differ in length: {items} items and {scores} scores.");

    // Recommending: related items, fold-in, explanations.

    [DoesNotReturn]
    public static void ItemIndexOutside(string argument, int index, int itemCount) =>
        throw new ArgumentOutOfRangeException(argument, index, $"The item index {index} is not in the model, whose indices run from 0 to {itemCount - 1}.");

    [DoesNotReturn]
    public static void LengthMismatch(string argument, int length, int expected, string what) =>
        throw new ArgumentException($"The span holds {length} values; {expected} are needed ({what}).", argument);

    [DoesNotReturn]
    public static void FilterForOtherModelItems(int filterItems, int modelItems) =>
        throw new ArgumentException(filterItems == modelItems
            ? $"The filter was compiled for another set of {filterItems} items (other ids, or another order) than the model's; compile it with the model's Items."
            : $"The filter was compiled for {filterItems} items, but the model has {modelItems}; compile it with the model's Items.", "filter");

    [DoesNotReturn]
    public static void NotAscending(string argument, int position) =>
        throw new ArgumentException($"The item indices must be ascending and distinct, but the one at position {position} is not larger than the one before.", argument);

    [DoesNotReturn]
    public static void NegativeWeight(string argument, int position, float weight) =>
        throw new ArgumentException($"The weight at position {position} is {weight}; weights must be finite and 0 or more.", argument);

    // Tracking.

    [DoesNotReturn]
    public static void WeightBufferLengthMismatch(int items, int weights) =>
        throw new ArgumentException($"The buffers differ in length: {items} items and {weights} weights.");

    [DoesNotReturn]
    public static void FilterForOtherTrackerItems(int filterItems, int trackerItems) =>
        throw new ArgumentException(
            filterItems == trackerItems
                ? $"The filter was compiled for another set of {filterItems} items (other ids, or another order) than the tracker's; compile it with the tracker's Items."
                : $"The filter was compiled for {filterItems} items, but the tracker has {trackerItems}; compile it with the tracker's Items.", "filter");

    [DoesNotReturn]
    public static void FilterHasUserRule(string surface, string rule) =>
        throw new ArgumentException($"The filter has '{rule}', which {surface} cannot apply; leave it out of this filter.", "filter");

    [DoesNotReturn]
    public static void NoCatalog() =>
        throw new InvalidOperationException("Trending per category needs a catalogue: create the tracker with the ItemCatalog that holds the categories.");

    [DoesNotReturn]
    public static void UnknownCategory(string category, IEnumerable<string> known) =>
        throw new ArgumentException($"The category '{category}' is not in the catalogue; it has: {string.Join(", ", known.Order(StringComparer.Ordinal))}.",
            nameof(category));
}
