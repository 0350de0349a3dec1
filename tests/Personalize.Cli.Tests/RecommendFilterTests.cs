namespace Personalize.Cli.Tests;

public sealed class RecommendFilterTests
{
    private static (string Model, string Items) Shop(CliRunner cli)
    {
        string items = cli.Write("items.csv", "item_id,brand,price,in_stock\n" + string.Join('\n',
            Enumerable.Range(0, 30).Select(i => $"i{i},{(i % 2 == 0 ? "Acme" : "Zen")},{5 + i},{(i % 3 == 0 ? "false" : "true")}")) + "\n");
        string model = cli.PathOf("m.pzm");
        var (code, _, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "8", "--epochs", "4");
        Assert.True(code == 0, error);
        return (model, items);
    }

    [Fact]
    public void Recommend_with_a_filter_returns_only_matching_items_and_as_many_as_asked_when_enough_match()
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "u4", "--top", "3", "--items", items,
            "--filter", "brand = \"Acme\" and price <= 30 and in_stock", "--format", "csv");

        Assert.True(code == 0, error);
        int[] picked = [.. output.Trim().Split('\n').Skip(1).Select(l => int.Parse(l.Split(',')[1][1..]))];
        Assert.Equal(3, picked.Length);
        Assert.All(picked, i => Assert.True(i % 2 == 0 && 5 + i <= 30 && i % 3 != 0, $"i{i} does not pass the filter"));
    }

    [Theory]
    [InlineData("brand in (\"Acme\" \"Zen\")", "error: --filter, column 17: expected ',' or ')'")]
    [InlineData("colour = \"red\"", "error: --filter, column 1: unknown attribute 'colour'")]
    [InlineData("brand >= 3", "error: --filter, column 7:")]
    [InlineData("in_stock and\nbrand >= 3", "error: --filter, line 2, column 7:")]   // the column counts from the start of its line
    public void A_bad_filter_exits_with_code_2_and_one_line_naming_the_column(string filter, string expected)
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);

        var (code, _, error) = cli.Run("recommend", "--model", model, "--user", "u4", "--items", items, "--filter", filter);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_filter_without_a_catalogue_is_a_usage_error()
    {
        using var cli = new CliRunner();
        var (model, _) = Shop(cli);

        var (code, _, error) = cli.Run("recommend", "--model", model, "--user", "u4", "--filter", "in_stock");

        Assert.Equal(2, code);
        Assert.Contains("--filter needs --items", error);
    }
}
