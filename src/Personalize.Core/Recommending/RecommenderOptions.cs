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

    /// <summary>Gets whether queries scan a compact 8-bit copy of the item factors first and then re-score only the items that can still be
    /// in the top k.</summary>
    /// <remarks>The results are identical either way; <see cref="ItemFactorCompression.Int8"/> reads about a quarter of the bytes per
    /// query over a large catalogue, for about rank + 8 more bytes of memory per item. See <see cref="Recommending.ItemFactorCompression"/>.</remarks>
    /// <value>The default is <see cref="ItemFactorCompression.None"/>.</value>
    public ItemFactorCompression ItemFactorCompression { get; init; } = ItemFactorCompression.None;

    /// <summary>Gets how related items compare item factors.</summary>
    /// <value>The default is <see cref="ItemSimilarity.Cosine"/>.</value>
    public ItemSimilarity RelatedItemsSimilarity { get; init; } = ItemSimilarity.Cosine;

    /// <summary>Gets w, the weight of co-occurrence in related-item scores: <c>(1 − w) · factor similarity + w · co-occurrence
    /// similarity</c>. 0 ranks by the factors alone, 1 by co-occurrence alone.</summary>
    /// <remarks>Co-occurrence is direct evidence ("customers who viewed this also viewed") but exists only for pairs seen together
    /// often enough; the factors generalize to every pair, including new and rarely seen items. It is used only when the model has a
    /// co-occurrence index (<see cref="Models.FactorModel.Cooccurrence"/>).</remarks>
    /// <value>The default is 0.5.</value>
    [Range(0.0, 1.0)]
    public float CooccurrenceWeight { get; init; } = 0.5f;

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

        if (!Enum.IsDefined(RelatedItemsSimilarity))
        {
            yield return OptionsValidation.Error(nameof(RelatedItemsSimilarity), (int)RelatedItemsSimilarity, "must be Cosine or Dot.");
        }

        if (!Enum.IsDefined(ItemFactorCompression))
        {
            yield return OptionsValidation.Error(nameof(ItemFactorCompression), (int)ItemFactorCompression, "must be None or Int8.");
        }

        if (Attributes is null)
        {
            yield return OptionsValidation.Error(nameof(Attributes), "null", "must not be null.");
        }
    }
}
