using System.Buffers.Text;
using System.Globalization;

namespace Personalize.Core.Data;

/// <summary>Parses timestamps from UTF-8 bytes: Unix seconds (13 or more digits: milliseconds; a decimal fraction is dropped), ISO 8601,
/// or a date in ISO 8601's basic form, eight digits such as <c>20240131</c>.</summary>
internal static class TimestampParser
{
    public const string Expected = "expected ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds such as 1706702400";

    /// <summary>The range of <see cref="DateTimeOffset"/> in Unix seconds: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.</summary>
    private const long MinUnixSeconds = -62135596800L, MaxUnixSeconds = 253402300799L;

    /// <summary>Parses one timestamp; eight digits that name a day (<c>20240131</c>) are that day.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long unixSeconds) => TryParse(text, IntegerTimes.Any, out unixSeconds, out _);

    /// <summary>Parses one timestamp. <paramref name="integers"/> says how a number of eight digits is read: a date when it names one
    /// (<see cref="IntegerTimes.Any"/>), always Unix seconds, or only a date (a file's timestamps are all of one kind, decided by its
    /// first number). <paramref name="kind"/> says which kind this one was.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, IntegerTimes integers, out long unixSeconds, out IntegerTimes kind)
    {
        text = Trim(text);
        unixSeconds = 0;
        kind = IntegerTimes.Any;
        if (text.IsEmpty)
        {
            return false;
        }

        if (IsInteger(text))
        {
            return TryNumber(text, integers, out unixSeconds, out kind);
        }

        if (TryParseIsoFast(text, out unixSeconds))
        {
            // An offset can push the first or last day of the calendar out of the range that the rest of the library converts.
            return unixSeconds is >= MinUnixSeconds and <= MaxUnixSeconds;
        }

        // Unix seconds as a spreadsheet or pandas writes them, 1706702400.0 or 1706702400.25: the fraction is dropped, as for ISO 8601.
        int point = text.IndexOf((byte)'.');
        if (point > 0 && point < text.Length - 1 && IsInteger(text[..point]) && IsDigits(text[(point + 1)..]))
        {
            return TryNumber(text[..point], integers, out unixSeconds, out kind);
        }

        // Only other spellings of an ISO date go to the general parser: it would read a time alone ("12:00") as today,
        // a month and day ("Jan 5") as this year, and "01/02/2024" as the 2nd of January, none of which the data says.
        Span<char> chars = stackalloc char[64];
        if (text.Length > chars.Length || !StartsWithIsoDate(text))
        {
            return false;
        }

        int count = System.Text.Encoding.UTF8.GetChars(text, chars);
        if (DateTimeOffset.TryParse(chars[..count], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset parsed))
        {
            unixSeconds = parsed.ToUnixTimeSeconds();
            return true;
        }

        return false;
    }

    /// <summary>Reads a whole number: eight digits that name a day are that day (unless <paramref name="integers"/> says seconds), 13 or
    /// more digits are milliseconds, others Unix seconds.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> text, IntegerTimes integers, out long unixSeconds, out IntegerTimes kind)
    {
        unixSeconds = 0;
        kind = IntegerTimes.Any;
        if (!Utf8Parser.TryParse(text, out long number, out int consumed) || consumed != text.Length)
        {
            return false;
        }

        if (integers != IntegerTimes.UnixSeconds && text.Length == 8 && TryBasicDate(text, out unixSeconds))
        {
            // 20240131: a date in ISO 8601's basic form. As Unix seconds it would be a moment of 1970-1973, when no log was kept.
            kind = IntegerTimes.BasicDates;
            return true;
        }

        if (integers == IntegerTimes.BasicDates)
        {
            return false;
        }

        kind = IntegerTimes.UnixSeconds;
        int digits = text[0] == (byte)'-' ? text.Length - 1 : text.Length;
        if (digits >= 13)
        {
            // Milliseconds: round down to the second, as DateTimeOffset does, also before 1970.
            unixSeconds = Math.DivRem(number, 1000, out long milliseconds);
            unixSeconds -= milliseconds < 0 ? 1 : 0;
        }
        else
        {
            unixSeconds = number;
        }

        return unixSeconds is >= MinUnixSeconds and <= MaxUnixSeconds;
    }

    private static bool StartsWithIsoDate(ReadOnlySpan<byte> s) =>
        s.Length >= 10 && s[4] == (byte)'-' && s[7] == (byte)'-' && Digits(s, 0, 4, out _) && Digits(s, 5, 2, out _) && Digits(s, 8, 2, out _);

    /// <summary>Eight digits <c>yyyyMMdd</c> that name a day of the years 1900 to 2199.</summary>
    private static bool TryBasicDate(ReadOnlySpan<byte> s, out long unixSeconds)
    {
        unixSeconds = 0;
        if (!Digits(s, 0, 4, out int year) || !Digits(s, 4, 2, out int month) || !Digits(s, 6, 2, out int day)
            || year is < 1900 or > 2199 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        unixSeconds = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInteger(ReadOnlySpan<byte> text)
    {
        int start = text[0] == (byte)'-' ? 1 : 0;
        return start < text.Length && IsDigits(text[start..]);
    }

    /// <summary>The common shapes, without allocating: <c>yyyy-MM-dd</c>, then optionally <c>[T ]HH:mm[:ss[.f+]]</c> and <c>Z</c> or <c>±HH[:]mm</c>.</summary>
    private static bool TryParseIsoFast(ReadOnlySpan<byte> s, out long unixSeconds)
    {
        unixSeconds = 0;
        if (s.Length < 10 || s[4] != (byte)'-' || s[7] != (byte)'-')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0, pos = 10;
        long offsetSeconds = 0;
        if (pos < s.Length)
        {
            if ((s[pos] != (byte)'T' && s[pos] != (byte)' ') || s.Length < pos + 6 || s[pos + 3] != (byte)':'
                || !Digits(s, pos + 1, 2, out hour) || !Digits(s, pos + 4, 2, out minute) || hour > 23 || minute > 59)
            {
                return false;
            }

            pos += 6;
            if (pos < s.Length && s[pos] == (byte)':')
            {
                if (!Digits(s, pos + 1, 2, out second) || second > 59)
                {
                    return false;
                }

                pos += 3;
                if (pos < s.Length && (s[pos] == (byte)'.' || s[pos] == (byte)','))
                {
                    pos++;
                    int fractionStart = pos;
                    while (pos < s.Length && (uint)(s[pos] - '0') <= 9)
                    {
                        pos++;
                    }

                    if (pos == fractionStart)
                    {
                        return false;
                    }
                }
            }

            if (pos < s.Length)
            {
                if (s[pos] == (byte)'Z' && pos == s.Length - 1)
                {
                    pos++;
                }
                else if (s[pos] == (byte)'+' || s[pos] == (byte)'-')
                {
                    int sign = s[pos] == (byte)'-' ? -1 : 1;
                    ReadOnlySpan<byte> zone = s[(pos + 1)..];
                    int zoneMinutes;
                    if (zone.Length == 5 && zone[2] == (byte)':' && Digits(zone, 0, 2, out int zh) && Digits(zone, 3, 2, out int zm))
                    {
                        zoneMinutes = zh * 60 + zm;
                    }
                    else if (zone.Length == 4 && Digits(zone, 0, 2, out zh) && Digits(zone, 2, 2, out zm))
                    {
                        zoneMinutes = zh * 60 + zm;
                    }
                    else if (zone.Length == 2 && Digits(zone, 0, 2, out zh))
                    {
                        zoneMinutes = zh * 60;
                    }
                    else
                    {
                        return false;
                    }

                    if (zoneMinutes > 14 * 60)
                    {
                        return false;
                    }

                    offsetSeconds = sign * zoneMinutes * 60L;
                    pos = s.Length;
                }
                else
                {
                    return false;
                }
            }
        }

        long days = new DateOnly(year, month, day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        unixSeconds = days * 86400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            uint digit = (uint)(s[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = value * 10 + (int)digit;
        }

        return true;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0, end = text.Length;
        while (start < end && (text[start] == (byte)' ' || text[start] == (byte)'\t'))
        {
            start++;
        }

        while (end > start && (text[end - 1] == (byte)' ' || text[end - 1] == (byte)'\t'))
        {
            end--;
        }

        return text[start..end];
    }
}

/// <summary>How <see cref="TimestampParser"/> reads a timestamp written as a number.</summary>
internal enum IntegerTimes
{
    /// <summary>Eight digits that name a day are that day; other numbers are Unix seconds (or milliseconds).</summary>
    Any,

    /// <summary>Numbers are Unix seconds (or milliseconds, from 13 digits).</summary>
    UnixSeconds,

    /// <summary>Numbers are dates of eight digits, <c>yyyyMMdd</c>.</summary>
    BasicDates,
}
