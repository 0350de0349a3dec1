using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Personalize.Search;

/// <summary>
/// Drops combining marks from a word (<c>cafe\u0301</c>, an accent typed or stored apart, becomes <c>cafe</c>), after accents written as
/// one character were folded (<c>café</c> is <c>cafe</c> already): so both spellings of an accented word are one word, also as a prefix
/// or a typo. Unicode normalization would compose them, but this library runs with invariant globalization, where it is not available.
/// A word of marks alone is kept as it is.
/// </summary>
internal sealed class CombiningMarkFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;

    public CombiningMarkFilter(TokenStream input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken())
        {
            return false;
        }

        char[] buffer = _term.Buffer;
        int length = _term.Length;
        int kept = 0;
        for (int i = 0; i < length; i++)
        {
            if (!IsMark(buffer[i]))
            {
                buffer[kept++] = buffer[i];
            }
        }

        if (kept > 0 && kept < length)
        {
            _term.Length = kept;
        }

        return true;
    }

    private static bool IsMark(char c) => c >= '\u0300' && char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark;
}
