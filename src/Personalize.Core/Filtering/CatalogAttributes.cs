using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Filtering;

/// <summary>Which catalogue attributes play which part: the brand and category that saved preferences can block, and the price, rating
/// and date-added that sort orders read.</summary>
/// <remarks>Immutable and thread-safe. An attribute named here that the catalogue lacks is an error only when something uses it (a sort
/// by price on a catalogue without prices, a blocked brand on one without brands), and the message names it.</remarks>
public sealed record CatalogAttributes
{
    /// <summary>Gets the brand attribute (text).</summary>
    /// <value>The default is <c>brand</c>.</value>
    [Required]
    public string Brand { get; init; } = "brand";

    /// <summary>Gets the category attribute (a category path).</summary>
    /// <value>The default is <c>category</c>.</value>
    [Required]
    public string Category { get; init; } = "category";

    /// <summary>Gets the price attribute (a number).</summary>
    /// <value>The default is <c>price</c>.</value>
    [Required]
    public string Price { get; init; } = "price";

    /// <summary>Gets the rating attribute (a number; higher is better).</summary>
    /// <value>The default is <c>rating</c>.</value>
    [Required]
    public string Rating { get; init; } = "rating";

    /// <summary>Gets the date-time attribute saying when an item was added (for <see cref="SortOrder.Newest"/>).</summary>
    /// <value>The default is <c>added_at</c>.</value>
    [Required]
    public string Added { get; init; } = "added_at";
}
