using Personalize.Cli.Commands;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Search;

namespace Personalize.Cli.Tests;

public sealed class SearchProtocolTests
{
    [Fact]
    public void The_query_is_the_title_word_most_titles_share_never_a_brand_word_or_a_number()
    {
        using var cli = new CliRunner();
        ItemCatalog catalog = ItemCatalog.ReadCsv(cli.Write("items.csv", "item_id,title,brand\n"
            + "a,Acme Steel Kettle 1,Acme\nb,Zen Gooseneck Kettle 2,Zen\nc,Acme Stoneware Mug 3,Acme\nd,Zen Steel Mug 4,Zen\ne,Orbit Kettle Stand 5,Orbit\nf,Acme 42,Acme\n"));
        Dictionary<string, int> frequency = SearchProtocol.TitleWordFrequency(catalog, out HashSet<string> brandWords);

        string?[] words = [.. Enumerable.Range(0, catalog.Count).Select(i => SearchProtocol.QueryWord(catalog.GetText(i, "title"), frequency, brandWords))];

        Assert.Equal(new[] { "kettle", "kettle", "mug", "steel", "kettle", null }.AsEnumerable(), words.AsEnumerable());   // d: steel and mug tie at 2 titles, the earlier wins
        Assert.Equal(3, frequency["kettle"]);
        Assert.Contains("acme", brandWords);
    }

    [Fact]
    public void Each_ordering_scores_the_purchased_items_reciprocal_rank_among_the_query_matches()
    {
        using var cli = new CliRunner();
        ItemCatalog catalog = ItemCatalog.ReadCsv(cli.Write("items.csv", "item_id,title,brand\n"
            + "k1,Kettle 1,Acme\nk2,Kettle 2,Zen\nk3,Kettle 3,Orbit\nk4,Kettle 4,Wren\nm1,Mug 5,Acme\n"));
        // u likes k3 (factor 1, 0) and has seen k4; popularity k1 > k2 > k4 > k3.
        IdMap users = IdMap.FromIds(["u", "v"]), items = IdMap.FromIds(["k1", "k2", "k3", "k4", "m1"]);
        FactorModel model = FactorModel.FromFactors(FactorModelKind.Implicit, users, items, 2, [1, 0, 0, 1], [0, 1, 0, 1, 1, 0, 0.5f, 0.5f, 0, 0],
            seenOffsets: [0, 1, 1], seenItems: [3], itemPopularity: [10, 5, 1, 2, 0]);
        InteractionLog test = InteractionLog.Create([new("u", "k3", "purchase", DateTimeOffset.UnixEpoch), new("u", "k1", "view", DateTimeOffset.UnixEpoch)],
            Core.Data.EventWeights.Default);

        SearchProtocol.Outcome outcome = SearchProtocol.Evaluate(catalog, model, test, 0.3f, [0f, 1f], CancellationToken.None);

        using CatalogSearchIndex index = CatalogSearchIndex.Build(catalog);
        int textRank = 1 + index.Match("kettle").Candidates.Select(c => c.ItemId).ToList().IndexOf("k3");   // every title scores the same
        Assert.Equal(1, outcome.Probes);   // the view is not a purchase
        Assert.Equal(
            [1.0 / textRank, 1.0 / 4, 1.0 / 4, 1.0 / 4, 1.0, 1.0 / 4, 1.0],
            outcome.Rows.Select(r => r.Mrr));
        Assert.Equal(["text relevance alone", "text, ties by popularity (the anonymous order)", "text + popularity (blend w = 0.3)",
            "your history first, then popularity", "personalized (w = 0.3)", "personalized (w = 0)", "personalized (w = 1)"],
            outcome.Rows.Select(r => r.Name));
    }

    [Fact]
    public void Evaluate_protocol_search_writes_mrr_at_50_of_every_ordering_and_refuses_what_does_not_apply()
    {
        using var cli = new CliRunner();
        string items = cli.Write("items.csv", "item_id,title,brand\n" + string.Concat(Enumerable.Range(0, 30)
            .Select(i => $"i{i},{(i % 3 == 0 ? "Steel Kettle" : "Stoneware Mug")} {i},{(i % 2 == 0 ? "Acme" : "Zen")}\n")));
        string log = cli.SmallLog();
        string json = cli.PathOf("search.json");

        var (code, output, error) = cli.Run("evaluate", "--protocol", "search", "--input", log, "--items", items, "--split", "time", "--last-days", "7",
            "--factors", "4", "--epochs", "2", "--blend-weights", "1", "--out", json);
        var noItems = cli.Run("evaluate", "--protocol", "search", "--input", log, "--split", "time");
        var itemsForRanking = cli.Run("evaluate", "--input", log, "--items", items, "--split", "time");
        var badWeight = cli.Run("evaluate", "--protocol", "search", "--input", log, "--items", items, "--split", "time", "--blend-weights", "2");

        Assert.True(code == 0, error);
        Assert.Contains("MRR@50", output, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("search", document.RootElement.GetProperty("protocol").GetString());
        Assert.Equal(6, document.RootElement.GetProperty("mrr").EnumerateObject().Count());
        Assert.All(document.RootElement.GetProperty("mrr").EnumerateObject(), p => Assert.InRange(p.Value.GetDouble(), 0, 1));
        Assert.True(document.RootElement.GetProperty("probes").GetInt32() > 0);
        Assert.Equal((2, 2, 2), (noItems.ExitCode, itemsForRanking.ExitCode, badWeight.ExitCode));
        Assert.Contains("--protocol search needs --items", noItems.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_probe_is_a_usage_error_and_close_weights_keep_their_own_names()
    {
        // A test part without a purchase wrote NaN rows, then failed writing the JSON ("infinity cannot be written", exit 1); weights
        // 0.001 and 0.004 were both named "w = 0", two JSON members of one name.
        using var cli = new CliRunner();
        string items = cli.Write("items.csv", "item_id,title\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"i{i},Steel Kettle {i}\n")));
        string train = cli.Write("train.csv", "user_id,item_id,event_type\n" + string.Concat(Enumerable.Range(0, 60).Select(r => $"u{r % 9},i{r % 30},purchase\n")));
        string views = cli.Write("views.csv", "user_id,item_id,event_type\nu1,i3,view\nu2,i4,view\n");
        string bought = cli.Write("bought.csv", "user_id,item_id,event_type\nu1,i3,purchase\nu2,i4,purchase\n");

        var none = cli.Run("evaluate", "--protocol", "search", "--train", train, "--test", views, "--items", items, "--no-tune", "--factors", "2", "--epochs", "1");
        var close = cli.Run("evaluate", "--protocol", "search", "--train", train, "--test", bought, "--items", items, "--no-tune", "--factors", "2", "--epochs", "1",
            "--blend-weights", "0.001,0.004,0.004", "--out", cli.PathOf("close.json"));

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--protocol search: no held-out row could be a query (2 test rows;", none.Error);
        Assert.True(close.ExitCode == 0, close.Error);
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(cli.PathOf("close.json")));
        string[] names = [.. document.RootElement.GetProperty("mrr").EnumerateObject().Select(p => p.Name)];
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Contains("personalized (w = 0.001)", names);
        Assert.Contains("personalized (w = 0.004)", names);
    }
}
