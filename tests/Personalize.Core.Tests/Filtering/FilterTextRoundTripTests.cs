using Personalize.Core.Data;
using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>
/// Property tests from fixed seeds over filters generated through the public API: the canonical text parses back to an equal filter
/// and formats to the same text, and a random non-canonical spelling of the same filter parses to an equal filter too. Failures print
/// the seed and the case.
/// </summary>
public sealed class FilterTextRoundTripTests
{
    [Theory]
    [InlineData(1, 2500, false)]
    [InlineData(20240131, 2500, false)]
    [InlineData(7, 2500, true)]
    [InlineData(31337, 2500, true)]
    public void Parse_of_Format_equals_the_filter_and_formats_to_the_same_text(int seed, int count, bool typed)
    {
        var random = new Random(seed);
        var generator = new FilterGenerator(random, typed);
        CatalogSchema? schema = typed ? FilterGenerator.Schema : null;
        for (int i = 0; i < count; i++)
        {
            (Filter filter, _) = generator.Next();
            string text = FilterText.Format(filter);
            string context = $"seed {seed}, filter {i}, typed {typed}: {text}";

            FilterParseResult parsed = FilterText.Parse(text, schema);

            Assert.True(parsed.Success, $"{context}\n{parsed.Error?.Message}");
            Assert.True(parsed.Value.Equals(filter), $"{context}\nparsed back as {parsed.Value}");
            Assert.True(parsed.Value.GetHashCode() == filter.GetHashCode(), $"{context}: the hash codes differ");
            Assert.True(FilterText.Format(parsed.Value) == text, $"{context}\nformats again as {parsed.Value}");
            Assert.True(filter.ToString() == text, $"{context}: ToString differs from Format");
            Assert.True(text.Length <= FilterText.MaxLength && filter.Depth <= FilterText.MaxDepth, $"{context}: exceeds a limit");
        }
    }

    [Theory]
    [InlineData(2, 2500, false)]
    [InlineData(99, 2500, true)]
    public void Parse_of_any_spelling_equals_the_filter_built_with_the_api(int seed, int count, bool typed)
    {
        var random = new Random(seed);
        var generator = new FilterGenerator(random, typed);
        CatalogSchema? schema = typed ? FilterGenerator.Schema : null;
        for (int i = 0; i < count; i++)
        {
            (Filter filter, List<string> tokens) = generator.Next();
            string text = generator.Join(tokens);
            string context = $"seed {seed}, filter {i}, typed {typed}: {text}\nexpected {filter}";

            FilterParseResult parsed = FilterText.Parse(text, schema);

            Assert.True(parsed.Success, $"{context}\n{parsed.Error?.Message}");
            Assert.True(parsed.Value.Equals(filter), $"{context}\nparsed as {parsed.Value}");
        }
    }
}
