namespace Personalize.Core.Pages;

/// <summary>One item on a shelf.</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="ItemIndex">The item's index in the model.</param>
/// <param name="Score">The surface's score (model score, relatedness, trend, buy-again score; for recently viewed, 0), or 0 for a pin.</param>
/// <param name="Pinned">Whether the provider pinned the item here.</param>
public readonly record struct ShelfItem(string ItemId, int ItemIndex, float Score, bool Pinned);
