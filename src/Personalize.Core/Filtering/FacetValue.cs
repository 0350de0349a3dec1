namespace Personalize.Core.Filtering;

/// <summary>One value of a facet: its label, how many eligible items have it, and the filter that narrows a list to it.</summary>
/// <param name="Label">The value as shown: the text, tag or category path, a range such as <c>10 to 25</c>, or <c>4 and up</c>.</param>
/// <param name="Count">How many eligible items have the value (exact).</param>
/// <param name="Filter">The condition that selects those items, to combine with the current filter when the user picks the value.</param>
public sealed record FacetValue(string Label, int Count, Filter Filter);
