using System.Globalization;
using System.Numerics;
using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>Counts attribute values over the items a filter leaves eligible: exact facet counts for a UI ("Acme (12)").</summary>
/// <remarks>
/// <para>Each attribute's values are indexed once per catalogue (value ids per item, cached with the catalogue), so a count is one pass
/// over the eligible bitset with an array increment per item. See <see cref="FacetRequest"/> for how each attribute type is counted.
/// Date-time attributes have no facets: filter them with <c>between</c>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public static class FacetCounter
{
    /// <summary>Counts values over every item of a catalogue.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="requests">The attributes to count.</param>
    /// <returns>One facet per request, in order.</returns>
    /// <exception cref="ArgumentException">A request names an attribute the catalogue does not have, or a date-time attribute.</exception>
    public static IReadOnlyList<Facet> Count(ItemCatalog catalog, IReadOnlyList<FacetRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var all = new ulong[(catalog.Count + 63) / 64];
        for (int i = 0; i < catalog.Count; i++)
        {
            all[i >> 6] |= 1UL << (i & 63);
        }

        return Count(catalog, all, catalog.MapFrom(catalog.Items), requests);
    }

    /// <summary>Counts values over the items a compiled filter leaves eligible.</summary>
    /// <param name="catalog">The catalogue the filter was compiled with.</param>
    /// <param name="filter">The compiled filter; its items may be a model's or the catalogue's.</param>
    /// <param name="requests">The attributes to count.</param>
    /// <returns>One facet per request, in order.</returns>
    /// <exception cref="ArgumentException">A request names an attribute the catalogue does not have, or a date-time attribute.</exception>
    public static IReadOnlyList<Facet> Count(ItemCatalog catalog, CompiledFilter filter, IReadOnlyList<FacetRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(filter);
        return Count(catalog, filter.Bits, filter.ToCatalog, requests);
    }

    internal static IReadOnlyList<Facet> Count(ItemCatalog catalog, ReadOnlySpan<ulong> eligible, int[] toCatalog, IReadOnlyList<FacetRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var facets = new Facet[requests.Count];
        for (int r = 0; r < facets.Length; r++)
        {
            FacetRequest request = requests[r] ?? throw new ArgumentException($"The facet request at index {r} is null.", nameof(requests));
            if (!catalog.Schema.TryGetType(request.Attribute, out AttributeType type))
            {
                throw new ArgumentException($"There is no attribute '{request.Attribute}' to count; the catalogue has: {string.Join(", ", catalog.Schema.Names)}.", nameof(requests));
            }

            facets[r] = type switch
            {
                AttributeType.Number => CountNumbers(catalog, request, eligible, toCatalog),
                AttributeType.DateTime => throw new ArgumentException($"'{request.Attribute}' is a date-time attribute, which has no facets; filter it with 'between' instead.", nameof(requests)),
                _ => CountValues(catalog, request, type, eligible, toCatalog),
            };
        }

        return facets;
    }

    private static Facet CountValues(ItemCatalog catalog, FacetRequest request, AttributeType type, ReadOnlySpan<ulong> eligible, int[] toCatalog)
    {
        CatalogValueIndex index = CatalogValueIndex.For(catalog, request.Attribute);
        var counts = new int[index.Labels.Length];
        int missing = 0;
        int[] offsets = index.Offsets;
        int[] values = index.Values;
        for (int w = 0; w < eligible.Length; w++)
        {
            ulong word = eligible[w];
            while (word != 0)
            {
                int item = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                int c = toCatalog[item];
                if (c < 0 || offsets[c] == offsets[c + 1])
                {
                    missing++;
                    continue;
                }

                for (int v = offsets[c]; v < offsets[c + 1]; v++)
                {
                    counts[values[v]]++;
                }
            }
        }

        if (type == AttributeType.Category)
        {
            // Deepest paths first, so each path's count reaches every path above it.
            foreach (int label in index.DeepestFirst)
            {
                if (index.Parents[label] >= 0)
                {
                    counts[index.Parents[label]] += counts[label];
                }
            }
        }

        var result = new List<FacetValue>();
        for (int v = 0; v < counts.Length; v++)
        {
            if (counts[v] > 0 || request.IncludeEmpty)
            {
                string label = index.Labels[v];
                Filter filter = type switch
                {
                    AttributeType.Boolean => label == "true" ? Filter.Where(request.Attribute).IsTrue() : Filter.Where(request.Attribute).IsFalse(),
                    AttributeType.Tags => Filter.Where(request.Attribute).ContainsAny(label),
                    AttributeType.Category => Filter.Where(request.Attribute).Under(label),
                    _ => Filter.Where(request.Attribute).EqualTo(label),
                };
                result.Add(new FacetValue(label, counts[v], filter));
            }
        }

        result.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Label, b.Label));
        if (request.MaxValues > 0 && result.Count > request.MaxValues)
        {
            result.RemoveRange(request.MaxValues, result.Count - request.MaxValues);
        }

        return new Facet(request.Attribute, type, result, missing);
    }

    private static Facet CountNumbers(ItemCatalog catalog, FacetRequest request, ReadOnlySpan<ulong> eligible, int[] toCatalog)
    {
        double[] column = catalog.GetNumericColumn(request.Attribute);
        (decimal[] edges, bool atLeast) = request.Edges is { } given ? ([.. given], request.AtLeast) : DefaultEdges(column);
        var bounds = new double[edges.Length];
        for (int e = 0; e < edges.Length; e++)
        {
            bounds[e] = (double)edges[e];
        }

        // Range r holds values in [bounds[r-1], bounds[r]).
        var counts = new int[edges.Length + 1];
        int missing = 0;
        for (int w = 0; w < eligible.Length; w++)
        {
            ulong word = eligible[w];
            while (word != 0)
            {
                int item = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                int c = toCatalog[item];
                double value = c < 0 ? double.NaN : column[c];
                if (double.IsNaN(value))
                {
                    missing++;
                    continue;
                }

                int range = 0;
                while (range < bounds.Length && value >= bounds[range])
                {
                    range++;
                }

                counts[range]++;
            }
        }

        string name = request.Attribute;
        var values = new List<FacetValue>();
        if (atLeast)
        {
            int running = 0;
            for (int e = edges.Length - 1; e >= 0; e--)
            {
                running += counts[e + 1];
                values.Add(new FacetValue($"{Format(edges[e])} and up", running, Filter.Where(name).AtLeast(edges[e])));
            }
        }
        else
        {
            values.Add(new FacetValue($"under {Format(edges[0])}", counts[0], Filter.Where(name).LessThan(edges[0])));
            for (int e = 1; e < edges.Length; e++)
            {
                values.Add(new FacetValue($"{Format(edges[e - 1])} to {Format(edges[e])}", counts[e],
                    Filter.Where(name).AtLeast(edges[e - 1]).And(Filter.Where(name).LessThan(edges[e]))));
            }

            values.Add(new FacetValue($"{Format(edges[^1])} and over", counts[^1], Filter.Where(name).AtLeast(edges[^1])));
        }

        if (!request.IncludeEmpty)
        {
            values.RemoveAll(static v => v.Count == 0);
        }

        return new Facet(name, AttributeType.Number, values, missing);
    }

    /// <summary>Ratings (all values in 0–5): thresholds 1..4. Otherwise ranges on a 1–2.5–5 scale up to the largest value, at most 8 edges.</summary>
    internal static (decimal[] Edges, bool AtLeast) DefaultEdges(double[] column)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in column)
        {
            if (!double.IsNaN(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (double.IsInfinity(min) || (min >= 0 && max <= 5))
        {
            return ([1m, 2m, 3m, 4m], true);
        }

        var edges = new List<decimal>();
        decimal[] steps = [1m, 2.5m, 5m];
        for (int exponent = -2; exponent <= 18 && edges.Count < 64; exponent++)
        {
            decimal scale = exponent >= 0 ? Pow10(exponent) : 1m / Pow10(-exponent);
            foreach (decimal step in steps)
            {
                decimal edge = step * scale;
                if ((double)edge > min && (double)edge < max)
                {
                    edges.Add(edge);
                }
            }
        }

        if (edges.Count == 0)
        {
            edges.Add(decimal.Round((decimal)((min + max) / 2), 2));
        }

        return (edges.Count > 8 ? [.. edges.Skip(edges.Count - 8)] : [.. edges], false);
    }

    private static decimal Pow10(int exponent)
    {
        decimal result = 1m;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }

    private static string Format(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
