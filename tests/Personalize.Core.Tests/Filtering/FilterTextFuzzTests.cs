using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>
/// Fuzz tests from fixed seeds: random strings, mutations of valid filter text and pathological shapes (deep nesting, long lists,
/// text at the length limit). <see cref="FilterText.Parse"/> must return for every one without throwing; a failure must have a
/// position inside the text and a message with a caret under it; a success must format to text that parses back to an equal filter.
/// </summary>
public sealed class FilterTextFuzzTests
{
    private static readonly string[] Fragments =
    [
        "and", "OR", "not", "in", "between", "exists", "contains", "any", "all", "under", "seen", "bought", "true", "false",
        "brand", "price", "tags", "category", "added", "in_stock", "x", "(", ")", ",", "=", "!=", ">=", "<=", ">", "<", "!", "\"",
        "\\", "\\\"", "-", ".", "0", "12.5", "-3", "99999999999999999999999999999999", "\"2024-01-31T12:00:00Z\"", "\"2024-02-30\"",
        "\"a//b\"", "\"\"", " ", "  ", "\t", "\n", "\r\n", "é", "東", "😀", "\u0000", "\uFFFF", "\uD800", "#", "'", "“",
    ];

    [Theory]
    [InlineData(1, 40_000)]
    [InlineData(424242, 40_000)]
    [InlineData(20240131, 30_000)]
    public void Parse_never_throws_and_reports_every_failure_inside_the_text(int seed, int count)
    {
        var random = new Random(seed);
        var generator = new FilterGenerator(random, typed: random.Next(2) == 0);
        var corpus = new List<string>();
        for (int i = 0; i < 300; i++)
        {
            (Filter filter, List<string> tokens) = generator.Next();
            corpus.Add(random.Next(2) == 0 ? filter.ToString() : generator.Join(tokens));
        }

        int failures = 0;
        for (int i = 0; i < count; i++)
        {
            string text = (i % 10) switch
            {
                < 6 => Mutate(random, corpus[random.Next(corpus.Count)]),
                6 => RandomFragments(random),
                7 => RandomCharacters(random),
                8 => Pathological(random),
                _ => Mutate(random, Pathological(random)),
            };
            CatalogSchema? schema = random.Next(2) == 0 ? FilterGenerator.Schema : null;
            string context = $"seed {seed}, case {i}, schema {schema is not null}: {Escape(text)}";

            FilterParseResult result;
            try
            {
                result = FilterText.Parse(text, schema);
            }
            catch (Exception exception)
            {
                Assert.Fail($"{context}\nParse threw {exception}");
                throw;
            }

            if (result.Success)
            {
                CheckSuccess(result.Value, schema, context);
            }
            else
            {
                failures++;
                CheckFailure(result, text, context);
            }
        }

        // Both outcomes were exercised, so neither branch of the checks above ran empty.
        Assert.InRange(failures, count / 10, count - (count / 100));
    }

    private static void CheckSuccess(Filter filter, CatalogSchema? schema, string context)
    {
        string formatted = FilterText.Format(filter);
        Assert.True(formatted.Length <= FilterText.MaxLength && filter.Depth <= FilterText.MaxDepth, $"{context}\nexceeds a limit: {formatted.Length} characters, depth {filter.Depth}");
        FilterParseResult again = FilterText.Parse(formatted, schema);
        Assert.True(again.Success, $"{context}\nits canonical text does not parse: {again.Error?.Message}");
        Assert.True(again.Value.Equals(filter) && FilterText.Format(again.Value) == formatted, $"{context}\nround trip changed it: {formatted} -> {again.Value}");
    }

    private static void CheckFailure(FilterParseResult result, string text, string context)
    {
        FilterSyntaxException? error = result.Error;
        Assert.True(error is not null, $"{context}\nfailed without an error");
        Assert.True(Enum.IsDefined(error.ErrorCode), $"{context}\nundefined error code {error.ErrorCode}");
        Assert.True(error.Position >= 0 && error.Position <= text.Length, $"{context}\nposition {error.Position} is outside the text of length {text.Length}");
        Assert.True(error.Line >= 1 && error.Column >= 1, $"{context}\nline {error.Line}, column {error.Column}");
        Assert.True(error.Text == text, $"{context}\nthe error holds other text");

        string[] lines = error.Message.Split('\n');
        Assert.True(lines.Length == 3, $"{context}\nthe message does not have 3 lines:\n{error.Message}");
        Assert.True(lines[0].Contains(error.Reason, StringComparison.Ordinal), $"{context}\nthe first line lacks the reason:\n{error.Message}");
        int caret = lines[2].IndexOf('^', StringComparison.Ordinal);
        Assert.True(caret == lines[2].Length - 1, $"{context}\nthe caret line is malformed:\n{error.Message}");
        if (error.Position < text.Length && text[error.Position] != '\n' && text[error.Position] != '\r')
        {
            char expected = char.IsControl(text[error.Position]) && text[error.Position] != '\t' ? '?' : text[error.Position];
            Assert.True(caret < lines[1].Length && lines[1][caret] == expected, $"{context}\nthe caret is not under position {error.Position}:\n{error.Message}");
        }
    }

    private static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        int mutations = random.Next(1, 5);
        for (int m = 0; m < mutations; m++)
        {
            int at = random.Next(builder.Length + 1);
            switch (random.Next(7))
            {
                case 0 when builder.Length > 0:
                    builder.Remove(Math.Min(at, builder.Length - 1), 1);
                    break;
                case 1:
                    builder.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when at < builder.Length:
                    builder[at] = (char)random.Next(0x20, 0x7F);
                    break;
                case 3:
                    builder.Length = at;
                    break;
                case 4 when builder.Length > 0:
                {
                    int start = random.Next(builder.Length), length = random.Next(1, Math.Min(40, builder.Length - start) + 1);
                    builder.Insert(at, builder.ToString(start, length));
                    break;
                }

                case 5 when builder.Length > 0:
                {
                    int start = random.Next(builder.Length), length = random.Next(1, Math.Min(20, builder.Length - start) + 1);
                    builder.Remove(start, length);
                    break;
                }

                default:
                    builder.Insert(at, (char)random.Next(0, 0x3000));
                    break;
            }
        }

        return builder.ToString();
    }

    private static string RandomFragments(Random random)
    {
        var builder = new StringBuilder();
        int count = random.Next(0, 25);
        for (int i = 0; i < count; i++)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
            if (random.Next(3) != 0)
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    private static string RandomCharacters(Random random)
    {
        var builder = new StringBuilder();
        int length = random.Next(0, 40);
        for (int i = 0; i < length; i++)
        {
            builder.Append(random.Next(3) == 0 ? (char)random.Next(0, 0x10000) : (char)random.Next(0x20, 0x7F));
        }

        return builder.ToString();
    }

    private static string Pathological(Random random)
    {
        int n = random.Next(0, 80);
        return random.Next(8) switch
        {
            0 => new string('(', n) + "a" + new string(')', random.Next(0, n + 2)),
            1 => string.Concat(Enumerable.Repeat("not ", n)) + (random.Next(2) == 0 ? "seen" : "a"),
            2 => "x in (" + string.Join(",", Enumerable.Range(0, random.Next(200, 300))) + ")",
            3 => "tags contains all (" + string.Join(",", Enumerable.Range(0, random.Next(250, 260)).Select(i => $"\"{i}\"")) + ")",
            4 => "note = \"" + new string('x', random.Next(FilterText.MaxLength - 12, FilterText.MaxLength + 4)) + "\"",
            5 => string.Join(" or ", Enumerable.Repeat("a != 1", random.Next(300, 420))),
            6 => string.Concat(Enumerable.Repeat("x or y and (", n / 3)) + "z" + new string(')', n / 3),
            _ => new string('"', n) + new string('\\', random.Next(0, 5)),
        };
    }

    private static string Escape(string text)
    {
        string shown = text.Length > 300 ? text[..300] + $"… ({text.Length} characters)" : text;
        var builder = new StringBuilder();
        foreach (char c in shown)
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }
}
