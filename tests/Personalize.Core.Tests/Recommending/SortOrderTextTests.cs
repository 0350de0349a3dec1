using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Recommending;

public sealed class SortOrderTextTests
{
    [Theory]
    [InlineData("relevance", SortOrder.Relevance)]
    [InlineData("price-asc", SortOrder.PriceAscending)]
    [InlineData("PRICE-DESC", SortOrder.PriceDescending)]
    [InlineData(" rating ", SortOrder.Rating)]
    [InlineData("newest", SortOrder.Newest)]
    [InlineData("popularity", SortOrder.Popularity)]
    public void Parse_reads_each_name(string text, SortOrder expected) => Assert.Equal(expected, SortOrderText.Parse(text));

    [Fact]
    public void Format_and_parse_round_trip_every_order()
    {
        foreach (SortOrder order in Enum.GetValues<SortOrder>())
        {
            Assert.Equal(order, SortOrderText.Parse(SortOrderText.Format(order)));
        }

        Assert.Equal(Enum.GetValues<SortOrder>().Length, SortOrderText.ValidNames.Count);
    }

    [Fact]
    public void Parse_of_an_unknown_name_lists_the_valid_ones()
    {
        var error = Assert.Throws<FormatException>(() => SortOrderText.Parse("cheapest"));
        Assert.Contains("'cheapest'", error.Message, StringComparison.Ordinal);
        Assert.Contains("price-asc", error.Message, StringComparison.Ordinal);
        Assert.False(SortOrderText.TryParse(null, out _));
    }

    [Fact]
    public void Format_refuses_an_undefined_value() => Assert.Throws<ArgumentOutOfRangeException>(() => SortOrderText.Format((SortOrder)42));
}
