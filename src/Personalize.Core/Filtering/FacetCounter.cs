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

    internal static IReadOnlyList<Facet> Count(ItemCatalog catalog, ReadOnlySpan<ulong> eligible, int[] toCatalog, IReadOnlyList<FacetRequest> requests) =>
        Count(catalog, new CatalogItems(eligible, toCatalog), requests);

    /// <summary>Counts values over a few catalogue items given by index (such as a search's eligible matches): the same counts as over
    /// a bitset of those items, in time proportional to them rather than to the catalogue.</summary>
    internal static IReadOnlyList<Facet> Count(ItemCatalog catalog, ReadOnlySpan<int> catalogItems, IReadOnlyList<FacetRequest> requests) =>
        Count(catalog, new CatalogItems(catalogItems), requests);

    private static IReadOnlyList<Facet> Count(ItemCatalog catalog, CatalogItems items, IReadOnlyList<FacetRequest> requests)
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
                AttributeType.Number => CountNumbers(catalog, request, items),
                AttributeType.DateTime => throw new ArgumentException($"'{request.Attribute}' is a date-time attribute, which has no facets; filter it with 'between' instead.", nameof(requests)),
                _ => CountValues(catalog, request, type, items),
            };
        }

        return facets;
    }

    private static Facet CountValues(ItemCatalog catalog, FacetRequest request, AttributeType type, CatalogItems items)
    {
        CatalogValueIndex index = CatalogValueIndex.For(catalog, request.Attribute);
        var counts = new int[index.Labels.Length];
        int missing = 0;
        int[] offsets = index.Offsets;
        int[] values = index.Values;
        foreach (int c in items)
        {
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

    private static Facet CountNumbers(ItemCatalog catalog, FacetRequest request, CatalogItems items)
    {
        double[] column = catalog.GetNumericColumn(request.Attribute);
        (decimal[] edges, bool atLeast) = request.Edges is { } given ? ([.. given], request.AtLeast) : CachedDefaultEdges(catalog, request.Attribute);
        var bounds = new double[edges.Length];
        for (int e = 0; e < edges.Length; e++)
        {
            bounds[e] = (double)edges[e];
        }

        // Range r holds values in [bounds[r-1], bounds[r]).
        var counts = new int[edges.Length + 1];
        int missing = 0;
        foreach (int c in items)
        {
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

    /// <summary>The default edges of a number attribute, computed once per catalogue (they read the whole column).</summary>
    private static (decimal[] Edges, bool AtLeast) CachedDefaultEdges(ItemCatalog catalog, string attribute) =>
        catalog.GetOrAddIndex("facet-edges:" + attribute, static (key, c) => Tuple.Create(DefaultEdges(c.GetNumericColumn(key["facet-edges:".Length..])))).Item1;

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

    /// <summary>The catalogue indices of the items to count (-1 for an item the catalogue lacks): a bitset over some item map's indices
    /// with that map's catalogue indices, or a list of catalogue indices.</summary>
    private readonly ref struct CatalogItems
    {
        private readonly ReadOnlySpan<ulong> _eligible;
        private readonly int[]? _toCatalog;
        private readonly ReadOnlySpan<int> _list;

        public CatalogItems(ReadOnlySpan<ulong> eligible, int[] toCatalog)
        {
            _eligible = eligible;
            _toCatalog = toCatalog;
        }

        public CatalogItems(ReadOnlySpan<int> list) => _list = list;

        public Enumerator GetEnumerator() => new(_eligible, _toCatalog, _list);

        public ref struct Enumerator
        {
            private readonly ReadOnlySpan<ulong> _eligible;
            private readonly int[]? _toCatalog;
            private readonly ReadOnlySpan<int> _list;
            private int _position;
            private ulong _word;

            public Enumerator(ReadOnlySpan<ulong> eligible, int[]? toCatalog, ReadOnlySpan<int> list)
            {
                _eligible = eligible;
                _toCatalog = toCatalog;
                _list = list;
                _position = -1;
                _word = 0;
                Current = -1;
            }

            public int Current { get; private set; }

            public bool MoveNext()
            {
                if (_toCatalog is null)
                {
                    if (++_position >= _list.Length)
                    {
                        return false;
                    }

                    Current = _list[_position];
                    return true;
                }

                while (_word == 0)
                {
                    if (++_position >= _eligible.Length)
                    {
                        return false;
                    }

                    _word = _eligible[_position];
                }

                int item = (_position << 6) + BitOperations.TrailingZeroCount(_word);
                _word &= _word - 1;
                Current = _toCatalog[item];
                return true;
            }
        }
    }
}
