using Personalize.Core.Filtering;

namespace Personalize.Storefront.Shop;

/// <summary>The facets of the customization rail: brand, category, price ranges and rating thresholds.</summary>
internal static class StorefrontFacets
{
    public static IReadOnlyList<FacetRequest> All { get; } = FacetRequest.ParseList("brand,category,price,rating");
}
