using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>
/// Evaluates a <see cref="Filter"/> against an <see cref="ItemCatalog"/> for a set of items (such as a model's), once, into a
/// <see cref="CompiledFilter"/>: one bitset per condition, combined with bitwise and/or/not.
/// </summary>
/// <remarks>
/// <para>An item that has no value for an attribute, or that the catalogue does not have at all, matches no condition on that
/// attribute; <c>not</c> of such a condition matches it. Text and category values compare exactly (ordinal); numbers as decimals;
/// date-times as instants.</para>
/// <para><c>not seen</c> is kept as a per-query rule (<see cref="CompiledFilter.ExcludesSeen"/>); it is allowed only at the top level
/// or as an operand of the top-level <c>and</c>; <c>not bought</c> likewise (<see cref="CompiledFilter.ExcludesBought"/>), and the query
/// then needs the user's purchases (<see cref="Recommending.RecommendationRequest.PurchasedItems"/>). Compiling costs one pass over the items per condition. Thread-safe.</para>
/// </remarks>
public static class FilterCompiler
{
    /// <summary>Compiles a filter for the items of a model (or any id map).</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="catalog">The catalogue that holds the items' attributes.</param>
    /// <param name="items">The items the bitset covers, in index order (a model's <see cref="Models.FactorModel.Items"/>).</param>
    /// <returns>The compiled filter.</returns>
    /// <exception cref="ArgumentException">The filter names an attribute the catalogue does not have (the message lists those it has),
    /// compares an attribute with a value of another type, or uses <c>not seen</c> / <c>not bought</c> where it cannot be applied.</exception>
    public static CompiledFilter Compile(Filter filter, ItemCatalog catalog, IdMap items)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(items);
        return CompileFor(filter, catalog, items, catalog.MapFrom(items));
    }

    /// <summary>Compiles a filter for items that have no catalogue: only the per-user rules (<c>not seen</c>, <c>not bought</c>) can
    /// apply, so every item passes the rest. The caller checks first that the filter reads no attribute (<see cref="Attributes"/>).</summary>
    /// <exception cref="InvalidOperationException">The filter reads an attribute.</exception>
    /// <exception cref="ArgumentException">The filter puts <c>not seen</c> / <c>not bought</c> where it cannot be applied.</exception>
    internal static CompiledFilter CompileWithoutCatalog(Filter filter, IdMap items, int[] toCatalog) => CompileFor(filter, null, items, toCatalog);

    /// <summary>The distinct attributes a filter reads, in the order they first appear.</summary>
    internal static IReadOnlyList<string> Attributes(Filter filter)
    {
        var names = new List<string>();
        void Walk(Filter node)
        {
            if (node.Attribute is { } name && !names.Contains(name))
            {
                names.Add(name);
            }

            foreach (Filter operand in node.Operands)
            {
                Walk(operand);
            }
        }

        Walk(filter);
        return names;
    }

    private static CompiledFilter CompileFor(Filter filter, ItemCatalog? catalog, IdMap items, int[] toCatalog)
    {
        ulong[] bits = EvaluateAttributes(filter, catalog, toCatalog, out bool excludesSeen, out bool excludesBought);
        return new CompiledFilter(filter, bits, items.Count, excludesSeen, toCatalog, excludesBought, items.Fingerprint);
    }

    /// <summary>Evaluates a filter's attribute conditions for a few catalogue items (such as the matches of a search), with exactly the
    /// rules of <see cref="Compile"/>: bit i of the result is whether catalogue item <paramref name="catalogItems"/>[i] passes. The per-user
    /// rules (<c>not seen</c>, <c>not bought</c>) are left to the caller, as <see cref="Compile"/> leaves them to the query.</summary>
    /// <remarks>Costs one pass over the given items per condition (plus one per distinct value for text conditions), not one over the
    /// catalogue.</remarks>
    internal static ulong[] EvaluateFor(Filter filter, ItemCatalog catalog, int[] catalogItems) =>
        EvaluateAttributes(filter, catalog, catalogItems, out _, out _);

    /// <summary>Whether a filter has the per-user rules <c>not seen</c> and <c>not bought</c>, as <see cref="Compile"/> reads them (alone,
    /// or joined to the rest with 'and'), without evaluating its attribute conditions.</summary>
    internal static (bool ExcludesSeen, bool ExcludesBought) HistoryRules(Filter filter)
    {
        Filter[] top = filter.Kind == FilterKind.And ? [.. filter.Operands] : [filter];
        return (top.Any(o => o.Kind == FilterKind.NotSeen), top.Any(o => o.Kind == FilterKind.NotBought));
    }

    private static ulong[] EvaluateAttributes(Filter filter, ItemCatalog? catalog, int[] toCatalog, out bool excludesSeen, out bool excludesBought)
    {
        // The per-user rules (not seen, not bought) are kept as flags for the query; they may stand alone or join the rest with 'and'.
        static bool PerUser(Filter f) => f.Kind is FilterKind.NotSeen or FilterKind.NotBought;
        Filter[] top = filter.Kind == FilterKind.And ? [.. filter.Operands] : [filter];
        (excludesSeen, excludesBought) = HistoryRules(filter);
        Filter[] rest = [.. top.Where(o => !PerUser(o))];
        return rest.Length == 0 ? All(toCatalog.Length) : Evaluate(rest.Length == 1 ? rest[0] : Filter.AllOf(rest), catalog, toCatalog);
    }

    private static ulong[] Evaluate(Filter node, ItemCatalog? catalog, int[] toCatalog)
    {
        int n = toCatalog.Length;
        switch (node.Kind)
        {
            case FilterKind.And:
            {
                ulong[] result = Evaluate(node.Operands[0], catalog, toCatalog);
                for (int o = 1; o < node.Operands.Length; o++)
                {
                    ulong[] other = Evaluate(node.Operands[o], catalog, toCatalog);
                    for (int w = 0; w < result.Length; w++)
                    {
                        result[w] &= other[w];
                    }
                }

                return result;
            }

            case FilterKind.Or:
            {
                ulong[] result = Evaluate(node.Operands[0], catalog, toCatalog);
                for (int o = 1; o < node.Operands.Length; o++)
                {
                    ulong[] other = Evaluate(node.Operands[o], catalog, toCatalog);
                    for (int w = 0; w < result.Length; w++)
                    {
                        result[w] |= other[w];
                    }
                }

                return result;
            }

            case FilterKind.Not:
            {
                ulong[] result = Evaluate(node.Operands[0], catalog, toCatalog);
                ulong[] all = All(n);
                for (int w = 0; w < result.Length; w++)
                {
                    result[w] = ~result[w] & all[w];
                }

                return result;
            }

            case FilterKind.NotSeen:
                throw new ArgumentException("'not seen' can only be applied to the whole filter (at the top level, or joined to it with 'and').", nameof(node));
            case FilterKind.NotBought:
                throw new ArgumentException("'not bought' can only be applied to the whole filter (at the top level, or joined to it with 'and').", nameof(node));
        }

        string attribute = node.Attribute!;
        if (catalog is null)
        {
            throw new InvalidOperationException($"The filter reads the attribute '{attribute}', but the items have no catalogue to read it from.");
        }

        if (!catalog.Schema.TryGetType(attribute, out AttributeType type))
        {
            throw new ArgumentException($"The filter names the attribute '{attribute}', which the catalogue does not have; it has: {string.Join(", ", catalog.Schema.Names)}.", nameof(node));
        }

        return type switch
        {
            AttributeType.Number or AttributeType.DateTime when node.Kind is not FilterKind.Exists => Numeric(node, type, attribute, catalog, toCatalog),
            AttributeType.Text or AttributeType.Category or AttributeType.Tags when node.Kind is not FilterKind.Exists => Labelled(node, type, attribute, catalog, toCatalog),
            _ => Generic(Predicate(node, type, attribute), catalog.GetColumn(attribute), toCatalog),
        };
    }

    /// <summary>Any condition, by testing each item's value object (booleans and <c>exists</c>).</summary>
    private static ulong[] Generic(Func<object, bool> test, object?[] column, int[] toCatalog)
    {
        var bits = new ulong[(toCatalog.Length + 63) / 64];
        for (int i = 0; i < toCatalog.Length; i++)
        {
            int c = toCatalog[i];
            if (c >= 0 && column[c] is { } value && test(value))
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }

        return bits;
    }

    /// <summary>Text, category and tag conditions: decided once per distinct value (label), then one array read per item.</summary>
    private static ulong[] Labelled(Filter node, AttributeType type, string attribute, ItemCatalog catalog, int[] toCatalog)
    {
        Func<object, bool> test = Predicate(node, type, attribute);   // checks the operator fits the type
        CatalogValueIndex index = CatalogValueIndex.For(catalog, attribute);
        string[] labels = index.Labels;
        var bits = new ulong[(toCatalog.Length + 63) / 64];
        int[] offsets = index.Offsets;
        int[] values = index.Values;
        if (type == AttributeType.Tags)
        {
            var wanted = new HashSet<string>(node.Values.Select(v => v.Text), StringComparer.Ordinal);
            var wantedLabel = new bool[labels.Length];
            for (int l = 0; l < labels.Length; l++)
            {
                wantedLabel[l] = wanted.Contains(labels[l]);
            }

            int need = node.Kind == FilterKind.ContainsAll ? wanted.Count : 1;
            for (int i = 0; i < toCatalog.Length; i++)
            {
                int c = toCatalog[i];
                if (c < 0)
                {
                    continue;
                }

                int found = 0;
                for (int v = offsets[c]; v < offsets[c + 1]; v++)
                {
                    found += wantedLabel[values[v]] ? 1 : 0;
                }

                if (found >= need)
                {
                    bits[i >> 6] |= 1UL << (i & 63);
                }
            }

            return bits;
        }

        var accept = new bool[labels.Length];
        for (int l = 0; l < labels.Length; l++)
        {
            accept[l] = test(labels[l]);
        }

        for (int i = 0; i < toCatalog.Length; i++)
        {
            int c = toCatalog[i];
            if (c >= 0 && offsets[c] != offsets[c + 1] && accept[values[offsets[c]]])
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }

        return bits;
    }

    /// <summary>Number and date-time conditions: compared as doubles, and exactly (decimal, instant) only when the doubles tie.</summary>
    private static ulong[] Numeric(Filter node, AttributeType type, string attribute, ItemCatalog catalog, int[] toCatalog)
    {
        Func<object, bool> exact = Predicate(node, type, attribute);   // checks the operator fits the type, and decides ties
        double[] column = catalog.GetNumericColumn(attribute);
        object?[] values = catalog.GetColumn(attribute);
        double[] bounds = [.. node.Values.Select(v => v.Type == FilterValueType.Number ? (double)v.Number : v.DateTime.UtcTicks)];
        var bits = new ulong[(toCatalog.Length + 63) / 64];
        for (int i = 0; i < toCatalog.Length; i++)
        {
            int c = toCatalog[i];
            if (c < 0)
            {
                continue;
            }

            double x = column[c];
            if (double.IsNaN(x))
            {
                continue;
            }

            bool pass;
            if (Array.IndexOf(bounds, x) >= 0)
            {
                pass = exact(values[c]!);   // a tie in double: decide exactly
            }
            else
            {
                pass = node.Kind switch
                {
                    FilterKind.AtLeast or FilterKind.GreaterThan => x > bounds[0],
                    FilterKind.AtMost or FilterKind.LessThan => x < bounds[0],
                    FilterKind.Between => x > bounds[0] && x < bounds[1],
                    _ => false,   // EqualTo / In: no double tie, so no exact match
                };
            }

            if (pass)
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }

        return bits;
    }

    private static Func<object, bool> Predicate(Filter node, AttributeType type, string attribute)
    {
        var values = node.Values;
        switch (node.Kind)
        {
            case FilterKind.Exists:
                return static _ => true;
            case FilterKind.IsTrue:
                Require(type == AttributeType.Boolean, node, type, attribute);
                return static v => v is true;
            case FilterKind.IsFalse:
                Require(type == AttributeType.Boolean, node, type, attribute);
                return static v => v is false;
            case FilterKind.ContainsAny:
            case FilterKind.ContainsAll:
            {
                Require(type == AttributeType.Tags, node, type, attribute);
                string[] wanted = [.. values.Select(x => x.Text)];
                return node.Kind == FilterKind.ContainsAny
                    ? v => wanted.Any(((string[])v).Contains)
                    : v => wanted.All(((string[])v).Contains);
            }

            case FilterKind.Under:
            {
                Require(type == AttributeType.Category, node, type, attribute);
                string path = string.Join('/', values[0].Text.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                return v => v is string p && (p == path || p.StartsWith(path + "/", StringComparison.Ordinal));
            }

            case FilterKind.EqualTo:
            case FilterKind.In:
            {
                if (values.All(x => x.Type == FilterValueType.Number))
                {
                    Require(type == AttributeType.Number, node, type, attribute);
                    decimal[] numbers = [.. values.Select(x => x.Number)];
                    return v => v is decimal d && numbers.Contains(d);
                }

                Require(type is AttributeType.Text or AttributeType.Category, node, type, attribute);
                var texts = new HashSet<string>(values.Select(x => x.Text), StringComparer.Ordinal);
                return v => v is string s && texts.Contains(s);
            }

            default:
            {
                // Between, AtLeast, AtMost, GreaterThan, LessThan: numbers or date-times.
                bool numeric = values[0].Type == FilterValueType.Number;
                Require(numeric ? type == AttributeType.Number : type == AttributeType.DateTime, node, type, attribute);
                Func<object, int> compareTo0 = numeric ? v => ((decimal)v).CompareTo(values[0].Number) : v => ((DateTimeOffset)v).CompareTo(values[0].DateTime);
                return node.Kind switch
                {
                    FilterKind.AtLeast => v => compareTo0(v) >= 0,
                    FilterKind.AtMost => v => compareTo0(v) <= 0,
                    FilterKind.GreaterThan => v => compareTo0(v) > 0,
                    FilterKind.LessThan => v => compareTo0(v) < 0,
                    _ => numeric
                        ? v => (decimal)v >= values[0].Number && (decimal)v <= values[1].Number
                        : v => (DateTimeOffset)v >= values[0].DateTime && (DateTimeOffset)v <= values[1].DateTime,
                };
            }
        }
    }

    private static void Require(bool ok, Filter node, AttributeType type, string attribute)
    {
        if (!ok)
        {
            throw new ArgumentException($"The condition '{FilterText.Format(node)}' does not apply to '{attribute}', which is {type} in the catalogue.", nameof(node));
        }
    }

    private static ulong[] All(int n)
    {
        var bits = new ulong[(n + 63) / 64];
        for (int i = 0; i < n; i++)
        {
            bits[i >> 6] |= 1UL << (i & 63);
        }

        return bits;
    }
}
