using System.Text;

namespace Personalize.Search;

/// <summary>Makes untrusted query text safe to analyze: bounded length, no control characters, no lone surrogates.</summary>
internal static class QueryText
{
    /// <summary>Cuts the text to <paramref name="maxLength"/> characters (never inside a surrogate pair) and replaces control characters
    /// and unpaired surrogates with spaces.</summary>
    public static string Clean(string text, int maxLength, out bool truncated)
    {
        truncated = text.Length > maxLength;
        int length = Math.Min(text.Length, maxLength);
        if (truncated && length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;   // do not split a pair
        }

        if (truncated && length < text.Length && char.IsLetterOrDigit(text[length]))
        {
            // The cut falls inside a word: drop its start, which would match as a word of its own ("kett" for "kettle"), when an
            // earlier boundary (a space, or punctuation such as the hyphens of "pour-over-kettle") leaves something to search for.
            int boundary = length - 1;
            while (boundary > 0 && (char.IsLetterOrDigit(text[boundary]) || char.IsSurrogate(text[boundary])
                || char.GetUnicodeCategory(text[boundary]) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark))
            {
                boundary--;
            }

            if (boundary > 0)
            {
                length = boundary;
            }
        }

        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c) || char.IsControl(c) || c == '\uFFFE' || c == '\uFFFF')
            {
                builder.Append(' ');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
