using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;

namespace Personalize.Storefront.Shop;

/// <summary>Reading what a request asks for: filter text, sort names, page sizes, and the user's blocks as a filter.</summary>
internal static class ShopQuery
{
    /// <summary>Parses filter text against the catalogue; null text or blanks mean no filter.</summary>
    /// <returns>The filter (or null), or the parse error with its position.</returns>
    public static (Filter? Filter, FilterSyntaxException? Error) ParseFilter(string? text, ItemCatalog catalog)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        FilterParseResult parsed = FilterText.Parse(text, catalog.Schema);
        return parsed.TryGetValue(out Filter? filter) ? (filter, null) : (null, parsed.Error);
    }

    /// <summary>Parses a sort name (<c>relevance</c>, <c>price-asc</c>, ...); null or blank means the default order.</summary>
    public static (SortOrder? Sort, string? Error) ParseSort(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        return SortOrderText.TryParse(text, out SortOrder sort)
            ? (sort, null)
            : (null, $"'{text}' is not a sort order; expected one of {string.Join(", ", SortOrderText.ValidNames)}.");
    }

    /// <summary>The user's blocked brands and categories as one filter (blocked items are left out by the caller) that keeps everything else (null when nothing is blocked).</summary>
    public static Filter? Blocks(UserPreferences? preferences)
    {
        if (preferences is null)
        {
            return null;
        }

        var parts = new List<Filter>();
        if (preferences.BlockedBrands.Count > 0)
        {
            parts.Add(Filter.Not(Filter.Where("brand").In(preferences.BlockedBrands)));
        }

        foreach (string category in preferences.BlockedCategories)
        {
            parts.Add(Filter.Not(Filter.Where("category").Under(category)));
        }

        return parts.Count switch { 0 => null, 1 => parts[0], _ => Filter.AllOf(parts) };
    }
}
