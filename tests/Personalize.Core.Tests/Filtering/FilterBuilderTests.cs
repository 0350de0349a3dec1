using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary><see cref="FilterBuilder"/>: it builds the same values as the fluent entry points and the text, and says clearly how it was misused.</summary>
public sealed class FilterBuilderTests
{
    [Fact]
    public void Build_returns_the_filter_of_the_style_guide_example()
    {
        Filter filter = new FilterBuilder().Where("brand").In("acme", "zeta").Where("price").Between(10m, 50m)
            .Where("rating").AtLeast(4).Where("in_stock").IsTrue().Build();

        Assert.Equal("brand in (\"acme\", \"zeta\") and price between 10 and 50 and rating >= 4 and in_stock", FilterText.Format(filter));
        Assert.Equal(filter, FilterText.Parse(FilterText.Format(filter)).Value);
        Assert.Equal(FilterKind.And, filter.Kind);
        Assert.Equal(4, filter.Operands.Length);
    }

    [Fact]
    public void Builder_fluent_entry_points_and_text_give_equal_filters_for_the_issue_example()
    {
        Filter fluent = Filter.Where("brand").In("Acme", "Zen").And(Filter.Where("price").Between(10, 50)).And(Filter.Where("rating").AtLeast(4))
            .And(Filter.Not(Filter.Where("category").Under("Refurbished")));
        Filter built = new FilterBuilder().Where("brand").In("Acme", "Zen").Where("price").Between(10, 50).Where("rating").AtLeast(4)
            .WhereNot("category").Under("Refurbished").Build();
        Filter parsed = FilterText.Parse("brand in (\"Acme\", \"Zen\") and price between 10 and 50 and rating >= 4 and not category under \"Refurbished\"").Value;

        Assert.Equal(fluent, built);
        Assert.Equal(fluent, parsed);
        Assert.Equal(fluent.GetHashCode(), built.GetHashCode());
    }

    [Fact]
    public void Or_starts_an_alternative_so_the_builder_reads_like_text()
    {
        Filter built = new FilterBuilder().Where("a").IsTrue().Where("b").IsTrue().Or().Where("c").IsTrue().NotSeen().Build();
        Filter fluent = Filter.AnyOf(Filter.Where("a").IsTrue().And(Filter.Where("b").IsTrue()), Filter.Where("c").IsTrue().And(Filter.NotSeen));

        Assert.Equal(fluent, built);
        Assert.Equal("a and b or c and not seen", built.ToString());
    }

    [Fact]
    public void Where_adds_a_group_built_elsewhere_with_its_parentheses()
    {
        Filter built = new FilterBuilder().Where("a").IsTrue().Where(Filter.Where("b").IsTrue().Or(Filter.Where("c").IsTrue())).NotBought().Build();

        Assert.Equal("a and (b or c) and not bought", built.ToString());
    }

    [Fact]
    public void Build_of_one_condition_returns_that_condition()
    {
        Assert.Equal(Filter.Where("brand").Exists(), new FilterBuilder().Where("brand").Exists().Build());
        Assert.Equal(Filter.NotSeen, new FilterBuilder().NotSeen().Build());
    }

    [Fact]
    public void Every_call_after_Build_throws_and_says_why()
    {
        var builder = new FilterBuilder();
        FilterBuilderCondition finished = builder.Where("a");
        finished.IsTrue();
        builder.Build();

        const string Message = "Cannot use the FilterBuilder any more after it has been used to build a filter once; create a new FilterBuilder for another filter.";
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.Build()).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.Where("b")).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.WhereNot("b")).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.Where(Filter.NotSeen)).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.NotSeen()).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.NotBought()).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => builder.Or()).Message);
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => finished.Exists()).Message);
    }

    [Fact]
    public void A_condition_without_an_operator_is_reported_by_the_next_call()
    {
        var builder = new FilterBuilder();
        builder.Where("brand");

        Assert.Equal("Where(\"brand\") has no operator yet; finish it with an operator such as EqualTo(...), In(...) or Exists() before calling Build().",
            Assert.Throws<InvalidOperationException>(() => builder.Build()).Message);
        Assert.Equal("Where(\"brand\") has no operator yet; finish it with an operator such as EqualTo(...), In(...) or Exists() before calling Where(...).",
            Assert.Throws<InvalidOperationException>(() => builder.Where("price")).Message);
        Assert.Equal("Where(\"brand\") has no operator yet; finish it with an operator such as EqualTo(...), In(...) or Exists() before calling Or().",
            Assert.Throws<InvalidOperationException>(() => builder.Or()).Message);
        Assert.Equal("Where(\"brand\") has no operator yet; finish it with an operator such as EqualTo(...), In(...) or Exists() before calling Where(filter).",
            Assert.Throws<InvalidOperationException>(() => builder.NotSeen()).Message);
    }

    [Fact]
    public void A_condition_takes_one_operator()
    {
        var builder = new FilterBuilder();
        FilterBuilderCondition condition = builder.Where("brand");
        condition.EqualTo("acme");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => condition.In("zeta"));

        Assert.Equal("This Where(\"brand\") condition already has its operator; call Where(\"brand\") on the builder again for another condition.", error.Message);
        Assert.Equal(Filter.Where("brand").EqualTo("acme"), builder.Build());
    }

    [Fact]
    public void Build_of_an_empty_builder_throws_and_leaves_the_builder_usable()
    {
        var builder = new FilterBuilder();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Equal("The FilterBuilder has no conditions; add one with Where(...), NotSeen() or NotBought() before Build().", error.Message);
        Assert.Equal(Filter.NotSeen, builder.NotSeen().Build());
    }

    [Fact]
    public void Or_needs_a_condition_before_it_and_after_it()
    {
        const string Before = "Or() needs a condition before it; add one with Where(...) first (Or() cannot come first or twice in a row).";
        Assert.Equal(Before, Assert.Throws<InvalidOperationException>(() => new FilterBuilder().Or()).Message);
        Assert.Equal(Before, Assert.Throws<InvalidOperationException>(() => new FilterBuilder().NotSeen().Or().Or()).Message);

        FilterBuilder trailing = new FilterBuilder().NotSeen().Or();
        Assert.Equal("The FilterBuilder ends with Or(); add the conditions of the last alternative after it, or remove the Or().",
            Assert.Throws<InvalidOperationException>(() => trailing.Build()).Message);
        Assert.Equal(Filter.NotSeen.Or(Filter.NotBought), trailing.NotBought().Build());
    }

    [Fact]
    public void Invalid_arguments_throw_at_once_and_leave_the_condition_open()
    {
        var builder = new FilterBuilder();
        FilterBuilderCondition condition = builder.Where("price");

        ArgumentException error = Assert.Throws<ArgumentException>(() => condition.Between(50m, 10m));

        Assert.Equal("Between(50, 10) on 'price' is empty: the low end is greater than the high end; pass the low end first. (Parameter 'low')", error.Message);
        Assert.Equal(Filter.Where("price").Between(10m, 50m), condition.Between(10m, 50m).Build());
    }

    [Fact]
    public void Where_rejects_names_the_text_cannot_hold()
    {
        var builder = new FilterBuilder();

        Assert.Equal("attribute", Assert.Throws<ArgumentNullException>(() => builder.Where((string)null!)).ParamName);
        Assert.Equal("filter", Assert.Throws<ArgumentNullException>(() => builder.Where((Filter)null!)).ParamName);
        Assert.StartsWith("'in' is a keyword of the filter text and cannot name an attribute;",
            Assert.Throws<ArgumentException>(() => builder.WhereNot("in")).Message, StringComparison.Ordinal);
        Assert.StartsWith("'unit price' is not a valid attribute name:",
            Assert.Throws<ArgumentException>(() => builder.Where("unit price")).Message, StringComparison.Ordinal);
        Assert.Equal(Filter.Where("ok").Exists(), builder.Where("ok").Exists().Build());
    }

    [Fact]
    public void Build_throws_when_the_filter_would_be_too_long_to_parse_back()
    {
        var builder = new FilterBuilder();
        for (int i = 0; i < 100; i++)
        {
            builder.Where("note").EqualTo(new string('x', 40));
        }

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Equal("The filter's text would be 5,395 characters long; the limit is 4,096 (FilterText.MaxLength), so that it can be parsed back.", error.Message);
    }
}
