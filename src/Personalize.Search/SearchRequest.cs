using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;

namespace Personalize.Search;

/// <summary>One page of a search: the query, who searches, the person's filter and sort order, where to continue, and which facet counts
/// to return. With a <see cref="UserId"/>, that user's saved preferences apply and the order may be personalized.</summary>
/// <remarks>Immutable and thread-safe; make variants with <c>with</c>, such as <c>request with { Cursor = result.Page.NextCursor }</c>.</remarks>
public sealed record SearchRequest : IValidatableObject
{
    /// <summary>Creates a request.</summary>
    /// <param name="query">What the person typed: plain text, never query syntax.</param>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public SearchRequest(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Query = query;
    }

    /// <summary>Gets what the person typed.</summary>
    public string Query { get; }

    /// <summary>Gets who searches, or <see langword="null"/> for an anonymous search (text relevance, ties by popularity).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? UserId { get; init; }

    /// <summary>Gets how many items a page holds.</summary>
    /// <value>The default is 20.</value>
    [Range(1, 10_000)]
    public int PageSize { get; init; } = 20;

    /// <summary>Gets the filter, or <see langword="null"/> for the user's saved default filter (if any).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Filter? Filter { get; init; }

    /// <summary>Gets the sort order, or <see langword="null"/> for the user's preferred sort, else relevance (text relevance blended with
    /// the user's taste).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public SortOrder? Sort { get; init; }

    /// <summary>Gets where to continue: the previous page's <see cref="Core.Recommending.RecommendationPage.NextCursor"/>, or
    /// <see langword="null"/>. A cursor belongs to one query's results.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Cursor { get; init; }

    /// <summary>Gets whether the user's saved preferences (default filter, blocks, preferred sort) apply.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ApplyPreferences { get; init; } = true;

    /// <summary>Gets whether the order may be personalized; a user's opt-out cannot be overridden.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Personalize { get; init; } = true;

    /// <summary>Gets the searching user folded in from their events since training, whose taste then orders the matches (as it does the
    /// home page's "for you" shelf), or <see langword="null"/> for the model's training history. Fold them in with the search's
    /// recommender: from a live tracker with <see cref="Core.Tracking.EventTracker.FoldIn(string, Core.Recommending.Recommender)"/>.</summary>
    /// <remarks>Its user id must be <see cref="UserId"/>. One with no new event (<see cref="Core.Recommending.FoldedUser.EventCount"/> 0)
    /// changes nothing. It orders the results only: a filter's <c>not seen</c> leaves out the training history, as without it. A cursor
    /// belongs to one order of the results, so after new events page again from the first.</remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public Core.Recommending.FoldedUser? FoldedUser { get; init; }

    /// <summary>Gets the attributes whose value counts over every matching, eligible item come back with the page.</summary>
    /// <value>The default is empty: no facets.</value>
    public IReadOnlyList<FacetRequest> Facets { get; init; } = [];

    /// <summary>Gets how many items "related to your search" come back with the page: the items most related to the page's results
    /// (<see cref="Core.Recommending.Recommender.RelatedTo(ReadOnlySpan{int}, Core.Filtering.CompiledFilter?, Span{Core.Recommending.RelatedItem})"/>
    /// with the page as the basket), leaving out every item the query matched and honouring the same filter and saved blocks. It needs a
    /// recommender; without one the list is empty.</summary>
    /// <value>The default is 0: none.</value>
    [Range(0, 1_000)]
    public int Related { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Sort is { } sort && !Enum.IsDefined(sort))
        {
            yield return new ValidationResult($"Sort = {(int)sort}: not a defined sort order.", [nameof(Sort)]);
        }

        if (Facets is null || Facets.Any(f => f is null))
        {
            yield return new ValidationResult("Facets must not be null or hold null requests.", [nameof(Facets)]);
        }
    }
}
