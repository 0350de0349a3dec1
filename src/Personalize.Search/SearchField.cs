namespace Personalize.Search;

/// <summary>A catalogue attribute that a <see cref="CatalogSearchIndex"/> searches, and how much a match in it counts.</summary>
/// <param name="Attribute">The catalogue attribute: text, a category path or tags.</param>
/// <param name="Boost">How much a match in this attribute weighs against the others (a title match at 3 counts three times a tag
/// match at 1); must be positive and finite.</param>
public sealed record SearchField(string Attribute, float Boost = 1f);
