using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;

namespace Personalize.Core.Recommending;

/// <summary>One page of a plain catalogue browse: the person's filter and sort order, where to continue, and which facet counts to
/// return. With a <see cref="UserId"/>, that user's saved preferences fill in what the request leaves out.</summary>
/// <remarks>Immutable and thread-safe; make variants with <c>with</c>, such as <c>request with { Cursor = page.NextCursor }</c>.</remarks>
public sealed record BrowseRequest : IValidatableObject
{
    /// <summary>Gets the user who browses, whose saved preferences apply, or <see langword="null"/> for an anonymous browse.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? UserId { get; init; }

    /// <summary>Gets how many items a page holds.</summary>
    /// <value>The default is 20.</value>
    [Range(1, 10_000)]
    public int PageSize { get; init; } = 20;

    /// <summary>Gets the filter, or <see langword="null"/> for the user's saved default filter (if any).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Filter? Filter { get; init; }

    /// <summary>Gets the sort order, or <see langword="null"/> for the user's preferred sort, else relevance (popularity when the
    /// browser has a model, otherwise catalogue order).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public SortOrder? Sort { get; init; }

    /// <summary>Gets where to continue: the previous page's <see cref="RecommendationPage.NextCursor"/>, or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Cursor { get; init; }

    /// <summary>Gets whether the user's saved preferences apply.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ApplyPreferences { get; init; } = true;

    /// <summary>Gets the attributes whose value counts over the eligible items come back with the page.</summary>
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
