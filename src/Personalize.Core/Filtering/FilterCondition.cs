using System.Collections.Immutable;
using System.Globalization;

namespace Personalize.Core.Filtering;

/// <summary>
/// A condition on one attribute that still needs its operator, as returned by <see cref="Filter.Where"/>: each method finishes it and
/// returns the <see cref="Filter"/>.
/// </summary>
/// <remarks>
/// <para>Overloads are typed: text for text and category attributes, <see cref="decimal"/> for numbers (integer literals convert),
/// <see cref="DateTimeOffset"/> for instants. Arguments are checked at once and each mistake throws an <see cref="ArgumentException"/> that
/// says what is allowed.</para>
/// <para>Immutable and safe to share between threads; it can be finished any number of times.</para>
/// </remarks>
public sealed class FilterCondition
{
    private readonly bool _negate;

    internal FilterCondition(string attribute, bool negate)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        string? error = FilterSyntax.CheckAttributeName(attribute);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(attribute));
        }

        Attribute = attribute;
        _negate = negate;
    }

    /// <summary>Gets the attribute the condition tests.</summary>
    public string Attribute { get; }

    /// <summary>Matches items whose attribute equals the text: <c>brand = "acme"</c>.</summary>
    /// <param name="value">The text, compared exactly (ordinal); it may be empty.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The filter's text would be longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter EqualTo(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Finish(FilterKind.EqualTo, [FilterValue.FromText(value)], nameof(value));
    }

    /// <summary>Matches items whose attribute equals the number: <c>price = 10</c>.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The filter.</returns>
    public Filter EqualTo(decimal value) => Finish(FilterKind.EqualTo, [FilterValue.FromNumber(value)], nameof(value));

    /// <summary>Matches items whose attribute equals one of the texts: <c>brand in ("acme", "zeta")</c>.</summary>
    /// <param name="values">One to <see cref="FilterText.MaxListSize"/> texts; their order is kept and is part of the filter's value.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or longer than <see cref="FilterText.MaxListSize"/>, or the
    /// filter's text would be longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter In(params IEnumerable<string> values) => Finish(FilterKind.In, Texts(values, nameof(In), nameof(values)), nameof(values));

    /// <summary>Matches items whose attribute equals one of the numbers: <c>size in (38, 39)</c>.</summary>
    /// <param name="values">One to <see cref="FilterText.MaxListSize"/> numbers; their order is kept and is part of the filter's value.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or longer than <see cref="FilterText.MaxListSize"/>, or the
    /// filter's text would be longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter In(params IEnumerable<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = ImmutableArray.CreateBuilder<FilterValue>();
        foreach (decimal value in values)
        {
            list.Add(FilterValue.FromNumber(value));
            ThrowIfListTooLong(list.Count, nameof(In), nameof(values));
        }

        ThrowIfListEmpty(list.Count, nameof(In), nameof(values));
        return Finish(FilterKind.In, list.ToImmutable(), nameof(values));
    }

    /// <summary>Matches items whose attribute lies between two numbers, both included: <c>price between 10 and 50</c>.</summary>
    /// <param name="low">The lowest matching number.</param>
    /// <param name="high">The highest matching number; it may equal <paramref name="low"/>.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentException"><paramref name="low"/> is greater than <paramref name="high"/>.</exception>
    public Filter Between(decimal low, decimal high) => Range(FilterValue.FromNumber(low), FilterValue.FromNumber(high));

    /// <summary>Matches items whose attribute lies between two instants, both included: <c>added between "2024-01-01T00:00:00Z" and "2024-02-01T00:00:00Z"</c>.</summary>
    /// <param name="low">The earliest matching instant.</param>
    /// <param name="high">The latest matching instant; it may equal <paramref name="low"/>.</param>
    /// <returns>The filter; the instants are kept in UTC.</returns>
    /// <exception cref="ArgumentException"><paramref name="low"/> is later than <paramref name="high"/>.</exception>
    public Filter Between(DateTimeOffset low, DateTimeOffset high) => Range(FilterValue.FromDateTime(low), FilterValue.FromDateTime(high));

    /// <summary>Matches items whose attribute is at least the number: <c>rating &gt;= 4</c>.</summary>
    /// <param name="value">The lowest matching number.</param>
    /// <returns>The filter.</returns>
    public Filter AtLeast(decimal value) => Finish(FilterKind.AtLeast, [FilterValue.FromNumber(value)], nameof(value));

    /// <summary>Matches items whose attribute is on or after the instant: <c>added &gt;= "2024-01-01T00:00:00Z"</c>.</summary>
    /// <param name="value">The earliest matching instant.</param>
    /// <returns>The filter; the instant is kept in UTC.</returns>
    public Filter AtLeast(DateTimeOffset value) => Finish(FilterKind.AtLeast, [FilterValue.FromDateTime(value)], nameof(value));

    /// <summary>Matches items whose attribute is at most the number: <c>price &lt;= 50</c>.</summary>
    /// <param name="value">The highest matching number.</param>
    /// <returns>The filter.</returns>
    public Filter AtMost(decimal value) => Finish(FilterKind.AtMost, [FilterValue.FromNumber(value)], nameof(value));

    /// <summary>Matches items whose attribute is on or before the instant: <c>added &lt;= "2024-12-31T00:00:00Z"</c>.</summary>
    /// <param name="value">The latest matching instant.</param>
    /// <returns>The filter; the instant is kept in UTC.</returns>
    public Filter AtMost(DateTimeOffset value) => Finish(FilterKind.AtMost, [FilterValue.FromDateTime(value)], nameof(value));

    /// <summary>Matches items whose attribute is greater than the number: <c>price &gt; 10</c>.</summary>
    /// <param name="value">The number, itself not matching.</param>
    /// <returns>The filter.</returns>
    public Filter GreaterThan(decimal value) => Finish(FilterKind.GreaterThan, [FilterValue.FromNumber(value)], nameof(value));

    /// <summary>Matches items whose attribute is after the instant: <c>added &gt; "2024-01-01T00:00:00Z"</c>.</summary>
    /// <param name="value">The instant, itself not matching.</param>
    /// <returns>The filter; the instant is kept in UTC.</returns>
    public Filter GreaterThan(DateTimeOffset value) => Finish(FilterKind.GreaterThan, [FilterValue.FromDateTime(value)], nameof(value));

    /// <summary>Matches items whose attribute is less than the number: <c>price &lt; 50</c>.</summary>
    /// <param name="value">The number, itself not matching.</param>
    /// <returns>The filter.</returns>
    public Filter LessThan(decimal value) => Finish(FilterKind.LessThan, [FilterValue.FromNumber(value)], nameof(value));

    /// <summary>Matches items whose attribute is before the instant: <c>added &lt; "2024-01-01T00:00:00Z"</c>.</summary>
    /// <param name="value">The instant, itself not matching.</param>
    /// <returns>The filter; the instant is kept in UTC.</returns>
    public Filter LessThan(DateTimeOffset value) => Finish(FilterKind.LessThan, [FilterValue.FromDateTime(value)], nameof(value));

    /// <summary>Matches items that have a value for the attribute: <c>brand exists</c>.</summary>
    /// <returns>The filter.</returns>
    public Filter Exists() => Finish(FilterKind.Exists, [], "attribute");

    /// <summary>Matches items whose Boolean attribute is true: <c>in_stock</c>.</summary>
    /// <returns>The filter.</returns>
    public Filter IsTrue() => Finish(FilterKind.IsTrue, [], "attribute");

    /// <summary>Matches items whose Boolean attribute is false: <c>in_stock = false</c>.</summary>
    /// <returns>The filter.</returns>
    /// <remarks>Items without the attribute do not match; <c>Filter.Not(Filter.Where("in_stock").IsTrue())</c> matches them too.</remarks>
    public Filter IsFalse() => Finish(FilterKind.IsFalse, [], "attribute");

    /// <summary>Matches items whose tags include at least one of the given tags: <c>tags contains any ("red", "blue")</c>.</summary>
    /// <param name="tags">One to <see cref="FilterText.MaxListSize"/> tags, compared exactly (ordinal); their order is kept.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tags"/> is empty or longer than <see cref="FilterText.MaxListSize"/>, or the
    /// filter's text would be longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter ContainsAny(params IEnumerable<string> tags) =>
        Finish(FilterKind.ContainsAny, Texts(tags, nameof(ContainsAny), nameof(tags)), nameof(tags));

    /// <summary>Matches items whose tags include every one of the given tags: <c>tags contains all ("red", "blue")</c>.</summary>
    /// <param name="tags">One to <see cref="FilterText.MaxListSize"/> tags, compared exactly (ordinal); their order is kept.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tags"/> is empty or longer than <see cref="FilterText.MaxListSize"/>, or the
    /// filter's text would be longer than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter ContainsAll(params IEnumerable<string> tags) =>
        Finish(FilterKind.ContainsAll, Texts(tags, nameof(ContainsAll), nameof(tags)), nameof(tags));

    /// <summary>Matches items whose category is the path or lies below it: <c>category under "Kitchen/Coffee"</c>.</summary>
    /// <param name="path">One or more non-empty segments separated by <c>/</c>, compared exactly (ordinal).</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or has an empty segment, or the filter's text would be longer
    /// than <see cref="FilterText.MaxLength"/>.</exception>
    public Filter Under(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? error = FilterSyntax.CheckCategoryPath(path);
        if (error is not null)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderInvalidPath, error), nameof(path));
        }

        return Finish(FilterKind.Under, [FilterValue.FromText(path)], nameof(path));
    }

    private static ImmutableArray<FilterValue> Texts(IEnumerable<string> values, string method, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        var list = ImmutableArray.CreateBuilder<FilterValue>();
        foreach (string value in values)
        {
            if (value is null)
            {
                throw new ArgumentNullException(parameterName, $"{parameterName}[{list.Count}] is null; {method} takes non-null texts.");
            }

            list.Add(FilterValue.FromText(value));
            ThrowIfListTooLong(list.Count, method, parameterName);
        }

        ThrowIfListEmpty(list.Count, method, parameterName);
        return list.ToImmutable();
    }

    private static void ThrowIfListTooLong(int count, string method, string parameterName)
    {
        if (count > FilterText.MaxListSize)
        {
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderListTooLong, method, FilterText.MaxListSize), parameterName);
        }
    }

    private static void ThrowIfListEmpty(int count, string method, string parameterName)
    {
        if (count == 0)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderEmptyList, method), parameterName);
        }
    }

    private Filter Range(FilterValue low, FilterValue high)
    {
        if (low.CompareTo(high) > 0)
        {
            throw new ArgumentException(
                string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderEmptyRange, Attribute, low, high), nameof(low));
        }

        return Finish(FilterKind.Between, [low, high], nameof(high));
    }

    private Filter Finish(FilterKind kind, ImmutableArray<FilterValue> values, string parameterName)
    {
        Filter condition = Filter.CreateCondition(kind, Attribute, values);
        return (_negate ? Filter.CreateNot(condition) : condition).ThrowIfOverLimits(parameterName);
    }
}
