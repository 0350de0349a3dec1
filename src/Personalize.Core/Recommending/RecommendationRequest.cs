using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;

namespace Personalize.Core.Recommending;

/// <summary>
/// One page of a customized list: whose list, how many items, the person's filter and sort order, where to continue, and which facet
/// counts to return. Saved preferences fill in what the request leaves out.
/// </summary>
/// <remarks>
/// <para>Left at <see langword="null"/>, <see cref="Filter"/> and <see cref="Sort"/> take the user's saved default filter and preferred
/// sort; set, they replace them for this request. Blocked brands, items and categories always apply unless
/// <see cref="ApplyPreferences"/> is <see langword="false"/>. An opt-out of personalization is always honoured.</para>
/// <para>Immutable and thread-safe; make variants with <c>with</c>, such as <c>request with { Cursor = page.NextCursor }</c>.</para>
/// </remarks>
public sealed record RecommendationRequest : IValidatableObject
{
    /// <summary>Creates a request for a user's list.</summary>
    /// <param name="userId">The user's id; a user the model does not know gets the cold-start answer (unless <see cref="FoldedUser"/>
    /// brings events).</param>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    public RecommendationRequest(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        UserId = userId;
    }

    /// <summary>Gets the user's id.</summary>
    public string UserId { get; }

    /// <summary>Gets how many items a page holds.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 10_000)]
    public int PageSize { get; init; } = 10;

    /// <summary>Gets the filter for this request, or <see langword="null"/> for the user's saved default filter (if any).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Filter? Filter { get; init; }

    /// <summary>Gets the sort order for this request, or <see langword="null"/> for the user's preferred sort (else relevance).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public SortOrder? Sort { get; init; }

    /// <summary>Gets where to continue: the <see cref="RecommendationPage.NextCursor"/> of the previous page, or <see langword="null"/>
    /// for the first page.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Cursor { get; init; }

    /// <summary>Gets whether the user's saved preferences (default filter, blocked brands, items and categories, preferred sort) apply.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ApplyPreferences { get; init; } = true;

    /// <summary>Gets whether this list may be personalized; <see langword="false"/> gives the non-personal (popularity) list. A user's
    /// opt-out cannot be overridden.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Personalize { get; init; } = true;

    /// <summary>Gets how many of the user's best items a non-relevance sort orders: a personalized list sorted by price shows the user's
    /// best <see cref="CandidatePoolSize"/> candidates cheapest first, not the cheapest items of the whole catalogue. Lists that are
    /// not personal sort every eligible item.</summary>
    /// <value>The default is 200.</value>
    [Range(1, 1_000_000)]
    public int CandidatePoolSize { get; init; } = 200;

    /// <summary>Gets the ids of the items the user bought, for the filter rule <c>not bought</c> (from your order history, or
    /// <see cref="Tracking.EventTracker"/>); <see langword="null"/> when not known, and then a filter with <c>not bought</c> is refused.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<string>? PurchasedItems { get; init; }

    /// <summary>Gets the user folded in from their events since training, which personalize this list as they do the home page's "for
    /// you" shelf: the list is scored by its vector (a user the model does not know included), and its items, those of training and the
    /// new ones, are the items <see cref="RecommenderOptions.ExcludeSeen"/> and <c>not seen</c> leave out. <see langword="null"/> for
    /// the model's training history only.</summary>
    /// <remarks>Fold the user in with the recommender that answers the request: from a live tracker's events with
    /// <see cref="Tracking.EventTracker.FoldIn(string, Recommender)"/> (kept across restarts with a journal), or from your own with
    /// <see cref="Recommender.FoldIn(string?, IEnumerable{Data.Interaction}, Data.EventWeights?)"/>; its user id must be this request's
    /// (an anonymous session's, <see langword="null"/>, goes with the empty id). A folded user with no new event
    /// (<see cref="FoldedUser.EventCount"/> 0) leaves the list as the model has it. A filter's <c>not seen</c> leaves out the folded user's
    /// items, also in a list that is not personalized. A cursor belongs to the fold it paged: after new events, page again from the first.</remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public FoldedUser? FoldedUser { get; init; }

    /// <summary>Gets the attributes whose value counts over the items of the whole list come back with the page (the candidate pool
    /// when a personalized list is sorted by an attribute, as <see cref="RecommendationPage.TotalCount"/> counts).</summary>
    /// <value>The default is empty: no facets.</value>
    public IReadOnlyList<FacetRequest> Facets { get; init; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Sort is { } sort && !Enum.IsDefined(sort))
        {
            yield return new ValidationResult($"is {(int)sort}: not a defined sort order.", [nameof(Sort)]);
        }

        if (Facets is null || Facets.Any(f => f is null))
        {
            yield return new ValidationResult("must not be null or hold null requests.", [nameof(Facets)]);
        }
    }
}
