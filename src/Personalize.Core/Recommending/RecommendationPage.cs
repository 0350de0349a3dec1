using System.Collections;
using Personalize.Core.Filtering;

namespace Personalize.Core.Recommending;

/// <summary>One page of a customized list, with where to continue and the facet counts over the list's eligible items.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RecommendationPage : IReadOnlyList<Recommendation>
{
    private readonly Recommendation[] _items;

    internal RecommendationPage(string userId, RecommendationSource source, SortOrder sort, Filter? filter, Recommendation[] items, int pageNumber,
        int totalCount, string? nextCursor, IReadOnlyList<Facet> facets, int firstRank = 1)
    {
        FirstRank = firstRank;
        UserId = userId;
        Source = source;
        Sort = sort;
        Filter = filter;
        _items = items;
        PageNumber = pageNumber;
        TotalCount = totalCount;
        NextCursor = nextCursor;
        Facets = facets;
    }

    /// <summary>Gets the user the list is for (empty for a catalogue browse).</summary>
    public string UserId { get; }

    /// <summary>Gets whether the list is personalized, a cold-start fallback, or non-personal.</summary>
    public RecommendationSource Source { get; }

    /// <summary>Gets the sort order that was applied (the request's, else the user's preferred one, else relevance).</summary>
    public SortOrder Sort { get; }

    /// <summary>Gets the filter that was applied: the request's or the saved default, joined with the saved blocks; or
    /// <see langword="null"/> when none.</summary>
    public Filter? Filter { get; }

    /// <summary>Gets the page number, from 1.</summary>
    public int PageNumber { get; }

    /// <summary>Gets the rank of the page's first item in the whole list, from 1: one more than the items on the pages before it,
    /// whatever their size (a page of 5 after two pages of 2 starts at 5, not at 11).</summary>
    public int FirstRank { get; }

    /// <summary>Gets how many items the whole list holds over all its pages.</summary>
    public int TotalCount { get; }

    /// <summary>Gets the cursor for the next page, or <see langword="null"/> when this is the last page.</summary>
    public string? NextCursor { get; }

    /// <summary>Gets the requested facet counts over the items of the whole list (all pages): the same items
    /// <see cref="TotalCount"/> counts, so a personalized list sorted by an attribute counts its candidate pool
    /// (<see cref="RecommendationRequest.CandidatePoolSize"/>).</summary>
    public IReadOnlyList<Facet> Facets { get; }

    /// <summary>Gets how many items this page holds.</summary>
    public int Count => _items.Length;

    /// <summary>Gets an item of the page.</summary>
    /// <param name="index">The position on the page, from 0.</param>
    /// <returns>The item.</returns>
    public Recommendation this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<Recommendation> GetEnumerator() => ((IEnumerable<Recommendation>)_items).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
