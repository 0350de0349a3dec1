using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;
using Personalize.Core.Recommending;

namespace Personalize.Core.Pages;

/// <summary>
/// A home page for one user: several named shelves, in page order, with the provider's business rules (pinned items, blocked items, a
/// filter such as "in stock") and the user's own filter and saved preferences applied to all of them.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record HomePageRequest : IValidatableObject
{
    /// <summary>Creates a request.</summary>
    /// <param name="userId">The user (known to the model, tracked live, or neither).</param>
    /// <param name="shelves">The shelves, in page order.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public HomePageRequest(string userId, IReadOnlyList<ShelfRequest> shelves)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(shelves);
        UserId = userId;
        Shelves = [.. shelves];
    }

    /// <summary>Gets the user.</summary>
    public string UserId { get; }

    /// <summary>Gets the shelves, in page order. An item goes to one shelf only: the most specific one that wants it (buy again, then
    /// recently viewed, for you, related, trending; among shelves of one kind, the first), whatever the page order.</summary>
    public IReadOnlyList<ShelfRequest> Shelves { get; }

    /// <summary>Gets the user's filter for this page, or <see langword="null"/> for their saved default filter (if any).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Filter? Filter { get; init; }

    /// <summary>Gets the provider's filter that every item on the page must pass, such as <c>in_stock</c>.</summary>
    /// <value>The default is <see langword="null"/>: none.</value>
    public Filter? BusinessFilter { get; init; }

    /// <summary>Gets item ids the provider blocks everywhere on the page (recalled, out of stock).</summary>
    /// <value>The default is empty. Set, the list is copied.</value>
    /// <exception cref="ArgumentNullException">The list set is null.</exception>
    public IReadOnlyList<string> BlockedItems { get; init => field = [.. value ?? throw new ArgumentNullException(nameof(BlockedItems))]; } = [];

    /// <summary>Gets the provider's pinned items: at most a shelf's <see cref="ShelfRequest.Count"/> on each shelf.</summary>
    /// <value>The default is empty. Set, the list is copied.</value>
    /// <exception cref="ArgumentNullException">The list set is null.</exception>
    public IReadOnlyList<PinnedItem> Pinned { get; init => field = [.. value ?? throw new ArgumentNullException(nameof(Pinned))]; } = [];

    /// <summary>Gets whether the user's saved preferences (default filter, blocks, opt-out) apply.</summary>
    /// <value>The default is <see langword="true"/>. An opt-out is honoured either way.</value>
    public bool ApplyPreferences { get; init; } = true;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Shelves.Count == 0)
        {
            yield return new ValidationResult("must hold at least one shelf.", [nameof(Shelves)]);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ShelfRequest shelf in Shelves)
        {
            if (shelf is null)
            {
                yield return new ValidationResult("must not hold null shelves.", [nameof(Shelves)]);
                continue;
            }

            if (!names.Add(shelf.Name))
            {
                yield return new ValidationResult($"has two shelves named '{shelf.Name}'; names must be unique.", [nameof(Shelves)]);
            }

            if (shelf.Count is < 1 or > 1000)
            {
                yield return new ValidationResult($"shelf '{shelf.Name}' has Count {shelf.Count}: must be between 1 and 1000.", [nameof(Shelves)]);
            }

            if (!Enum.IsDefined(shelf.Kind))
            {
                yield return new ValidationResult($"shelf '{shelf.Name}' has Kind {(int)shelf.Kind}: not a defined shelf kind.", [nameof(Shelves)]);
            }
        }

        if (BlockedItems.Any(id => id is null))
        {
            yield return new ValidationResult("must not hold null item ids.", [nameof(BlockedItems)]);
        }

        var pinsPerShelf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (PinnedItem pin in Pinned)
        {
            if (pin is null || !names.Contains(pin.Shelf ?? ""))
            {
                yield return new ValidationResult($"pins item '{pin?.ItemId}' to shelf '{pin?.Shelf}', which the page does not have.", [nameof(Pinned)]);
            }
            else if (pin.Slot < 0)
            {
                yield return new ValidationResult($"pins item '{pin.ItemId}' to slot {pin.Slot}: slots start at 0.", [nameof(Pinned)]);
            }
            else if (pin.ItemId is null)
            {
                yield return new ValidationResult($"pins a null item id to shelf '{pin.Shelf}'.", [nameof(Pinned)]);
            }
            else
            {
                pinsPerShelf[pin.Shelf!] = pinsPerShelf.GetValueOrDefault(pin.Shelf!) + 1;   // a named shelf: not null
            }
        }

        foreach (ShelfRequest shelf in Shelves)
        {
            if (shelf is not null && pinsPerShelf.TryGetValue(shelf.Name, out int pinned) && pinned > shelf.Count)
            {
                yield return new ValidationResult($"pins {pinned} items to shelf '{shelf.Name}', which holds {shelf.Count}.", [nameof(Pinned)]);
            }
        }
    }
}
