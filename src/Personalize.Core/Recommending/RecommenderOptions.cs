using System.ComponentModel.DataAnnotations;
using Personalize.Core.Internal;

namespace Personalize.Core.Recommending;

/// <summary>How a <see cref="Recommender"/> answers. Immutable and safe to share between threads.</summary>
public sealed record RecommenderOptions : IValidatableObject
{
    /// <summary>Gets whether items the user interacted with in training are left out of their recommendations.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ExcludeSeen { get; init; } = true;

    /// <summary>Gets what an unknown user receives.</summary>
    /// <value>The default is <see cref="ColdStartPolicy.Popular"/>.</value>
    public ColdStartPolicy ColdStart { get; init; } = ColdStartPolicy.Popular;

    /// <summary>Gets how many threads score one query; the item range is split between them.</summary>
    /// <remarks>More than 1 lowers the latency of single queries over large catalogues; a server answering many queries at once gets
    /// more throughput with 1. Queries that arrive while the extra threads are busy run on the calling thread alone.</remarks>
    /// <value>The default is 1.</value>
    [Range(1, 64)]
    public int NumberOfThreads { get; init; } = 1;

    /// <summary>Gets which catalogue attributes are the brand and category (for saved blocks) and the price, rating and date added (for
    /// sort orders).</summary>
    /// <value>The default is <c>brand</c>, <c>category</c>, <c>price</c>, <c>rating</c>, <c>added_at</c>.</value>
    public Filtering.CatalogAttributes Attributes { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(ColdStart))
        {
            yield return OptionsValidation.Error(nameof(ColdStart), (int)ColdStart, "must be Popular or Empty.");
        }

        if (Attributes is null)
        {
            yield return OptionsValidation.Error(nameof(Attributes), "null", "must not be null.");
        }
    }
}
