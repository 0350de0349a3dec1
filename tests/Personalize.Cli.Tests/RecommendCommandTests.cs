using System.Text.Json;

namespace Personalize.Cli.Tests;

public sealed class RecommendCommandTests
{
    private static string TrainedModel(CliRunner cli)
    {
        string model = cli.PathOf("model.pzm");
        var (code, _, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "8", "--epochs", "5");
        Assert.True(code == 0, error);
        return model;
    }

    [Fact]
    public void Csv_output_has_exactly_the_documented_columns_and_one_row_per_recommendation()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string output = cli.PathOf("recs.csv");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--all-users", "--top", "5", "--format", "csv", "--out", output);

        Assert.True(code == 0, error);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal("user_id,item_id,rank,score", lines[0]);
        Assert.Equal(1 + 60 * 5, lines.Length);
        string[] first = lines[1].Split(',');
        Assert.Equal(4, first.Length);
        Assert.Equal("1", first[2]);
        Assert.Equal(Enumerable.Range(1, 5).Select(r => r.ToString()), lines.Skip(1).Take(5).Select(l => l.Split(',')[2]));
        Assert.All(lines.Skip(1).Take(5), l => Assert.Equal(first[0], l.Split(',')[0]));
    }

    [Fact]
    public void Recommendations_leave_out_seen_items_and_follow_the_users_taste()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string log = File.ReadAllText(cli.PathOf("events.csv"));
        var seen = log.Split('\n').Where(l => l.StartsWith("u4,")).Select(l => l.Split(',')[1]).ToHashSet();

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "u4", "--top", "3", "--format", "csv");

        Assert.True(code == 0, error);
        string[] items = output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')[1]).ToArray();
        Assert.Equal(3, items.Length);
        Assert.DoesNotContain(items, seen.Contains);
        // u4 is in group 1 (items i10..i19).
        Assert.All(items, i => Assert.InRange(int.Parse(i[1..]), 10, 19));
    }

    [Fact]
    public void Titles_are_read_as_the_filter_reads_the_catalogue_padded_ids_and_all()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string items = cli.Write("items.csv", "item_id , title ,price\n" + string.Join('\n', Enumerable.Range(0, 30).Select(i => $" i{i} , Thing {i} ,{i}")) + "\n");

        var plain = cli.Run("recommend", "--model", model, "--user", "u0", "--items", items, "--top", "3", "--format", "json");
        var filtered = cli.Run("recommend", "--model", model, "--user", "u0", "--items", items, "--top", "3", "--format", "json", "--filter", "price < 100");

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(filtered.ExitCode == 0, filtered.Error);
        Assert.DoesNotContain("warning", plain.Error);
        using JsonDocument json = JsonDocument.Parse(plain.Output);
        JsonElement first = json.RootElement[0].GetProperty("items")[0];
        Assert.Equal("Thing " + first.GetProperty("item_id").GetString()![1..], first.GetProperty("title").GetString());
    }

    [Fact]
    public void An_unknown_user_gets_popular_items_and_json_says_so()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "user_id\nu1\nnobody\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "4", "--format", "json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetArrayLength());
        Assert.Equal("personalized", json.RootElement[0].GetProperty("source").GetString());
        Assert.Equal("nobody", json.RootElement[1].GetProperty("user_id").GetString());
        Assert.Equal("popular-fallback", json.RootElement[1].GetProperty("source").GetString());
        Assert.Equal(4, json.RootElement[1].GetProperty("items").GetArrayLength());
    }

    [Fact]
    public void Explain_adds_the_users_history_items_that_contributed_most_and_none_for_a_fallback()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string log = File.ReadAllText(cli.PathOf("events.csv"));
        var seen = log.Split('\n').Where(l => l.StartsWith("u4,")).Select(l => l.Split(',')[1]).ToHashSet();
        string users = cli.Write("users.txt", "u4\nnobody\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "3", "--explain", "2", "--format", "csv");

        Assert.True(code == 0, error);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal("user_id,item_id,rank,score,because", lines[0]);
        foreach (string line in lines.Skip(1).Where(l => l.StartsWith("u4,")))
        {
            string[] because = line.Split(',')[4].Split(';');
            Assert.Equal(2, because.Length);
            Assert.All(because, b => Assert.Contains(b.Split(':')[0], seen));
            Assert.True(double.Parse(because[0].Split(':')[1]) >= double.Parse(because[1].Split(':')[1]), line);
        }

        Assert.All(lines.Where(l => l.StartsWith("nobody,")), l => Assert.EndsWith(",", l));
        Assert.Equal(6, lines.Length - 1);
    }

    [Fact]
    public void Explanations_with_item_ids_that_hold_the_columns_separators_split_back_into_those_ids()
    {
        using var cli = new CliRunner();
        // Every item id of the small log holds ';', ':' or '%': i7 becomes "i;7", "i:7" or "i%7".
        string[] marks = [";", ":", "%"];
        string log = string.Join('\n', File.ReadAllLines(cli.SmallLog()).Select((line, n) => n == 0 ? line
            : System.Text.RegularExpressions.Regex.Replace(line, @",i(\d+),", m => $",i{marks[int.Parse(m.Groups[1].Value) % 3]}{m.Groups[1].Value},")));
        string input = cli.Write("marked.csv", log + "\n");
        string model = cli.PathOf("marked.pzm");
        var train = cli.Run("train", "--input", input, "--out", model, "--factors", "8", "--epochs", "5", "--no-tune");
        var seen = log.Split('\n').Where(l => l.StartsWith("u4,", StringComparison.Ordinal)).Select(l => l.Split(',')[1]).ToHashSet();

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "u4", "--top", "3", "--explain", "3", "--format", "csv");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.True(code == 0, error);
        foreach (string line in output.Trim().Split('\n').Skip(1))
        {
            string[] pairs = line.Split(',')[4].Split(';');
            Assert.Equal(3, pairs.Length);
            Assert.All(pairs, pair => Assert.Contains(Uri.UnescapeDataString(pair.Split(':')[0]), seen));
            Assert.All(pairs, pair => Assert.True(double.TryParse(pair.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture, out _), pair));
        }
    }

    [Fact]
    public void A_user_id_with_spaces_around_it_is_the_user_the_log_names_as_the_reader_trims_ids()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var plain = cli.Run("recommend", "--model", model, "--user", "u1", "--top", "3", "--format", "csv", "--with-source");
        var spaced = cli.Run("recommend", "--model", model, "--user", " u1 ", "--top", "3", "--format", "csv", "--with-source");
        var recent = cli.Run("recently-viewed", "--input", cli.SmallLog(), "--user", "\tu1", "--format", "csv");

        Assert.True(spaced.ExitCode == 0, spaced.Error);
        Assert.Equal(plain.Output, spaced.Output);
        Assert.Contains(",personalized", spaced.Output);
        Assert.True(recent.ExitCode == 0, recent.Error);
        Assert.StartsWith("u1,", recent.Output.Trim().Split('\n')[1]);
        Assert.Equal("", spaced.Error);
    }

    [Fact]
    public void One_user_the_model_does_not_know_gets_the_fallback_list_and_a_note_that_says_so()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "stranger", "--top", "3", "--format", "csv", "--with-source");

        Assert.Equal(0, code);
        Assert.Equal(3, output.Trim().Split('\n').Skip(1).Count(l => l.EndsWith(",popular-fallback", StringComparison.Ordinal)));
        Assert.StartsWith("note: user 'stranger' is not in the model; the list is the fallback (", error.Trim());

        string items = cli.Write("items.csv", "item_id,price\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"i{i},{i + 1}\n")));
        var filtered = cli.Run("recommend", "--model", model, "--user", "stranger", "--items", items, "--filter", "price > 1000");

        Assert.Equal(0, filtered.ExitCode);
        Assert.StartsWith("note: user 'stranger' is not in the model, and no item of the fallback (", filtered.Error.Trim());
        Assert.EndsWith(") passes the filter.", filtered.Error.Trim());
    }

    [Fact]
    public void A_session_alone_is_folded_in_as_an_anonymous_visitor_who_gets_items_of_the_same_group()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, output, error) = cli.Run("recommend", "--model", model, "--session", "i21:view,i23:purchase,i25,gone:cart", "--top", "4",
            "--format", "csv");

        Assert.Equal(0, code);
        Assert.Equal("warning: --session item 'gone' is not in the model; it was skipped.", error.Trim());
        string[] items = [.. output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')[1])];
        Assert.Equal(4, items.Length);
        Assert.DoesNotContain(items, i => i is "i21" or "i23" or "i25");
        Assert.All(items, i => Assert.InRange(int.Parse(i[1..]), 20, 29));
    }

    [Theory]
    [InlineData(new[] { "--session", "i1:click" }, "--session: 'i1:click' is not item:event")]
    [InlineData(new[] { "--session", " , " }, "--session is empty")]
    [InlineData(new[] { "--user", "  " }, "--user is empty: give a user id.")]
    [InlineData(new[] { "--session", "i1=4" }, "--session: 'i1=4' gives a rating, but the model was trained on events (implicit)")]
    [InlineData(new[] { "--session", "i1", "--all-users" }, "--session goes alone (an anonymous visitor) or with --user ID")]
    [InlineData(new[] { "--session", "i21:view,gone:cart", "--fail-on-unknown" }, "--fail-on-unknown: 1 --session items are not in the model ('gone'); without --fail-on-unknown they are skipped.")]
    [InlineData(new[] { "--session", "i21:view", "--user", "nobody", "--fail-on-unknown" }, "--fail-on-unknown: 1 of 1 users are not in the model ('nobody')")]
    public void A_bad_session_exits_with_code_2(string[] args, string expected)
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, _, error) = cli.Run(["recommend", "--model", model, .. args]);

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_corrupted_model_is_rejected_with_exit_code_2_naming_the_section()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        byte[] bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(model, bytes);

        var (code, _, error) = cli.Run("recommend", "--model", model, "--user", "u1");

        Assert.Equal(2, code);
        Assert.Matches("error: " + System.Text.RegularExpressions.Regex.Escape(model) + ": section '[A-Z!]{4}': ", error);
    }

    [Theory]
    [InlineData(new[] { "recommend", "--model", "model.pzm" }, "Give exactly one of")]
    [InlineData(new[] { "recommend", "--model", "model.pzm", "--user", "u1", "--all-users" }, "Give exactly one of")]
    [InlineData(new[] { "recommend", "--model", "model.pzm", "--user", "u1", "--format", "xml" }, "--format 'xml' is not a format")]
    [InlineData(new[] { "recommend", "--model", "model.pzm", "--user", "u1", "--top", "0" }, "--top 0 must be at least 1")]
    [InlineData(new[] { "recommend", "--user", "u1" }, "--model is required")]
    [InlineData(new[] { "recommend", "--model", "model.pzm", "--user", "u1", "--explain", "-1" }, "--explain -1 must be 0 or more")]
    public void Bad_usage_exits_with_code_2(string[] args, string expected)
    {
        using var cli = new CliRunner();
        TrainedModel(cli);
        string[] resolved = args.Select(a => a.EndsWith(".pzm") ? cli.PathOf(a) : a).ToArray();

        var (code, _, error) = cli.Run(resolved);

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }
}
