using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Personalize.Search;

/// <summary>
/// The distinct unstemmed words of an index, grouped by first character and length, for typo tolerance: finding the indexed words
/// within one or two edits (insert, delete, replace, swap of neighbours) of a word no item has. Cheaper and more predictable than
/// building a Levenshtein automaton per query: only words with the same first character and a length within the edit budget are
/// compared, each with a banded edit-distance table that stops as soon as the budget is exceeded.
/// </summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<(char First, int Length), string[]> _groups;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _words;

    private Vocabulary(Dictionary<(char, int), string[]> groups)
    {
        _groups = groups;
        _words = new HashSet<string>(groups.Values.SelectMany(g => g), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether an item has the word (of at most the length the vocabulary was read with, plus 2), without allocating.</summary>
    public bool Contains(ReadOnlySpan<char> word) => _words.Contains(word);

    public static Vocabulary Read(IndexReader reader, string field, int maxLength)
    {
        var groups = new Dictionary<(char, int), List<string>>();
        Terms? terms = MultiFields.GetTerms(reader, field);
        if (terms is not null)
        {
            TermsEnum iterator = terms.GetEnumerator();
            while (iterator.MoveNext())
            {
                string word = iterator.Term.Utf8ToString();
                if (word.Length == 0 || word.Length > maxLength + 2)
                {
                    continue;
                }

                (char, int) key = (word[0], word.Length);
                if (!groups.TryGetValue(key, out List<string>? list))
                {
                    groups[key] = list = [];
                }

                list.Add(word);
            }
        }

        return new Vocabulary(groups.ToDictionary(g => g.Key, g => g.Value.ToArray()));
    }

    /// <summary>The indexed words within <paramref name="maxEdits"/> of <paramref name="word"/> (same first character), closest first,
    /// at most <paramref name="max"/>.</summary>
    public List<(string Word, int Edits)> Near(string word, int maxEdits, int max)
    {
        var found = new List<(string Word, int Edits)>();
        Span<int> previous = stackalloc int[word.Length + 1];
        Span<int> current = stackalloc int[word.Length + 1];
        Span<int> beforePrevious = stackalloc int[word.Length + 1];
        for (int length = word.Length - maxEdits; length <= word.Length + maxEdits; length++)
        {
            if (length < 1 || !_groups.TryGetValue((word[0], length), out string[]? candidates))
            {
                continue;
            }

            foreach (string candidate in candidates)
            {
                int edits = Distance(word, candidate, maxEdits, beforePrevious, previous, current);
                if (edits <= maxEdits)
                {
                    found.Add((candidate, edits));
                }
            }
        }

        found.Sort(static (a, b) => a.Edits != b.Edits ? a.Edits.CompareTo(b.Edits) : string.CompareOrdinal(a.Word, b.Word));
        if (found.Count > max)
        {
            found.RemoveRange(max, found.Count - max);
        }

        return found;
    }

    /// <summary>The optimal-string-alignment distance (Levenshtein plus swaps of neighbours), or <paramref name="limit"/> + 1 as soon as
    /// every cell of a row exceeds the limit.</summary>
    private static int Distance(string a, string b, int limit, Span<int> rowBefore, Span<int> row, Span<int> next)
    {
        // Rows run over b's characters; columns over a's. The caller's buffers have a.Length + 1 cells.
        for (int i = 0; i <= a.Length; i++)
        {
            row[i] = i;
        }

        for (int j = 1; j <= b.Length; j++)
        {
            next[0] = j;
            int best = next[0];
            for (int i = 1; i <= a.Length; i++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int value = Math.Min(Math.Min(row[i] + 1, next[i - 1] + 1), row[i - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, rowBefore[i - 2] + 1);
                }

                next[i] = value;
                best = Math.Min(best, value);
            }

            if (best > limit)
            {
                return limit + 1;
            }

            // Rotate: before ← row ← next.
            row.CopyTo(rowBefore);
            next.CopyTo(row);
        }

        return row[a.Length];
    }
}
