namespace Personalize.Cli.Tests;

/// <summary>What the commands say about a log they could misread, and where they refuse to write.</summary>
public sealed class InputShapeCommandTests
{
    [Fact]
    public void A_retail_log_with_cancellations_trains_leaving_the_negative_quantities_out_with_a_note()
    {
        using var cli = new CliRunner();
        var lines = new List<string> { "InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID" };
        for (int c = 0; c < 12; c++)
        {
            for (int k = 0; k < 4; k++)
            {
                lines.Add($"5{c}{k},S{(c + k) % 9},{1 + k},12/{1 + k}/2010 8:26,C{c}");
            }
        }

        lines.Add("C599,S1,-3,12/9/2010 9:41,C0");
        string log = cli.Write("retail.csv", string.Join('\n', lines) + "\n");

        var (code, output, error) = cli.Run("train", "--input", log, "--user-col", "CustomerID", "--item-col", "StockCode",
            "--time-col", "InvoiceDate", "--time-format", "M/d/yyyy H:mm", "--out", cli.PathOf("r.pzm"), "--no-tune");

        Assert.True(code == 0, error);
        Assert.Contains($"note: {log}: 1 rows with a negative quantity (returns or cancellations, the first on line 50) were left out", error);
        Assert.Matches(@"rows read\s*│\s*49\s", output);
        Assert.Matches(@"accepted\s*│\s*48\s", output);
        Assert.Matches(@"returns \(left out\)\s*│\s*1\s", output);
    }

    [Fact]
    public void The_explicit_trainer_on_a_file_without_a_header_asks_for_the_rating_position_instead_of_blaming_an_option_not_given()
    {
        using var cli = new CliRunner();
        string input = cli.Write("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n");

        var (code, _, error) = cli.Run("train", "--trainer", "explicit", "--input", input, "--no-header", "--out", cli.PathOf("x.pzm"), "--no-tune");

        Assert.Equal(2, code);
        Assert.Equal("error: --trainer explicit learns the ratings of --rating-col, and a file without a header (--no-header) has no column named rating: "
            + "give its position, such as --rating-col 3 (MovieLens' user, item, rating, time).", string.Join(' ', error.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_user_asked_without_the_trailing_decimal_zero_the_log_wrote_is_told_which_id_the_model_has()
    {
        using var cli = new CliRunner();
        string model = cli.TrainTiny("user_id,item_id\n13085.0,A\n13085.0,B\n17850,A\n17850,C\n12000,B\n");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--user", "13085", "--top", "1", "--format", "csv");
        var (other, _, otherError) = cli.Run("recommend", "--model", model, "--user", "17850.0", "--top", "1", "--format", "csv");
        var (none, _, noneError) = cli.Run("recommend", "--model", model, "--user", "99999", "--top", "1", "--format", "csv");

        Assert.True(code == 0 && other == 0 && none == 0, error + otherError + noneError);
        Assert.StartsWith("note: user '13085' is not in the model (it has '13085.0'); the list is the fallback", error.Trim(), StringComparison.Ordinal);
        Assert.StartsWith("note: user '17850.0' is not in the model (it has '17850'); the list is the fallback", otherError.Trim(), StringComparison.Ordinal);
        Assert.StartsWith("note: user '99999' is not in the model; the list is the fallback", noneError.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_notes_a_column_that_looks_like_the_event_type_and_how_to_use_it()
    {
        using var cli = new CliRunner();
        string input = cli.Write("actions.csv", "user_id,item_id,action\nu1,i1,view\nu1,i2,purchase\nu2,i1,view\n");

        var (code, _, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"), "--no-tune", "--factors", "2", "--epochs", "1");

        Assert.True(code == 0, error);
        Assert.Contains($"note: {input}: there is no 'event_type' column, so every row weighs the same; if 'action' holds the event types (view, purchase), give --event-col action (EventColumn).",
            error);
    }

    [Fact]
    public void Recently_viewed_reads_dates_written_yyyyMMdd_as_those_days()
    {
        using var cli = new CliRunner();
        string input = cli.Write("ymd.csv", "user_id,item_id,event_type,timestamp\nu1,i1,view,20260101\nu1,i2,view,20260315\n");

        var (code, output, error) = cli.Run("recently-viewed", "--input", input, "--user", "u1", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal(["u1,i2,1,2026-03-15T00:00:00Z", "u1,i1,2,2026-01-01T00:00:00Z"], output.Trim().Split('\n').Skip(1).Select(l => l.Trim()));
    }

    [Fact]
    public void A_retail_log_with_US_dates_trains_and_replays_with_the_time_format()
    {
        using var cli = new CliRunner();
        string input = cli.Write("retail.csv", "InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID,event_type\n536365,85123A,6,12/1/2010 8:26,17850,purchase\n"
            + "536366,71053,6,12/2/2010 8:28,17850,purchase\n536367,84406B,8,12/2/2010 9:01,13047,purchase\n");
        string[] columns = ["--user-col", "CustomerID", "--item-col", "StockCode", "--time-col", "InvoiceDate", "--time-format", "M/d/yyyy H:mm"];

        var (code, _, error) = cli.Run(["train", "--input", input, "--out", cli.PathOf("r.pzm"), "--no-tune", "--factors", "2", "--epochs", "1", .. columns]);
        var (viewed, output, viewedError) = cli.Run(["recently-viewed", "--input", input, "--user", "17850", "--format", "csv", "--view-event", "purchase", .. columns]);

        Assert.True(code == 0, error);
        Assert.True(viewed == 0, viewedError);
        Assert.Equal(["17850,71053,1,2010-12-02T08:28:00Z", "17850,85123A,2,2010-12-01T08:26:00Z"], output.Trim().Split('\n').Skip(1).Select(l => l.Trim()));
    }

    [Theory]
    [InlineData("--user-col", "item_id")]
    [InlineData("--time-col", "timestamp")]
    public void A_column_name_with_no_header_is_refused_with_the_flag(string flag, string value)
    {
        using var cli = new CliRunner();
        string input = cli.Write("nh.csv", "u1,i1,1706702400\nu2,i2,1706702400\n");

        var (code, _, error) = cli.Run("train", "--input", input, "--no-header", flag, value, "--out", cli.PathOf("m.pzm"));

        Assert.Equal(2, code);
        Assert.Equal($"error: {flag} '{value}': with --no-header the file has no column names; give a 1-based position such as 3.", error.Trim());
    }

    [Theory]
    [InlineData("predict", "predict")]
    [InlineData("related", "related")]
    [InlineData("trending", "a replay of the event log")]
    [InlineData("buy-again", "a replay of the event log")]
    public void Duplicates_is_refused_where_no_ratings_are_trained(string command, string named)
    {
        using var cli = new CliRunner();
        string[] args = command switch
        {
            "predict" => ["predict", "--model", cli.PathOf("m.pzm"), "--input", cli.SmallLog()],
            "related" => ["related", "--model", cli.PathOf("m.pzm"), "--item", "i1", "--input", cli.SmallLog()],
            "buy-again" => ["buy-again", "--input", cli.SmallLog(), "--user", "u1"],
            _ => [command, "--input", cli.SmallLog()],
        };

        var (code, _, error) = cli.Run([.. args, "--duplicates", "average"]);

        Assert.Equal(2, code);
        Assert.Equal($"error: --duplicates chooses between a user's ratings of an item when training or evaluating --trainer explicit; {named} does not use it.",
            error.Trim());
    }

    [Fact]
    public void Predict_refuses_to_write_over_its_input_or_its_model()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--no-tune", "--factors", "2", "--epochs", "1");
        Assert.True(trained == 0, trainError);
        string pairs = cli.Write("pairs.csv", "user_id,item_id\nu1,i1\n");
        byte[] modelBytes = File.ReadAllBytes(model);

        var (overInput, _, inputError) = cli.Run("predict", "--model", model, "--input", pairs, "--out", pairs);
        var (overModel, _, modelError) = cli.Run("predict", "--model", model, "--input", pairs, "--out", model);

        Assert.Equal(2, overInput);
        Assert.Equal($"error: --out {pairs} is also an input of this command; choose another path so the input is not replaced.", inputError.Trim());
        Assert.Equal("user_id,item_id\nu1,i1\n", File.ReadAllText(pairs));
        Assert.Equal(2, overModel);
        Assert.Contains("is also an input of this command", modelError);
        Assert.Equal(modelBytes, File.ReadAllBytes(model));
    }

    [Fact]
    public void Predict_creates_the_folder_of_its_output()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--no-tune", "--factors", "2", "--epochs", "1");
        Assert.True(trained == 0, trainError);
        string output = Path.Combine(cli.PathOf("new"), "folder", "scores.csv");

        var (code, _, error) = cli.Run("predict", "--model", model, "--input", cli.Write("pairs.csv", "user_id,item_id\nu1,i1\n"), "--out", output);

        Assert.True(code == 0, error);
        Assert.StartsWith("user_id,item_id,score\nu1,i1,", File.ReadAllText(output));
    }

    [Fact]
    public void Evaluate_refuses_one_path_for_the_json_and_the_report_before_any_work()
    {
        using var cli = new CliRunner();
        string both = cli.PathOf("e.json");

        var (code, _, error) = cli.Run("evaluate", "--input", cli.SmallLog(), "--split", "time", "--out", both, "--report", both);

        Assert.Equal(2, code);
        Assert.Equal($"error: --report {both} is also where --out writes the JSON; choose two paths so neither replaces the other.", error.Trim());
        Assert.False(File.Exists(both));
    }
}
