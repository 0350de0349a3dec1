namespace Personalize.Core.Tracking;

/// <summary>One item of a user's recently viewed list.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="ItemIndex">The item's index in <see cref="EventTracker.Items"/>.</param>
/// <param name="ViewedAt">When the user last viewed it.</param>
public readonly record struct ViewedItem(string ItemId, int ItemIndex, DateTimeOffset ViewedAt);
