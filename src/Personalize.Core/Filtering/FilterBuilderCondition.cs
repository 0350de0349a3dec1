namespace Personalize.Core.Filtering;

/// <summary>
/// A condition on one attribute inside a <see cref="FilterBuilder"/>, still needing its operator: each method adds the finished
/// condition to the builder and returns the builder.
/// </summary>
/// <remarks>
/// <para>The operators are those of <see cref="FilterCondition"/>, with the same typed overloads and argument checks. A condition is
/// finished once; a second operator call throws <see cref="InvalidOperationException"/>.</para>
/// <para>Mutable through its builder and not thread-safe.</para>
/// </remarks>
public sealed class FilterBuilderCondition
{
    private readonly FilterBuilder _builder;

    internal FilterBuilderCondition(FilterBuilder builder, FilterCondition condition)
    {
        _builder = builder;
        Condition = condition;
    }

    /// <summary>Gets the attribute the condition tests.</summary>
    public string Attribute => Condition.Attribute;

    internal FilterCondition Condition { get; }

    /// <summary>Adds <c>attribute = "value"</c>.</summary>
    /// <param name="value">The text, compared exactly (ordinal).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="FilterCondition.EqualTo(string)"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder EqualTo(string value) => _builder.Finish(this, c => c.EqualTo(value));

    /// <summary>Adds <c>attribute = number</c>.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder EqualTo(decimal value) => _builder.Finish(this, c => c.EqualTo(value));

    /// <summary>Adds <c>attribute in ("a", "b")</c>.</summary>
    /// <param name="values">One to <see cref="FilterText.MaxListSize"/> texts, in order.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="FilterCondition.In(IEnumerable{string})"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder In(params IEnumerable<string> values) => _builder.Finish(this, c => c.In(values));

    /// <summary>Adds <c>attribute in (1, 2)</c>.</summary>
    /// <param name="values">One to <see cref="FilterText.MaxListSize"/> numbers, in order.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="FilterCondition.In(IEnumerable{decimal})"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder In(params IEnumerable<decimal> values) => _builder.Finish(this, c => c.In(values));

    /// <summary>Adds <c>attribute between low and high</c>, both ends included.</summary>
    /// <param name="low">The lowest matching number.</param>
    /// <param name="high">The highest matching number.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="low"/> is greater than <paramref name="high"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder Between(decimal low, decimal high) => _builder.Finish(this, c => c.Between(low, high));

    /// <summary>Adds <c>attribute between "low" and "high"</c> for instants, both ends included.</summary>
    /// <param name="low">The earliest matching instant.</param>
    /// <param name="high">The latest matching instant.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="low"/> is later than <paramref name="high"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder Between(DateTimeOffset low, DateTimeOffset high) => _builder.Finish(this, c => c.Between(low, high));

    /// <summary>Adds <c>attribute &gt;= number</c>.</summary>
    /// <param name="value">The lowest matching number.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder AtLeast(decimal value) => _builder.Finish(this, c => c.AtLeast(value));

    /// <summary>Adds <c>attribute &gt;= "instant"</c>: on or after.</summary>
    /// <param name="value">The earliest matching instant.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder AtLeast(DateTimeOffset value) => _builder.Finish(this, c => c.AtLeast(value));

    /// <summary>Adds <c>attribute &lt;= number</c>.</summary>
    /// <param name="value">The highest matching number.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder AtMost(decimal value) => _builder.Finish(this, c => c.AtMost(value));

    /// <summary>Adds <c>attribute &lt;= "instant"</c>: on or before.</summary>
    /// <param name="value">The latest matching instant.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder AtMost(DateTimeOffset value) => _builder.Finish(this, c => c.AtMost(value));

    /// <summary>Adds <c>attribute &gt; number</c>.</summary>
    /// <param name="value">The number, itself not matching.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder GreaterThan(decimal value) => _builder.Finish(this, c => c.GreaterThan(value));

    /// <summary>Adds <c>attribute &gt; "instant"</c>: after.</summary>
    /// <param name="value">The instant, itself not matching.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder GreaterThan(DateTimeOffset value) => _builder.Finish(this, c => c.GreaterThan(value));

    /// <summary>Adds <c>attribute &lt; number</c>.</summary>
    /// <param name="value">The number, itself not matching.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder LessThan(decimal value) => _builder.Finish(this, c => c.LessThan(value));

    /// <summary>Adds <c>attribute &lt; "instant"</c>: before.</summary>
    /// <param name="value">The instant, itself not matching.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder LessThan(DateTimeOffset value) => _builder.Finish(this, c => c.LessThan(value));

    /// <summary>Adds <c>attribute exists</c>.</summary>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder Exists() => _builder.Finish(this, c => c.Exists());

    /// <summary>Adds <c>attribute</c> (a Boolean attribute is true).</summary>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder IsTrue() => _builder.Finish(this, c => c.IsTrue());

    /// <summary>Adds <c>attribute = false</c> (a Boolean attribute is false).</summary>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder IsFalse() => _builder.Finish(this, c => c.IsFalse());

    /// <summary>Adds <c>attribute contains any ("a", "b")</c>.</summary>
    /// <param name="tags">One to <see cref="FilterText.MaxListSize"/> tags, in order.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="FilterCondition.ContainsAny"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder ContainsAny(params IEnumerable<string> tags) => _builder.Finish(this, c => c.ContainsAny(tags));

    /// <summary>Adds <c>attribute contains all ("a", "b")</c>.</summary>
    /// <param name="tags">One to <see cref="FilterText.MaxListSize"/> tags, in order.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="FilterCondition.ContainsAll"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder ContainsAll(params IEnumerable<string> tags) => _builder.Finish(this, c => c.ContainsAll(tags));

    /// <summary>Adds <c>attribute under "path"</c>.</summary>
    /// <param name="path">One or more non-empty segments separated by <c>/</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="FilterCondition.Under"/>.</exception>
    /// <exception cref="InvalidOperationException">The condition is already finished or the builder has been built.</exception>
    public FilterBuilder Under(string path) => _builder.Finish(this, c => c.Under(path));
}
