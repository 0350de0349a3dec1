using System.Globalization;
using System.Text;

namespace Personalize.Core.Filtering;

/// <summary>The lexical rules shared by the parser, the formatter and the builders: names, keywords, literals and category paths.</summary>
internal static class FilterSyntax
{
    /// <summary>The keywords, lower case as <see cref="FilterText.Format"/> writes them; they are matched case-insensitively.</summary>
    public static readonly string[] Keywords =
        ["and", "or", "not", "in", "between", "exists", "contains", "any", "all", "under", "seen", "bought", "true", "false"];

    private const string DateTimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'";

    public static bool IsNameStart(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

    public static bool IsNamePart(char c) => IsNameStart(c) || c is >= '0' and <= '9';

    public static bool IsWhiteSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Whether the text has the shape of a name: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !IsNameStart(text[0]))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!IsNamePart(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the index of the keyword in <see cref="Keywords"/>, matched case-insensitively, or -1.</summary>
    public static int KeywordIndex(ReadOnlySpan<char> word)
    {
        for (int i = 0; i < Keywords.Length; i++)
        {
            if (word.Equals(Keywords[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Returns the message for an attribute name that cannot be written in filter text, or <see langword="null"/> when it can.</summary>
    public static string? CheckAttributeName(string attribute)
    {
        if (!IsIdentifier(attribute))
        {
            return string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderInvalidAttributeName, attribute);
        }

        if (KeywordIndex(attribute) >= 0)
        {
            return string.Format(CultureInfo.InvariantCulture, FilterTextErrors.BuilderKeywordAttributeName, attribute, string.Join(", ", Keywords));
        }

        return null;
    }

    /// <summary>Returns the message for a category path that is not valid, or <see langword="null"/> when it is.</summary>
    /// <remarks>A path is one or more non-empty segments separated by <c>/</c>, such as <c>Kitchen/Coffee</c>.</remarks>
    public static string? CheckCategoryPath(string path)
    {
        if (path.Length == 0)
        {
            return FilterTextErrors.EmptyCategoryPath;
        }

        if (path[0] == '/' || path[^1] == '/' || path.Contains("//", StringComparison.Ordinal))
        {
            return string.Format(CultureInfo.InvariantCulture, FilterTextErrors.EmptyCategorySegment, Abbreviate(path));
        }

        return null;
    }

    /// <summary>Removes trailing zeros and the sign of zero, so that equal numbers have one representation and one text.</summary>
    public static decimal Normalize(decimal value) => value == 0m ? 0m : value / 1.0000000000000000000000000000m;

    /// <summary>Converts to UTC, so that equal instants have one representation and one text.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset value) => new(value.UtcTicks, TimeSpan.Zero);

    public static void AppendNumber(StringBuilder builder, decimal value) => builder.Append(value.ToString(CultureInfo.InvariantCulture));

    public static void AppendDateTime(StringBuilder builder, DateTimeOffset value) =>
        builder.Append('"').Append(value.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture)).Append('"');

    /// <summary>Writes the text in double quotes, escaping <c>"</c> and <c>\</c> with a backslash.</summary>
    public static void AppendQuoted(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (char c in text)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('"');
    }

    /// <summary>Prepares text for a one-line message: the first 40 characters and an ellipsis, with line breaks, tabs and other control
    /// characters written as <c>\n</c>, <c>\r</c>, <c>\t</c> and <c>?</c>.</summary>
    public static string Abbreviate(string text)
    {
        var shown = new StringBuilder(Math.Min(text.Length, 41) + 4);
        for (int i = 0; i < text.Length && i < 40; i++)
        {
            char c = text[i];
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "?",
                _ => c.ToString(),
            });
        }

        return text.Length <= 40 ? shown.ToString() : shown.Append('…').ToString();
    }

    /// <summary>
    /// Reads an ISO 8601 date or date-time: <c>yyyy-MM-dd</c>, optionally followed by <c>THH:mm</c>, <c>:ss</c> and a fraction of 1 to 7
    /// digits, then optionally <c>Z</c> or an offset <c>+HH:mm</c>/<c>-HH:mm</c>. Without an offset the time is UTC; a date alone is midnight UTC.
    /// </summary>
    /// <returns><see langword="false"/> when the text has another shape or names no real instant (such as February 30).</returns>
    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        value = default;
        int i = 0;
        if (!Digits(text, ref i, 4, out int year) || !Char(text, ref i, '-') || !Digits(text, ref i, 2, out int month)
            || !Char(text, ref i, '-') || !Digits(text, ref i, 2, out int day))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > System.DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        long ticks = new DateTime(year, month, day).Ticks;
        long offsetTicks = 0;
        if (i < text.Length)
        {
            if (!Char(text, ref i, 'T') || !Digits(text, ref i, 2, out int hour) || !Char(text, ref i, ':') || !Digits(text, ref i, 2, out int minute)
                || hour > 23 || minute > 59)
            {
                return false;
            }

            int second = 0;
            long fraction = 0;
            if (i < text.Length && text[i] == ':')
            {
                i++;
                if (!Digits(text, ref i, 2, out second) || second > 59)
                {
                    return false;
                }

                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    int start = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i]) && i - start < 7)
                    {
                        fraction = (fraction * 10) + (text[i] - '0');
                        i++;
                    }

                    int count = i - start;
                    if (count == 0 || (i < text.Length && char.IsAsciiDigit(text[i])))
                    {
                        return false;
                    }

                    for (; count < 7; count++)
                    {
                        fraction *= 10;
                    }
                }
            }

            ticks += (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond) + fraction;
            if (i < text.Length)
            {
                char sign = text[i];
                if (sign == 'Z')
                {
                    i++;
                }
                else if (sign is '+' or '-')
                {
                    i++;
                    if (!Digits(text, ref i, 2, out int offsetHours) || !Char(text, ref i, ':') || !Digits(text, ref i, 2, out int offsetMinutes)
                        || offsetMinutes > 59 || (offsetHours * 60) + offsetMinutes > 14 * 60)
                    {
                        return false;
                    }

                    offsetTicks = ((offsetHours * TimeSpan.TicksPerHour) + (offsetMinutes * TimeSpan.TicksPerMinute)) * (sign == '-' ? -1 : 1);
                }
                else
                {
                    return false;
                }
            }
        }

        if (i != text.Length)
        {
            return false;
        }

        long utcTicks = ticks - offsetTicks;
        if (utcTicks < System.DateTime.MinValue.Ticks || utcTicks > System.DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool Char(string text, ref int i, char expected)
    {
        if (i < text.Length && text[i] == expected)
        {
            i++;
            return true;
        }

        return false;
    }

    private static bool Digits(string text, ref int i, int count, out int value)
    {
        value = 0;
        if (i + count > text.Length)
        {
            return false;
        }

        for (int k = 0; k < count; k++)
        {
            char c = text[i + k];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        i += count;
        return true;
    }
}
