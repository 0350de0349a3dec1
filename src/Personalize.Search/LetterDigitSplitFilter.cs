using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Personalize.Search;

/// <summary>
/// Splits a word where letters meet digits: <c>500ml</c> becomes <c>500</c> and <c>ml</c>, <c>2m</c> becomes <c>2</c> and <c>m</c>, and
/// <c>xr500</c> becomes <c>xr</c> and <c>500</c>, so a number and its unit match whether they are written together or apart. Anything
/// else in the word stays with its part (<c>1.5m</c> gives <c>1.5</c> and <c>m</c>), but for a colon, which separates the parts and is
/// dropped: Unicode's word rules keep a colon between letters in the word (as Swedish writes "S:t"), so <c>coffee:kettle</c> would be
/// one word that nothing matches. Each part after the first takes the next position.
/// </summary>
internal sealed class LetterDigitSplitFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly List<(int Start, int End)> _parts = [];
    private char[] _word = [];
    private int _next;
    private int _startOffset;
    private int _endOffset;
    private int _length;

    public LetterDigitSplitFilter(TokenStream input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_next < _parts.Count)
        {
            // The attributes are still the word's, but for the ones Emit sets: no state to capture and restore.
            Emit(_parts[_next++], positionIncrement: 1);
            return true;
        }

        if (!m_input.IncrementToken())
        {
            return false;
        }

        char[] buffer = _term.Buffer;
        int length = _term.Length;
        _parts.Clear();
        int start = 0;
        for (int i = 0; i < length; i++)
        {
            if (buffer[i] == ':')
            {
                if (i > start)
                {
                    _parts.Add((start, i));
                }

                start = i + 1;
                continue;
            }

            if (i > start)
            {
                bool before = char.IsDigit(buffer[i - 1]), after = char.IsDigit(buffer[i]);
                if (before != after && (before ? char.IsLetter(buffer[i]) : char.IsLetter(buffer[i - 1])))
                {
                    _parts.Add((start, i));
                    start = i;
                }
            }
        }

        if (start < length)
        {
            _parts.Add((start, length));
        }

        if (_parts.Count == 0 || (_parts.Count == 1 && _parts[0] == (0, length)))
        {
            _parts.Clear();
            return true;   // one part: the word as it is
        }

        _length = length;
        if (_word.Length < length)
        {
            _word = new char[ArrayUtil.Oversize(length, sizeof(char))];
        }

        Array.Copy(buffer, _word, length);
        _startOffset = _offset.StartOffset;
        _endOffset = _offset.EndOffset;
        _next = 1;
        Emit(_parts[0], positionIncrement: _position.PositionIncrement);
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _parts.Clear();
        _next = 0;
    }

    private void Emit((int Start, int End) part, int positionIncrement)
    {
        _term.CopyBuffer(_word, part.Start, part.End - part.Start);
        // Offsets inside the word when they span it exactly; otherwise (a filter before changed its length) the word's own.
        if (_endOffset - _startOffset == _length)
        {
            _offset.SetOffset(_startOffset + part.Start, _startOffset + part.End);
        }
        else
        {
            _offset.SetOffset(_startOffset, _endOffset);
        }

        _position.PositionIncrement = positionIncrement;
    }
}
