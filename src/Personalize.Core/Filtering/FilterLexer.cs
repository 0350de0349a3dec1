using System.Globalization;
using System.Text;

namespace Personalize.Core.Filtering;

/// <summary>
/// The hand-written lexer of the filter syntax: one pass over the text, no backtracking, no regular expressions. <see cref="FilterParser"/>
/// asks for one token at a time.
/// </summary>
/// <remarks>
/// A lexer error does not throw: it becomes an <see cref="FilterTokenKind.Error"/> token carrying its code and reason, after which the
/// lexer reads nothing more, so the parser reports it only when it reaches that token.
/// </remarks>
internal sealed class FilterLexer
{
    private readonly string _text;
    private int _next;

    /// <summary>Creates a lexer positioned at the start of <paramref name="text"/>.</summary>
    public FilterLexer(string text) => _text = text;

    /// <summary>Reads the next token, skipping white space; at the end of the text returns <see cref="FilterTokenKind.End"/>.</summary>
    public FilterToken Next()
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
            return new FilterToken(FilterTokenKind.End, i, i);
        }

        char c = text[i];
        switch (c)
        {
            case '(':
                return Symbol(FilterTokenKind.OpenParenthesis, start, 1);
            case ')':
                return Symbol(FilterTokenKind.CloseParenthesis, start, 1);
            case ',':
                return Symbol(FilterTokenKind.Comma, start, 1);
            case '=':
                return Symbol(FilterTokenKind.Equal, start, 1);
            case '!':
                return i + 1 < text.Length && text[i + 1] == '='
                    ? Symbol(FilterTokenKind.NotEqual, start, 2)
                    : LexError(FilterErrorCode.UnexpectedCharacter, start, FilterTextErrors.LoneExclamationMark);
            case '>':
                return i + 1 < text.Length && text[i + 1] == '=' ? Symbol(FilterTokenKind.AtLeast, start, 2) : Symbol(FilterTokenKind.Greater, start, 1);
            case '<':
                return i + 1 < text.Length && text[i + 1] == '=' ? Symbol(FilterTokenKind.AtMost, start, 2) : Symbol(FilterTokenKind.Less, start, 1);
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
                ? new FilterToken(FilterTokenKind.Keyword, start, i) { Keyword = (FilterKeyword)keyword }
                : new FilterToken(FilterTokenKind.Name, start, i) { Text = text[start..i] };
        }

        string shown = char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? "" : $"'{c}' ";
        return LexError(FilterErrorCode.UnexpectedCharacter, start,
            Format(FilterTextErrors.UnexpectedCharacter, string.Create(CultureInfo.InvariantCulture, $"{shown}(U+{(int)c:X4})")));
    }

    private FilterToken Symbol(FilterTokenKind kind, int start, int length)
    {
        _next = start + length;
        return new FilterToken(kind, start, start + length);
    }

    private FilterToken LexString(int start)
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
                return new FilterToken(FilterTokenKind.String, start, i + 1) { Text = value };
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

    private FilterToken LexNumber(int start)
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

        // decimal keeps at most 28 decimal places and rounds the rest away in silence: 0.00000000000000000000000000005 would read 0.
        ReadOnlySpan<char> literal = text.AsSpan(start, i - start);
        int point = literal.IndexOf('.');
        int places = point < 0 ? 0 : literal[(point + 1)..].TrimEnd('0').Length;
        if (places > number.Scale)
        {
            return LexError(FilterErrorCode.InvalidNumber, start, Format(FilterTextErrors.NumberTooPrecise, raw));
        }

        _next = i;
        return new FilterToken(FilterTokenKind.Number, start, i) { Number = number };
    }

    private FilterToken LexError(FilterErrorCode code, int position, string reason)
    {
        // Nothing after a lexer error is read: the parser stops at this token.
        _next = _text.Length;
        return new FilterToken(FilterTokenKind.Error, position, position + 1) { ErrorCode = code, Text = reason };
    }

    private static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
