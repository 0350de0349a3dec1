namespace Personalize.Core.Pages;

/// <summary>A provider's promotion: an item placed in a given slot of a shelf.</summary>
/// <param name="Shelf">The shelf's name.</param>
/// <param name="Slot">The position on the shelf, from 0; a slot past the shelf's end puts the item last.</param>
/// <param name="ItemId">The item.</param>
/// <remarks>A pin obeys the page's business rules and the user's blocks (a user who blocked a brand never sees it promoted), but
/// not the user's or the shelf's narrowing filters. A pinned item appears once on the page, on its shelf.</remarks>
public sealed record PinnedItem(string Shelf, int Slot, string ItemId);
