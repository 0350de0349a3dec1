using System.Globalization;

namespace Personalize.Core.Evaluation;

/// <summary>
/// One option of a <see cref="SearchSpace"/> and the values to try: a list (<see cref="OneOf"/>) or a range (<see cref="Between"/>).
/// </summary>
/// <remarks>
/// <para>A parameter only states values; whether its name is an option of a trainer, and whether its values are in that option's
/// valid range, is checked when it joins a space (<see cref="SearchSpace.ForImplicit"/>, <see cref="SearchSpace.ForExplicit"/>).
/// Its text form, also read by <see cref="SearchSpace.ParseParameters"/>, is <c>name=v1,v2,v3</c> for a list and
/// <c>name=min..max</c>, <c>name=min..max:log</c> or <c>name=min..max:linear</c> for a range.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class SearchParameter
{
    private readonly double[] _values;

    private SearchParameter(string name, double[] values, double minimum, double maximum, SearchScale? scale, bool isRange)
    {
        Name = name;
        _values = values;
        Minimum = minimum;
        Maximum = maximum;
        Scale = scale;
        IsRange = isRange;
    }

    /// <summary>Gets the option's name, such as <c>NumberOfFactors</c> or its short name <c>factors</c>.</summary>
    public string Name { get; }

    /// <summary>Gets whether the parameter is a range (<see cref="Between"/>) rather than a list (<see cref="OneOf"/>).</summary>
    public bool IsRange { get; }

    /// <summary>Gets the listed values in their given order; empty for a range.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>Gets the smallest value: the range's minimum, or the smallest listed value.</summary>
    public double Minimum { get; }

    /// <summary>Gets the largest value: the range's maximum, or the largest listed value.</summary>
    public double Maximum { get; }

    /// <summary>Gets how a range is spread, or <see langword="null"/> for the option's usual scale (and for lists).</summary>
    /// <remarks>In a space the usual scale is resolved: <see cref="SearchScale.Logarithmic"/> for regularization, learning rates, α and
    /// the initial scale when the minimum is above 0, and <see cref="SearchScale.Linear"/> otherwise.</remarks>
    public SearchScale? Scale { get; }

    /// <summary>Creates a parameter that tries each of the given values.</summary>
    /// <param name="name">The option's name.</param>
    /// <param name="values">The values, one or more, finite and distinct; a grid tries them in this order.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">The name is empty, or there are no values, a value is not finite or a value is listed twice.</exception>
    public static SearchParameter OneOf(string name, params ReadOnlySpan<double> values)
    {
        CheckName(name);
        if (values.IsEmpty)
        {
            throw new ArgumentException($"The parameter '{name}' lists no values; give one or more, such as {name}=16,32,64.", nameof(values));
        }

        var seen = new HashSet<double>();
        foreach (double value in values)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"The parameter '{name}' lists {Format(value)}; every value must be a finite number.", nameof(values));
            }

            if (!seen.Add(value))
            {
                throw new ArgumentException($"The parameter '{name}' lists {Format(value)} twice; list each value once.", nameof(values));
            }
        }

        double[] copy = values.ToArray();
        return new SearchParameter(name, copy, copy.Min(), copy.Max(), null, isRange: false);
    }

    /// <summary>Creates a parameter that takes values between <paramref name="minimum"/> and <paramref name="maximum"/>, both included.</summary>
    /// <param name="name">The option's name.</param>
    /// <param name="minimum">The smallest value.</param>
    /// <param name="maximum">The largest value, greater than <paramref name="minimum"/>.</param>
    /// <param name="scale">How values are spread; <see langword="null"/> for the option's usual scale.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">The name is empty, an end is not finite, the range is empty, or a logarithmic range does not
    /// start above 0.</exception>
    public static SearchParameter Between(string name, double minimum, double maximum, SearchScale? scale = null)
    {
        CheckName(name);
        if (!double.IsFinite(minimum) || !double.IsFinite(maximum))
        {
            throw new ArgumentException($"The range of '{name}' is {Format(minimum)}..{Format(maximum)}; both ends must be finite numbers.", nameof(minimum));
        }

        if (!(minimum < maximum))
        {
            throw new ArgumentException(
                $"The range of '{name}' is {Format(minimum)}..{Format(maximum)}; the minimum must be less than the maximum (list a single value as {name}={Format(minimum)}).",
                nameof(maximum));
        }

        if (scale is { } given && !Enum.IsDefined(given))
        {
            throw new ArgumentException($"The scale of '{name}' is {(int)given}; it must be Linear or Logarithmic.", nameof(scale));
        }

        if (scale == SearchScale.Logarithmic && minimum <= 0)
        {
            throw new ArgumentException(
                $"The range of '{name}' is {Format(minimum)}..{Format(maximum)} on a logarithmic scale; its minimum must be above 0 (or use a linear scale).",
                nameof(minimum));
        }

        return new SearchParameter(name, [], minimum, maximum, scale, isRange: true);
    }

    /// <summary>Returns the text form: <c>name=v1,v2</c>, <c>name=min..max</c> or <c>name=min..max:log</c>.</summary>
    /// <returns>The text, readable by <see cref="SearchSpace.ParseParameters"/>.</returns>
    public override string ToString() => IsRange
        ? $"{Name}={Format(Minimum)}..{Format(Maximum)}{Scale switch { SearchScale.Logarithmic => ":log", SearchScale.Linear => ":linear", _ => "" }}"
        : $"{Name}={string.Join(",", _values.Select(Format))}";

    /// <summary>The same values under another name and with a resolved scale.</summary>
    internal SearchParameter Resolved(string name, SearchScale? scale) => new(name, _values, Minimum, Maximum, IsRange ? scale : null, IsRange);

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A search parameter's name is empty; give an option name such as NumberOfFactors.", nameof(name));
        }
    }
}
