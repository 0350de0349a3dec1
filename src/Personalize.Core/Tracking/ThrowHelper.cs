using System.Diagnostics.CodeAnalysis;

namespace Personalize.Core.Tracking;

/// <summary>Cold throw paths of the tracker's surfaces, kept out of line so the callers stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void BufferLengthMismatch(int items, int weights) =>
        throw new ArgumentException($"The buffers differ in length: {items} items and {weights} weights.");

    [DoesNotReturn]
    public static void FilterForOtherItems(int filterItems, int trackerItems) =>
        throw new ArgumentException(
            $"The filter was compiled for {filterItems} items, but the tracker has {trackerItems}; compile it with the tracker's Items.", "filter");

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
