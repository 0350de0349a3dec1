namespace Personalize.Core.Filtering;

// The fluent entry points: conditions on attributes, per-user rules, and combining filters with and, or and not.
public sealed partial class Filter
{
    /// <summary>Gets the per-user rule that leaves out items the user has already seen: <c>not seen</c>.</summary>
    /// <remarks>It is evaluated later against the history of the user being recommended to.</remarks>
    public static Filter NotSeen { get; } = new(FilterKind.NotSeen, null, [], []);

    /// <summary>Gets the per-user rule that leaves out items the user has already bought: <c>not bought</c>.</summary>
    /// <remarks>It is evaluated later against the history of the user being recommended to.</remarks>
    public static Filter NotBought { get; } = new(FilterKind.NotBought, null, [], []);

    /// <summary>Starts a condition on an attribute; finish it with an operator such as <see cref="FilterCondition.In(IEnumerable{string})"/>.</summary>
    /// <param name="attribute">The attribute name, of the shape <c>[A-Za-z_][A-Za-z0-9_]*</c> and not a keyword of the text syntax.</param>
    /// <returns>The unfinished condition.</returns>
    /// <example><code>Filter filter = Filter.Where("brand").In("acme", "zeta").And(Filter.Where("price").Between(10m, 50m));</code></example>
    /// <exception cref="ArgumentNullException"><paramref name="attribute"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="attribute"/> is not a valid name or is a keyword.</exception>
    public static FilterCondition Where(string attribute) => new(attribute, negate: false);

    /// <summary>Returns a filter that matches exactly the items the given filter does not: <c>not f</c>.</summary>
    /// <param name="filter">The filter to negate.</param>
    /// <returns>A new filter of kind <see cref="FilterKind.Not"/>; it is not simplified, so <c>Not(Not(f))</c> does not equal <c>f</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The result would be deeper than <see cref="FilterText.MaxDepth"/> or its text longer than <see cref="FilterText.MaxLength"/>.</exception>
    public static Filter Not(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return CreateNot(filter).ThrowIfOverLimits(nameof(filter));
    }

    /// <summary>Returns a filter that matches the items every one of the filters matches.</summary>
    /// <param name="filters">One or more filters; a single filter is returned as it is.</param>
    /// <returns>The filters joined with and, flattened as <see cref="And"/> does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="filters"/> is empty, or the result would exceed a limit of the text syntax.</exception>
    public static Filter AllOf(params IEnumerable<Filter> filters) => Group(FilterKind.And, filters, nameof(filters));

    /// <summary>Returns a filter that matches the items at least one of the filters matches.</summary>
    /// <param name="filters">One or more filters; a single filter is returned as it is.</param>
    /// <returns>The filters joined with or, flattened as <see cref="Or"/> does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="filters"/> is empty, or the result would exceed a limit of the text syntax.</exception>
    public static Filter AnyOf(params IEnumerable<Filter> filters) => Group(FilterKind.Or, filters, nameof(filters));

    /// <summary>Returns a filter that matches the items both this filter and another match: <c>this and other</c>.</summary>
    /// <param name="other">The other filter.</param>
    /// <returns>A new filter; when either side is already an and, its operands are spliced in, so the result is one flat and.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The result would be deeper than <see cref="FilterText.MaxDepth"/> or its text longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter And(Filter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return CreateGroup(FilterKind.And, [this, other]).ThrowIfOverLimits(nameof(other));
    }

    /// <summary>Returns a filter that matches the items either this filter or another matches: <c>this or other</c>.</summary>
    /// <param name="other">The other filter.</param>
    /// <returns>A new filter; when either side is already an or, its operands are spliced in, so the result is one flat or.</returns>
    /// <remarks>Calls group as written: <c>a.And(b).Or(c)</c> is <c>a and b or c</c>, and <c>a.And(b.Or(c))</c> is <c>a and (b or c)</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The result would be deeper than <see cref="FilterText.MaxDepth"/> or its text longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter Or(Filter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return CreateGroup(FilterKind.Or, [this, other]).ThrowIfOverLimits(nameof(other));
    }

    private static Filter Group(FilterKind kind, IEnumerable<Filter> filters, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(filters, parameterName);
        var list = new List<Filter>();
        foreach (Filter filter in filters)
        {
            if (filter is null)
            {
                throw new ArgumentNullException(parameterName, $"{parameterName}[{list.Count}] is null.");
            }

            list.Add(filter);
        }

        if (list.Count == 0)
        {
            throw new ArgumentException(
                $"{(kind == FilterKind.And ? nameof(AllOf) : nameof(AnyOf))} needs at least one filter; pass one or more filters.", parameterName);
        }

        return CreateGroup(kind, list).ThrowIfOverLimits(parameterName);
    }
}
