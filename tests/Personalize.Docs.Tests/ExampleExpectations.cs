using System.Globalization;
using System.Text.RegularExpressions;
using Personalize.Core.Data;

namespace Personalize.Docs.Tests;

/// <summary>What one run printed, and where, for an expectation to check.</summary>
/// <param name="Lines">The non-empty lines of standard output.</param>
/// <param name="Folder">The folder the example ran in (to check the files it wrote).</param>
/// <param name="Catalog">The sample shop's catalogue (<c>samples/data/items.csv</c>), to check items' attributes.</param>
/// <param name="Events">The sample shop's events (<c>samples/data/events.csv</c>), to check users' histories.</param>
public sealed record ExampleOutput(IReadOnlyList<string> Lines, string Folder, ItemCatalog Catalog, InteractionLog Events)
{
    /// <summary>Gets the output, one line per line, for failure messages.</summary>
    public string Text => string.Join("\n", Lines);

    /// <summary>Gets the one line that starts with <paramref name="prefix"/>, and fails when there is not exactly one.</summary>
    public string LineStartingWith(string prefix)
    {
        string[] found = [.. Lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];
        Assert.True(found.Length == 1, $"expected one line starting with '{prefix}', found {found.Length}:\n{Text}");
        return found[0];
    }

    /// <summary>Gets the item ids listed after <paramref name="prefix"/> on its line, separated by spaces.</summary>
    public string[] IdsAfter(string prefix) =>
        LineStartingWith(prefix.TrimEnd())[prefix.TrimEnd().Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Gets an item's price from the catalogue.</summary>
    public decimal Price(string itemId) => Convert.ToDecimal(Catalog.GetValue(Catalog.GetIndex(itemId), "price"), CultureInfo.InvariantCulture);

    /// <summary>Gets an item's brand from the catalogue.</summary>
    public string Brand(string itemId) => Catalog.GetText(Catalog.GetIndex(itemId), "brand") ?? "";

    /// <summary>Gets whether an item is in stock, from the catalogue.</summary>
    public bool InStock(string itemId) => Catalog.GetValue(Catalog.GetIndex(itemId), "in_stock") is true;

    /// <summary>Gets the items a user interacted with in the sample events.</summary>
    public HashSet<string> History(string userId)
    {
        var items = new HashSet<string>(StringComparer.Ordinal);
        int user = Events.Users.GetIndex(userId);
        ReadOnlySpan<int> users = Events.UserIndices, rowItems = Events.ItemIndices;
        for (int row = 0; row < Events.Count; row++)
        {
            if (users[row] == user)
            {
                items.Add(Events.Items.Ids[rowItems[row]]);
            }
        }

        return items;
    }
}

/// <summary>What one runnable block must print, found by its file and a piece of its code.</summary>
/// <param name="File">The Markdown file.</param>
/// <param name="CodeContains">Text that only this block of the file holds.</param>
/// <param name="Check">Asserts on the output.</param>
public sealed record Expectation(string File, string CodeContains, Action<ExampleOutput> Check)
{
    /// <summary>Whether this expectation is for the block.</summary>
    public bool AppliesTo(CodeExample example) => example.File == File && example.Code.Contains(CodeContains, StringComparison.Ordinal);
}

/// <summary>The output every runnable block must produce. Every runnable block needs one, and each one must find exactly one block.</summary>
public static partial class ExampleExpectations
{
    /// <summary>Gets every expectation.</summary>
    public static IReadOnlyList<Expectation> All { get; } =
    [
        new("README.md", "InteractionLog.ReadCsv(\"samples/data/events.csv\");      // user_id", o =>
        {
            string[] items = TopList(o, 10);
            Assert.DoesNotContain(items, o.History("U0042").Contains);   // seen items are left out
            Assert.True(File.Exists(Path.Combine(o.Folder, "shop.pzm")), "the example did not save shop.pzm");
        }),
        new("README.md", "recommender.RelatedTo([\"I0291\"], count: 10)", o =>
        {
            string[] related = [.. o.Lines.Where(l => RelatedLine().IsMatch(l)).Select(l => l.Split(' ')[0])];
            Assert.Equal(10, related.Distinct().Count());
            Assert.DoesNotContain("I0291", related);                      // the input item is excluded
            Assert.Contains(o.Lines, l => l.EndsWith(" Both", StringComparison.Ordinal));   // factors blended with co-occurrence
            string[] because = [.. o.Lines.Where(l => l.Contains(" because of ", StringComparison.Ordinal))];
            Assert.Equal(2, because.Length);                              // one part per history item of the visitor
            Assert.All(because, l => Assert.Matches(@"^I\d{4} because of (I0291|I0184): -?\d+\.\d{3}$", l));
        }),
        new("README.md", "new BiasedMatrixFactorizationTrainer().Fit(ratings)", o =>
        {
            Match stars = Regex.Match(o.LineStartingWith("U0007 would give I0042 "), @"^U0007 would give I0042 (\d\.\d) stars$");
            Assert.True(stars.Success, o.Text);
            Assert.InRange(double.Parse(stars.Groups[1].Value, CultureInfo.InvariantCulture), 1.0, 5.0);   // clamped to the training range
        }),
        new("README.md", "FilterCompiler.Compile(filter, catalog, model.Items)", o =>
        {
            Assert.Equal("10 items; the parsed text equals the built filter: True", o.Lines[0]);
            string[] items = [.. o.Lines.Skip(1)];
            Assert.Equal(10, items.Distinct().Count());
            Assert.All(items, id => Assert.True(o.Brand(id) is "Acme" or "Zen" && o.Price(id) <= 50m && o.InStock(id),
                $"{id} ({o.Brand(id)}, {o.Price(id)}, in stock {o.InStock(id)}) does not pass the filter"));
        }),
        new("README.md", "request with { Cursor = page.NextCursor }", o =>
        {
            string[] first = o.IdsAfter("page 1: "), second = o.IdsAfter("page 2: ");
            Assert.Equal(20, first.Length);
            Assert.Equal(20, second.Length);
            Assert.Empty(first.Intersect(second));                        // no repeats
            decimal[] prices = [.. first.Concat(second).Select(o.Price)];
            Assert.Equal(prices.Order(), prices);                          // cheapest first, across the pages
            Assert.All(prices, p => Assert.True(p <= 50m));
            string[] facets = [.. o.Lines.Where(l => FacetLine().IsMatch(l))];
            Assert.NotEmpty(facets);
            string[] catalogue = o.IdsAfter("catalogue: ");
            Assert.Equal(5, catalogue.Length);
            Assert.Equal(catalogue.Select(o.Price).Order(), catalogue.Select(o.Price));
        }),
        new("README.md", "tracker.TrendingNow(10, lastEvent, inStock, category: \"Kitchen\")", o =>
        {
            string[] viewed = o.IdsAfter("recently viewed: ");
            Assert.Equal("I0291", viewed[0]);                              // the view just tracked comes first
            Assert.All(viewed, id => Assert.True(o.InStock(id), $"{id} is not in stock"));
            Assert.NotEmpty(o.IdsAfter("trending in Kitchen: "));
            Match report = Regex.Match(o.LineStartingWith("received "),
                @"^received (\d+) = accepted (\d+) \+ unknown items (\d+) \+ unknown event types (\d+)$");
            Assert.True(report.Success, o.Text);
            long[] n = [.. report.Groups.Values.Skip(1).Select(g => long.Parse(g.Value, CultureInfo.InvariantCulture))];
            Assert.Equal(n[0], n[1] + n[2] + n[3]);
            Assert.Equal(o.Events.Count + 1, n[0]);                       // the history and the one tracked view
        }),
        new("README.md", "new HomePageBuilder(recommender, tracker)", o =>
        {
            string[] names = ["for-you", "related", "viewed", "again", "trending"];
            Assert.Equal(names, o.Lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
            string[][] shelves = [.. o.Lines.Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..]
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            string[] all = [.. shelves.SelectMany(s => s)];
            Assert.Equal(all.Length, all.Distinct().Count());             // each item once on the page
            Assert.DoesNotContain("I0666", all);                           // blocked
            Assert.All(all, id => Assert.True(o.InStock(id), $"{id} is not in stock"));
            Assert.Equal("I0007", shelves[4][0]);                          // pinned in slot 0 of "trending"
            Assert.Equal(10, shelves[0].Length);
        }),
        new("README.md", "services.AddPersonalize(o => o.ModelPath = \"shop.pzm\")", o => TopList(o, 10)),
        new("README.md", "ml.Personalization().Trainers.BiasedMatrixFactorization", o =>
        {
            Match line = Regex.Match(o.LineStartingWith("RMSE "), @"^RMSE (\d+\.\d{3}), MAE (\d+\.\d{3}); for U0007: I\d{4}$");
            Assert.True(line.Success, o.Text);
            Assert.InRange(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 0.1, 1.2);   // 1-5 stars, noise σ 0.5
            Assert.True(File.Exists(Path.Combine(o.Folder, "pipeline.zip")), "the example did not save pipeline.zip");
        }),
        new("README.md", "mlContext.Recommendation().Trainers.MatrixFactorization(options)", o =>
        {
            Match line = Regex.Match(o.LineStartingWith("RMSE "), @"^RMSE (\d+\.\d{3})$");
            Assert.True(line.Success, o.Text);
            Assert.InRange(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 0.1, 1.5);
        }),
        new("src/Personalize.Core/README.md", "InteractionLog.ReadCsv(\"events.csv\")", o =>
        {
            string[] items = TopList(o, 10);
            Assert.DoesNotContain(items, o.History("U0042").Contains);
        }),
        new("src/Personalize.ML/README.md", "ml.Personalization().Trainers.BiasedMatrixFactorization", o =>
        {
            Match line = Regex.Match(o.LineStartingWith("RMSE "), @"^RMSE (\d+\.\d{3}), MAE (\d+\.\d{3})$");
            Assert.True(line.Success, o.Text);
            Assert.InRange(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 0.1, 1.2);
        }),
        new("src/Personalize.Preferences.Sqlite/README.md", "new SqlitePreferenceStore(\"prefs.db\")", o =>
        {
            Assert.Equal(10, o.Lines.Distinct().Count());
            Assert.All(o.Lines, id => Assert.NotEqual("Zen", o.Brand(id)));   // the blocked brand
            decimal[] prices = [.. o.Lines.Select(o.Price)];
            Assert.Equal(prices.Order(), prices);                              // the preferred sort: cheapest first
            Assert.True(File.Exists(Path.Combine(o.Folder, "prefs.db")), "the example did not create prefs.db");
        }),
        new("src/Personalize.Search/README.md", "new ProductSearch(index, recommender)", o =>
        {
            Assert.NotEmpty(o.Lines);
            Assert.All(o.Lines, l =>
            {
                string id = l.Split(' ')[0];
                Assert.True(o.Price(id) <= 100m, $"{id} costs {o.Price(id)}, above the filter's 100");
                Assert.Contains(o.Catalog.GetText(o.Catalog.GetIndex(id), "title") ?? "(no title)", l, StringComparison.Ordinal);
            });
            Assert.Contains(o.Lines, l => l.Contains("Kettle", StringComparison.OrdinalIgnoreCase));   // "kett" is a prefix being typed
        }),
        new("src/Personalize.Search/README.md", "SearchIndexStore.Build(\"search-index\"", o =>
        {
            string first = o.LineStartingWith("version 1: ");
            string second = o.LineStartingWith("version 2 (rebuilt: 2): ");
            Assert.DoesNotContain(": 0 results", first, StringComparison.Ordinal);
            Assert.Equal(first[(first.IndexOf(':') + 1)..], second[(second.IndexOf("):", StringComparison.Ordinal) + 2)..]);   // the same catalogue, the same count
            Assert.True(File.Exists(Path.Combine(o.Folder, "search-index", "CURRENT")), "the example wrote no search-index/CURRENT");
        }),
        new("src/Personalize.Spark/README.md", "SparkAlsImporter.ImportAsync(\"als-model\"", o =>
        {
            TopList(o, 10);
            Assert.True(File.Exists(Path.Combine(o.Folder, "model.pzm")), "the example did not save model.pzm");
        }),
        new("docs/event-journal.md", "new EventJournalOptions(\"events\")", o =>
        {
            Assert.Equal("replayed 0, dropped 0, last sequence 1", o.LineStartingWith("replayed "));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(o.Folder, "events"), "events-*.journal"));
        }),
    ];

    /// <summary>Checks a list of <paramref name="count"/> distinct "ITEM SCORE" lines (the first example's format) and returns the items.</summary>
    private static string[] TopList(ExampleOutput output, int count)
    {
        string[] lines = [.. output.Lines.Where(l => ItemScoreLine().IsMatch(l))];
        Assert.True(lines.Length == count, $"expected {count} 'ITEM SCORE' lines, got {lines.Length}:\n{output.Text}");
        string[] items = [.. lines.Select(l => l.Split(' ')[0])];
        Assert.Equal(count, items.Distinct().Count());
        return items;
    }

    [GeneratedRegex(@"^I\d{4} -?\d+\.\d{3}$")]
    private static partial Regex ItemScoreLine();

    [GeneratedRegex(@"^I\d{4} -?\d+\.\d{3} (Factors|Cooccurrence|Both)$")]
    private static partial Regex RelatedLine();

    [GeneratedRegex(@"^.+ \(\d+\)$")]
    private static partial Regex FacetLine();
}
