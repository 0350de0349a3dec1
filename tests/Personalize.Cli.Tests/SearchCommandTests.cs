namespace Personalize.Cli.Tests;

public sealed class SearchCommandTests
{
    /// <summary>A catalogue of i0..i29 (the items of <see cref="CliRunner.SmallLog"/>): every third item is a kettle, the rest mugs.</summary>
    private static string Items(CliRunner cli) => cli.Write("items.csv", "item_id,title,brand,price\n" + string.Concat(Enumerable.Range(0, 30)
        .Select(i => $"i{i},{(i % 3 == 0 ? "Steel Kettle" : "Stoneware Mug")} {i},{(i % 2 == 0 ? "Acme" : "Zen")},{10 + i}\n")));

    private static List<string[]> Rows(string csv) => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))];

    [Fact]
    public void Search_writes_item_rank_score_csv_for_every_match_that_passes_the_filter()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--query", "kettles", "--filter", "price <= 30", "--top", "50", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.StartsWith("item_id,rank,score\n", output, StringComparison.Ordinal);
        List<string[]> rows = Rows(output);
        Assert.Equal(Enumerable.Range(0, 21).Where(i => i % 3 == 0).Select(i => $"i{i}").Order(), rows.Select(r => r[0]).Order());
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r[1]));
    }

    [Fact]
    public void With_a_model_and_user_the_users_seen_items_are_not_left_out()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        Assert.Equal(0, cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2").ExitCode);

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--model", model, "--user", "u0", "--top", "50", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Contains("\"source\": \"personalized\"", output, StringComparison.Ordinal);
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Matches(output, "\"item_id\"").Count);   // every kettle, seen or not
    }

    [Fact]
    public void Related_shows_a_second_table_of_items_the_query_did_not_match_with_the_same_filter()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        Assert.Equal(0, cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2").ExitCode);

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--model", model, "--user", "u0",
            "--filter", "price <= 30", "--top", "3", "--related", "4");
        var noModel = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--related", "4");
        var csv = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--model", model, "--related", "4", "--format", "csv");

        Assert.True(code == 0, error);
        string related = output[output.IndexOf("Related to your search", StringComparison.Ordinal)..];
        List<int> items = [.. System.Text.RegularExpressions.Regex.Matches(related, @"\(i(\d+)\)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(4, items.Count);
        Assert.All(items, i => Assert.True(i % 3 != 0 && 10 + i <= 30, $"i{i} is a kettle or over the price filter"));
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("--related needs --model", noModel.Error, StringComparison.Ordinal);
        Assert.Equal(2, csv.ExitCode);
    }

    [Fact]
    public void Batch_queries_write_exactly_user_query_item_rank_score()
    {
        using var cli = new CliRunner();
        string queries = cli.Write("queries.csv", "user_id,query\nu1,\"kettle, steel\"\n,mug\n");

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--queries-from", queries, "--top", "3");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("user_id,query,item_id,rank,score", lines[0]);
        Assert.Equal(6, lines.Length - 1);
        Assert.All(lines.Skip(1).Take(3), l => Assert.StartsWith("u1,\"kettle, steel\",", l, StringComparison.Ordinal));
        Assert.All(lines.Skip(4), l => Assert.StartsWith(",mug,", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--sort", "bogus")]
    [InlineData("--filter", "price <=")]
    [InlineData("--cursor", "not-a-cursor")]
    [InlineData("--facets", "colour")]
    public void Bad_input_exits_2_with_one_line(string option, string value)
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("search", "--items", Items(cli), "--query", "kettle", option, value);

        Assert.Equal(2, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_and_queries_file_are_exclusive_and_a_queries_file_needs_both_columns()
    {
        using var cli = new CliRunner();
        string items = Items(cli);
        string noQuery = cli.Write("bad.csv", "user_id,text\nu1,kettle\n");

        var neither = cli.Run("search", "--items", items);
        var both = cli.Run("search", "--items", items, "--query", "kettle", "--queries-from", noQuery);
        var missingColumn = cli.Run("search", "--items", items, "--queries-from", noQuery);

        Assert.Equal((2, 2, 2), (neither.ExitCode, both.ExitCode, missingColumn.ExitCode));
        Assert.Contains("exactly one of --query", neither.Error, StringComparison.Ordinal);
        Assert.Contains("no column 'query'", missingColumn.Error, StringComparison.Ordinal);
    }
}
