using System.Globalization;

namespace Personalize.Core.Filtering;

/// <summary>
/// Builds a <see cref="Filter"/> one condition at a time. Conditions are joined with and; <see cref="Or"/> starts an alternative, so
/// the builder reads like filter text: <c>a and b or c</c> is <c>(a and b) or c</c>.
/// </summary>
/// <remarks>
/// <para>Each <see cref="Where(string)"/> returns the unfinished condition, whose operator (such as
/// <see cref="FilterBuilderCondition.In(IEnumerable{string})"/>) returns the builder again. <see cref="Build"/> checks that the builder is
/// complete and returns the immutable filter, which equals the one <see cref="FilterText.Parse"/> reads from its text:</para>
/// <code>
/// Filter filter = new FilterBuilder().Where("brand").In("acme", "zeta").Where("price").Between(10m, 50m)
///     .Where("rating").AtLeast(4).Where("in_stock").IsTrue().Build();
/// // brand in ("acme", "zeta") and price between 10 and 50 and rating >= 4 and in_stock
/// </code>
/// <para>A builder builds once: after <see cref="Build"/> has returned, every further call throws <see cref="InvalidOperationException"/>.
/// Arguments are checked when given (<see cref="ArgumentException"/>); a missing operator, an empty builder or a dangling
/// <see cref="Or"/> is reported by the call that meets it or by <see cref="Build"/>.</para>
/// <para>Mutable and not thread-safe: use one builder from one thread. The filters it builds are immutable.</para>
/// </remarks>
public sealed class FilterBuilder
{
    private readonly List<List<Filter>> _alternatives = [[]];
    private FilterBuilderCondition? _pending;
    private bool _built;

    /// <summary>Creates an empty builder.</summary>
    public FilterBuilder()
    {
    }

    /// <summary>Starts a condition on an attribute, joined with and to the conditions before it.</summary>
    /// <param name="attribute">The attribute name, of the shape <c>[A-Za-z_][A-Za-z0-9_]*</c> and not a keyword of the text syntax.</param>
    /// <returns>The unfinished condition; its operator returns this builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="attribute"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="attribute"/> is not a valid name or is a keyword.</exception>
    /// <exception cref="InvalidOperationException">The builder has been built, or the previous condition has no operator yet.</exception>
    public FilterBuilderCondition Where(string attribute) => Start(attribute, negate: false);

    /// <summary>Starts a negated condition on an attribute: <c>WhereNot("category").Under("Refurbished")</c> adds <c>not category under "Refurbished"</c>.</summary>
    /// <param name="attribute">The attribute name, of the shape <c>[A-Za-z_][A-Za-z0-9_]*</c> and not a keyword of the text syntax.</param>
    /// <returns>The unfinished condition; its operator returns this builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="attribute"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="attribute"/> is not a valid name or is a keyword.</exception>
    /// <exception cref="InvalidOperationException">The builder has been built, or the previous condition has no operator yet.</exception>
    public FilterBuilderCondition WhereNot(string attribute) => Start(attribute, negate: true);

    /// <summary>Adds a filter made elsewhere, such as a group built with <see cref="Filter.AnyOf"/>, joined with and to the conditions before it.</summary>
    /// <param name="filter">The filter to add; an or keeps its parentheses (<c>a and (b or c)</c>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The builder has been built, or the previous condition has no operator yet.</exception>
    public FilterBuilder Where(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ThrowIfBuiltOrPending("Where(filter)");
        _alternatives[^1].Add(filter);
        return this;
    }

    /// <summary>Adds the per-user rule <c>not seen</c>: leave out items the user has already seen.</summary>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">The builder has been built, or the previous condition has no operator yet.</exception>
    public FilterBuilder NotSeen() => Where(Filter.NotSeen);

    /// <summary>Adds the per-user rule <c>not bought</c>: leave out items the user has already bought.</summary>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">The builder has been built, or the previous condition has no operator yet.</exception>
    public FilterBuilder NotBought() => Where(Filter.NotBought);

    /// <summary>Ends the current alternative and starts the next: the filter matches items that satisfy all conditions of any one alternative.</summary>
    /// <returns>This builder.</returns>
    /// <remarks><c>Where("a").IsTrue().Where("b").IsTrue().Or().Where("c").IsTrue()</c> builds <c>a and b or c</c>. For an or inside an and,
    /// add a group with <see cref="Where(Filter)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The builder has been built, the previous condition has no operator yet, or the current
    /// alternative has no condition (an <see cref="Or"/> first or twice in a row).</exception>
    public FilterBuilder Or()
    {
        ThrowIfBuiltOrPending("Or()");
        if (_alternatives[^1].Count == 0)
        {
            throw new InvalidOperationException(FilterTextErrors.BuilderOrWithoutCondition);
        }

        _alternatives.Add([]);
        return this;
    }

    /// <summary>Checks the builder and returns the filter; the builder cannot be used again.</summary>
    /// <returns>The immutable filter: one condition as it is, several joined with and, alternatives joined with or.</returns>
    /// <exception cref="InvalidOperationException">The builder has already been built, has no conditions, has a condition without an
    /// operator, ends with <see cref="Or"/>, or the filter would exceed a limit of the text syntax (<see cref="FilterText.MaxDepth"/>,
    /// <see cref="FilterText.MaxLength"/>).</exception>
    public Filter Build()
    {
        ThrowIfBuiltOrPending("Build()");
        if (_alternatives[^1].Count == 0)
        {
            throw new InvalidOperationException(_alternatives.Count == 1 ? FilterTextErrors.BuilderEmpty : FilterTextErrors.BuilderTrailingOr);
        }

        var alternatives = new List<Filter>(_alternatives.Count);
        foreach (List<Filter> conditions in _alternatives)
        {
            alternatives.Add(Filter.CreateGroup(FilterKind.And, conditions));
        }

        Filter filter = Filter.CreateGroup(FilterKind.Or, alternatives);
        string? error = filter.LimitError();
        if (error is not null)
        {
            throw new InvalidOperationException(error);
        }

        _built = true;
        return filter;
    }

    internal FilterBuilder Finish(FilterBuilderCondition condition, Func<FilterCondition, Filter> finish)
    {
        ThrowIfBuilt();
        if (!ReferenceEquals(_pending, condition))
        {
            throw new InvalidOperationException(
                string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderConditionFinished, condition.Attribute));
        }

        Filter filter = finish(condition.Condition);
        _alternatives[^1].Add(filter);
        _pending = null;
        return this;
    }

    private FilterBuilderCondition Start(string attribute, bool negate)
    {
        ThrowIfBuiltOrPending("Where(...)");
        _pending = new FilterBuilderCondition(this, new FilterCondition(attribute, negate));
        return _pending;
    }

    private void ThrowIfBuiltOrPending(string call)
    {
        ThrowIfBuilt();
        if (_pending is not null)
        {
            throw new InvalidOperationException(
                string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderConditionPending, _pending.Attribute, call));
        }
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException(FilterTextErrors.BuilderUsedAfterBuild);
        }
    }
}
