namespace Personalize.Core.Data;

/// <summary>One event of a user with an item, as the caller has it in memory.</summary>
/// <param name="UserId">The caller's user id.</param>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="EventType">The event type (such as <c>purchase</c>), or <see langword="null"/> for a log without event types.</param>
/// <param name="Timestamp">When it happened, or <see langword="null"/> when unknown.</param>
/// <param name="Value">A multiplier of the event weight, such as a play count; 1 by default.</param>
/// <param name="Quantity">Units bought, or <see langword="null"/> when not recorded.</param>
/// <param name="Rating">An explicit rating, or <see langword="null"/> when not recorded.</param>
public readonly record struct Interaction(string UserId, string ItemId, string? EventType = null, DateTimeOffset? Timestamp = null, float Value = 1f,
    float? Quantity = null, float? Rating = null);
