using Personalize.Core.Data;
using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary><see cref="FilterText.Parse"/> with a <see cref="CatalogSchema"/>: unknown attributes, and operators or values that do not fit a type.</summary>
public sealed class FilterTextSchemaTests
{
    private static readonly CatalogSchema Schema = new(new Dictionary<string, AttributeType>
    {
        ["brand"] = AttributeType.Text,
        ["price"] = AttributeType.Number,
        ["rating"] = AttributeType.Number,
        ["in_stock"] = AttributeType.Boolean,
        ["added"] = AttributeType.DateTime,
        ["tags"] = AttributeType.Tags,
        ["category"] = AttributeType.Category,
    });

    public static TheoryData<string> ValidForTheSchema => new()
    {
        "brand = \"acme\"", "brand != \"acme\"", "brand in (\"acme\", \"zeta\")", "brand exists",
        "price = 10", "price in (10, 20)", "price between 10 and 50", "price >= 1", "price <= 1", "price > 1", "price < 1", "price exists",
        "in_stock", "in_stock = true", "in_stock = false", "in_stock != true", "not in_stock", "in_stock exists",
        "added between \"2024-01-01\" and \"2024-02-01\"", "added >= \"2024-01-01\"", "added <= \"2024-01-01\"", "added > \"2024-01-01\"",
        "added < \"2024-01-01\"", "added exists",
        "tags contains any (\"red\")", "tags contains all (\"red\", \"blue\")", "tags exists",
        "category under \"Kitchen\"", "category = \"Kitchen/Coffee\"", "category != \"Kitchen\"", "category exists",
        "not seen and not bought",
        "brand in (\"Acme\", \"Zen\") and price between 10 and 50 and rating >= 4 and not category under \"Refurbished\"",
    };

    public static TheoryData<string, FilterErrorCode, int> Invalid => new()
    {
        { "colour = \"red\"", FilterErrorCode.UnknownAttribute, 0 },
        { "brand = \"a\" and Price > 1", FilterErrorCode.UnknownAttribute, 16 },
        { "brand between 1 and 2", FilterErrorCode.OperatorNotValidForType, 6 },
        { "tags >= 3", FilterErrorCode.OperatorNotValidForType, 5 },
        { "added = \"2024-01-01\"", FilterErrorCode.OperatorNotValidForType, 6 },
        { "category in (\"a\")", FilterErrorCode.OperatorNotValidForType, 9 },
        { "brand under \"a\"", FilterErrorCode.OperatorNotValidForType, 6 },
        { "brand contains any (\"a\")", FilterErrorCode.OperatorNotValidForType, 6 },
        { "in_stock >= 1", FilterErrorCode.OperatorNotValidForType, 9 },
        { "tags = \"red\"", FilterErrorCode.OperatorNotValidForType, 5 },
        { "price in (\"a\")", FilterErrorCode.ValueTypeMismatch, 10 },
        { "brand in (1)", FilterErrorCode.ValueTypeMismatch, 10 },
        { "brand = 5", FilterErrorCode.ValueTypeMismatch, 8 },
        { "brand = true", FilterErrorCode.ValueTypeMismatch, 8 },
        { "price = \"10\"", FilterErrorCode.ValueTypeMismatch, 8 },
        { "in_stock = \"yes\"", FilterErrorCode.ValueTypeMismatch, 11 },
        { "added >= 5", FilterErrorCode.ValueTypeMismatch, 9 },
        { "price >= \"2024-01-01\"", FilterErrorCode.ValueTypeMismatch, 9 },
        { "price between 1 and \"2024-01-01\"", FilterErrorCode.ValueTypeMismatch, 20 },
        { "price", FilterErrorCode.ExpectedOperator, 5 },
        { "brand and in_stock", FilterErrorCode.ExpectedOperator, 5 },
        { "(tags)", FilterErrorCode.ExpectedOperator, 5 },
    };

    [Theory]
    [MemberData(nameof(ValidForTheSchema))]
    public void Parse_with_a_schema_accepts_every_operator_the_type_allows_and_gives_the_same_filter_as_without(string text)
    {
        FilterParseResult withSchema = FilterText.Parse(text, Schema);

        Assert.True(withSchema.Success, withSchema.Error?.Message);
        Assert.Equal(FilterText.Parse(text).Value, withSchema.Value);
        Assert.True(FilterText.Parse(FilterText.Format(withSchema.Value), Schema).Success);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_with_a_schema_reports_what_does_not_fit_and_where(string text, FilterErrorCode code, int position)
    {
        FilterParseResult result = FilterText.Parse(text, Schema);

        Assert.False(result.Success);
        Assert.Equal((code, position), (result.Error!.ErrorCode, result.Error.Position));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_without_a_schema_checks_only_the_syntax(string text, FilterErrorCode code, int position)
    {
        FilterParseResult result = FilterText.Parse(text);

        // Only mixed value types are wrong whatever the schema; everything else in the table is well-formed.
        bool mixed = text.Contains("between 1 and \"", StringComparison.Ordinal);
        Assert.True(result.Success == !mixed, $"{text}: {result.Error?.Message} (with a schema: {code} at {position})");
    }

    [Fact]
    public void Unknown_attribute_error_names_it_and_lists_the_valid_names()
    {
        FilterSyntaxException error = FilterText.Parse("colour = \"red\"", Schema).Error!;

        Assert.Equal("unknown attribute 'colour'; the schema has brand, price, rating, in_stock, added, tags, category.", error.Reason);
        Assert.Equal(
            "Filter text is invalid at column 1: unknown attribute 'colour'; the schema has brand, price, rating, in_stock, added, tags, category.\n"
            + "  colour = \"red\"\n"
            + "  ^",
            error.Message);
    }

    [Fact]
    public void Unknown_attribute_error_shortens_a_long_list_of_names()
    {
        var schema = new CatalogSchema(Enumerable.Range(1, 25).Select(i => KeyValuePair.Create($"a{i}", AttributeType.Text)));

        FilterSyntaxException error = FilterText.Parse("b = \"x\"", schema).Error!;

        Assert.Equal($"unknown attribute 'b'; the schema has {string.Join(", ", Enumerable.Range(1, 20).Select(i => $"a{i}"))}, … (25 in all).", error.Reason);
        Assert.Equal("unknown attribute 'b'; the schema has no attributes.", FilterText.Parse("b = \"x\"", new CatalogSchema([])).Error!.Reason);
    }

    [Fact]
    public void Operator_error_names_the_operator_the_attribute_its_type_and_what_applies()
    {
        Assert.Equal("'between' does not apply to 'brand', a Text attribute; use =, !=, in or exists.",
            FilterText.Parse("brand between 1 and 2", Schema).Error!.Reason);
        Assert.Equal("'>=' does not apply to 'tags', a Tags attribute; use contains any, contains all or exists.",
            FilterText.Parse("tags >= 3", Schema).Error!.Reason);
    }

    [Fact]
    public void Value_error_names_the_attribute_its_type_what_was_expected_and_what_was_found()
    {
        Assert.Equal("'price' is a Number attribute, so expected a number; found the string \"a\".",
            FilterText.Parse("price in (\"a\")", Schema).Error!.Reason);
        Assert.Equal("'in_stock' is a Boolean attribute, so expected true or false; found the string \"yes\".",
            FilterText.Parse("in_stock = \"yes\"", Schema).Error!.Reason);
        Assert.Equal("expected an operator after 'price', a Number attribute (=, !=, in, between, >=, <=, >, < or exists); found the end of the filter.",
            FilterText.Parse("price", Schema).Error!.Reason);
    }
}
