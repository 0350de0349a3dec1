using System.Text.Json;

namespace Personalize.Cli.Tests;

/// <summary><c>--schema</c>: explicit column types for the <c>--items</c> catalogue, on every command that reads one.</summary>
public sealed class CatalogSchemaOptionTests
{
    /// <summary>Five items; one title holds the tag separator, and the sku column looks numeric.</summary>
    private static string Items(CliRunner cli) => cli.Write("items.csv",
        "item_id,title,sku,labels\n"
        + "i1,Salt | Pepper,001,red\n"
        + "i2,Plain Salt,002,blue\n"
        + "i3,Pepper Mill,010,red\n"
        + "i4,Olive Oil,011,green\n"
        + "i5,Vinegar,012,blue\n");

    private static int Total(string output)
    {
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("total").GetInt32();
    }

    [Fact]
    public void One_title_with_a_bar_leaves_the_title_column_text()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("browse", "--items", Items(cli), "--filter", "title = \"Salt | Pepper\"", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(1, Total(output));
    }

    [Fact]
    public void A_price_column_that_one_placeholder_made_text_is_named_on_stderr_with_its_line()
    {
        using var cli = new CliRunner();
        string items = cli.Write("prices.csv", "item_id,price\ni1,5\ni2,7.5\ni3,N/A\ni4,12\ni5,20\ni6,3\ni7,4\ni8,9\ni9,11\ni10,2\n");

        var (code, output, error) = cli.Run("browse", "--items", items, "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(10, Total(output));
        Assert.Equal($"warning: {items}: column 'price' was read as text: 1 of 10 values are not numbers (the first on line 4: 'N/A'); declare it a number (--schema price:number) to read it as numbers and reject such rows with their line.",
            error.Trim());
    }

    [Fact]
    public void Schema_types_a_column_as_text_that_inference_would_make_a_number()
    {
        using var cli = new CliRunner();
        string items = Items(cli);

        var (inferred, _, inferredError) = cli.Run("browse", "--items", items, "--filter", "sku = \"010\"", "--format", "json");
        var (code, output, error) = cli.Run("browse", "--items", items, "--schema", "sku:text", "--filter", "sku = \"010\"", "--format", "json");

        Assert.Equal(2, inferred);
        Assert.StartsWith("error: --filter", inferredError);
        Assert.True(code == 0, error);
        Assert.Equal(1, Total(output));
    }

    [Fact]
    public void Schema_can_make_a_column_tags_and_sets_several_columns_at_once()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("browse", "--items", Items(cli), "--schema", "title:tags, labels:tags", "--filter",
            "title contains any (\"Pepper\") and labels contains any (\"red\")", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(1, Total(output));
    }

    [Theory]
    [InlineData("title", "error: --schema 'title': 'title' is not a column and a type (expected name:type, such as tags:tags,price:number).")]
    [InlineData("title:colour", "error: --schema 'title:colour': 'colour' is not a type (expected text, number, boolean, datetime, tags or category).")]
    [InlineData("title:tags,title:text", "error: --schema 'title:tags,title:text': the column 'title' is typed twice.")]
    [InlineData("colour:text", "error: --schema names 'colour', which items.csv does not have; its columns are: title, sku, labels.")]
    [InlineData("item_id:text", "error: --schema: 'item_id' is the item id column, which has no type; leave it out.")]
    public void A_bad_schema_exits_with_code_2_and_says_what_is_wrong(string schema, string expected)
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("browse", "--items", Items(cli), "--schema", schema);

        Assert.Equal(2, code);
        Assert.Equal(expected, error.Trim());
    }

    [Theory]
    [InlineData("recommend", "--model", "m.pzm", "--user", "u1")]
    [InlineData("related", "--model", "m.pzm", "--item", "i1")]
    [InlineData("trending", "--input", "events.csv")]
    [InlineData("evaluate", "--protocol", "search", "--input", "events.csv", "--split", "time")]
    public void Schema_without_items_is_refused(params string[] args)
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run([.. args, "--schema", "tags:tags"]);

        Assert.Equal(2, code);
        Assert.Equal("error: --schema needs --items: it types the columns of that catalogue.", error.Trim());
    }

    [Fact]
    public void Every_command_that_reads_a_catalogue_file_takes_schema_and_items_id_col()
    {
        var readers = CliApp.Commands
            .Where(c => DeclaredOptions.Of(c.Value).Any(o => o.LongNames.Contains("items") && o.ValueName == "FILE"))
            .Select(c => c.Key)
            .ToList();

        Assert.Equal(["browse", "buy-again", "evaluate", "preferences", "recently-viewed", "recommend", "related", "search", "trending"], readers.Order());
        Assert.All(readers, name => Assert.Contains(DeclaredOptions.Of(CliApp.Commands[name]), o => o.LongNames.Contains("schema")));
        Assert.All(readers, name => Assert.Contains(DeclaredOptions.Of(CliApp.Commands[name]), o => o.LongNames.Contains("items-id-col")));
    }

    [Fact]
    public void Recommend_with_a_filter_reads_the_catalogue_with_the_schema()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2");
        Assert.True(trained == 0, trainError);
        string items = cli.Write("catalogue.csv", "item_id,code\n" + string.Join('\n', Enumerable.Range(0, 30).Select(i => $"i{i},{i:D3}")) + "\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "u1", "--items", items, "--schema", "code:text",
            "--filter", "code in (\"003\", \"004\", \"005\")", "--include-seen", "--format", "csv");

        Assert.True(code == 0, error);
        string[] recommended = [.. output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')[1])];
        Assert.NotEmpty(recommended);
        Assert.All(recommended, id => Assert.Contains(id, new[] { "i3", "i4", "i5" }));
    }
}
