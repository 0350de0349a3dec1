namespace Personalize.Core.Preferences;

/// <summary>
/// What a person chose for themselves: a default filter, blocked brands, items and categories, a preferred sort order, and whether they
/// opted out of personalization. Applied to every list for that user unless a request overrides it.
/// </summary>
/// <remarks>Immutable; change it with <c>with</c> and save the result. Thread-safe.</remarks>
public sealed record UserPreferences
{
    /// <summary>Gets the default filter in the filter text syntax (such as <c>price &lt;= 50 and in_stock</c>), or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>: no filter.</value>
    public string? DefaultFilter { get; init; }

    /// <summary>Gets the brands the person never wants to see.</summary>
    /// <value>The default is empty. Set, the list is copied, so the record stays as it was made.</value>
    /// <exception cref="ArgumentNullException">The list set is null.</exception>
    /// <exception cref="ArgumentException">The list set holds a null.</exception>
    public IReadOnlyList<string> BlockedBrands { get; init => field = Copy(value, nameof(BlockedBrands)); } = [];

    /// <summary>Gets the item ids the person never wants to see.</summary>
    /// <value>The default is empty. Set, the list is copied, so the record stays as it was made.</value>
    /// <exception cref="ArgumentNullException">The list set is null.</exception>
    /// <exception cref="ArgumentException">The list set holds a null.</exception>
    public IReadOnlyList<string> BlockedItems { get; init => field = Copy(value, nameof(BlockedItems)); } = [];

    /// <summary>Gets the category paths (and everything under them) the person never wants to see.</summary>
    /// <value>The default is empty. Set, the list is copied, so the record stays as it was made.</value>
    /// <exception cref="ArgumentNullException">The list set is null.</exception>
    /// <exception cref="ArgumentException">The list set holds a null.</exception>
    public IReadOnlyList<string> BlockedCategories { get; init => field = Copy(value, nameof(BlockedCategories)); } = [];

    /// <summary>Gets the preferred sort order by name (such as <c>relevance</c>, <c>price-asc</c>), or <see langword="null"/> for the list's own.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? PreferredSort { get; init; }

    /// <summary>Gets whether the person opted out of personalization: lists then use non-personal ordering.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool PersonalizationOptOut { get; init; }

    /// <summary>Gets the store's version of this record: it grows by one at each save, and a save of an older version is refused.</summary>
    /// <value>0 for a record that was never saved.</value>
    public long Version { get; init; }

    private static System.Collections.ObjectModel.ReadOnlyCollection<string> Copy(IReadOnlyList<string> value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        string[] copy = [.. value];
        if (Array.IndexOf(copy, null) >= 0)
        {
            throw new ArgumentException("The list holds a null; every entry must be a string.", name);
        }

        return Array.AsReadOnly(copy);
    }

    /// <summary>Compares the preferences by value (the lists element by element).</summary>
    /// <param name="other">The other preferences.</param>
    /// <returns>Whether they are the same.</returns>
    public bool Equals(UserPreferences? other) =>
        other is not null && DefaultFilter == other.DefaultFilter && PreferredSort == other.PreferredSort
        && PersonalizationOptOut == other.PersonalizationOptOut && Version == other.Version
        && BlockedBrands.SequenceEqual(other.BlockedBrands) && BlockedItems.SequenceEqual(other.BlockedItems)
        && BlockedCategories.SequenceEqual(other.BlockedCategories);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DefaultFilter, PreferredSort, PersonalizationOptOut, Version, BlockedBrands.Count, BlockedItems.Count, BlockedCategories.Count);
}
