using System.Text;

namespace Personalize.Search.Tests;

/// <summary>Untrusted text never throws and never hangs: random and mutated strings from a fixed seed. How fast a query runs is
/// measured by the benchmarks, not here.</summary>
public sealed class QueryFuzzTests : IClassFixture<SampleShop>
{
    private const int Seed = 13_2026;
    private const int Count = 100_000;
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);   // one query without an answer this long is a hang, not slowness
    private const string Special = "+-&|!(){}[]^\"~*?:\\/ \t.,;'`@#$%=<>_";
    private readonly SampleShop _shop;

    public QueryFuzzTests(SampleShop shop) => _shop = shop;

    [Fact]
    public async Task Match_never_throws_and_keeps_its_limits_on_random_and_mutated_text()
    {
        var random = new Random(Seed);
        string[] titles = [.. Enumerable.Range(0, _shop.Catalog.Count).Select(i => _shop.Catalog.GetText(i, "title") ?? "")];
        var options = _shop.Index.Options;
        int withResults = 0;
        for (int n = 0; n < Count; n++)
        {
            string query = Next(random, titles, n);
            TextMatch match;
            try
            {
                match = await Task.Run(() => _shop.Index.Match(query)).WaitAsync(HangGuard);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"seed {Seed}, string {n} ({Describe(query)}): no answer within {HangGuard.TotalSeconds} s.");
                return;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed}, string {n} ({Describe(query)}): {e}");
                return;
            }

            Assert.True(match.Query.Length <= options.MaxQueryLength, $"seed {Seed}, string {n}: query not cut");
            // Words that are not searched for (English stop words) do not count toward the limit.
            int searched = match.Words.Count(w => !Lucene.Net.Analysis.En.EnglishAnalyzer.DefaultStopSet.Contains(w));
            Assert.True(searched <= options.MaxQueryTerms, $"seed {Seed}, string {n}: {searched} words searched for");
            Assert.Equal(query.Length > options.MaxQueryLength || match.Truncated, match.Truncated);
            for (int i = 1; i < match.Candidates.Count; i++)
            {
                Assert.True(match.Candidates[i - 1].Score >= match.Candidates[i].Score, $"seed {Seed}, string {n}: not best first");
            }

            Assert.All(match.Candidates, c => Assert.True(float.IsFinite(c.Score)));
            withResults += match.Candidates.Count > 0 ? 1 : 0;
        }

        // The mutated titles must really reach the index, or the fuzzing only tested the empty path.
        Assert.True(withResults > Count / 10, $"only {withResults} of {Count} queries matched anything");
    }

    private static string Next(Random random, string[] titles, int n) => (n % 10) switch
    {
        0 or 1 or 2 => Mutate(random, titles[random.Next(titles.Length)]),
        3 => RandomText(random, random.Next(0, 40), Special),
        4 => RandomText(random, random.Next(0, 60), null),
        5 => Mutate(random, titles[random.Next(titles.Length)]) + " " + RandomText(random, 5, Special),
        6 => n % 1000 == 6 ? RandomText(random, random.Next(10_000, 200_000), null) : RandomText(random, random.Next(200, 400), Special),
        7 => string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(_ => titles[random.Next(titles.Length)].Split(' ')[0])),
        8 => Controls(random, titles[random.Next(titles.Length)]),
        _ => titles[random.Next(titles.Length)][..random.Next(0, 12)],
    };

    /// <summary>Inserts, deletes, swaps and replaces characters, with Lucene syntax, surrogates and controls among the replacements.</summary>
    private static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        int edits = random.Next(0, 5);
        for (int e = 0; e < edits; e++)
        {
            int at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0:
                    builder.Insert(at, AnyChar(random, Special));
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(at, 1);
                    break;
                case 2 when at + 1 < builder.Length:
                    (builder[at], builder[at + 1]) = (builder[at + 1], builder[at]);
                    break;
                default:
                    if (builder.Length > 0)
                    {
                        builder[at] = AnyChar(random, Special);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    private static string Controls(Random random, string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
        {
            builder.Append(c);
            if (random.Next(3) == 0)
            {
                builder.Append((char)random.Next(0, 32));
            }
        }

        return builder.Append(random.Next(2) == 0 ? '\uD800' : '\uDC00').ToString();   // ends in a lone surrogate
    }

    private static string RandomText(Random random, int length, string? alphabet)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append(alphabet is null ? AnyChar(random, Special) : alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>Any UTF-16 unit: ASCII, Lucene syntax, accented letters, CJK, controls, lone high or low surrogates, non-characters.</summary>
    private static char AnyChar(Random random, string special) => random.Next(8) switch
    {
        0 => special[random.Next(special.Length)],
        1 => (char)random.Next(0, 32),
        2 => (char)random.Next(0xD800, 0xE000),
        3 => (char)random.Next(0xC0, 0x250),
        4 => (char)random.Next(0x4E00, 0x9FFF),
        5 => random.Next(2) == 0 ? '\uFFFF' : '\uFEFF',
        _ => (char)random.Next('a', 'z' + 1),
    };

    private static string Describe(string query) =>
        $"length {query.Length}: \"{string.Concat(query.Take(80).Select(c => c < 32 || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()))}\"";
}
