using System.Text.Json;
using Personalize.Core.Models;

namespace Personalize.Cli.Tests;

public sealed class RelatedCommandTests
{
    /// <summary>Trains on <see cref="CliRunner.SmallLog"/>: three groups of users, each mostly on its own ten items (i0–i9, i10–i19, i20–i29).</summary>
    private static string TrainedModel(CliRunner cli, params string[] extra)
    {
        string model = cli.PathOf("model.pzm");
        var (code, _, error) = cli.Run(["train", "--input", cli.SmallLog(), "--out", model, "--factors", "8", "--epochs", "8", .. extra]);
        Assert.True(code == 0, error);
        return model;
    }

    private static string[] CsvItems(string output) => [.. output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')[0])];

    [Fact]
    public void Related_from_a_trained_model_blends_cooccurrence_leaves_out_the_item_and_stays_in_its_group()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, output, error) = cli.Run("related", "--model", model, "--item", "i12", "--top", "5", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal("item_id,rank,score,source,cooccurrence_count,factor_similarity", lines[0]);
        string[] items = CsvItems(output);
        Assert.Equal(5, items.Length);
        Assert.DoesNotContain("i12", items);
        Assert.All(items, i => Assert.InRange(int.Parse(i[1..]), 10, 19));
        Assert.All(lines.Skip(1), l => Assert.Contains(l.Split(',')[3], new[] { "factors", "co-occurrence", "both" }));
        Assert.Contains(lines.Skip(1), l => int.Parse(l.Split(',')[4]) > 0);
        Assert.NotNull(ModelFile.Load(model).Cooccurrence);
    }

    [Fact]
    public void Related_with_a_model_without_cooccurrence_uses_the_factors_and_says_so()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli, "--no-cooccurrence");

        var (code, output, error) = cli.Run("related", "--model", model, "--item", "i3", "--top", "4", "--format", "json");

        Assert.Equal(0, code);
        Assert.StartsWith("note: the model has no co-occurrence section, so related items come from the item factors alone", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("cooccurrence").GetBoolean());
        JsonElement items = json.RootElement.GetProperty("items");
        Assert.Equal(4, items.GetArrayLength());
        Assert.All(items.EnumerateArray(), i => Assert.Equal("factors", i.GetProperty("source").GetString()));
        Assert.Null(ModelFile.Load(model).Cooccurrence);
    }

    [Fact]
    public void Related_with_input_counts_cooccurrence_at_query_time()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli, "--no-cooccurrence");

        var (code, output, error) = cli.Run("related", "--model", model, "--item", "i3", "--top", "4", "--format", "json", "--input", cli.PathOf("events.csv"));

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("cooccurrence").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("cooccurrence_count").GetInt32() > 0);
    }

    [Fact]
    public void Related_to_a_basket_leaves_out_every_item_of_it_and_warns_about_unknown_ones()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, output, error) = cli.Run("related", "--model", model, "--item", "i21", "--item", "i22", "--item", "nope", "--top", "28",
            "--format", "csv");

        Assert.Equal(0, code);
        Assert.Equal("warning: --item 'nope' is not in the model; it was skipped.", error.Trim());
        string[] items = CsvItems(output);
        Assert.Equal(28, items.Length);
        Assert.DoesNotContain("i21", items);
        Assert.DoesNotContain("i22", items);
    }

    [Fact]
    public void Related_with_a_filter_returns_only_matching_items_and_the_table_names_the_input_by_title()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string items = cli.Write("items.csv", "item_id,title,in_stock\n" + string.Join('\n',
            Enumerable.Range(0, 30).Select(i => $"i{i},Thing {i},{(i % 2 == 0 ? "true" : "false")}")) + "\n");

        var (code, csv, error) = cli.Run("related", "--model", model, "--item", "i14", "--items", items, "--filter", "in_stock", "--top", "5",
            "--format", "csv");
        var (tableCode, table, _) = cli.Run("related", "--model", model, "--item", "i14", "--items", items, "--top", "3");

        Assert.True(code == 0, error);
        Assert.All(CsvItems(csv), i => Assert.True(int.Parse(i[1..]) % 2 == 0, $"{i} is not in stock"));
        Assert.Equal(5, CsvItems(csv).Length);
        Assert.Equal(0, tableCode);
        Assert.Contains("Related to Thing 14 (i14) (factors + co-occurrence)", table);
        Assert.Contains("together", table);

        // 'not seen' was accepted and left out in silence: a list of related items has no user.
        var notSeen = cli.Run("related", "--model", model, "--item", "i14", "--items", items, "--filter", "in_stock and not seen");
        Assert.Equal(2, notSeen.ExitCode);
        Assert.Contains("--filter: 'not seen' does not apply to related items", notSeen.Error);
    }

    [Theory]
    [InlineData(new[] { "related", "--model", "model.pzm" }, "--item is required")]
    [InlineData(new[] { "related", "--item", "i1" }, "--model is required")]
    [InlineData(new[] { "related", "--model", "model.pzm", "--item", "nope" }, "--item 'nope' is not in the model (30 items)")]
    [InlineData(new[] { "related", "--model", "model.pzm", "--item", "i1", "--top", "0" }, "--top 0 must be at least 1")]
    [InlineData(new[] { "related", "--model", "model.pzm", "--item", "i1", "--similarity", "euclid" }, "--similarity 'euclid' is not a similarity")]
    [InlineData(new[] { "related", "--model", "model.pzm", "--item", "i1", "--cooccurrence-weight", "2" }, "--cooccurrence-weight 2 must be between 0 and 1")]
    [InlineData(new[] { "related", "--model", "model.pzm", "--item", "i1", "--filter", "in_stock" }, "--filter needs --items")]
    [InlineData(new[] { "related", "--model", "missing.pzm", "--item", "i1" }, "missing.pzm")]
    public void Bad_usage_exits_with_code_2_and_one_line(string[] args, string expected)
    {
        using var cli = new CliRunner();
        TrainedModel(cli);
        string[] resolved = [.. args.Select(a => a.EndsWith(".pzm", StringComparison.Ordinal) ? cli.PathOf(a) : a)];

        var (code, _, error) = cli.Run(resolved);

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Inspect_shows_the_seen_weights_and_the_cooccurrence_index()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);

        var (code, output, error) = cli.Run("inspect", "--model", model);

        Assert.True(code == 0, error);
        Assert.Matches(@"seen weights\s+│ yes", output);
        FactorModel loaded = ModelFile.Load(model);
        long pairs = Enumerable.Range(0, loaded.Users.Count).Sum(u => (long)loaded.GetSeenItems(u).Length);
        int popular = 0;
        foreach (float p in loaded.ItemPopularity)
        {
            popular += p > 0 ? 1 : 0;
        }

        Assert.Matches($@"seen items\s+│ {pairs:N0} \(user, item\) pairs, left out of recommendations", output);
        Assert.Matches($@"popularity\s+│ {popular:N0} items \(the fallback list", output);
        Assert.Matches(@"co-occurrence\s+│ [\d,]+ neighbour entries, up to 100 per item, pairs seen by 2\+ users", output);
    }
}
