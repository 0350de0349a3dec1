using System.Collections;

namespace Personalize.Core.Recommending;

/// <summary>Items related to one item or to a basket, best first, with what the query could use.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RelatedItemList : IReadOnlyList<RelatedItem>
{
    private readonly RelatedItem[] _items;

    internal RelatedItemList(IReadOnlyList<string> inputItemIds, IReadOnlyList<string> unknownItemIds, bool usedCooccurrence, RelatedItem[] items)
    {
        InputItemIds = inputItemIds;
        UnknownItemIds = unknownItemIds;
        UsedCooccurrence = usedCooccurrence;
        _items = items;
    }

    /// <summary>Gets the input items the model knows, which the list relates to (and leaves out), each once.</summary>
    public IReadOnlyList<string> InputItemIds { get; }

    /// <summary>Gets the input items the model does not know, each once; they were skipped. When no input item is known the list is
    /// empty.</summary>
    public IReadOnlyList<string> UnknownItemIds { get; }

    /// <summary>Gets whether the model's co-occurrence index was consulted (for the scores, with weight
    /// <see cref="RecommenderOptions.CooccurrenceWeight"/>, and for the counts and sources); <see langword="false"/> when the model has
    /// none (<see cref="Models.FactorModel.Cooccurrence"/>), so every item comes from the factors alone.</summary>
    public bool UsedCooccurrence { get; }

    /// <summary>Gets how many related items the list holds.</summary>
    public int Count => _items.Length;

    /// <summary>Gets a related item by rank (0 is the best).</summary>
    /// <param name="index">The 0-based rank.</param>
    public RelatedItem this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<RelatedItem> GetEnumerator() => ((IEnumerable<RelatedItem>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
