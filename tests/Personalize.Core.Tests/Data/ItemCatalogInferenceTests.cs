using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary><see cref="ItemCatalog.InferType"/> makes a column multi-valued only on consistent evidence, and never a title or name.</summary>
public sealed class ItemCatalogInferenceTests
{
    public static TheoryData<string, string[], AttributeType> Columns => new()
    {
        { "keywords", ["a|b", "c|d", "e"], AttributeType.Tags },          // two of three hold the separator
        { "keywords", ["a|b", "c|d"], AttributeType.Tags },
        { "keywords", ["a|b"], AttributeType.Text },                      // one value is no evidence
        { "keywords", ["a|b", "c", "d", "e", "f"], AttributeType.Text },  // one odd value among many
        { "keywords", ["a|b", "c|d", "e", "f"], AttributeType.Text },     // half is not a majority
        { "title", ["Salt | Pepper", "Oil | Vinegar", "Mill"], AttributeType.Text },
        { "name", ["a|b", "c|d"], AttributeType.Text },
        { "product_name", ["a|b", "c|d"], AttributeType.Text },
        { "short_title", ["a|b", "c|d"], AttributeType.Text },
        { "tags", ["red", "blue"], AttributeType.Tags },                  // by name
        { "colour_tags", ["red"], AttributeType.Tags },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void The_tags_type_needs_a_majority_and_more_than_one_value_with_the_separator(string name, string[] values, AttributeType expected)
    {
        Assert.Equal(expected, ItemCatalog.InferType(name, values));
    }

    [Fact]
    public void A_different_separator_is_what_counts()
    {
        Assert.Equal(AttributeType.Tags, ItemCatalog.InferType("keywords", ["a;b", "c;d"], ';'));
        Assert.Equal(AttributeType.Text, ItemCatalog.InferType("keywords", ["a|b", "c|d"], ';'));
    }

    [Fact]
    public void One_title_with_a_bar_in_a_read_catalogue_stays_one_text_value()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", "item_id,title\ni1,Salt | Pepper\ni2,Plain Salt\ni3,Pepper Mill\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);

        Assert.True(catalog.Schema.TryGetType("title", out AttributeType type));
        Assert.Equal(AttributeType.Text, type);
        Assert.Equal("Salt | Pepper", catalog.GetText(catalog.GetIndex("i1"), "title"));
    }

    [Fact]
    public void A_declared_schema_still_wins_over_the_name_rule()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", "item_id,title\ni1,Salt | Pepper\n");
        var schema = new CatalogSchema([new KeyValuePair<string, AttributeType>("title", AttributeType.Tags)]);

        ItemCatalog catalog = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = schema });

        Assert.Equal(new[] { "Salt", "Pepper" }, Assert.IsType<string[]>(catalog.GetValue(catalog.GetIndex("i1"), "title")));
    }
    [Fact]
    public void A_mostly_numeric_column_read_as_text_is_reported_with_the_first_line_that_is_not_a_number()
    {
        using var temp = new TempDirectory();
        var lines = new List<string> { "item_id,price,color" };
        for (int i = 0; i < 20; i++)
        {
            lines.Add($"i{i},{(i == 12 ? "N/A" : (9.5 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))},{(i % 2 == 0 ? "red" : "blue")}");
        }

        string path = temp.Write("items.csv", string.Join('\n', lines) + "\n");
        var declared = new CatalogSchema([new KeyValuePair<string, AttributeType>("price", AttributeType.Number)]);

        ItemCatalog inferred = ItemCatalog.ReadCsv(path);
        ItemCatalog typed = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = declared, BadRows = BadRowPolicy.SkipAndReport });

        Assert.True(inferred.Schema.TryGetType("price", out AttributeType type));
        Assert.Equal(AttributeType.Text, type);
        Assert.Equal("column 'price' was read as text: 1 of 20 values are not numbers (the first on line 14: 'N/A'); declare it a number (schema price:number) to read it as numbers and reject such rows with their line.",
            Assert.Single(inferred.TypeWarnings));
        Assert.Empty(typed.TypeWarnings);
        Assert.Equal(14, Assert.Single(typed.Report.RejectedRows).LineNumber);
    }

    [Fact]
    public void Text_columns_with_a_few_numbers_and_numeric_columns_bring_no_warning()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", "item_id,size,price\ni1,S,1\ni2,M,2\ni3,L,3\ni4,42,4\ni5,XL,5\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);

        Assert.Empty(catalog.TypeWarnings);
    }
}
