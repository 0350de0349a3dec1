using System.Globalization;
using System.Text;

namespace Personalize.Core.Filtering;

/// <summary>Filter text could not be parsed: what was wrong, where, and what was expected.</summary>
/// <remarks>
/// <para>The message names the position and the problem, then repeats the line of text with a caret under the error:</para>
/// <code>
/// Filter text is invalid at column 17: expected ',' or ')' to close the list opened at column 10; found the string "zeta".
///   brand in ("acme" "zeta")
///                   ^
/// </code>
/// <para>The same facts are in <see cref="Text"/>, <see cref="Position"/>, <see cref="Line"/>, <see cref="Column"/>,
/// <see cref="ErrorCode"/> and <see cref="Reason"/>. <see cref="FilterText.Parse"/> returns this exception in
/// <see cref="FilterParseResult.Error"/> and throws it only from <see cref="FilterParseResult.Value"/>. Immutable.</para>
/// </remarks>
public sealed class FilterSyntaxException : FormatException
{
    private const int ContextWidth = 100;

    internal FilterSyntaxException(string text, int position, FilterErrorCode errorCode, string reason)
        : base(FormatMessage(text, position, reason))
    {
        Text = text;
        Position = position;
        ErrorCode = errorCode;
        Reason = reason;
        (Line, Column) = LineAndColumn(text, position);
    }

    /// <summary>Gets the text that was parsed; empty when the text was <see langword="null"/>.</summary>
    public string Text { get; }

    /// <summary>Gets the 0-based offset of the error in <see cref="Text"/>; it equals the text's length when the text ended too soon.</summary>
    public int Position { get; }

    /// <summary>Gets the 1-based line of the error; lines are separated by <c>\n</c>.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column of the error within its <see cref="Line"/>; for one-line text it is <see cref="Position"/> + 1.</summary>
    public int Column { get; }

    /// <summary>Gets why the text could not be parsed.</summary>
    public FilterErrorCode ErrorCode { get; }

    /// <summary>Gets what was wrong, what was expected and what was found, without the location and the text.</summary>
    public string Reason { get; }

    internal static (int Line, int Column) LineAndColumn(string text, int position)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < position && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }

    /// <summary>Describes a position for a message: <c>column 10</c>, or <c>line 2, column 10</c> in text of several lines.</summary>
    internal static string Location(string text, int position)
    {
        (int line, int column) = LineAndColumn(text, position);
        return text.Contains('\n', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}")
            : string.Create(CultureInfo.InvariantCulture, $"column {column}");
    }

    private static string FormatMessage(string text, int position, string reason)
    {
        (int line, int column) = LineAndColumn(text, position);
        var message = new StringBuilder();
        if (text.Contains('\n', StringComparison.Ordinal))
        {
            message.AppendFormat(CultureInfo.InvariantCulture, FilterTextErrors.HeaderLineColumn, line, column, reason);
        }
        else
        {
            message.AppendFormat(CultureInfo.InvariantCulture, FilterTextErrors.HeaderColumn, column, reason);
        }

        // The line of the error, cut to a window around the error when long, with a caret under the error's column.
        int lineStart = position - (column - 1);
        int lineEnd = text.IndexOf('\n', lineStart);
        lineEnd = lineEnd < 0 ? text.Length : lineEnd;
        if (lineEnd > lineStart && text[lineEnd - 1] == '\r')
        {
            lineEnd--;
        }

        int caret = column - 1;
        int start = lineStart, end = lineEnd;
        if (end - start > ContextWidth)
        {
            start = Math.Max(lineStart, Math.Min(position - (ContextWidth / 2), lineEnd - ContextWidth));
            end = Math.Min(lineEnd, start + ContextWidth);
        }

        var shown = new StringBuilder("  ");
        var pointer = new StringBuilder("  ");
        if (start > lineStart)
        {
            shown.Append('…');
            pointer.Append(' ');
        }

        for (int i = start; i < end; i++)
        {
            char c = text[i];
            shown.Append(c == '\t' ? '\t' : char.IsControl(c) ? '?' : c);
            if (i < lineStart + caret)
            {
                pointer.Append(c == '\t' ? '\t' : ' ');
            }
        }

        if (end < lineEnd)
        {
            shown.Append('…');
        }

        pointer.Append('^');
        return message.Append('\n').Append(shown).Append('\n').Append(pointer).ToString();
    }
}
