using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>The canonical text of <see cref="FilterText.Format"/>, and that other spellings format to it.</summary>
public sealed class FilterTextFormatTests
{
    private static readonly FilterCondition A = Filter.Where("a"), B = Filter.Where("b"), C = Filter.Where("c");

    public static TheoryData<Filter, string> Canonical => new()
    {
        { Filter.Where("brand").EqualTo("acme"), "brand = \"acme\"" },
        { Filter.Where("price").EqualTo(10.50m), "price = 10.5" },
        { Filter.Where("price").EqualTo(-0.000m), "price = 0" },
        { Filter.Where("price").EqualTo(decimal.MaxValue), "price = 79228162514264337593543950335" },
        { Filter.Where("price").EqualTo(0.0000000000000000000000000001m), "price = 0.0000000000000000000000000001" },
        { Filter.Where("brand").In("acme", "zeta"), "brand in (\"acme\", \"zeta\")" },
        { Filter.Where("size").In(38m, 39.0m), "size in (38, 39)" },
        { Filter.Where("price").Between(10m, 50m), "price between 10 and 50" },
        { Filter.Where("rating").AtLeast(4), "rating >= 4" },
        { Filter.Where("price").AtMost(50), "price <= 50" },
        { Filter.Where("price").GreaterThan(10), "price > 10" },
        { Filter.Where("price").LessThan(-1.5m), "price < -1.5" },
        { Filter.Where("added").AtLeast(new DateTimeOffset(2024, 1, 31, 14, 0, 0, TimeSpan.FromHours(2))), "added >= \"2024-01-31T12:00:00Z\"" },
        { Filter.Where("added").AtMost(new DateTimeOffset(2024, 1, 31, 12, 0, 0, 500, TimeSpan.Zero)), "added <= \"2024-01-31T12:00:00.5Z\"" },
        {
            Filter.Where("added").Between(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1)),
            "added between \"2024-01-01T00:00:00Z\" and \"2024-01-01T00:00:00.0000001Z\""
        },
        { Filter.Where("brand").Exists(), "brand exists" },
        { Filter.Where("in_stock").IsTrue(), "in_stock" },
        { Filter.Where("in_stock").IsFalse(), "in_stock = false" },
        { Filter.Not(Filter.Where("in_stock").IsTrue()), "not in_stock" },
        { Filter.Where("tags").ContainsAny("red", "blue"), "tags contains any (\"red\", \"blue\")" },
        { Filter.Where("tags").ContainsAll("red"), "tags contains all (\"red\")" },
        { Filter.Where("category").Under("Kitchen/Coffee"), "category under \"Kitchen/Coffee\"" },
        { Filter.Where("note").EqualTo("say \"hi\" \\o/"), "note = \"say \\\"hi\\\" \\\\o/\"" },
        { Filter.NotSeen, "not seen" },
        { Filter.NotBought, "not bought" },
        { Filter.Not(Filter.NotSeen), "not not seen" },
        { Filter.Not(Filter.Not(A.IsTrue())), "not not a" },
        { A.IsTrue().And(B.IsTrue()).And(C.IsTrue()), "a and b and c" },
        { A.IsTrue().And(B.IsTrue().Or(C.IsTrue())), "a and (b or c)" },
        { A.IsTrue().And(B.IsTrue()).Or(C.IsTrue()), "a and b or c" },
        { A.IsTrue().Or(B.IsTrue().And(C.IsTrue())), "a or b and c" },
        { A.IsTrue().Or(B.IsTrue()).And(C.IsTrue().Or(A.IsTrue())), "(a or b) and (c or a)" },
        { Filter.Not(A.IsTrue().And(B.IsTrue())), "not (a and b)" },
        { Filter.Not(A.IsTrue().Or(B.IsTrue())).And(Filter.NotBought), "not (a or b) and not bought" },
        {
            new FilterBuilder().Where("brand").In("acme", "zeta").Where("price").Between(10m, 50m).Where("rating").AtLeast(4).Where("in_stock").IsTrue().Build(),
            "brand in (\"acme\", \"zeta\") and price between 10 and 50 and rating >= 4 and in_stock"
        },
    };

    public static TheoryData<string, string> Spellings => new()
    {
        { "brand IN(\"a\",\"b\")", "brand in (\"a\", \"b\")" },
        { "a != 1", "not a = 1" },
        { "x = TRUE", "x" },
        { "x != false", "not x = false" },
        { "((a))", "a" },
        { "a and (b and c)", "a and b and c" },
        { "(a or b) or c", "a or b or c" },
        { "(a and b) or c", "a and b or c" },
        { "price = 010.500", "price = 10.5" },
        { "price = -0", "price = 0" },
        { "price between 1.0 and 2.50", "price between 1 and 2.5" },
        { "added >= \"2024-01-31T14:00:00+02:00\"", "added >= \"2024-01-31T12:00:00Z\"" },
        { "added >= \"2024-01-31T09:30-02:30\"", "added >= \"2024-01-31T12:00:00Z\"" },
        { "added >= \"2024-01-31\"", "added >= \"2024-01-31T00:00:00Z\"" },
        { "added < \"2024-01-31T12:00:00.1000000Z\"", "added < \"2024-01-31T12:00:00.1Z\"" },
        { "\tNOT\nseen\r\nAnD  not   BOUGHT ", "not seen and not bought" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Format_writes_the_canonical_text_which_parses_back_to_the_same_filter(Filter filter, string expected)
    {
        string text = FilterText.Format(filter);

        Assert.Equal(expected, text);
        Assert.Equal(expected, filter.ToString());
        Assert.Equal(filter, FilterText.Parse(text).Value);
    }

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Format_of_Parse_turns_any_spelling_into_the_canonical_text(string text, string canonical)
    {
        Filter parsed = FilterText.Parse(text).Value;

        Assert.Equal(canonical, FilterText.Format(parsed));
        Assert.Equal(canonical, FilterText.Format(FilterText.Parse(canonical).Value));
        Assert.Equal(parsed, FilterText.Parse(canonical).Value);
    }

    [Fact]
    public void Format_rejects_null()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => FilterText.Format(null!));
        Assert.Equal("filter", error.ParamName);
    }
}
