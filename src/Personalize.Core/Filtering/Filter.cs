using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Personalize.Core.Filtering;

/// <summary>
/// A filter over catalogue items: an immutable tree of attribute conditions (<c>brand in ("acme", "zeta")</c>), per-user rules
/// (<c>not seen</c>) and the logical operators and, or, not.
/// </summary>
/// <remarks>
/// <para>Create filters with the fluent entry point <see cref="Where"/> (<c>Filter.Where("brand").In("acme").And(Filter.Where("price").AtMost(50m))</c>),
/// with a <see cref="FilterBuilder"/>, or by parsing text with <see cref="FilterText.Parse"/>. All three give equal values for the same filter.</para>
/// <para><b>Reading the tree.</b> <see cref="Kind"/> says what a node tests. Attribute conditions name an <see cref="Attribute"/> and hold
/// their <see cref="Values"/>; <see cref="FilterKind.And"/>, <see cref="FilterKind.Or"/> and <see cref="FilterKind.Not"/> hold
/// <see cref="Operands"/>. <see cref="FilterKind"/> documents which values each kind has.</para>
/// <para><b>Value equality.</b> Two filters are equal when their trees are equal: same kinds, attribute names (ordinal), values and operands,
/// in the same order. And and or are flattened when built (<c>a.And(b).And(c)</c> equals <c>a.And(b.And(c))</c>), and values are normalized
/// (<see cref="FilterValue"/>); nothing else is rewritten, so <c>not not a</c> is not equal to <c>a</c>. <see cref="ToString"/> returns the
/// canonical text, which <see cref="FilterText.Parse"/> reads back to an equal filter.</para>
/// <para><b>Limits.</b> Every filter stays within the limits of the text syntax, so its text can always be parsed back: at most
/// <see cref="FilterText.MaxDepth"/> levels deep, at most <see cref="FilterText.MaxListSize"/> values per list and at most
/// <see cref="FilterText.MaxLength"/> characters of canonical text. The methods that would exceed a limit throw <see cref="ArgumentException"/>.</para>
/// <para>Immutable and safe to share between threads.</para>
/// </remarks>
public sealed partial class Filter : IEquatable<Filter>
{
    private readonly string _text;
    private readonly int _hashCode;

    private Filter(FilterKind kind, string? attribute, ImmutableArray<FilterValue> values, ImmutableArray<Filter> operands)
    {
        Kind = kind;
        Attribute = attribute;
        Values = values;
        Operands = operands;
        int depth = 0;
        foreach (Filter operand in operands)
        {
            depth = Math.Max(depth, operand.Depth);
        }

        Depth = depth + 1;
        _text = WriteText();
        _hashCode = StringComparer.Ordinal.GetHashCode(_text);
    }

    /// <summary>Gets what this node tests, which says which of the other properties it uses.</summary>
    public FilterKind Kind { get; }

    /// <summary>Gets the attribute an attribute condition tests, such as <c>brand</c>; <see langword="null"/> for and, or, not and the per-user rules.</summary>
    /// <remarks>Names are matched exactly (ordinal) and have the shape <c>[A-Za-z_][A-Za-z0-9_]*</c>.</remarks>
    public string? Attribute { get; }

    /// <summary>Gets the values of an attribute condition, in order; empty for the other kinds and for exists, is true and is false.</summary>
    /// <remarks>One value for equal-to, the comparisons and under; the low then the high end for between; one or more for in and contains.
    /// All values of one node have the same <see cref="FilterValue.Type"/>.</remarks>
    public ImmutableArray<FilterValue> Values { get; }

    /// <summary>Gets the operands of and, or (two or more) and not (one); empty for the other kinds.</summary>
    public ImmutableArray<Filter> Operands { get; }

    /// <summary>Gets how deep the tree is: 1 for a condition or a per-user rule, and one more than the deepest operand for and, or and not.</summary>
    public int Depth { get; }

    internal string Text => _text;

    /// <summary>Returns whether two filters are equal.</summary>
    /// <param name="left">The first filter.</param>
    /// <param name="right">The second filter.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or their trees are equal.</returns>
    public static bool operator ==(Filter? left, Filter? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Returns whether two filters differ.</summary>
    /// <param name="left">The first filter.</param>
    /// <param name="right">The second filter.</param>
    /// <returns><see langword="true"/> when they are not equal.</returns>
    public static bool operator !=(Filter? left, Filter? right) => !(left == right);

    /// <summary>Returns whether this filter's tree equals another's: same kinds, attributes, values and operands, in the same order.</summary>
    /// <param name="other">The other filter.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public bool Equals(Filter? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || _hashCode != other._hashCode || Kind != other.Kind || Depth != other.Depth
            || !string.Equals(Attribute, other.Attribute, StringComparison.Ordinal)
            || Values.Length != other.Values.Length || Operands.Length != other.Operands.Length)
        {
            return false;
        }

        for (int i = 0; i < Values.Length; i++)
        {
            if (!Values[i].Equals(other.Values[i]))
            {
                return false;
            }
        }

        for (int i = 0; i < Operands.Length; i++)
        {
            if (!Operands[i].Equals(other.Operands[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Filter);

    /// <summary>Returns a hash code consistent with <see cref="Equals(Filter)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => _hashCode;

    /// <summary>Returns the canonical filter text, the same as <see cref="FilterText.Format"/>.</summary>
    /// <returns>For example <c>brand in ("acme", "zeta") and price between 10 and 50</c>.</returns>
    public override string ToString() => _text;

    internal static Filter CreateCondition(FilterKind kind, string attribute, ImmutableArray<FilterValue> values) =>
        new(kind, attribute, values, []);

    /// <summary>Creates an and or an or of the operands, flattening operands of the same kind; a single operand is returned as it is.</summary>
    internal static Filter CreateGroup(FilterKind kind, IReadOnlyList<Filter> operands)
    {
        if (operands.Count == 1)
        {
            return operands[0];
        }

        var flat = ImmutableArray.CreateBuilder<Filter>(operands.Count);
        foreach (Filter operand in operands)
        {
            if (operand.Kind == kind)
            {
                flat.AddRange(operand.Operands);
            }
            else
            {
                flat.Add(operand);
            }
        }

        return new Filter(kind, null, [], flat.ToImmutable());
    }

    internal static Filter CreateNot(Filter operand) => new(FilterKind.Not, null, [], [operand]);

    /// <summary>Returns why the filter exceeds a limit of the text syntax, or <see langword="null"/> when it does not.</summary>
    internal string? LimitError()
    {
        if (Depth > FilterText.MaxDepth)
        {
            return string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderTooDeep, Depth, FilterText.MaxDepth);
        }

        if (_text.Length > FilterText.MaxLength)
        {
            return string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderTooLong, _text.Length, FilterText.MaxLength);
        }

        return null;
    }

    internal Filter ThrowIfOverLimits(string parameterName)
    {
        string? error = LimitError();
        return error is null ? this : throw new ArgumentException(error, parameterName);
    }

    private string WriteText()
    {
        var builder = new StringBuilder();
        switch (Kind)
        {
            case FilterKind.And:
            case FilterKind.Or:
                for (int i = 0; i < Operands.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(Kind == FilterKind.And ? " and " : " or ");
                    }

                    // "and" binds tighter than "or", so only an or inside an and needs parentheses.
                    AppendOperand(builder, Operands[i], parenthesize: Kind == FilterKind.And && Operands[i].Kind == FilterKind.Or);
                }

                break;
            case FilterKind.Not:
                builder.Append("not ");
                AppendOperand(builder, Operands[0], parenthesize: Operands[0].Kind is FilterKind.And or FilterKind.Or);
                break;
            case FilterKind.NotSeen:
                builder.Append("not seen");
                break;
            case FilterKind.NotBought:
                builder.Append("not bought");
                break;
            default:
                WriteCondition(builder);
                break;
        }

        return builder.ToString();
    }

    private void WriteCondition(StringBuilder builder)
    {
        builder.Append(Attribute);
        switch (Kind)
        {
            case FilterKind.EqualTo:
                builder.Append(" = ");
                Values[0].AppendTo(builder);
                break;
            case FilterKind.In:
                builder.Append(" in ");
                AppendList(builder, Values);
                break;
            case FilterKind.Between:
                builder.Append(" between ");
                Values[0].AppendTo(builder);
                builder.Append(" and ");
                Values[1].AppendTo(builder);
                break;
            case FilterKind.AtLeast:
                builder.Append(" >= ");
                Values[0].AppendTo(builder);
                break;
            case FilterKind.AtMost:
                builder.Append(" <= ");
                Values[0].AppendTo(builder);
                break;
            case FilterKind.GreaterThan:
                builder.Append(" > ");
                Values[0].AppendTo(builder);
                break;
            case FilterKind.LessThan:
                builder.Append(" < ");
                Values[0].AppendTo(builder);
                break;
            case FilterKind.Exists:
                builder.Append(" exists");
                break;
            case FilterKind.IsTrue:
                break;
            case FilterKind.IsFalse:
                builder.Append(" = false");
                break;
            case FilterKind.ContainsAny:
                builder.Append(" contains any ");
                AppendList(builder, Values);
                break;
            case FilterKind.ContainsAll:
                builder.Append(" contains all ");
                AppendList(builder, Values);
                break;
            case FilterKind.Under:
                builder.Append(" under ");
                Values[0].AppendTo(builder);
                break;
            default:
                throw new InvalidOperationException($"Unknown filter kind {Kind}.");
        }
    }

    private static void AppendOperand(StringBuilder builder, Filter operand, bool parenthesize)
    {
        if (parenthesize)
        {
            builder.Append('(').Append(operand._text).Append(')');
        }
        else
        {
            builder.Append(operand._text);
        }
    }

    private static void AppendList(StringBuilder builder, ImmutableArray<FilterValue> values)
    {
        builder.Append('(');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            values[i].AppendTo(builder);
        }

        builder.Append(')');
    }
}
