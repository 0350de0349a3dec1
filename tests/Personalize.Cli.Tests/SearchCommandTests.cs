namespace Personalize.Cli.Tests;

public sealed class SearchCommandTests
{
    /// <summary>A catalogue of i0..i29 (the items of <see cref="CliRunner.SmallLog"/>): every third item is a kettle, the rest mugs.</summary>
    private static string Items(CliRunner cli) => cli.Write("items.csv", "item_id,title,brand,price\n" + string.Concat(Enumerable.Range(0, 30)
        .Select(i => $"i{i},{(i % 3 == 0 ? "Steel Kettle" : "Stoneware Mug")} {i},{(i % 2 == 0 ? "Acme" : "Zen")},{10 + i}\n")));

    private static List<string[]> Rows(string csv) => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))];

    [Fact]
    public void Fields_names_the_text_columns_to_search_and_a_catalogue_without_the_default_ones_is_a_usage_error()
    {
        // A catalogue with only a description column was exit 1, its advice naming CatalogSearchOptions.Fields, which the CLI had not.
        using var cli = new CliRunner();
        string items = cli.Write("desc.csv", "item_id,description,price\nA,red kettle,3\nB,blue mug,4\nC,steel kettle,5\n");

        var none = cli.Run("search", "--items", items, "--query", "kettle");
        var named = cli.Run("search", "--items", items, "--query", "kettle", "--fields", "description:2", "--format", "csv");
        var number = cli.Run("search", "--items", items, "--query", "kettle", "--fields", "price");
        var badBoost = cli.Run("search", "--items", items, "--query", "kettle", "--fields", "description:0");

        Assert.Equal((2, 0, 2, 2), (none.ExitCode, named.ExitCode, number.ExitCode, badBoost.ExitCode));
        Assert.Contains("--items: The catalogue has none of the default search fields", none.Error);
        Assert.Contains("(--fields on the command line)", none.Error);
        Assert.Equal(["A", "C"], named.Output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')[0]).Order());
        Assert.Contains("--fields: The search field 'price' is a Number attribute", number.Error);
        Assert.Contains("--fields 'description:0': the boost after ':' must be a positive number", badBoost.Error);
    }

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
    public void A_query_longer_than_the_search_reads_is_noted_with_the_words_searched_for()
    {
        using var cli = new CliRunner();
        string items = Items(cli);
        string words = "the b c d e f g h i j k kettle";   // 'the' is not searched for, so it does not count

        var (code, output, error) = cli.Run("search", "--items", items, "--query", words, "--format", "csv");
        var (batch, _, batchError) = cli.Run("search", "--items", items, "--queries-from", cli.Write("q.csv", $"user_id,query\nu0,mug\nu0,{words}\n"));

        Assert.True(code == 0, error);
        Assert.Equal("item_id,rank,score", output.Trim());
        Assert.Equal("note: --query is longer than the search reads (10 distinct words besides words such as 'the'); it searched for: the b c d e f g h i j k.", error.Trim());
        Assert.True(batch == 0, batchError);
        Assert.Equal("note: 1 queries of " + cli.PathOf("q.csv") + " are longer than the search reads (256 characters, or 10 distinct words besides words such as 'the'), the first on line 3; each was searched for its first words.",
            batchError.Trim());
    }

    [Fact]
    public void A_search_sorted_by_price_shows_the_price_as_browse_does()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--sort", "price-desc", "--top", "3", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal(["item_id,rank,score,price", "i27,1,", "i24,2,", "i21,3,"], output.Trim().Split('\n').Select((l, r) => r == 0 ? l : string.Join(',', l.Split(',').Take(2)) + ","));
        Assert.Equal(["37", "34", "31"], Rows(output).Select(r => r[3]));
    }

    [Fact]
    public void Queries_without_words_in_a_batch_are_noted_with_the_first_line()
    {
        using var cli = new CliRunner();
        string queries = cli.Write("q.csv", "user_id,query\nu0,kettle\nu0,\nu1,\"?!\"\n");

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--queries-from", queries);

        Assert.True(code == 0, error);
        Assert.All(Rows(output), r => Assert.Equal("kettle", r[1]));
        Assert.Equal($"note: 2 queries of {queries} have no words to search for, the first on line 3; they have no results.", error.Trim());
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
        var batch = cli.Run("search", "--items", Items(cli), "--queries-from", cli.Write("q.csv", "user_id,query\nu0,kettle\n"), "--model", model, "--related", "4");

        Assert.True(code == 0, error);
        string related = output[output.IndexOf("Related to your search", StringComparison.Ordinal)..];
        List<int> items = [.. System.Text.RegularExpressions.Regex.Matches(related, @"\(i(\d+)\)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(4, items.Count);
        Assert.All(items, i => Assert.True(i % 3 != 0 && 10 + i <= 30, $"i{i} is a kettle or over the price filter"));
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("--related needs --model", noModel.Error, StringComparison.Ordinal);
        Assert.Equal(2, batch.ExitCode);
        Assert.Contains("a single --query", batch.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Related_in_csv_adds_list_and_source_columns_and_rows_for_the_shelf()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        Assert.Equal(0, cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2").ExitCode);

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--model", model, "--user", "u0",
            "--filter", "price <= 30", "--top", "3", "--related", "4", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.StartsWith("list,item_id,rank,score,source\n", output, StringComparison.Ordinal);
        List<string[]> rows = Rows(output);
        string[][] results = [.. rows.Where(r => r[0] == "results")];
        string[][] related = [.. rows.Where(r => r[0] == "related")];
        Assert.Equal(rows.Count, results.Length + related.Length);
        Assert.Equal(["1", "2", "3"], results.Select(r => r[2]));
        Assert.All(results, r => Assert.Equal("personalized", r[4]));
        Assert.All(results, r => Assert.Equal(0, int.Parse(r[1][1..], System.Globalization.CultureInfo.InvariantCulture) % 3));
        Assert.Equal(["1", "2", "3", "4"], related.Select(r => r[2]));
        Assert.All(related, r => Assert.Contains(r[4], new[] { "factors", "co-occurrence", "both" }));
        Assert.All(related, r =>
        {
            int i = int.Parse(r[1][1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(i % 3 != 0 && 10 + i <= 30, $"i{i} is a kettle or over the price filter");
        });
    }

    [Fact]
    public void Related_in_json_is_a_related_array_and_out_writes_it_to_the_file()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        Assert.Equal(0, cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2").ExitCode);
        string file = cli.PathOf("search.json");

        var (code, output, error) = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--model", model, "--user", "u0",
            "--top", "3", "--related", "5", "--format", "json", "--out", file);
        var table = cli.Run("search", "--items", Items(cli), "--query", "kettle", "--model", model, "--related", "5", "--out", file);

        Assert.True(code == 0, error);
        Assert.Contains(file, output, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        System.Text.Json.JsonElement[] related = [.. json.RootElement.GetProperty("related").EnumerateArray()];
        Assert.Equal(3, json.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(5, related.Length);
        Assert.Equal([1, 2, 3, 4, 5], related.Select(r => r.GetProperty("rank").GetInt32()));
        Assert.All(related, r => Assert.NotEqual(0, int.Parse(r.GetProperty("item_id").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture) % 3));
        Assert.All(related, r => Assert.StartsWith("Stoneware Mug", r.GetProperty("title").GetString(), StringComparison.Ordinal));
        Assert.Equal(2, table.ExitCode);
        Assert.Contains("--out needs --format csv or json", table.Error, StringComparison.Ordinal);
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
