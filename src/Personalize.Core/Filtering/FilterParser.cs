using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>
/// A recursive-descent parser with one token of look-ahead and a hand-written lexer: one pass over the text, no backtracking, no regular
/// expressions. Recursion is bounded by <see cref="FilterText.MaxDepth"/> and lists by <see cref="FilterText.MaxListSize"/>.
/// </summary>
/// <remarks>
/// The first error wins. Lexer errors travel inside the token and are reported only when the parser reaches that token, so an earlier
/// error about meaning (such as an empty range) is not hidden by a bad character after it.
/// </remarks>
internal sealed class FilterParser
{
    private readonly string _text;
    private readonly CatalogSchema? _schema;
    private int _next;
    private Token _token;
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
    }

    private enum TokenKind
    {
        End,
        Name,
        Keyword,
        String,
        Number,
        OpenParenthesis,
        CloseParenthesis,
        Comma,
        Equal,
        NotEqual,
        AtLeast,
        AtMost,
        Greater,
        Less,
        Error,
    }

    /// <summary>The keywords, in the order of <see cref="FilterSyntax.Keywords"/>.</summary>
    private enum Keyword
    {
        And,
        Or,
        Not,
        In,
        Between,
        Exists,
        Contains,
        Any,
        All,
        Under,
        Seen,
        Bought,
        True,
        False,
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
        if (_token.Kind == TokenKind.End)
        {
            return FilterParseResult.ForError(_text, 0, FilterErrorCode.EmptyText, FilterTextErrors.EmptyText);
        }

        Filter? filter = ParseOr();
        if (filter is not null && _token.Kind != TokenKind.End)
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
        if (first is null || !IsKeyword(Keyword.Or))
        {
            return first;
        }

        var operands = new List<Filter> { first };
        while (IsKeyword(Keyword.Or))
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
        if (first is null || !IsKeyword(Keyword.And))
        {
            return first;
        }

        var operands = new List<Filter> { first };
        while (IsKeyword(Keyword.And))
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
        if (!IsKeyword(Keyword.Not))
        {
            return ParsePrimary();
        }

        int start = _token.Start;
        Advance();
        if (IsKeyword(Keyword.Seen))
        {
            Advance();
            return Filter.NotSeen;
        }

        if (IsKeyword(Keyword.Bought))
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
            case TokenKind.OpenParenthesis:
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

                if (_token.Kind != TokenKind.CloseParenthesis)
                {
                    return FailExpected(FilterErrorCode.ExpectedCloseParenthesis,
                        Format(FilterTextErrors.ExpectedCloseParenthesis, Location(open), Describe(_token)));
                }

                Advance();
                _nesting--;
                return inner;
            case TokenKind.Name:
                return ParseCondition();
            case TokenKind.Keyword when _token.Keyword is Keyword.Seen or Keyword.Bought:
                return FailExpected(FilterErrorCode.ExpectedCondition, Format(FilterTextErrors.ExpectedConditionPerUserRule, Describe(_token)));
            default:
                return FailExpected(FilterErrorCode.ExpectedCondition, Format(FilterTextErrors.ExpectedCondition, Describe(_token)));
        }
    }

    private Filter? ParseCondition()
    {
        Token name = _token;
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
        Token op = _token;
        switch (op.Kind)
        {
            case TokenKind.End:
            case TokenKind.CloseParenthesis:
            case TokenKind.Keyword when op.Keyword is Keyword.And or Keyword.Or:
                if (type is not null and not AttributeType.Boolean)
                {
                    return FailExpected(FilterErrorCode.ExpectedOperator,
                        Format(FilterTextErrors.ExpectedOperatorForType, attribute, type, OperatorsFor(type.Value), Describe(op)));
                }

                return Condition(FilterKind.IsTrue, attribute, []);
            case TokenKind.Equal:
            case TokenKind.NotEqual:
                return ParseEquality(attribute, type, op);
            case TokenKind.AtLeast:
            case TokenKind.AtMost:
            case TokenKind.Greater:
            case TokenKind.Less:
            {
                if (!CheckOperator(attribute, type, op, Operator.Comparison))
                {
                    return null;
                }

                Advance();
                FilterValue? value = ParseOrdered(attribute, type, OperatorText(op));
                FilterKind kind = op.Kind switch
                {
                    TokenKind.AtLeast => FilterKind.AtLeast,
                    TokenKind.AtMost => FilterKind.AtMost,
                    TokenKind.Greater => FilterKind.GreaterThan,
                    _ => FilterKind.LessThan,
                };
                return value is null ? null : Condition(kind, attribute, [value]);
            }

            case TokenKind.Keyword when op.Keyword == Keyword.In:
            {
                if (!CheckOperator(attribute, type, op, Operator.In))
                {
                    return null;
                }

                Advance();
                ImmutableArray<FilterValue>? values = ParseList(attribute, type, "in", tags: false);
                return values is null ? null : Condition(FilterKind.In, attribute, values.Value);
            }

            case TokenKind.Keyword when op.Keyword == Keyword.Between:
                return ParseBetween(attribute, type, op);
            case TokenKind.Keyword when op.Keyword == Keyword.Exists:
                if (!CheckOperator(attribute, type, op, Operator.Exists))
                {
                    return null;
                }

                Advance();
                return Condition(FilterKind.Exists, attribute, []);
            case TokenKind.Keyword when op.Keyword == Keyword.Contains:
            {
                if (!CheckOperator(attribute, type, op, Operator.Contains))
                {
                    return null;
                }

                Advance();
                if (!IsKeyword(Keyword.Any) && !IsKeyword(Keyword.All))
                {
                    return FailExpected(FilterErrorCode.ExpectedAnyOrAll, Format(FilterTextErrors.ExpectedAnyOrAll, Describe(_token)));
                }

                bool all = _token.Keyword == Keyword.All;
                Advance();
                ImmutableArray<FilterValue>? tags = ParseList(attribute, type, all ? "all" : "any", tags: true);
                return tags is null ? null : Condition(all ? FilterKind.ContainsAll : FilterKind.ContainsAny, attribute, tags.Value);
            }

            case TokenKind.Keyword when op.Keyword == Keyword.Under:
            {
                if (!CheckOperator(attribute, type, op, Operator.Under))
                {
                    return null;
                }

                Advance();
                Token path = _token;
                if (path.Kind != TokenKind.String)
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

    private Filter? ParseEquality(string attribute, AttributeType? type, Token op)
    {
        if (!CheckOperator(attribute, type, op, Operator.Equality))
        {
            return null;
        }

        Advance();
        Token value = _token;
        bool isBoolean = value.Kind == TokenKind.Keyword && value.Keyword is Keyword.True or Keyword.False;
        if (value.Kind is not (TokenKind.String or TokenKind.Number) && !isBoolean)
        {
            return FailExpected(FilterErrorCode.ExpectedValue, Format(FilterTextErrors.ExpectedValue, OperatorText(op), Describe(value)));
        }

        if (type is not null)
        {
            bool fits = type switch
            {
                AttributeType.Boolean => isBoolean,
                AttributeType.Number => value.Kind == TokenKind.Number,
                _ => value.Kind == TokenKind.String,
            };
            if (!fits)
            {
                return TypeMismatch(attribute, type.Value, value);
            }
        }

        Advance();
        Filter? condition = isBoolean
            ? Condition(value.Keyword == Keyword.True ? FilterKind.IsTrue : FilterKind.IsFalse, attribute, [])
            : Condition(FilterKind.EqualTo, attribute, [value.Kind == TokenKind.Number ? FilterValue.FromNumber(value.Number) : FilterValue.FromText(value.Text!)]);
        return op.Kind == TokenKind.NotEqual ? Filter.CreateNot(condition!) : condition;
    }

    private Filter? ParseBetween(string attribute, AttributeType? type, Token between)
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

        if (!IsKeyword(Keyword.And))
        {
            return FailExpected(FilterErrorCode.ExpectedAnd, Format(FilterTextErrors.ExpectedAnd, Describe(_token)));
        }

        Advance();
        Token highToken = _token;
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
        Token value = _token;
        switch (value.Kind)
        {
            case TokenKind.Number:
                if (type == AttributeType.DateTime)
                {
                    TypeMismatch(attribute, type.Value, value);
                    return null;
                }

                Advance();
                return FilterValue.FromNumber(value.Number);
            case TokenKind.String:
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
        if (_token.Kind != TokenKind.OpenParenthesis)
        {
            FailExpected(FilterErrorCode.ExpectedOpenParenthesis, Format(FilterTextErrors.ExpectedOpenParenthesis, after, Describe(_token)));
            return null;
        }

        int open = _token.Start;
        Advance();
        var values = ImmutableArray.CreateBuilder<FilterValue>();
        Token first = default;
        while (true)
        {
            Token value = _token;
            if (values.Count == FilterText.MaxListSize)
            {
                FailAt(FilterErrorCode.ListTooLong, value.Start, Format(FilterTextErrors.ListTooLong, Location(open), FilterText.MaxListSize));
                return null;
            }

            if (tags ? value.Kind != TokenKind.String : value.Kind is not (TokenKind.String or TokenKind.Number))
            {
                FailExpected(tags ? FilterErrorCode.ExpectedString : FilterErrorCode.ExpectedValue,
                    Format(tags ? FilterTextErrors.ExpectedTag : FilterTextErrors.ExpectedListValue, Describe(value)));
                return null;
            }

            if (type is AttributeType.Text or AttributeType.Number && value.Kind != (type == AttributeType.Text ? TokenKind.String : TokenKind.Number))
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

            values.Add(value.Kind == TokenKind.Number ? FilterValue.FromNumber(value.Number) : FilterValue.FromText(value.Text!));
            Advance();
            if (_token.Kind == TokenKind.Comma)
            {
                Advance();
                continue;
            }

            if (_token.Kind == TokenKind.CloseParenthesis)
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

    private static string TokenTypeName(TokenKind kind) => kind == TokenKind.Number ? "a number" : "a string";

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

    private bool CheckOperator(string attribute, AttributeType? type, Token op, Operator group)
    {
        if (type is null || Accepts(type.Value, group))
        {
            return true;
        }

        FailAt(FilterErrorCode.OperatorNotValidForType, op.Start,
            Format(FilterTextErrors.OperatorNotValidForType, OperatorText(op), attribute, type, OperatorsFor(type.Value)));
        return false;
    }

    private Filter? TypeMismatch(string attribute, AttributeType type, Token value) =>
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
        _token.Kind == TokenKind.Error
            ? FailAt(_token.ErrorCode, _token.Start, _token.Text!)
            : FailAt(code, _previousEnd >= 0 ? _previousEnd : _token.Start, reason);

    private string Location(int position) => FilterSyntaxException.Location(_text, position);

    private string Raw(Token token) => FilterSyntax.Abbreviate(_text[token.Start..token.End]);

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the filter",
        TokenKind.Name => $"the name '{Raw(token)}'",
        TokenKind.Keyword => $"the keyword '{Raw(token)}'",
        TokenKind.String => $"the string {Raw(token)}",
        TokenKind.Number => $"the number {Raw(token)}",
        _ => $"'{Raw(token)}'",
    };

    private string OperatorText(Token op) => _text[op.Start..op.End];

    // ---- Lexer ----

    private bool IsKeyword(Keyword keyword) => _token.Kind == TokenKind.Keyword && _token.Keyword == keyword;

    private void Advance()
    {
        if (_started)
        {
            _previousEnd = _token.End;
        }

        _started = true;
        _token = Lex();
    }

    private Token Lex()
    {
        string text = _text;
        int i = _next;
        while (i < text.Length && FilterSyntax.IsWhiteSpace(text[i]))
        {
            i++;
        }

        int start = i;
        if (i == text.Length)
        {
            _next = i;
            return new Token(TokenKind.End, i, i);
        }

        char c = text[i];
        switch (c)
        {
            case '(':
                return Symbol(TokenKind.OpenParenthesis, start, 1);
            case ')':
                return Symbol(TokenKind.CloseParenthesis, start, 1);
            case ',':
                return Symbol(TokenKind.Comma, start, 1);
            case '=':
                return Symbol(TokenKind.Equal, start, 1);
            case '!':
                return i + 1 < text.Length && text[i + 1] == '='
                    ? Symbol(TokenKind.NotEqual, start, 2)
                    : LexError(FilterErrorCode.UnexpectedCharacter, start, FilterTextErrors.LoneExclamationMark);
            case '>':
                return i + 1 < text.Length && text[i + 1] == '=' ? Symbol(TokenKind.AtLeast, start, 2) : Symbol(TokenKind.Greater, start, 1);
            case '<':
                return i + 1 < text.Length && text[i + 1] == '=' ? Symbol(TokenKind.AtMost, start, 2) : Symbol(TokenKind.Less, start, 1);
            case '"':
                return LexString(start);
        }

        if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
        {
            return LexNumber(start);
        }

        if (FilterSyntax.IsNameStart(c))
        {
            while (i < text.Length && FilterSyntax.IsNamePart(text[i]))
            {
                i++;
            }

            _next = i;
            int keyword = FilterSyntax.KeywordIndex(text.AsSpan(start, i - start));
            return keyword >= 0
                ? new Token(TokenKind.Keyword, start, i) { Keyword = (Keyword)keyword }
                : new Token(TokenKind.Name, start, i) { Text = text[start..i] };
        }

        string shown = char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? "" : $"'{c}' ";
        return LexError(FilterErrorCode.UnexpectedCharacter, start,
            Format(FilterTextErrors.UnexpectedCharacter, string.Create(CultureInfo.InvariantCulture, $"{shown}(U+{(int)c:X4})")));
    }

    private Token Symbol(TokenKind kind, int start, int length)
    {
        _next = start + length;
        return new Token(kind, start, start + length);
    }

    private Token LexString(int start)
    {
        string text = _text;
        int i = start + 1;
        StringBuilder? unescaped = null;
        int runStart = i;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"')
            {
                string value = unescaped is null ? text[runStart..i] : unescaped.Append(text, runStart, i - runStart).ToString();
                _next = i + 1;
                return new Token(TokenKind.String, start, i + 1) { Text = value };
            }

            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }

                char escaped = text[i + 1];
                if (escaped is not ('"' or '\\'))
                {
                    return LexError(FilterErrorCode.InvalidEscape, i, Format(FilterTextErrors.InvalidEscape, FilterSyntax.Abbreviate(escaped.ToString())));
                }

                unescaped ??= new StringBuilder();
                unescaped.Append(text, runStart, i - runStart).Append(escaped);
                i += 2;
                runStart = i;
                continue;
            }

            i++;
        }

        return LexError(FilterErrorCode.UnterminatedString, start, FilterTextErrors.UnterminatedString);
    }

    private Token LexNumber(int start)
    {
        string text = _text;
        int i = start + (text[start] == '-' ? 1 : 0);
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        bool malformed = false;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            malformed = i == text.Length || !char.IsAsciiDigit(text[i]);
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        // A number runs into a name or another point ("12abc", "1.2.3"): report the whole run.
        while (i < text.Length && (FilterSyntax.IsNamePart(text[i]) || text[i] == '.'))
        {
            malformed = true;
            i++;
        }

        string raw = FilterSyntax.Abbreviate(text[start..i]);
        if (malformed)
        {
            return LexError(FilterErrorCode.InvalidNumber, start, Format(FilterTextErrors.InvalidNumber, raw));
        }

        if (!decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out decimal number))
        {
            return LexError(FilterErrorCode.InvalidNumber, start, Format(FilterTextErrors.NumberOutOfRange, raw));
        }

        _next = i;
        return new Token(TokenKind.Number, start, i) { Number = number };
    }

    private Token LexError(FilterErrorCode code, int position, string reason)
    {
        // Nothing after a lexer error is read: the parser stops at this token.
        _next = _text.Length;
        return new Token(TokenKind.Error, position, position + 1) { ErrorCode = code, Text = reason };
    }

    /// <summary>A token: its kind and span, and its content (a name, a string's value, a number, or an error's reason).</summary>
    private readonly record struct Token(TokenKind Kind, int Start, int End)
    {
        public string? Text { get; init; }

        public decimal Number { get; init; }

        public Keyword Keyword { get; init; }

        public FilterErrorCode ErrorCode { get; init; }
    }
}
