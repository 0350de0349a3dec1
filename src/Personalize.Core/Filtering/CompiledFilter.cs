namespace Personalize.Core.Filtering;

/// <summary>
/// A <see cref="Filter"/> evaluated once against a catalogue for one set of items (usually a model's): a bitset of the eligible items,
/// ready to be applied to any number of queries without looking at the filter again.
/// </summary>
/// <remarks>Create it with <see cref="FilterCompiler.Compile"/>. Immutable and thread-safe.</remarks>
public sealed class CompiledFilter
{
    private readonly ulong[] _eligible;

    internal CompiledFilter(Filter filter, ulong[] eligible, int itemCount, bool excludesSeen, int[] toCatalog, bool excludesBought = false,
        ulong? itemsFingerprint = null)
    {
        ItemsFingerprint = itemsFingerprint;
        ExcludesBought = excludesBought;
        ToCatalog = toCatalog;
        Filter = filter;
        _eligible = eligible;
        ItemCount = itemCount;
        ExcludesSeen = excludesSeen;
        int count = 0;
        foreach (ulong word in eligible)
        {
            count += System.Numerics.BitOperations.PopCount(word);
        }

        EligibleCount = count;
    }

    /// <summary>Gets the filter this was compiled from.</summary>
    public Filter Filter { get; }

    /// <summary>Gets how many items the bitset covers (the target item map's count).</summary>
    public int ItemCount { get; }

    /// <summary>Gets how many items pass the filter's attribute conditions.</summary>
    public int EligibleCount { get; }

    /// <summary>Gets whether the filter has the per-user rule <c>not seen</c>: the user's seen items are left out whatever the
    /// recommender's own setting.</summary>
    public bool ExcludesSeen { get; }

    /// <summary>Gets whether the filter has the per-user rule <c>not bought</c>: the user's purchases are left out. Only
    /// <see cref="Recommending.Recommender.Recommend"/> applies it, with <see cref="Recommending.RecommendationRequest.PurchasedItems"/>;
    /// other queries refuse such a filter rather than ignore the rule.</summary>
    public bool ExcludesBought { get; }

    /// <summary>Gets whether an item (by index in the target item map) passes the filter's attribute conditions.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns><see langword="true"/> when eligible.</returns>
    public bool IsEligible(int itemIndex) =>
        (uint)itemIndex < (uint)ItemCount && (_eligible[itemIndex >> 6] & (1UL << (itemIndex & 63))) != 0;

    internal ReadOnlySpan<ulong> Bits => _eligible;

    /// <summary>The <see cref="Data.IdMap.Fingerprint"/> of the item map the filter was compiled for, or null when unknown: a map of the
    /// same count with other ids or another order would pick the wrong items.</summary>
    internal ulong? ItemsFingerprint { get; }

    /// <summary>Whether the filter was compiled for these items: the same count and, when known, the same ids in the same order.</summary>
    internal bool Fits(Data.IdMap items) => ItemCount == items.Count && (ItemsFingerprint is not { } known || known == items.Fingerprint);

    /// <summary>Gets each covered item's catalogue index (-1 when the catalogue does not have it).</summary>
    internal int[] ToCatalog { get; }
}
