using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;

namespace Personalize.Search;

/// <summary>A request for "new for your recent searches" (<see cref="ProductSearch.NewForRecentSearches"/>): items that match one of the
/// user's recent searches and that the user has not seen, filtered like every list.</summary>
/// <remarks>Immutable and thread-safe; make variants with <c>with</c>.</remarks>
public sealed record RecentSearchesRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="userId">The user whose recent searches are read.</param>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is null or empty.</exception>
    public RecentSearchesRequest(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        UserId = userId;
    }

    /// <summary>Gets the user whose recent searches are read and whose seen items are left out.</summary>
    public string UserId { get; }

    /// <summary>Gets how many items at most.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 1_000)]
    public int Count { get; init; } = 10;

    /// <summary>Gets how many of the user's most recent searches are used; the items alternate between them, newest search first.</summary>
    /// <value>The default is 5.</value>
    [Range(1, 100)]
    public int Searches { get; init; } = 5;

    /// <summary>Gets the filter, or <see langword="null"/> for the user's saved default filter (if any).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Filter? Filter { get; init; }

    /// <summary>Gets whether the user's saved preferences (default filter, blocks) apply.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ApplyPreferences { get; init; } = true;
}
