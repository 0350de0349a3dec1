using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Cli.Tests;

/// <summary>Batch <c>recommend</c> never hides fallbacks: a summary on stderr, <c>--fail-on-unknown</c>, the CSV <c>source</c> column.</summary>
public sealed class BatchSummaryTests
{
    private static string TrainedModel(CliRunner cli)
    {
        string model = cli.PathOf("model.pzm");
        var (code, _, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "3", "--no-tune");
        Assert.True(code == 0, error);
        return model;
    }

    [Fact]
    public void A_batch_ends_with_a_summary_on_stderr_counting_personalized_fallback_and_unknown_users()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "u1\nnobody\nu2\nghost\nu3\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "2", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal(
            "summary: 5 users served, 3 personalized, 2 on the fallback (popular items by all-time popularity), 0 with no items, 2 unknown to the model.",
            error.Trim());
        Assert.Equal(11, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Lists_a_filter_leaves_empty_count_as_with_no_items_not_as_personalized_or_fallback()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "u1\nnobody\nu2\n");
        string items = cli.Write("items.csv", "item_id,price\n" + string.Join('\n', Enumerable.Range(0, 30).Select(i => $"i{i},{i + 1}")) + "\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--items", items, "--filter", "price < 0",
            "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal("user_id,item_id,rank,score", output.Trim());
        Assert.Equal(
            "summary: 3 users served, 0 personalized, 0 on the fallback (popular items by all-time popularity), 3 with no items, 1 unknown to the model.",
            error.Trim());
    }

    [Fact]
    public void All_users_also_prints_the_summary_and_a_single_user_does_not()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var all = cli.Run("recommend", "--model", model, "--all-users", "--top", "1", "--format", "csv");
        var one = cli.Run("recommend", "--model", model, "--user", "u1", "--top", "1", "--format", "csv");

        Assert.Equal(0, all.ExitCode);
        Assert.StartsWith("summary: 60 users served, 60 personalized, 0 on the fallback", all.Error.Trim(), StringComparison.Ordinal);
        Assert.Equal(0, one.ExitCode);
        Assert.Equal("", one.Error);
    }

    [Fact]
    public void Fail_on_unknown_is_exit_2_naming_the_first_unknown_ids_and_writes_nothing()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "u1\nnobody\nu2\nghost\n");
        string csv = cli.PathOf("out.csv");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--format", "csv", "--out", csv, "--fail-on-unknown");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: --fail-on-unknown: 2 of 4 users are not in the model ('nobody', 'ghost'); without --fail-on-unknown they get the fallback list.", error.Trim());
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public void Fail_on_unknown_passes_when_every_user_is_known()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "u1\nu2\n");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--format", "csv", "--fail-on-unknown");

        Assert.True(code == 0, error);
    }

    [Fact]
    public void With_source_adds_the_source_of_each_row_to_the_csv()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "u1\nnobody\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "1", "--format", "csv", "--with-source");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("user_id,item_id,rank,score,source", lines[0]);
        Assert.EndsWith(",personalized", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("nobody,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",popular-fallback", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void With_source_is_for_csv_only()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, _, error) = cli.Run("recommend", "--model", model, "--user", "u1", "--format", "json", "--with-source");

        Assert.Equal(2, code);
        Assert.Contains("--with-source", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_popularity_gives_unknown_users_no_items_and_says_so()
    {
        using var cli = new CliRunner();
        // What import-spark makes without --interactions: factors only, every item's popularity 0.
        FactorModel factors = FactorModel.FromFactors(FactorModelKind.Explicit, IdMap.FromIds(["a", "b"]), IdMap.FromIds(["x", "y", "z"]), 2,
            [1, 0, 0, 1], [0.5f, 0.1f, 0.2f, 0.9f, 0.3f, 0.3f]);
        string model = cli.PathOf("spark.pzm");
        ModelFile.Save(factors, model);
        string users = cli.Write("users.txt", "a\nstranger\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "2", "--format", "csv", "--with-source");

        Assert.True(code == 0, error);
        Assert.Equal("user_id,item_id,rank,score,source\na,x,1,0.5,personalized\na,z,2,0.3,personalized\n", output);
        Assert.Equal(
            "summary: 2 users served, 1 personalized, 0 on the fallback (none: the model has no popularity, unknown users get no items), 1 with no items, 1 unknown to the model.",
            error.Trim());
    }
}

/// <summary><c>recommend --explain</c>: the parts of "because you bought X" add up to the score shown next to them.</summary>
public sealed class ExplainOutputTests
{
    [Fact]
    public void The_contributions_of_a_known_user_add_up_to_the_listed_score()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("model.pzm");
        var trained = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "3", "--no-tune");
        Assert.True(trained.ExitCode == 0, trained.Error);

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "u4", "--top", "5", "--explain", "50", "--format", "json");

        Assert.True(code == 0, error);
        using var document = System.Text.Json.JsonDocument.Parse(output);
        var items = document.RootElement[0].GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        foreach (var item in items)
        {
            double score = item.GetProperty("score").GetDouble();
            double parts = item.GetProperty("because").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble());
            Assert.True(Math.Abs(score - parts) <= 1e-4 * Math.Abs(score), $"score {score}, parts {parts}");
        }
    }
}
