using System.Text.Json;

namespace Personalize.Cli.Tests;

/// <summary><c>--items-id-col</c>: a catalogue whose item id column is not called <c>item_id</c> (such as a retailer's
/// <c>StockCode</c>), on every command that reads one (<see cref="CatalogSchemaOptionTests"/> checks that they all take it).</summary>
public sealed class ItemsIdColumnOptionTests
{
    /// <summary>Thirty items named i0-i29 in a <c>StockCode</c> column; an <c>item_id</c> column holds other values, so reading the
    /// wrong column shows.</summary>
    private static string Items(CliRunner cli) => cli.Write("stock.csv",
        "StockCode,item_id,title,price\n"
        + string.Join('\n', Enumerable.Range(0, 30).Select(i => $"i{i},old{i},Product {i},{i}")) + "\n");

    private static string[] Ids(string json, string array) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty(array).EnumerateArray().Select(e => e.GetProperty("item_id").GetString()!)];

    [Fact]
    public void Browse_reads_the_ids_from_the_named_column_and_keeps_item_id_as_an_attribute()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("browse", "--items", Items(cli), "--items-id-col", "StockCode", "--filter", "item_id = \"old7\"",
            "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(["i7"], Ids(output, "items"));
    }

    [Fact]
    public void Recommend_filters_and_titles_the_list_by_the_named_column()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2");
        Assert.True(trained == 0, trainError);

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "u1", "--items", Items(cli), "--items-id-col", "StockCode",
            "--filter", "price < 5", "--include-seen", "--format", "json");

        Assert.True(code == 0, error);
        JsonElement list = JsonDocument.Parse(output).RootElement.EnumerateArray().Single().GetProperty("items");
        Assert.NotEmpty(list.EnumerateArray());
        Assert.All(list.EnumerateArray(), item =>
        {
            string id = item.GetProperty("item_id").GetString()!;
            Assert.Contains(id, new[] { "i0", "i1", "i2", "i3", "i4" });
            Assert.Equal("Product " + id[1..], item.GetProperty("title").GetString());
        });
    }

    [Fact]
    public void A_catalogue_that_holds_few_of_the_model_s_items_is_warned_about()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2");
        Assert.True(trained == 0, trainError);
        string other = cli.Write("other.csv", "item_id,price\nA1,3\nA2,4\ni1,5\n");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--user", "u1", "--items", other, "--filter", "price < 10", "--format", "csv");
        var (matching, _, matchingError) = cli.Run("recommend", "--model", model, "--user", "u1", "--items", Items(cli), "--items-id-col", "StockCode",
            "--filter", "price < 10", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal($"warning: only 1 of the model's 30 items are in {other} (the catalogue's ids look like 'A1', the model's like '{ModelFirstItem(model)}'); items it lacks fail every attribute condition and have no title. Check that --items is this model's catalogue (and --items-id-col its id column).",
            error.Trim());
        Assert.True(matching == 0, matchingError);
        Assert.DoesNotContain("warning", matchingError);
    }

    private static string ModelFirstItem(string model) => Personalize.Core.Models.ModelFile.Load(model).Items.GetId(0);

    [Fact]
    public void Without_the_option_the_error_names_the_option_and_the_column_that_looks_like_the_id()
    {
        using var cli = new CliRunner();
        string items = cli.Write("products.csv", "productId,title\np1,Kettle\n");

        var (code, _, error) = cli.Run("browse", "--items", items);

        Assert.Equal(2, code);
        Assert.EndsWith("'productId' looks like an id column; if it is the item id, give --items-id-col productId (ItemCatalogOptions.IdColumn) or rename it 'item_id'.",
            error.Trim());
    }

    [Fact]
    public void Schema_refuses_to_type_the_named_id_column()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("browse", "--items", Items(cli), "--items-id-col", "StockCode", "--schema", "StockCode:text");

        Assert.Equal(2, code);
        Assert.Equal("error: --schema: 'StockCode' is the item id column, which has no type; leave it out.", error.Trim());
    }

    [Theory]
    [InlineData("recommend", "--model", "m.pzm", "--user", "u1")]
    [InlineData("related", "--model", "m.pzm", "--item", "i1")]
    [InlineData("trending", "--input", "events.csv")]
    [InlineData("evaluate", "--protocol", "search", "--input", "events.csv", "--split", "time")]
    public void Items_id_col_without_items_is_refused(params string[] args)
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run([.. args, "--items-id-col", "StockCode"]);

        Assert.Equal(2, code);
        Assert.Equal("error: --items-id-col needs --items: it names the item id column of that catalogue.", error.Trim());
    }

    [Fact]
    public void An_empty_column_name_is_refused()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("browse", "--items", Items(cli), "--items-id-col", " ");

        Assert.Equal(2, code);
        Assert.Equal("error: --items-id-col needs a column name.", error.Trim());
    }
}
