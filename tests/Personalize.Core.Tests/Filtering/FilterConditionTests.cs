using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>The fluent entry points (<see cref="Filter.Where"/>, <see cref="FilterCondition"/>, and, or, not): nodes and argument checks.</summary>
public sealed class FilterConditionTests
{
    private static readonly DateTimeOffset Noon = new(2024, 1, 31, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<Filter, FilterKind, FilterValue[]> Nodes => new()
    {
        { Filter.Where("x").EqualTo("a"), FilterKind.EqualTo, [FilterValue.FromText("a")] },
        { Filter.Where("x").EqualTo(1.50m), FilterKind.EqualTo, [FilterValue.FromNumber(1.5m)] },
        { Filter.Where("x").In("a", "b"), FilterKind.In, [FilterValue.FromText("a"), FilterValue.FromText("b")] },
        { Filter.Where("x").In(new List<string> { "a" }), FilterKind.In, [FilterValue.FromText("a")] },
        { Filter.Where("x").In(1, 2), FilterKind.In, [FilterValue.FromNumber(1), FilterValue.FromNumber(2)] },
        { Filter.Where("x").Between(1, 2), FilterKind.Between, [FilterValue.FromNumber(1), FilterValue.FromNumber(2)] },
        { Filter.Where("x").Between(Noon, Noon), FilterKind.Between, [FilterValue.FromDateTime(Noon), FilterValue.FromDateTime(Noon)] },
        { Filter.Where("x").AtLeast(1), FilterKind.AtLeast, [FilterValue.FromNumber(1)] },
        { Filter.Where("x").AtLeast(Noon), FilterKind.AtLeast, [FilterValue.FromDateTime(Noon)] },
        { Filter.Where("x").AtMost(1), FilterKind.AtMost, [FilterValue.FromNumber(1)] },
        { Filter.Where("x").AtMost(Noon), FilterKind.AtMost, [FilterValue.FromDateTime(Noon)] },
        { Filter.Where("x").GreaterThan(1), FilterKind.GreaterThan, [FilterValue.FromNumber(1)] },
        { Filter.Where("x").GreaterThan(Noon), FilterKind.GreaterThan, [FilterValue.FromDateTime(Noon)] },
        { Filter.Where("x").LessThan(1), FilterKind.LessThan, [FilterValue.FromNumber(1)] },
        { Filter.Where("x").LessThan(Noon), FilterKind.LessThan, [FilterValue.FromDateTime(Noon)] },
        { Filter.Where("x").Exists(), FilterKind.Exists, [] },
        { Filter.Where("x").IsTrue(), FilterKind.IsTrue, [] },
        { Filter.Where("x").IsFalse(), FilterKind.IsFalse, [] },
        { Filter.Where("x").ContainsAny("a"), FilterKind.ContainsAny, [FilterValue.FromText("a")] },
        { Filter.Where("x").ContainsAll("a", "b"), FilterKind.ContainsAll, [FilterValue.FromText("a"), FilterValue.FromText("b")] },
        { Filter.Where("x").Under("A/B"), FilterKind.Under, [FilterValue.FromText("A/B")] },
    };

    [Theory]
    [MemberData(nameof(Nodes))]
    public void Each_operator_makes_a_condition_node_with_its_values(Filter filter, FilterKind kind, FilterValue[] values)
    {
        Assert.Equal(kind, filter.Kind);
        Assert.Equal("x", filter.Attribute);
        Assert.Equal(values, filter.Values.ToArray());
        Assert.Empty(filter.Operands);
        Assert.Equal(1, filter.Depth);
    }

    [Fact]
    public void The_tree_is_readable_for_a_compiler()
    {
        Filter filter = FilterText.Parse("brand in (\"acme\", \"zeta\") and (price < 10 or not seen) and not in_stock").Value;

        Assert.Equal(FilterKind.And, filter.Kind);
        Assert.Null(filter.Attribute);
        Assert.Empty(filter.Values);
        Assert.Equal([FilterKind.In, FilterKind.Or, FilterKind.Not], filter.Operands.Select(o => o.Kind));
        Assert.Equal(["acme", "zeta"], filter.Operands[0].Values.Select(v => v.Text));
        Filter or = filter.Operands[1];
        Assert.Equal((FilterKind.LessThan, "price", 10m), (or.Operands[0].Kind, or.Operands[0].Attribute, or.Operands[0].Values[0].Number));
        Assert.Equal(FilterKind.NotSeen, or.Operands[1].Kind);
        Assert.Equal((FilterKind.IsTrue, "in_stock"), (filter.Operands[2].Operands[0].Kind, filter.Operands[2].Operands[0].Attribute));
        Assert.Equal(3, filter.Depth);
    }

    [Fact]
    public void And_and_Or_flatten_and_AllOf_and_AnyOf_return_a_single_filter_as_it_is()
    {
        Filter a = Filter.Where("a").IsTrue(), b = Filter.Where("b").IsTrue(), c = Filter.Where("c").IsTrue();

        Assert.Equal(new[] { a, b, c }, a.And(b).And(c).Operands.ToArray());
        Assert.Equal(new[] { a, b, c }, a.And(b.And(c)).Operands.ToArray());
        Assert.Equal(new[] { a, b, c }, Filter.AnyOf(a.Or(b), c).Operands.ToArray());
        Assert.Same(a, Filter.AllOf(a));
        Assert.Same(a, Filter.AnyOf([a]));
        Assert.Equal(new[] { a, b.Or(c) }, a.And(b.Or(c)).Operands.ToArray());
    }

    [Fact]
    public void Where_rejects_names_the_text_syntax_cannot_hold()
    {
        Assert.Equal("attribute", Assert.Throws<ArgumentNullException>(() => Filter.Where(null!)).ParamName);
        foreach (string name in new[] { "", "unit price", "9lives", "prix-ttc", "café" })
        {
            ArgumentException error = Assert.Throws<ArgumentException>(() => Filter.Where(name));
            Assert.Equal($"'{name}' is not a valid attribute name: a name starts with a letter or '_' and continues with letters, digits or '_' (A-Z, a-z, 0-9, _). (Parameter 'attribute')", error.Message);
        }

        foreach (string keyword in new[] { "in", "AND", "Seen", "true" })
        {
            ArgumentException error = Assert.Throws<ArgumentException>(() => Filter.Where(keyword));
            Assert.Equal($"'{keyword}' is a keyword of the filter text and cannot name an attribute; rename the attribute (the keywords, in any case: "
                + "and, or, not, in, between, exists, contains, any, all, under, seen, bought, true, false). (Parameter 'attribute')", error.Message);
        }
    }

    [Fact]
    public void Lists_must_have_one_to_the_maximum_number_of_non_null_values()
    {
        FilterCondition where = Filter.Where("x");

        Assert.Equal("In needs at least one value. (Parameter 'values')", Assert.Throws<ArgumentException>(() => where.In(Array.Empty<string>())).Message);
        Assert.Equal("In needs at least one value. (Parameter 'values')", Assert.Throws<ArgumentException>(() => where.In(Array.Empty<decimal>())).Message);
        Assert.Equal("ContainsAll needs at least one value. (Parameter 'tags')", Assert.Throws<ArgumentException>(() => where.ContainsAll(Array.Empty<string>())).Message);
        Assert.Equal("values[1] is null; In takes non-null texts. (Parameter 'values')", Assert.Throws<ArgumentNullException>(() => where.In("a", null!)).Message);
        Assert.Equal("tags", Assert.Throws<ArgumentNullException>(() => where.ContainsAny((IEnumerable<string>)null!)).ParamName);
        Assert.Equal(FilterText.MaxListSize, where.ContainsAny(Enumerable.Range(0, 256).Select(i => $"t{i}")).Values.Length);
        Assert.Equal("ContainsAny takes at most 256 values (FilterText.MaxListSize); split the condition or filter on a coarser attribute. (Parameter 'tags')",
            Assert.Throws<ArgumentException>(() => where.ContainsAny(Enumerable.Range(0, 257).Select(i => $"t{i}"))).Message);
        Assert.Equal("In takes at most 256 values (FilterText.MaxListSize); split the condition or filter on a coarser attribute. (Parameter 'values')",
            Assert.Throws<ArgumentException>(() => where.In(Enumerable.Range(0, 257).Select(i => (decimal)i))).Message);
    }

    [Fact]
    public void Ranges_must_not_be_empty_and_paths_must_have_segments()
    {
        FilterCondition where = Filter.Where("x");

        Assert.Equal("Between(50, 10) on 'x' is empty: the low end is greater than the high end; pass the low end first. (Parameter 'low')",
            Assert.Throws<ArgumentException>(() => where.Between(50m, 10m)).Message);
        Assert.Equal("Between(\"2024-01-31T12:00:00Z\", \"2024-01-31T11:00:00Z\") on 'x' is empty: the low end is greater than the high end; pass the low end first. (Parameter 'low')",
            Assert.Throws<ArgumentException>(() => where.Between(Noon, Noon.AddHours(1).ToOffset(TimeSpan.FromHours(2)).AddHours(-2))).Message);
        Assert.Equal("The category path is not valid: the category path is empty; write one such as \"Kitchen/Coffee\". (Parameter 'path')",
            Assert.Throws<ArgumentException>(() => where.Under("")).Message);
        Assert.Equal("The category path is not valid: the category path \"a//b\" has an empty segment; separate non-empty segments with a single '/', such as \"Kitchen/Coffee\". (Parameter 'path')",
            Assert.Throws<ArgumentException>(() => where.Under("a//b")).Message);
        Assert.Throws<ArgumentException>(() => where.Under("a/"));
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => where.Under(null!)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => where.EqualTo((string)null!)).ParamName);
    }

    [Fact]
    public void Filters_stay_within_the_limits_of_the_text_syntax()
    {
        Filter filter = Filter.Where("a").IsTrue();
        for (int i = 1; i < FilterText.MaxDepth; i++)
        {
            filter = Filter.Not(filter);
        }

        Assert.Equal(FilterText.MaxDepth, filter.Depth);
        Assert.Equal("The filter would be 33 levels deep; the limit is 32 (FilterText.MaxDepth), so that its text can be parsed back. (Parameter 'filter')",
            Assert.Throws<ArgumentException>(() => Filter.Not(filter)).Message);
        Assert.Throws<ArgumentException>(() => filter.And(Filter.NotSeen.Or(Filter.NotBought)));

        string longest = new('x', FilterText.MaxLength - "a = \"\"".Length);
        Assert.Equal(FilterText.MaxLength, Filter.Where("a").EqualTo(longest).ToString().Length);
        Assert.Equal("The filter's text would be 4,097 characters long; the limit is 4,096 (FilterText.MaxLength), so that it can be parsed back. (Parameter 'value')",
            Assert.Throws<ArgumentException>(() => Filter.Where("a").EqualTo(longest + "x")).Message);
        Assert.Throws<ArgumentException>(() => Filter.Where("a").EqualTo(longest).And(Filter.NotSeen));
    }

    [Fact]
    public void Combinators_reject_null_and_empty_arguments()
    {
        Filter a = Filter.Where("a").IsTrue();

        Assert.Equal("other", Assert.Throws<ArgumentNullException>(() => a.And(null!)).ParamName);
        Assert.Equal("other", Assert.Throws<ArgumentNullException>(() => a.Or(null!)).ParamName);
        Assert.Equal("filter", Assert.Throws<ArgumentNullException>(() => Filter.Not(null!)).ParamName);
        Assert.Equal("AllOf needs at least one filter; pass one or more filters. (Parameter 'filters')", Assert.Throws<ArgumentException>(() => Filter.AllOf()).Message);
        Assert.Equal("AnyOf needs at least one filter; pass one or more filters. (Parameter 'filters')", Assert.Throws<ArgumentException>(() => Filter.AnyOf()).Message);
        Assert.Equal("filters[1] is null. (Parameter 'filters')", Assert.Throws<ArgumentNullException>(() => Filter.AllOf(a, null!)).Message);
    }
}
