using System.Globalization;

namespace Personalize.Cli;

/// <summary>Parses option values that Spectre does not: durations and delimiters.</summary>
internal static class OptionParsing
{
    /// <summary>Parses <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>, <c>2w</c> or a .NET TimeSpan such as <c>1.12:00:00</c>.</summary>
    public static TimeSpan Duration(string option, string text)
    {
        string t = text.Trim();
        if (t.Length >= 2 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number > 0)
        {
            TimeSpan? value = char.ToLowerInvariant(t[^1]) switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                'w' => TimeSpan.FromDays(7 * number),
                _ => null,
            };
            if (value is { } v)
            {
                return v;
            }
        }

        if (TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero)
        {
            return span;
        }

        throw new UsageException($"{option} '{text}' is not a positive duration (expected a number and a unit, such as 30d, 12h, 90m, 45s or 2w).");
    }

    /// <summary>Reads a delimiter, accepting the names <c>tab</c>, <c>comma</c>, <c>semicolon</c>, <c>pipe</c> and the escape <c>\t</c>.</summary>
    public static string? Delimiter(string? text) => text?.ToLowerInvariant() switch
    {
        null => null,
        "tab" or "\\t" => "\t",
        "comma" => ",",
        "semicolon" => ";",
        "pipe" => "|",
        _ => text,
    };
}
