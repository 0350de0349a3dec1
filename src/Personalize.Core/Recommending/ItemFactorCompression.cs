namespace Personalize.Core.Recommending;

/// <summary>Whether a <see cref="Recommender"/> keeps a compact copy of the item factors to scan before the exact scores.</summary>
public enum ItemFactorCompression
{
    /// <summary>No copy (the default): every query scans the fp32 item factors, 4 bytes per factor per item.</summary>
    None = 0,

    /// <summary>
    /// An 8-bit copy with one scale per item (about a quarter of the fp32 bytes) is scanned first; it bounds every item's score, and only
    /// the items that can still be in the top k are then scored exactly from the fp32 factors. The results are identical to
    /// <see cref="None"/>: the same items, in the same order, with the same scores.
    /// </summary>
    /// <remarks>Costs about rank + 8 bytes per item of memory, built once when the recommender is created, and is used where the CPU has
    /// int8 dot-product instructions (AVX-VNNI); elsewhere queries scan the fp32 factors as with <see cref="None"/>. It pays off on large
    /// catalogues, where the scan waits on memory; it is used for unfiltered and filtered "for you" queries that scan every item, and for
    /// fold-in users, not for selective filters (which score only the eligible items) or related items.</remarks>
    Int8 = 1,
}
