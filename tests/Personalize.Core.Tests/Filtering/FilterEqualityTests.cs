using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>Value equality of <see cref="Filter"/> and <see cref="FilterValue"/>: structural, consistent with hash codes, and normalized.</summary>
public sealed class FilterEqualityTests
{
    private static readonly Filter A = Filter.Where("a").IsTrue(), B = Filter.Where("b").IsTrue(), C = Filter.Where("c").IsTrue();

    public static TheoryData<Filter, Filter> EqualPairs => new()
    {
        { Filter.Where("brand").In("acme", "zeta"), Filter.Where("brand").In(new[] { "acme", "zeta" }.ToList()) },
        { Filter.Where("price").EqualTo(10.50m), Filter.Where("price").EqualTo(10.5m) },
        { Filter.Where("price").EqualTo(0m), Filter.Where("price").EqualTo(-0.00m) },
        {
            Filter.Where("added").AtLeast(new DateTimeOffset(2024, 1, 31, 14, 0, 0, TimeSpan.FromHours(2))),
            Filter.Where("added").AtLeast(new DateTimeOffset(2024, 1, 31, 12, 0, 0, TimeSpan.Zero))
        },
        { A.And(B).And(C), A.And(B.And(C)) },
        { A.And(B).And(C), Filter.AllOf(A, B, C) },
        { A.Or(B).Or(C), Filter.AnyOf(A, B.Or(C)) },
        { Filter.Not(A), new FilterBuilder().WhereNot("a").IsTrue().Build() },
        { Filter.NotSeen, FilterText.Parse("not seen").Value },
        { Filter.Where("a").EqualTo("x").And(Filter.NotBought), FilterText.Parse("a = \"x\" and not bought").Value },
    };

    public static TheoryData<Filter, Filter> UnequalPairs => new()
    {
        { Filter.Where("brand").In("acme", "zeta"), Filter.Where("brand").In("zeta", "acme") },
        { Filter.Where("brand").In("acme"), Filter.Where("brand").EqualTo("acme") },
        { Filter.Where("brand").EqualTo("acme"), Filter.Where("Brand").EqualTo("acme") },
        { Filter.Where("brand").EqualTo("acme"), Filter.Where("brand").EqualTo("Acme") },
        { Filter.Where("price").EqualTo(10m), Filter.Where("price").EqualTo("10") },
        { Filter.Where("price").AtLeast(10m), Filter.Where("price").GreaterThan(10m) },
        { Filter.Where("price").Between(1m, 2m), Filter.Where("price").Between(1m, 3m) },
        { Filter.Where("in_stock").IsFalse(), Filter.Not(Filter.Where("in_stock").IsTrue()) },
        { Filter.Where("tags").ContainsAny("a"), Filter.Where("tags").ContainsAll("a") },
        { A.And(B), B.And(A) },
        { A.And(B), A.Or(B) },
        { A.And(B.Or(C)), A.And(B).Or(C) },
        { Filter.Not(Filter.Not(A)), A },
        { Filter.NotSeen, Filter.NotBought },
    };

    [Theory]
    [MemberData(nameof(EqualPairs))]
    public void Equal_trees_are_equal_with_equal_hash_codes_and_text(Filter left, Filter right)
    {
        Assert.True(left.Equals(right));
        Assert.True(right.Equals((object)left));
        Assert.True(left == right);
        Assert.False(left != right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.Equal(left.ToString(), right.ToString());
    }

    [Theory]
    [MemberData(nameof(UnequalPairs))]
    public void Different_trees_are_not_equal_and_have_different_text(Filter left, Filter right)
    {
        Assert.False(left.Equals(right));
        Assert.False(right.Equals((object)left));
        Assert.False(left == right);
        Assert.True(left != right);
        Assert.NotEqual(left.ToString(), right.ToString());
    }

    [Fact]
    public void A_filter_is_not_equal_to_null_or_to_another_type()
    {
        Assert.False(A.Equals(null));
        Assert.False(A.Equals((object?)"a"));
        Assert.False(A == null);
        Assert.True((Filter?)null == null);
        Assert.True(A != null);
    }

    [Fact]
    public void Filters_work_as_dictionary_keys()
    {
        var counts = new Dictionary<Filter, int> { [FilterText.Parse("a and b").Value] = 1 };

        Assert.True(counts.ContainsKey(A.And(B)));
        Assert.False(counts.ContainsKey(B.And(A)));
    }

    [Fact]
    public void Values_are_typed_and_normalized()
    {
        var number = FilterValue.FromNumber(10.50m);
        var text = FilterValue.FromText("10.5");
        var instant = FilterValue.FromDateTime(new DateTimeOffset(2024, 1, 31, 14, 0, 0, TimeSpan.FromHours(2)));

        Assert.Equal((FilterValueType.Number, 10.5m, 1), (number.Type, number.Number, (int)number.Number.Scale));
        Assert.Equal((FilterValueType.Text, "10.5"), (text.Type, text.Text));
        Assert.Equal((FilterValueType.DateTime, TimeSpan.Zero, 12), (instant.Type, instant.DateTime.Offset, instant.DateTime.Hour));
        Assert.Equal(("10.5", "\"10.5\"", "\"2024-01-31T12:00:00Z\""), (number.ToString(), text.ToString(), instant.ToString()));
        Assert.NotEqual(number, text);
        Assert.True(number == FilterValue.FromNumber(10.5m) && number.GetHashCode() == FilterValue.FromNumber(10.500m).GetHashCode());
        Assert.True(number != FilterValue.FromNumber(10.51m));
    }

    [Fact]
    public void Reading_a_value_as_another_type_throws_and_says_which_type_it_is()
    {
        var text = FilterValue.FromText("acme");

        Assert.Equal("This filter value is Text, not Number; check FilterValue.Type before reading it.",
            Assert.Throws<InvalidOperationException>(() => text.Number).Message);
        Assert.Throws<InvalidOperationException>(() => text.DateTime);
        Assert.Throws<InvalidOperationException>(() => FilterValue.FromNumber(1).Text);
    }
}
