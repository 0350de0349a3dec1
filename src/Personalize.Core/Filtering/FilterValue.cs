using System.Text;

namespace Personalize.Core.Filtering;

/// <summary>A typed value in a <see cref="Filter"/>: text, a number or an instant.</summary>
/// <remarks>
/// <para>Values are normalized when created, so that equal values have one representation and one text: numbers lose trailing zeros
/// (<c>10.50</c> becomes <c>10.5</c>) and instants are converted to UTC.</para>
/// <para>Immutable and safe to share between threads. Two values are equal when they have the same type and the same content (text is
/// compared ordinally).</para>
/// </remarks>
public sealed class FilterValue : IEquatable<FilterValue>
{
    private readonly string? _text;
    private readonly decimal _number;
    private readonly DateTimeOffset _dateTime;

    private FilterValue(FilterValueType type, string? text, decimal number, DateTimeOffset dateTime)
    {
        Type = type;
        _text = text;
        _number = number;
        _dateTime = dateTime;
    }

    /// <summary>Gets the type of the value, which says which of <see cref="Text"/>, <see cref="Number"/> and <see cref="DateTime"/> to read.</summary>
    public FilterValueType Type { get; }

    /// <summary>Gets the text, when <see cref="Type"/> is <see cref="FilterValueType.Text"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not text.</exception>
    public string Text => Type == FilterValueType.Text ? _text! : throw WrongType(FilterValueType.Text);

    /// <summary>Gets the number, when <see cref="Type"/> is <see cref="FilterValueType.Number"/>; it has no trailing zeros.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public decimal Number => Type == FilterValueType.Number ? _number : throw WrongType(FilterValueType.Number);

    /// <summary>Gets the instant, when <see cref="Type"/> is <see cref="FilterValueType.DateTime"/>; its offset is always zero (UTC).</summary>
    /// <exception cref="InvalidOperationException">The value is not a date-time.</exception>
    public DateTimeOffset DateTime => Type == FilterValueType.DateTime ? _dateTime : throw WrongType(FilterValueType.DateTime);

    /// <summary>Returns whether two values are equal.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or they are equal.</returns>
    public static bool operator ==(FilterValue? left, FilterValue? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Returns whether two values differ.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when they are not equal.</returns>
    public static bool operator !=(FilterValue? left, FilterValue? right) => !(left == right);

    /// <summary>Returns whether this value has the same type and content as another.</summary>
    /// <param name="other">The other value.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public bool Equals(FilterValue? other) =>
        other is not null && Type == other.Type && Type switch
        {
            FilterValueType.Text => string.Equals(_text, other._text, StringComparison.Ordinal),
            FilterValueType.Number => _number == other._number,
            _ => _dateTime.UtcTicks == other._dateTime.UtcTicks,
        };

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FilterValue);

    /// <inheritdoc />
    public override int GetHashCode() => Type switch
    {
        FilterValueType.Text => HashCode.Combine(Type, StringComparer.Ordinal.GetHashCode(_text!)),
        FilterValueType.Number => HashCode.Combine(Type, _number),
        _ => HashCode.Combine(Type, _dateTime.UtcTicks),
    };

    /// <summary>Returns the value as filter text writes it: text and date-times in double quotes, numbers bare.</summary>
    /// <returns>For example <c>"acme"</c>, <c>10.5</c> or <c>"2024-01-31T12:00:00Z"</c>.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    internal static FilterValue FromText(string text) => new(FilterValueType.Text, text, 0m, default);

    internal static FilterValue FromNumber(decimal number) => new(FilterValueType.Number, null, FilterSyntax.Normalize(number), default);

    internal static FilterValue FromDateTime(DateTimeOffset dateTime) => new(FilterValueType.DateTime, null, 0m, FilterSyntax.Normalize(dateTime));

    internal void AppendTo(StringBuilder builder)
    {
        switch (Type)
        {
            case FilterValueType.Text:
                FilterSyntax.AppendQuoted(builder, _text!);
                break;
            case FilterValueType.Number:
                FilterSyntax.AppendNumber(builder, _number);
                break;
            default:
                FilterSyntax.AppendDateTime(builder, _dateTime);
                break;
        }
    }

    internal int CompareTo(FilterValue other) =>
        Type == FilterValueType.Number ? _number.CompareTo(other._number) : _dateTime.UtcTicks.CompareTo(other._dateTime.UtcTicks);

    private InvalidOperationException WrongType(FilterValueType wanted) =>
        new($"This filter value is {Type}, not {wanted}; check FilterValue.Type before reading it.");
}
