namespace Personalize.Core.Filtering;

/// <summary>How a list is ordered. Every order is total: ties on the sort attribute are broken by relevance (the personalized score, or
/// popularity when the list is not personal), then by item index, so the same inputs always give the same order.</summary>
/// <remarks>Items without a value for the sort attribute come last in both directions. The text names are those of
/// <see cref="SortOrderText"/>: <c>relevance</c>, <c>price-asc</c>, <c>price-desc</c>, <c>rating</c>, <c>newest</c>, <c>popularity</c>.</remarks>
public enum SortOrder
{
    /// <summary>Best first: the personalized score, or popularity for a list that is not personal (<c>relevance</c>).</summary>
    Relevance = 0,

    /// <summary>Cheapest first (<c>price-asc</c>), by the catalogue's price attribute (<see cref="CatalogAttributes.Price"/>).</summary>
    PriceAscending = 1,

    /// <summary>Dearest first (<c>price-desc</c>).</summary>
    PriceDescending = 2,

    /// <summary>Best rated first (<c>rating</c>), by <see cref="CatalogAttributes.Rating"/>.</summary>
    Rating = 3,

    /// <summary>Most recently added first (<c>newest</c>), by the date-time attribute <see cref="CatalogAttributes.Added"/>.</summary>
    Newest = 4,

    /// <summary>Most popular first (<c>popularity</c>): how many users interacted with the item in the model's training data.</summary>
    Popularity = 5,
}
