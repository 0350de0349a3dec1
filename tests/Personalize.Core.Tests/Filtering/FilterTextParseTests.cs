using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>Data tables for <see cref="FilterText.Parse"/>: valid texts and the filters they mean, invalid texts and where they fail.</summary>
public sealed class FilterTextParseTests
{
    private static readonly DateTimeOffset January31 = new(2024, 1, 31, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, Filter> Valid => new()
    {
        { "brand = \"acme\"", new FilterBuilder().Where("brand").EqualTo("acme").Build() },
        { "price = 10.50", new FilterBuilder().Where("price").EqualTo(10.5m).Build() },
        { "price = -0.25", new FilterBuilder().Where("price").EqualTo(-0.25m).Build() },
        { "brand in (\"acme\", \"zeta\")", new FilterBuilder().Where("brand").In("acme", "zeta").Build() },
        { "size IN (38,39 , 40)", new FilterBuilder().Where("size").In(38, 39, 40).Build() },
        { "price between 10 and 50", new FilterBuilder().Where("price").Between(10m, 50m).Build() },
        { "price between 10 and 10", new FilterBuilder().Where("price").Between(10m, 10m).Build() },
        { "rating >= 4", new FilterBuilder().Where("rating").AtLeast(4).Build() },
        { "price <= 50", new FilterBuilder().Where("price").AtMost(50).Build() },
        { "price > 10", new FilterBuilder().Where("price").GreaterThan(10).Build() },
        { "price<10", new FilterBuilder().Where("price").LessThan(10).Build() },
        { "added >= \"2024-01-31T12:00:00Z\"", new FilterBuilder().Where("added").AtLeast(January31).Build() },
        { "added >= \"2024-01-31T14:00:00+02:00\"", new FilterBuilder().Where("added").AtLeast(January31).Build() },
        { "added < \"2024-01-31T12:00\"", new FilterBuilder().Where("added").LessThan(January31).Build() },
        { "added > \"2024-01-31\"", new FilterBuilder().Where("added").GreaterThan(new DateTimeOffset(2024, 1, 31, 0, 0, 0, TimeSpan.Zero)).Build() },
        { "added <= \"2024-01-31T12:00:00.1234567Z\"", new FilterBuilder().Where("added").AtMost(January31.AddTicks(1234567)).Build() },
        {
            "added between \"2024-01-01\" and \"2024-01-31T12:00:00Z\"",
            new FilterBuilder().Where("added").Between(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), January31).Build()
        },
        { "brand exists", new FilterBuilder().Where("brand").Exists().Build() },
        { "in_stock", new FilterBuilder().Where("in_stock").IsTrue().Build() },
        { "in_stock = true", new FilterBuilder().Where("in_stock").IsTrue().Build() },
        { "in_stock = FALSE", new FilterBuilder().Where("in_stock").IsFalse().Build() },
        { "in_stock != true", new FilterBuilder().WhereNot("in_stock").IsTrue().Build() },
        { "tags contains any (\"red\", \"blue\")", new FilterBuilder().Where("tags").ContainsAny("red", "blue").Build() },
        { "tags Contains ALL (\"red\")", new FilterBuilder().Where("tags").ContainsAll("red").Build() },
        { "category under \"Kitchen/Coffee\"", new FilterBuilder().Where("category").Under("Kitchen/Coffee").Build() },
        { "not seen", new FilterBuilder().NotSeen().Build() },
        { "NOT Bought", new FilterBuilder().NotBought().Build() },
        { "not not seen", Filter.Not(Filter.NotSeen) },
        { "brand != \"acme\"", new FilterBuilder().WhereNot("brand").EqualTo("acme").Build() },
        { "not brand = \"acme\"", new FilterBuilder().WhereNot("brand").EqualTo("acme").Build() },
        { "note = \"say \\\"hi\\\" \\\\o/\"", new FilterBuilder().Where("note").EqualTo("say \"hi\" \\o/").Build() },
        { "note = \"\"", new FilterBuilder().Where("note").EqualTo("").Build() },
        { "note = \"東京 😀\"", new FilterBuilder().Where("note").EqualTo("東京 😀").Build() },
        { "_x9 exists", new FilterBuilder().Where("_x9").Exists().Build() },
        { "ORDER = 1", new FilterBuilder().Where("ORDER").EqualTo(1).Build() },
        { "  \t\r\n brand\nexists \n", new FilterBuilder().Where("brand").Exists().Build() },
        { "((brand exists))", new FilterBuilder().Where("brand").Exists().Build() },
        {
            // The example of STYLE.md section 4.
            "brand in (\"acme\", \"zeta\") and price between 10 and 50 and rating >= 4 and in_stock",
            new FilterBuilder().Where("brand").In("acme", "zeta").Where("price").Between(10m, 50m).Where("rating").AtLeast(4).Where("in_stock").IsTrue().Build()
        },
        {
            // The example of the issue.
            "brand in (\"Acme\", \"Zen\") and price between 10 and 50 and rating >= 4 and not category under \"Refurbished\"",
            new FilterBuilder().Where("brand").In("Acme", "Zen").Where("price").Between(10, 50).Where("rating").AtLeast(4)
                .WhereNot("category").Under("Refurbished").Build()
        },
        {
            "a and b or c",
            new FilterBuilder().Where("a").IsTrue().Where("b").IsTrue().Or().Where("c").IsTrue().Build()
        },
        {
            "a and (b or c)",
            new FilterBuilder().Where("a").IsTrue().Where(Filter.Where("b").IsTrue().Or(Filter.Where("c").IsTrue())).Build()
        },
        {
            "not a and b",
            new FilterBuilder().WhereNot("a").IsTrue().Where("b").IsTrue().Build()
        },
        {
            "not (a and b)",
            Filter.Not(Filter.Where("a").IsTrue().And(Filter.Where("b").IsTrue()))
        },
        {
            "a and (b and c) and (d)",
            Filter.AllOf(Filter.Where("a").IsTrue(), Filter.Where("b").IsTrue(), Filter.Where("c").IsTrue(), Filter.Where("d").IsTrue())
        },
        {
            "price between 1 and 2 and (not seen or not bought)",
            new FilterBuilder().Where("price").Between(1, 2).Where(Filter.NotSeen.Or(Filter.NotBought)).Build()
        },
    };

    public static TheoryData<string, FilterErrorCode, int> Invalid => new()
    {
        // The examples of STYLE.md section 7.
        { "brand in (\"acme\" \"zeta\")", FilterErrorCode.ExpectedCommaOrClose, 16 },
        { "price between 50 and 10", FilterErrorCode.EmptyRange, 6 },

        { "", FilterErrorCode.EmptyText, 0 },
        { " \t\n ", FilterErrorCode.EmptyText, 0 },
        { "brand = \"acme\" #", FilterErrorCode.UnexpectedCharacter, 15 },
        { "brand ! \"acme\"", FilterErrorCode.UnexpectedCharacter, 6 },
        { "brand = 'acme'", FilterErrorCode.UnexpectedCharacter, 8 },
        { "brand = \u201Cacme\u201D", FilterErrorCode.UnexpectedCharacter, 8 },
        { "br\u00E5nd = \"a\"", FilterErrorCode.UnexpectedCharacter, 2 },
        { "price > -", FilterErrorCode.UnexpectedCharacter, 8 },
        { "brand = \"acme", FilterErrorCode.UnterminatedString, 8 },
        { "brand = \"acme\\\"", FilterErrorCode.UnterminatedString, 8 },
        { "brand = \"ac\\me\"", FilterErrorCode.InvalidEscape, 11 },
        { "price = 1.", FilterErrorCode.InvalidNumber, 8 },
        { "price = 12abc", FilterErrorCode.InvalidNumber, 8 },
        { "price = 1.2.3", FilterErrorCode.InvalidNumber, 8 },
        { "price = 99999999999999999999999999999999", FilterErrorCode.InvalidNumber, 8 },
        { "added >= \"2024-13-01\"", FilterErrorCode.InvalidDateTime, 9 },
        { "added >= \"2023-02-29\"", FilterErrorCode.InvalidDateTime, 9 },
        { "added >= \"2024-01-31 12:00\"", FilterErrorCode.InvalidDateTime, 9 },
        { "added >= \"yesterday\"", FilterErrorCode.InvalidDateTime, 9 },
        { "added >= \"0001-01-01T00:00:00+01:00\"", FilterErrorCode.InvalidDateTime, 9 },
        { "category under \"\"", FilterErrorCode.InvalidCategoryPath, 15 },
        { "category under \"a//b\"", FilterErrorCode.InvalidCategoryPath, 15 },
        { "category under \"/a\"", FilterErrorCode.InvalidCategoryPath, 15 },
        { "= 3", FilterErrorCode.ExpectedCondition, 0 },
        { "brand = \"a\" and", FilterErrorCode.ExpectedCondition, 15 },
        { "brand = \"a\" and or b", FilterErrorCode.ExpectedCondition, 15 },
        { "seen", FilterErrorCode.ExpectedCondition, 0 },
        { "in = 1", FilterErrorCode.ExpectedCondition, 0 },
        { "()", FilterErrorCode.ExpectedCondition, 1 },
        { "brand \"acme\"", FilterErrorCode.ExpectedOperator, 5 },
        { "brand not in (\"a\")", FilterErrorCode.ExpectedOperator, 5 },
        { "brand = ", FilterErrorCode.ExpectedValue, 7 },
        { "brand = )", FilterErrorCode.ExpectedValue, 7 },
        { "brand in ()", FilterErrorCode.ExpectedValue, 10 },
        { "brand in (\"a\",)", FilterErrorCode.ExpectedValue, 14 },
        { "brand in (true)", FilterErrorCode.ExpectedValue, 10 },
        { "price >= true", FilterErrorCode.ExpectedNumberOrDateTime, 8 },
        { "price between and 2", FilterErrorCode.ExpectedNumberOrDateTime, 13 },
        { "tags contains any (1)", FilterErrorCode.ExpectedString, 19 },
        { "category under 5", FilterErrorCode.ExpectedString, 14 },
        { "brand in \"a\"", FilterErrorCode.ExpectedOpenParenthesis, 8 },
        { "brand in (\"a\"", FilterErrorCode.ExpectedCommaOrClose, 13 },
        { "(brand = \"a\"", FilterErrorCode.ExpectedCloseParenthesis, 12 },
        { "(brand = \"a\" \"b\")", FilterErrorCode.ExpectedCloseParenthesis, 12 },
        { "price between 1 or 2", FilterErrorCode.ExpectedAnd, 15 },
        { "tags contains \"a\"", FilterErrorCode.ExpectedAnyOrAll, 13 },
        { "brand = \"a\" price = 1", FilterErrorCode.ExpectedEnd, 11 },
        { "not not seen)", FilterErrorCode.ExpectedEnd, 12 },
        { "brand in (\"a\", 1)", FilterErrorCode.MixedValueTypes, 15 },
        { "price between 1 and \"2024-01-01\"", FilterErrorCode.MixedValueTypes, 20 },
        { "added between \"2024-02-01\" and \"2024-01-01\"", FilterErrorCode.EmptyRange, 6 },

        // The earliest error wins: the empty range comes before the bad character.
        { "price between 50 and 10 #", FilterErrorCode.EmptyRange, 6 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_reads_the_filter_the_builder_makes(string text, Filter expected)
    {
        FilterParseResult result = FilterText.Parse(text);

        Assert.True(result.Success, result.Error?.Message);
        Assert.Null(result.Error);
        Assert.Equal(expected, result.Value);
        Assert.True(result.TryGetValue(out Filter? value) && value == expected);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_reports_what_is_wrong_and_where(string text, FilterErrorCode code, int position)
    {
        FilterParseResult result = FilterText.Parse(text);

        Assert.False(result.Success);
        Assert.Equal((code, position), (result.Error!.ErrorCode, result.Error.Position));
        Assert.Equal(text, result.Error.Text);
        Assert.False(result.TryGetValue(out Filter? value));
        Assert.Null(value);
        FilterSyntaxException thrown = Assert.Throws<FilterSyntaxException>(() => result.Value);
        Assert.Same(result.Error, thrown);
    }

    [Fact]
    public void Parse_wraps_null_text_in_a_failed_result()
    {
        FilterParseResult result = FilterText.Parse(null);

        Assert.False(result.Success);
        Assert.Equal((FilterErrorCode.NullText, 0, ""), (result.Error!.ErrorCode, result.Error.Position, result.Error.Text));
        Assert.Equal("Filter text is invalid at column 1: " + FilterTextErrors.NullText + "\n  \n  ^", result.Error.Message);
    }

    [Fact]
    public void Parse_reports_the_column_of_an_unclosed_list_with_a_caret_under_it()
    {
        FilterParseResult result = FilterText.Parse("brand in (\"acme\" \"zeta\") and price <= 50");

        Assert.Equal(
            "Filter text is invalid at column 17: expected ',' or ')' to close the list opened at column 10; found the string \"zeta\".\n"
            + "  brand in (\"acme\" \"zeta\") and price <= 50\n"
            + "                  ^",
            result.Error!.Message);
        Assert.Equal((1, 17), (result.Error.Line, result.Error.Column));
        Assert.Equal("expected ',' or ')' to close the list opened at column 10; found the string \"zeta\".", result.Error.Reason);
    }

    [Fact]
    public void Parse_reports_line_and_column_in_text_of_several_lines()
    {
        FilterParseResult result = FilterText.Parse("brand = \"a\"\r\nand price >= x");

        Assert.Equal(FilterErrorCode.ExpectedNumberOrDateTime, result.Error!.ErrorCode);
        Assert.Equal((25, 2, 13), (result.Error.Position, result.Error.Line, result.Error.Column));
        Assert.Equal(
            "Filter text is invalid at line 2, column 13: expected a number or a date-time in quotes after '>=', such as 10 or \"2024-01-31T12:00:00Z\"; found the name 'x'.\n"
            + "  and price >= x\n"
            + "              ^",
            result.Error.Message);
    }

    [Fact]
    public void Parse_messages_come_from_FilterTextErrors()
    {
        Assert.Equal(string.Format(FilterTextErrors.ExpectedEnd, "the name 'price'"), FilterText.Parse("brand = \"a\" price = 1").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.EmptyRange, "50", "10"), FilterText.Parse("price between 50 and 10").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.InvalidEscape, 'm'), FilterText.Parse("brand = \"ac\\me\"").Error!.Reason);
        Assert.Equal(FilterTextErrors.LoneExclamationMark, FilterText.Parse("brand ! \"acme\"").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.ExpectedConditionPerUserRule, "the keyword 'seen'"), FilterText.Parse("seen").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.UnexpectedCharacter, "'#' (U+0023)"), FilterText.Parse("#").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.UnexpectedCharacter, "(U+0007)"), FilterText.Parse("a\u0007").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.NumberOutOfRange, "99999999999999999999999999999999"),
            FilterText.Parse("price = 99999999999999999999999999999999").Error!.Reason);
        // More places than a decimal keeps were rounded away in silence: this read 'price > 0'.
        Assert.Equal(string.Format(FilterTextErrors.NumberTooPrecise, "0.00000000000000000000000000005"),
            FilterText.Parse("price > 0.00000000000000000000000000005").Error!.Reason);
        Assert.Equal(FilterErrorCode.InvalidNumber, FilterText.Parse("price = 12345678901234567890.123456789012").Error!.ErrorCode);
        Assert.True(FilterText.Parse("price > 0.0000000000000000000000000001").Success);   // 28 places
        Assert.True(FilterText.Parse("price = 1.000000000000000000000000000000").Success);   // zeros past the 28th change nothing
        Assert.Equal(string.Format(FilterTextErrors.ExpectedCloseParenthesis, "column 1", "the string \"b\""),
            FilterText.Parse("(brand = \"a\" \"b\")").Error!.Reason);
        Assert.Equal(string.Format(FilterTextErrors.MixedValueTypes, "the number 1", "a number", "a string"),
            FilterText.Parse("brand in (\"a\", 1)").Error!.Reason);
    }

    [Fact]
    public void Parse_accepts_text_of_the_maximum_length_and_rejects_one_character_more()
    {
        string longest = "note = \"" + new string('x', FilterText.MaxLength - 9) + "\"";
        Assert.Equal(FilterText.MaxLength, longest.Length);
        Assert.True(FilterText.Parse(longest).Success);

        string tooLong = longest + " ";
        FilterParseResult result = FilterText.Parse(tooLong);

        Assert.Equal((FilterErrorCode.TextTooLong, FilterText.MaxLength), (result.Error!.ErrorCode, result.Error.Position));
        Assert.Equal(string.Format(FilterTextErrors.TextTooLong, 4097, 4096), result.Error.Reason);
        Assert.Contains("4,097 characters long; the limit is 4,096 characters (FilterText.MaxLength)", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejects_text_whose_canonical_form_would_exceed_the_maximum_length()
    {
        // "a!=1 or " (8 characters) is "not a = 1 or " (13 characters) when formatted.
        string text = string.Join(" or ", Enumerable.Repeat("a!=1", 500));
        Assert.True(text.Length <= FilterText.MaxLength);

        FilterParseResult result = FilterText.Parse(text);

        Assert.Equal((FilterErrorCode.TextTooLong, 0), (result.Error!.ErrorCode, result.Error.Position));
        Assert.Contains("as FilterText.Format writes it", result.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_accepts_the_maximum_nesting_of_parentheses_and_rejects_one_more()
    {
        int depth = FilterText.MaxDepth;
        Assert.True(FilterText.Parse(new string('(', depth) + "a" + new string(')', depth)).Success);

        FilterParseResult result = FilterText.Parse(new string('(', depth + 1) + "a" + new string(')', depth + 1));

        Assert.Equal((FilterErrorCode.NestingTooDeep, depth), (result.Error!.ErrorCode, result.Error.Position));
        Assert.Equal(string.Format(FilterTextErrors.NestingTooDeep, 32), result.Error.Reason);
    }

    [Fact]
    public void Parse_accepts_the_maximum_nesting_of_not_and_rejects_one_more()
    {
        // 31 nots over a condition is a tree 32 deep; a 32nd not is 33 deep, and a 33rd is nested too deep in the text.
        string deepest = string.Concat(Enumerable.Repeat("not ", FilterText.MaxDepth - 1)) + "a";
        Assert.Equal(FilterText.MaxDepth, FilterText.Parse(deepest).Value.Depth);

        FilterParseResult tooDeep = FilterText.Parse("not " + deepest);
        Assert.Equal((FilterErrorCode.NestingTooDeep, 0), (tooDeep.Error!.ErrorCode, tooDeep.Error.Position));
        Assert.Equal(string.Format(FilterTextErrors.FilterTooDeep, 33, 32), tooDeep.Error.Reason);

        FilterParseResult tooNested = FilterText.Parse(string.Concat(Enumerable.Repeat("not ", 40)) + "a");
        Assert.Equal((FilterErrorCode.NestingTooDeep, 4 * FilterText.MaxDepth), (tooNested.Error!.ErrorCode, tooNested.Error.Position));
    }

    [Fact]
    public void Parse_rejects_a_tree_deeper_than_the_limit_even_with_few_parentheses()
    {
        // Each group adds an or and an and: 15 groups make a tree 31 deep, 16 make it 33 deep with only 16 parentheses.
        static string Nest(int groups) => groups == 0 ? "z" : "x or y and (" + Nest(groups - 1) + ")";

        Assert.Equal(31, FilterText.Parse(Nest(15)).Value.Depth);
        FilterParseResult result = FilterText.Parse(Nest(16));

        Assert.Equal((FilterErrorCode.NestingTooDeep, 0), (result.Error!.ErrorCode, result.Error.Position));
        Assert.Equal((FilterErrorCode.NestingTooDeep, 12), (FilterText.Parse(Nest(17)).Error!.ErrorCode, FilterText.Parse(Nest(17)).Error!.Position));
    }

    [Fact]
    public void Parse_accepts_the_maximum_list_size_and_rejects_one_value_more()
    {
        string List(int count) => "size in (" + string.Join(", ", Enumerable.Range(0, count)) + ")";
        Assert.Equal(FilterText.MaxListSize, FilterText.Parse(List(FilterText.MaxListSize)).Value.Values.Length);

        string text = List(FilterText.MaxListSize + 1);
        FilterParseResult result = FilterText.Parse(text);

        Assert.Equal((FilterErrorCode.ListTooLong, text.LastIndexOf("256", StringComparison.Ordinal)), (result.Error!.ErrorCode, result.Error.Position));
        Assert.Equal(string.Format(FilterTextErrors.ListTooLong, "column 9", 256), result.Error.Reason);
    }

    [Fact]
    public void Parse_keeps_keywords_case_insensitive_and_names_case_sensitive()
    {
        Filter lower = FilterText.Parse("brand in (\"a\") and not seen").Value;
        Filter upper = FilterText.Parse("brand IN (\"a\") AND NOT SEEN").Value;
        Filter otherName = FilterText.Parse("Brand in (\"a\") and not seen").Value;

        Assert.Equal(lower, upper);
        Assert.NotEqual(lower, otherName);
        Assert.Equal("Brand", otherName.Operands[0].Attribute);
    }
}
