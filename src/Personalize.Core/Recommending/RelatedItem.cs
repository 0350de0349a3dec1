namespace Personalize.Core.Recommending;

/// <summary>One item related to the input item (or basket), and why.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="ItemIndex">The item's index in the model.</param>
/// <param name="Score">The blended score the list is ranked by: <c>(1 − w) · FactorSimilarity + w · co-occurrence similarity</c>,
/// with <c>w</c> = <see cref="RecommenderOptions.CooccurrenceWeight"/>, both averaged over the input items.</param>
/// <param name="FactorSimilarity">The similarity of the item's factors to the input's (<see cref="RecommenderOptions.RelatedItemsSimilarity"/>),
/// averaged over the input items.</param>
/// <param name="CooccurrenceCount">How many users had both this item and an input item, summed over the input items (0 when none, or
/// when the model has no co-occurrence index).</param>
/// <param name="Source">Whether the pair came from the factors, from co-occurrence, or both.</param>
public readonly record struct RelatedItem(string ItemId, int ItemIndex, float Score, float FactorSimilarity, int CooccurrenceCount, RelatedItemSource Source);
