using System.Collections.Immutable;
using System.Globalization;
using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>
/// A recursive-descent parser with one token of look-ahead over the tokens of <see cref="FilterLexer"/>: one pass over the text, no
/// backtracking. Recursion is bounded by <see cref="FilterText.MaxDepth"/> and lists by <see cref="FilterText.MaxListSize"/>.
/// </summary>
/// <remarks>
/// The first error wins. Lexer errors travel inside the token and are reported only when the parser reaches that token, so an earlier
/// error about meaning (such as an empty range) is not hidden by a bad character after it.
/// </remarks>
internal sealed class FilterParser
{
    private readonly string _text;
    private readonly CatalogSchema? _schema;
    private readonly FilterLexer _lexer;
    private FilterToken _token;
    private bool _started;
    private int _previousEnd = -1;
    private int _nesting;
    private FilterErrorCode _errorCode;
    private int _errorPosition;
    private string? _errorReason;

    private FilterParser(string text, CatalogSchema? schema)
    {
        _text = text;
        _schema = schema;
        _lexer = new FilterLexer(text);
    }

    /// <summary>The operator groups that <see cref="AttributeType"/>s accept.</summary>
    private enum Operator
    {
        Bare,
        Equality,
        Comparison,
        In,
        Between,
        Exists,
        Contains,
        Under,
    }

    public static FilterParseResult Parse(string? text, CatalogSchema? schema)
    {
        if (text is null)
        {
            return FilterParseResult.ForError("", 0, FilterErrorCode.NullText, FilterTextErrors.NullText);
        }

        if (text.Length > FilterText.MaxLength)
        {
            return FilterParseResult.ForError(text, FilterText.MaxLength, FilterErrorCode.TextTooLong,
                Format(FilterTextErrors.TextTooLong, text.Length, FilterText.MaxLength));
        }

        return new FilterParser(text, schema).Run();
    }

    private static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    private FilterParseResult Run()
    {
        Advance();
        if (_token.Kind == FilterTokenKind.End)
        {
            return FilterParseResult.ForError(_text, 0, FilterErrorCode.EmptyText, FilterTextErrors.EmptyText);
        }

        Filter? filter = ParseOr();
        if (filter is not null && _token.Kind != FilterTokenKind.End)
        {
            filter = FailExpected(FilterErrorCode.ExpectedEnd, Format(FilterTextErrors.ExpectedEnd, Describe(_token)));
        }

        if (filter is null)
        {
            return FilterParseResult.ForError(_text, _errorPosition, _errorCode, _errorReason!);
        }

        if (filter.Text.Length > FilterText.MaxLength)
        {
            return FilterParseResult.ForError(_text, 0, FilterErrorCode.TextTooLong,
                Format(FilterTextErrors.FormattedTooLong, filter.Text.Length, FilterText.MaxLength));
        }

        return FilterParseResult.ForValue(filter);
    }

    // ---- Grammar ----

    private Filter? ParseOr()
    {
        int start = _token.Start;
        Filter? first = ParseAnd();
        if (first is null || !IsKeyword(FilterKeyword.Or))
        {
            return first;
        }

        var operands = new List<Filter> { first };
        while (IsKeyword(FilterKeyword.Or))
        {
            Advance();
            Filter? next = ParseAnd();
            if (next is null)
            {
                return null;
            }

            operands.Add(next);
        }

        return CheckDepth(Filter.CreateGroup(FilterKind.Or, operands), start);
    }

    private Filter? ParseAnd()
    {
        int start = _token.Start;
        Filter? first = ParseUnary();
        if (first is null || !IsKeyword(FilterKeyword.And))
        {
            return first;
        }

        var operands = new List<Filter> { first };
        while (IsKeyword(FilterKeyword.And))
        {
            Advance();
            Filter? next = ParseUnary();
            if (next is null)
            {
                return null;
            }

            operands.Add(next);
        }

        return CheckDepth(Filter.CreateGroup(FilterKind.And, operands), start);
    }

    private Filter? ParseUnary()
    {
        if (!IsKeyword(FilterKeyword.Not))
        {
            return ParsePrimary();
        }

        int start = _token.Start;
        Advance();
        if (IsKeyword(FilterKeyword.Seen))
        {
            Advance();
            return Filter.NotSeen;
        }

        if (IsKeyword(FilterKeyword.Bought))
        {
            Advance();
            return Filter.NotBought;
        }

        if (++_nesting > FilterText.MaxDepth)
        {
            return FailAt(FilterErrorCode.NestingTooDeep, start, Format(FilterTextErrors.NestingTooDeep, FilterText.MaxDepth));
        }

        Filter? operand = ParseUnary();
        _nesting--;
        return operand is null ? null : CheckDepth(Filter.CreateNot(operand), start);
    }

    private Filter? ParsePrimary()
    {
        switch (_token.Kind)
        {
            case FilterTokenKind.OpenParenthesis:
                int open = _token.Start;
                if (++_nesting > FilterText.MaxDepth)
                {
                    return FailAt(FilterErrorCode.NestingTooDeep, open, Format(FilterTextErrors.NestingTooDeep, FilterText.MaxDepth));
                }

                Advance();
                Filter? inner = ParseOr();
                if (inner is null)
                {
                    return null;
                }

                if (_token.Kind != FilterTokenKind.CloseParenthesis)
                {
                    return FailExpected(FilterErrorCode.ExpectedCloseParenthesis,
                        Format(FilterTextErrors.ExpectedCloseParenthesis, Location(open), Describe(_token)));
                }

                Advance();
                _nesting--;
                return inner;
            case FilterTokenKind.Name:
                return ParseCondition();
            case FilterTokenKind.Keyword when _token.Keyword is FilterKeyword.Seen or FilterKeyword.Bought:
                return FailExpected(FilterErrorCode.ExpectedCondition, Format(FilterTextErrors.ExpectedConditionPerUserRule, Describe(_token)));
            default:
                return FailExpected(FilterErrorCode.ExpectedCondition, Format(FilterTextErrors.ExpectedCondition, Describe(_token)));
        }
    }

    private Filter? ParseCondition()
    {
        FilterToken name = _token;
        string attribute = name.Text!;
        AttributeType? type = null;
        if (_schema is not null)
        {
            if (!_schema.TryGetType(attribute, out AttributeType found))
            {
                return FailAt(FilterErrorCode.UnknownAttribute, name.Start, Format(FilterTextErrors.UnknownAttribute, attribute, ListNames(_schema)));
            }

            type = found;
        }

        Advance();
        FilterToken op = _token;
        switch (op.Kind)
        {
            case FilterTokenKind.End:
            case FilterTokenKind.CloseParenthesis:
            case FilterTokenKind.Keyword when op.Keyword is FilterKeyword.And or FilterKeyword.Or:
                if (type is not null and not AttributeType.Boolean)
                {
                    return FailExpected(FilterErrorCode.ExpectedOperator,
                        Format(FilterTextErrors.ExpectedOperatorForType, attribute, type, OperatorsFor(type.Value), Describe(op)));
                }

                return Condition(FilterKind.IsTrue, attribute, []);
            case FilterTokenKind.Equal:
            case FilterTokenKind.NotEqual:
                return ParseEquality(attribute, type, op);
            case FilterTokenKind.AtLeast:
            case FilterTokenKind.AtMost:
            case FilterTokenKind.Greater:
            case FilterTokenKind.Less:
            {
                if (!CheckOperator(attribute, type, op, Operator.Comparison))
                {
                    return null;
                }

                Advance();
                FilterValue? value = ParseOrdered(attribute, type, OperatorText(op));
                FilterKind kind = op.Kind switch
                {
                    FilterTokenKind.AtLeast => FilterKind.AtLeast,
                    FilterTokenKind.AtMost => FilterKind.AtMost,
                    FilterTokenKind.Greater => FilterKind.GreaterThan,
                    _ => FilterKind.LessThan,
                };
                return value is null ? null : Condition(kind, attribute, [value]);
            }

            case FilterTokenKind.Keyword when op.Keyword == FilterKeyword.In:
            {
                if (!CheckOperator(attribute, type, op, Operator.In))
                {
                    return null;
                }

                Advance();
                ImmutableArray<FilterValue>? values = ParseList(attribute, type, "in", tags: false);
                return values is null ? null : Condition(FilterKind.In, attribute, values.Value);
            }

            case FilterTokenKind.Keyword when op.Keyword == FilterKeyword.Between:
                return ParseBetween(attribute, type, op);
            case FilterTokenKind.Keyword when op.Keyword == FilterKeyword.Exists:
                if (!CheckOperator(attribute, type, op, Operator.Exists))
                {
                    return null;
                }

                Advance();
                return Condition(FilterKind.Exists, attribute, []);
            case FilterTokenKind.Keyword when op.Keyword == FilterKeyword.Contains:
            {
                if (!CheckOperator(attribute, type, op, Operator.Contains))
                {
                    return null;
                }

                Advance();
                if (!IsKeyword(FilterKeyword.Any) && !IsKeyword(FilterKeyword.All))
                {
                    return FailExpected(FilterErrorCode.ExpectedAnyOrAll, Format(FilterTextErrors.ExpectedAnyOrAll, Describe(_token)));
                }

                bool all = _token.Keyword == FilterKeyword.All;
                Advance();
                ImmutableArray<FilterValue>? tags = ParseList(attribute, type, all ? "all" : "any", tags: true);
                return tags is null ? null : Condition(all ? FilterKind.ContainsAll : FilterKind.ContainsAny, attribute, tags.Value);
            }

            case FilterTokenKind.Keyword when op.Keyword == FilterKeyword.Under:
            {
                if (!CheckOperator(attribute, type, op, Operator.Under))
                {
                    return null;
                }

                Advance();
                FilterToken path = _token;
                if (path.Kind != FilterTokenKind.String)
                {
                    return FailExpected(FilterErrorCode.ExpectedString, Format(FilterTextErrors.ExpectedPath, Describe(path)));
                }

                string? error = FilterSyntax.CheckCategoryPath(path.Text!);
                if (error is not null)
                {
                    return FailAt(FilterErrorCode.InvalidCategoryPath, path.Start, error);
                }

                Advance();
                return Condition(FilterKind.Under, attribute, [FilterValue.FromText(path.Text!)]);
            }

            default:
                return FailExpected(FilterErrorCode.ExpectedOperator,
                    type is null
                        ? Format(FilterTextErrors.ExpectedOperator, attribute, Describe(op))
                        : Format(FilterTextErrors.ExpectedOperatorForType, attribute, type, OperatorsFor(type.Value), Describe(op)));
        }
    }

    private Filter? ParseEquality(string attribute, AttributeType? type, FilterToken op)
    {
        if (!CheckOperator(attribute, type, op, Operator.Equality))
        {
            return null;
        }

        Advance();
        FilterToken value = _token;
        bool isBoolean = value.Kind == FilterTokenKind.Keyword && value.Keyword is FilterKeyword.True or FilterKeyword.False;
        if (value.Kind is not (FilterTokenKind.String or FilterTokenKind.Number) && !isBoolean)
        {
            return FailExpected(FilterErrorCode.ExpectedValue, Format(FilterTextErrors.ExpectedValue, OperatorText(op), Describe(value)));
        }

        if (type is not null)
        {
            bool fits = type switch
            {
                AttributeType.Boolean => isBoolean,
                AttributeType.Number => value.Kind == FilterTokenKind.Number,
                _ => value.Kind == FilterTokenKind.String,
            };
            if (!fits)
            {
                return TypeMismatch(attribute, type.Value, value);
            }
        }

        Advance();
        Filter? condition = isBoolean
            ? Condition(value.Keyword == FilterKeyword.True ? FilterKind.IsTrue : FilterKind.IsFalse, attribute, [])
            : Condition(FilterKind.EqualTo, attribute, [value.Kind == FilterTokenKind.Number ? FilterValue.FromNumber(value.Number) : FilterValue.FromText(value.Text!)]);
        return op.Kind == FilterTokenKind.NotEqual ? Filter.CreateNot(condition!) : condition;
    }

    private Filter? ParseBetween(string attribute, AttributeType? type, FilterToken between)
    {
        if (!CheckOperator(attribute, type, between, Operator.Between))
        {
            return null;
        }

        Advance();
        FilterValue? low = ParseOrdered(attribute, type, "between");
        if (low is null)
        {
            return null;
        }

        if (!IsKeyword(FilterKeyword.And))
        {
            return FailExpected(FilterErrorCode.ExpectedAnd, Format(FilterTextErrors.ExpectedAnd, Describe(_token)));
        }

        Advance();
        FilterToken highToken = _token;
        FilterValue? high = ParseOrdered(attribute, type, "and");
        if (high is null)
        {
            return null;
        }

        if (high.Type != low.Type)
        {
            return FailAt(FilterErrorCode.MixedValueTypes, highToken.Start,
                Format(FilterTextErrors.MixedValueTypes, Describe(highToken), TypeName(high.Type), TypeName(low.Type)));
        }

        if (low.CompareTo(high) > 0)
        {
            return FailAt(FilterErrorCode.EmptyRange, between.Start, Format(FilterTextErrors.EmptyRange, low, high));
        }

        return Condition(FilterKind.Between, attribute, [low, high]);
    }

    /// <summary>Reads a number or a quoted ISO 8601 date-time, as the ends of ranges and comparisons are.</summary>
    private FilterValue? ParseOrdered(string attribute, AttributeType? type, string after)
    {
        FilterToken value = _token;
        switch (value.Kind)
        {
            case FilterTokenKind.Number:
                if (type == AttributeType.DateTime)
                {
                    TypeMismatch(attribute, type.Value, value);
                    return null;
                }

                Advance();
                return FilterValue.FromNumber(value.Number);
            case FilterTokenKind.String:
                if (type == AttributeType.Number)
                {
                    TypeMismatch(attribute, type.Value, value);
                    return null;
                }

                if (!FilterSyntax.TryParseDateTime(value.Text!, out DateTimeOffset dateTime))
                {
                    FailAt(FilterErrorCode.InvalidDateTime, value.Start, Format(FilterTextErrors.InvalidDateTime, Raw(value)));
                    return null;
                }

                Advance();
                return FilterValue.FromDateTime(dateTime);
            default:
                FailExpected(FilterErrorCode.ExpectedNumberOrDateTime, Format(FilterTextErrors.ExpectedNumberOrDateTime, after, Describe(value)));
                return null;
        }
    }

    /// <summary>Reads <c>( value { , value } )</c>: strings or numbers of one type, or strings only for tags.</summary>
    private ImmutableArray<FilterValue>? ParseList(string attribute, AttributeType? type, string after, bool tags)
    {
        if (_token.Kind != FilterTokenKind.OpenParenthesis)
        {
            FailExpected(FilterErrorCode.ExpectedOpenParenthesis, Format(FilterTextErrors.ExpectedOpenParenthesis, after, Describe(_token)));
            return null;
        }

        int open = _token.Start;
        Advance();
        var values = ImmutableArray.CreateBuilder<FilterValue>();
        FilterToken first = default;
        while (true)
        {
            FilterToken value = _token;
            if (values.Count == FilterText.MaxListSize)
            {
                FailAt(FilterErrorCode.ListTooLong, value.Start, Format(FilterTextErrors.ListTooLong, Location(open), FilterText.MaxListSize));
                return null;
            }

            if (tags ? value.Kind != FilterTokenKind.String : value.Kind is not (FilterTokenKind.String or FilterTokenKind.Number))
            {
                FailExpected(tags ? FilterErrorCode.ExpectedString : FilterErrorCode.ExpectedValue,
                    Format(tags ? FilterTextErrors.ExpectedTag : FilterTextErrors.ExpectedListValue, Describe(value)));
                return null;
            }

            if (type is AttributeType.Text or AttributeType.Number && value.Kind != (type == AttributeType.Text ? FilterTokenKind.String : FilterTokenKind.Number))
            {
                TypeMismatch(attribute, type.Value, value);
                return null;
            }

            if (values.Count == 0)
            {
                first = value;
            }
            else if (value.Kind != first.Kind)
            {
                FailAt(FilterErrorCode.MixedValueTypes, value.Start, Format(FilterTextErrors.MixedValueTypes, Describe(value),
                    TokenTypeName(value.Kind), TokenTypeName(first.Kind)));
                return null;
            }

            values.Add(value.Kind == FilterTokenKind.Number ? FilterValue.FromNumber(value.Number) : FilterValue.FromText(value.Text!));
            Advance();
            if (_token.Kind == FilterTokenKind.Comma)
            {
                Advance();
                continue;
            }

            if (_token.Kind == FilterTokenKind.CloseParenthesis)
            {
                Advance();
                return values.ToImmutable();
            }

            FailExpected(FilterErrorCode.ExpectedCommaOrClose, Format(FilterTextErrors.ExpectedCommaOrClose, Location(open), Describe(_token)));
            return null;
        }
    }

    // ---- Types ----

    private static bool Accepts(AttributeType type, Operator op) => type switch
    {
        AttributeType.Text => op is Operator.Equality or Operator.In or Operator.Exists,
        AttributeType.Number => op is Operator.Equality or Operator.Comparison or Operator.In or Operator.Between or Operator.Exists,
        AttributeType.Boolean => op is Operator.Bare or Operator.Equality or Operator.Exists,
        AttributeType.DateTime => op is Operator.Comparison or Operator.Between or Operator.Exists,
        AttributeType.Tags => op is Operator.Contains or Operator.Exists,
        AttributeType.Category => op is Operator.Under or Operator.Equality or Operator.Exists,
        _ => false,
    };

    private static string OperatorsFor(AttributeType type) => type switch
    {
        AttributeType.Text => "=, !=, in or exists",
        AttributeType.Number => "=, !=, in, between, >=, <=, >, < or exists",
        AttributeType.Boolean => "the name alone (is true), = true, = false, != or exists",
        AttributeType.DateTime => "between, >=, <=, >, < or exists",
        AttributeType.Tags => "contains any, contains all or exists",
        _ => "under, =, != or exists",
    };

    private static string ExpectedValueFor(AttributeType type) => type switch
    {
        AttributeType.Number => "a number",
        AttributeType.Boolean => "true or false",
        AttributeType.DateTime => "a date-time in quotes such as \"2024-01-31T12:00:00Z\"",
        _ => "a string in double quotes",
    };

    private static string TypeName(FilterValueType type) => type switch
    {
        FilterValueType.Text => "text",
        FilterValueType.Number => "a number",
        _ => "a date-time",
    };

    private static string TokenTypeName(FilterTokenKind kind) => kind == FilterTokenKind.Number ? "a number" : "a string";

    private static string ListNames(CatalogSchema schema)
    {
        const int Shown = 20;
        if (schema.Count == 0)
        {
            return FilterTextErrors.NoAttributes;
        }

        string names = string.Join(", ", schema.Names.Take(Shown));
        return schema.Count <= Shown ? names : Format("{0}, … ({1} in all)", names, schema.Count);
    }

    private bool CheckOperator(string attribute, AttributeType? type, FilterToken op, Operator group)
    {
        if (type is null || Accepts(type.Value, group))
        {
            return true;
        }

        FailAt(FilterErrorCode.OperatorNotValidForType, op.Start,
            Format(FilterTextErrors.OperatorNotValidForType, OperatorText(op), attribute, type, OperatorsFor(type.Value)));
        return false;
    }

    private Filter? TypeMismatch(string attribute, AttributeType type, FilterToken value) =>
        FailAt(FilterErrorCode.ValueTypeMismatch, value.Start,
            Format(FilterTextErrors.ValueTypeMismatch, attribute, type, ExpectedValueFor(type), Describe(value)));

    private Filter? Condition(FilterKind kind, string attribute, ImmutableArray<FilterValue> values) =>
        Filter.CreateCondition(kind, attribute, values);

    private Filter? CheckDepth(Filter filter, int start) =>
        filter.Depth <= FilterText.MaxDepth
            ? filter
            : FailAt(FilterErrorCode.NestingTooDeep, start, Format(FilterTextErrors.FilterTooDeep, filter.Depth, FilterText.MaxDepth));

    // ---- Errors ----

    private Filter? FailAt(FilterErrorCode code, int position, string reason)
    {
        if (_errorReason is null)
        {
            _errorCode = code;
            _errorPosition = position;
            _errorReason = reason;
        }

        return null;
    }

    /// <summary>Reports a missing token just after the previous token, unless the current token is a lexer error, which then wins.</summary>
    private Filter? FailExpected(FilterErrorCode code, string reason) =>
        _token.Kind == FilterTokenKind.Error
            ? FailAt(_token.ErrorCode, _token.Start, _token.Text!)
            : FailAt(code, _previousEnd >= 0 ? _previousEnd : _token.Start, reason);

    private string Location(int position) => FilterSyntaxException.Location(_text, position);

    private string Raw(FilterToken token) => FilterSyntax.Abbreviate(_text[token.Start..token.End]);

    private string Describe(FilterToken token) => token.Kind switch
    {
        FilterTokenKind.End => "the end of the filter",
        FilterTokenKind.Name => $"the name '{Raw(token)}'",
        FilterTokenKind.Keyword => $"the keyword '{Raw(token)}'",
        FilterTokenKind.String => $"the string {Raw(token)}",
        FilterTokenKind.Number => $"the number {Raw(token)}",
        _ => $"'{Raw(token)}'",
    };

    private string OperatorText(FilterToken op) => _text[op.Start..op.End];

    // ---- Tokens ----

    private bool IsKeyword(FilterKeyword keyword) => _token.Kind == FilterTokenKind.Keyword && _token.Keyword == keyword;

    private void Advance()
    {
        if (_started)
        {
            _previousEnd = _token.End;
        }

        _started = true;
        _token = _lexer.Next();
    }
}
