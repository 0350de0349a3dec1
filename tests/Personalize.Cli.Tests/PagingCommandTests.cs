using System.Text.Json;

namespace Personalize.Cli.Tests;

/// <summary><c>browse</c>, <c>preferences</c> and the paged mode of <c>recommend</c> (--sort, --page-size, --cursor, --facets, --preferences).</summary>
public sealed class PagingCommandTests
{
    private static (string Model, string Items) Shop(CliRunner cli)
    {
        string items = cli.Write("items.csv", "item_id,title,brand,category,price,rating,in_stock\n" + string.Join('\n',
            Enumerable.Range(0, 40).Select(i => $"i{i},Thing {i},{(i % 2 == 0 ? "Acme" : "Zen")},{(i % 4 < 2 ? "Home/Kitchen" : "Garden")},{5 + (i % 7)},{1 + (i % 5)},{(i % 3 == 0 ? "false" : "true")}")) + "\n");
        string model = cli.PathOf("m.pzm");
        var (code, _, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "8", "--epochs", "4");
        Assert.True(code == 0, error);
        return (model, items);
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item_id").GetString()!)];

    [Fact]
    public void Browse_pages_follow_on_without_repeats_and_facets_count_the_eligible_items()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string[] query = ["browse", "--items", items, "--filter", "in_stock", "--sort", "price-asc", "--page-size", "10", "--facets", "brand,category", "--format", "json"];

        var (code, output, error) = cli.Run(query);
        Assert.True(code == 0, error);
        JsonElement first = Json(output);
        var (code2, output2, error2) = cli.Run([.. query, "--cursor", first.GetProperty("next_cursor").GetString()!]);
        Assert.True(code2 == 0, error2);
        JsonElement second = Json(output2);

        List<string> all = [.. Ids(first), .. Ids(second)];
        Assert.Equal(20, all.Distinct().Count());
        int[] prices = [.. all.Select(id => 5 + (int.Parse(id[1..]) % 7))];
        Assert.Equal(prices.Order(), prices);
        // The sorted attribute is a JSON number, as the catalogue holds it (it was written as text, "5").
        Assert.Equal(prices[..Ids(first).Count], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetInt32()));
        Assert.Equal(2, second.GetProperty("page").GetInt32());
        int inStock = Enumerable.Range(0, 40).Count(i => i % 3 != 0);
        Assert.Equal(inStock, first.GetProperty("total").GetInt32());
        JsonElement brand = first.GetProperty("facets")[0];
        Assert.Equal(inStock, brand.GetProperty("values").EnumerateArray().Sum(v => v.GetProperty("count").GetInt32()));
        JsonElement garden = first.GetProperty("facets")[1].GetProperty("values").EnumerateArray().Single(v => v.GetProperty("label").GetString() == "Garden");
        Assert.Equal(Enumerable.Range(0, 40).Count(i => i % 3 != 0 && i % 4 >= 2), garden.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_page_of_another_size_after_a_cursor_ranks_its_items_by_their_place_in_the_whole_list(int nextSize)
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        foreach (string[] query in new[]
        {
            new[] { "browse", "--items", items, "--sort", "price-asc", "--format", "json" },
            new[] { "recommend", "--model", model, "--user", "u1", "--items", items, "--sort", "price-asc", "--format", "json" },
        })
        {
            var (code, output, error) = cli.Run([.. query, "--page-size", "2"]);
            Assert.True(code == 0, error);
            JsonElement first = Json(output);
            var (code2, output2, error2) = cli.Run([.. query, "--page-size", nextSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cursor",
                first.GetProperty("next_cursor").GetString()!]);
            Assert.True(code2 == 0, error2);
            var (wholeCode, wholeOutput, wholeError) = cli.Run([.. query, "--page-size", (2 + nextSize).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.True(wholeCode == 0, wholeError);

            JsonElement[] next = [.. Json(output2).GetProperty("items").EnumerateArray()];
            JsonElement[] whole = [.. Json(wholeOutput).GetProperty("items").EnumerateArray()];
            Assert.Equal(nextSize, next.Length);
            Assert.Equal(whole.Skip(2).Select(i => (i.GetProperty("item_id").GetString(), i.GetProperty("rank").GetInt32())),
                next.Select(i => (i.GetProperty("item_id").GetString(), i.GetProperty("rank").GetInt32())));
        }
    }

    [Fact]
    public void Pool_size_sets_how_many_of_the_users_best_items_an_attribute_sort_holds()
    {
        // A personalized list sorted by price is the user's best N, cheapest first: N was 200 with no way to change it from the CLI.
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string[] query = ["recommend", "--model", model, "--user", "u1", "--items", items, "--sort", "price-asc", "--page-size", "40", "--facets", "brand", "--format", "json"];

        var (code, output, error) = cli.Run([.. query, "--pool-size", "12"]);
        var (wideCode, wideOutput, wideError) = cli.Run(query);
        var relevance = cli.Run("recommend", "--model", model, "--user", "u1", "--items", items, "--pool-size", "12");
        var zero = cli.Run([.. query, "--pool-size", "0"]);

        Assert.True(code == 0, error);
        Assert.True(wideCode == 0, wideError);
        JsonElement pool = Json(output);
        Assert.Equal(12, pool.GetProperty("total").GetInt32());
        Assert.Equal(12, Ids(pool).Count);
        Assert.Equal(12, pool.GetProperty("facets")[0].GetProperty("values").EnumerateArray().Sum(v => v.GetProperty("count").GetInt32()));
        Assert.True(Json(wideOutput).GetProperty("total").GetInt32() > 12);
        Assert.Equal((2, 2), (relevance.ExitCode, zero.ExitCode));
        Assert.Contains("--pool-size sizes a list sorted by an attribute", relevance.Error);
        Assert.Contains("--pool-size 0 must be between 1 and 1,000,000.", zero.Error);
    }

    [Theory]
    [InlineData("--top", "error: --top 0 must be between 1 and 10000.")]
    [InlineData("--page-size", "error: --page-size 0 must be between 1 and 10000.")]
    public void A_bad_page_size_is_named_by_the_option_given(string option, string expected)
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        var (code, _, error) = cli.Run("browse", "--items", items, option, "0");

        Assert.Equal(2, code);
        Assert.Equal(expected, error.Trim());
    }

    [Theory]
    [InlineData("browse")]
    [InlineData("recommend")]
    [InlineData("search")]
    public void Facets_with_csv_are_refused_instead_of_dropped(string command)
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string[] args = command switch
        {
            "browse" => ["browse", "--items", items],
            "recommend" => ["recommend", "--model", model, "--user", "u1", "--items", items],
            _ => ["search", "--items", items, "--query", "thing"],
        };

        var (code, _, error) = cli.Run([.. args, "--facets", "brand", "--format", "csv"]);

        Assert.Equal(2, code);
        Assert.Equal("error: --facets are shown in the table and in JSON; CSV holds one row per item, so use --format json (or table) for the counts.", error.Trim());
    }

    [Fact]
    public void A_paged_recommendation_csv_takes_the_source_column()
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);

        var (code, output, error) = cli.Run("recommend", "--model", model, "--user", "nobody", "--items", items, "--page-size", "3", "--with-source",
            "--format", "csv");

        Assert.True(code == 0, error);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal("item_id,rank,score,source", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",popular-fallback", l));
    }

    [Theory]
    [InlineData("brand = \"acme\"", "note: no item has brand \"acme\"; \"Acme\" differs only in case (values match exactly, paths by whole segments).")]
    [InlineData("category under \"Home/Kit\" and in_stock", "note: no item has category under \"Home/Kit\"; \"Home/Kitchen\" is a path that starts so (values match exactly, paths by whole segments).")]
    [InlineData("brand = \"Nobody\"", "")]
    [InlineData("brand = \"Acme\" and price > 100", "")]
    public void An_empty_list_notes_a_filter_value_that_items_have_only_in_another_case_or_as_a_longer_path(string filter, string expected)
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        var (code, output, error) = cli.Run("browse", "--items", items, "--filter", filter, "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal("item_id,rank,score", output.Trim());
        Assert.Equal(expected, error.Trim());
    }

    [Fact]
    public void Browse_with_not_seen_leaves_out_the_user_s_history()
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        HashSet<string> history = [.. File.ReadAllLines(cli.SmallLog()).Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "u1").Select(f => f[1])];

        var (code, output, error) = cli.Run("browse", "--items", items, "--model", model, "--user", "u1", "--filter", "not seen", "--page-size", "100",
            "--format", "json");

        Assert.True(code == 0, error);
        List<string> listed = Ids(Json(output));
        Assert.NotEmpty(history);
        Assert.Equal(40 - history.Count, listed.Count);
        Assert.DoesNotContain(listed, history.Contains);
    }

    [Theory]
    [InlineData("browse")]
    [InlineData("recommend")]
    public void Not_bought_is_refused_with_what_to_use_instead(string command)
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string[] args = command == "browse"
            ? ["browse", "--items", items, "--model", model, "--user", "u1"]
            : ["recommend", "--model", model, "--user", "u1", "--items", items];

        var (code, _, error) = cli.Run([.. args, "--filter", "in_stock and not bought"]);

        Assert.Equal(2, code);
        Assert.Equal("error: --filter: 'not bought' needs the user's purchases, which a model file does not hold; use 'not seen' (the items in the user's training history), or leave it out.",
            error.Trim());
    }

    [Fact]
    public void Browse_shows_a_table_with_the_next_cursor_and_the_facets()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        var (code, output, error) = cli.Run("browse", "--items", items, "--page-size", "5", "--facets", "brand");

        Assert.True(code == 0, error);
        Assert.Contains("Thing 0 (i0)", output, StringComparison.Ordinal);
        Assert.Contains("Next page: --cursor ", output, StringComparison.Ordinal);
        Assert.Contains("brand: Acme (20), Zen (20)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_facet_values_are_left_out_unless_empty_facets_is_given()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string[] query = ["browse", "--items", items, "--filter", "brand = \"Acme\"", "--facets", "brand", "--page-size", "5"];

        var (code, output, error) = cli.Run(query);
        var (codeEmpty, outputEmpty, errorEmpty) = cli.Run([.. query, "--empty-facets"]);
        var (codeAlone, _, errorAlone) = cli.Run("browse", "--items", items, "--empty-facets");

        Assert.True(code == 0, error);
        Assert.True(codeEmpty == 0, errorEmpty);
        Assert.Contains("brand: Acme (20)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Zen", output, StringComparison.Ordinal);
        Assert.Contains("brand: Acme (20), Zen (0)", outputEmpty, StringComparison.Ordinal);
        Assert.Equal(2, codeAlone);
        Assert.Contains("--empty-facets needs --facets", errorAlone, StringComparison.Ordinal);
    }

    [Fact]
    public void Browse_takes_top_as_every_list_command_does_and_refuses_a_disagreeing_page_size()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        var (code, output, error) = cli.Run("browse", "--items", items, "--top", "3", "--format", "csv");
        var (badCode, _, badError) = cli.Run("browse", "--items", items, "--top", "3", "--page-size", "5");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("item_id,rank,score", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal(2, badCode);
        Assert.Contains("error: --top 3 and --page-size 5 disagree", badError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--filter", "price <=" }, "error: --filter, column")]
    [InlineData(new[] { "--sort", "cheapest" }, "error: --sort 'cheapest' is not a sort order")]
    [InlineData(new[] { "--cursor", "garbage" }, "error: --cursor: The cursor 'garbage' is not a cursor")]
    [InlineData(new[] { "--facets", "colour" }, "error: --facets: the catalogue has no attribute 'colour'")]
    [InlineData(new[] { "--page-size", "0" }, "error: --page-size 0 must be between 1 and 10000.")]
    public void Browse_bad_input_exits_with_code_2_and_one_line(string[] extra, string expected)
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        var (code, _, error) = cli.Run(["browse", "--items", items, .. extra]);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Recommend_pages_one_users_list_sorted_by_price_and_the_cursor_continues_it()
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string[] query = ["recommend", "--model", model, "--user", "u4", "--items", items, "--sort", "price-asc", "--page-size", "4", "--format", "json"];

        JsonElement first = Json(cli.Run(query).Output);
        JsonElement second = Json(cli.Run([.. query, "--cursor", first.GetProperty("next_cursor").GetString()!]).Output);

        List<string> all = [.. Ids(first), .. Ids(second)];
        Assert.Equal(8, all.Distinct().Count());
        int[] prices = [.. all.Select(id => 5 + (int.Parse(id[1..]) % 7))];
        Assert.Equal(prices.Order(), prices);
        // The sorted attribute is a JSON number, as the catalogue holds it (it was written as text, "5").
        Assert.Equal(prices[..Ids(first).Count], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetInt32()));
        Assert.Equal("personalized", first.GetProperty("source").GetString());
        Assert.Equal("price-asc", first.GetProperty("sort").GetString());
    }

    [Fact]
    public void Recommend_paging_needs_one_user()
    {
        using var cli = new CliRunner();
        var (model, _) = Shop(cli);

        var (code, _, error) = cli.Run("recommend", "--model", model, "--all-users", "--page-size", "5");

        Assert.Equal(2, code);
        Assert.Contains("give --user ID", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Saved_preferences_apply_to_recommend_and_browse()
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string store = cli.PathOf("prefs.db");

        var (code, output, error) = cli.Run("preferences", "--store", store, "--user", "u4", "--block-brand", "Acme", "--sort", "rating");
        Assert.True(code == 0, error);
        Assert.Contains("blocked brands:     Acme", output, StringComparison.Ordinal);
        Assert.Contains("(version 1)", output, StringComparison.Ordinal);

        JsonElement recommended = Json(cli.Run("recommend", "--model", model, "--user", "u4", "--items", items, "--preferences", store, "--page-size", "10", "--format", "json").Output);
        JsonElement browsed = Json(cli.Run("browse", "--items", items, "--user", "u4", "--preferences", store, "--page-size", "40", "--format", "json").Output);

        Assert.All(Ids(recommended), id => Assert.True(int.Parse(id[1..]) % 2 == 1, $"{id} is an Acme item"));
        Assert.Equal("rating", recommended.GetProperty("sort").GetString());
        Assert.Equal(20, Ids(browsed).Count);
        Assert.All(Ids(browsed), id => Assert.True(int.Parse(id[1..]) % 2 == 1, $"{id} is an Acme item"));

        var (optCode, optOutput, _) = cli.Run("preferences", "--store", store, "--user", "u4", "--opt-out");
        Assert.Equal(0, optCode);
        Assert.Contains("opted out", optOutput, StringComparison.Ordinal);
        JsonElement optedOut = Json(cli.Run("recommend", "--model", model, "--user", "u4", "--items", items, "--preferences", store, "--format", "json").Output);
        Assert.Equal("non-personal", optedOut.GetProperty("source").GetString());
    }

    [Fact]
    public void Preferences_refuses_a_bad_filter_with_code_2()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("preferences", "--store", cli.PathOf("p.db"), "--user", "u1", "--filter", "brand in (");

        Assert.Equal(2, code);
        Assert.StartsWith("error: --filter, column", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Preferences_refuse_not_bought_which_every_list_would_refuse_and_accept_not_seen_with_items()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string store = cli.PathOf("p.db");

        var (bought, _, boughtError) = cli.Run("preferences", "--store", store, "--user", "u1", "--filter", "not bought and price < 8");
        var (seen, seenOutput, seenError) = cli.Run("preferences", "--store", store, "--user", "u1", "--filter", "not seen and price < 8", "--items", items);

        Assert.Equal(2, bought);
        Assert.Contains("'not bought' needs the user's purchases", boughtError, StringComparison.Ordinal);
        Assert.True(seen == 0, seenError);
        Assert.Contains("default filter:     not seen and price < 8", seenOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_not_bought_from_the_library_is_named_as_the_users_saved_filter_and_a_given_filter_still_works()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string store = cli.PathOf("p.db");
        await new Personalize.Core.Preferences.SqlitePreferenceStore(store)
            .SaveAsync("u1", new Personalize.Core.Preferences.UserPreferences { DefaultFilter = "not bought" });

        var (code, _, error) = cli.Run("browse", "--items", items, "--preferences", store, "--user", "u1");
        var (given, _, givenError) = cli.Run("browse", "--items", items, "--preferences", store, "--user", "u1", "--filter", "price < 8");

        Assert.Equal(2, code);
        Assert.Contains($"the saved default filter of user 'u1' in {store} is 'not bought'", error, StringComparison.Ordinal);
        Assert.True(given == 0, givenError);
    }

    [Fact]
    public void Preferences_with_items_refuse_a_filter_the_catalogue_cannot_read_and_save_nothing()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string store = cli.PathOf("p.db");

        var (code, _, error) = cli.Run("preferences", "--store", store, "--user", "u1", "--filter", "nosuch > 3", "--items", items);
        var (shown, output, _) = cli.Run("preferences", "--store", store, "--user", "u1");
        var (good, _, goodError) = cli.Run("preferences", "--store", store, "--user", "u1", "--filter", "price < 8", "--items", items);
        var (browse, _, browseError) = cli.Run("browse", "--items", items, "--preferences", store, "--user", "u1");

        Assert.Equal(2, code);
        Assert.StartsWith($"error: these preferences would make u1's lists fail on {items}, so nothing was saved: The saved default filter of user 'u1' is invalid", error);
        Assert.Contains("unknown attribute 'nosuch'", error);
        Assert.Equal(0, shown);
        Assert.Contains("default filter:     (none)", output);
        Assert.True(good == 0, goodError);
        Assert.DoesNotContain("note:", goodError);
        Assert.True(browse == 0, browseError);
    }

    [Fact]
    public void A_store_that_is_a_folder_or_not_sqlite_is_a_usage_error_naming_the_option_and_path()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string folder = cli.PathOf("folder");
        Directory.CreateDirectory(folder);
        string text = cli.Write("notes.db", "not a database\n");

        var (asFolder, _, folderError) = cli.Run("preferences", "--store", folder, "--user", "u1", "--block-brand", "Acme");
        var (asText, _, textError) = cli.Run("browse", "--items", items, "--preferences", text, "--user", "u1");

        Assert.Equal(2, asFolder);
        Assert.StartsWith($"error: --store {folder} is not a preference store that can be opened (", folderError);
        Assert.Equal(2, asText);
        Assert.StartsWith($"error: --preferences {text} is not a preference store that can be opened (", textError);
        Assert.Equal("not a database\n", File.ReadAllText(text));
    }

    [Fact]
    public void Reading_another_applications_database_as_a_store_is_a_usage_error_and_leaves_it_untouched()
    {
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string other = cli.PathOf("app.db");
        byte[] before = Personalize.Core.Tests.TestSupport.OtherApplicationDatabase.Create(other);

        var (browse, _, browseError) = cli.Run("browse", "--items", items, "--preferences", other, "--user", "u1");
        var (recommend, _, recommendError) = cli.Run("recommend", "--model", model, "--items", items, "--preferences", other, "--user", "u1", "--page-size", "5");
        var (show, _, showError) = cli.Run("preferences", "--store", other, "--user", "u1");
        var (change, _, changeError) = cli.Run("preferences", "--store", other, "--user", "u1", "--block-brand", "Zen");   // wrote into it
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal((2, 2, 2, 2), (browse, recommend, show, change));
        Assert.StartsWith($"error: --store {other} is not a preference store:", changeError);
        Assert.StartsWith($"error: --preferences {other} is not a preference store: it has the table(s) ", browseError);
        Assert.Contains("and no user_preferences table. It was not changed; give a file of its own.", browseError);
        Assert.StartsWith($"error: --preferences {other} is not a preference store:", recommendError);
        Assert.StartsWith($"error: --store {other} is not a preference store:", showError);
        Assert.Equal(before, File.ReadAllBytes(other));
        Assert.False(File.Exists(other + "-wal"));
    }

    [Fact]
    public void Showing_a_missing_store_is_an_error_and_creates_nothing_while_a_change_creates_it()
    {
        using var cli = new CliRunner();
        string store = cli.PathOf("new.db");

        var (show, _, showError) = cli.Run("preferences", "--store", store, "--user", "u1");
        bool existedAfterShow = File.Exists(store);
        var (change, output, changeError) = cli.Run("preferences", "--store", store, "--user", "u1", "--block-brand", "Acme");
        var (again, againOutput, _) = cli.Run("preferences", "--store", store, "--user", "u1");

        Assert.Equal(2, show);
        Assert.StartsWith($"error: The preference store '{store}' (--store) does not exist; create it with 'personalize preferences --store {store} --user u1 ...'.", showError);
        Assert.False(existedAfterShow);
        Assert.True(change == 0, changeError);
        Assert.Contains("(version 1)", output);
        Assert.Equal(0, again);
        Assert.Contains("blocked brands:     Acme", againOutput);
    }

    [Theory]
    [InlineData(5, "database is locked")]
    [InlineData(6, "database table is locked")]
    public void A_store_locked_by_another_writer_is_a_runtime_failure_that_says_to_retry(int code, string text)
    {
        var locked = new Microsoft.Data.Sqlite.SqliteException($"SQLite Error {code}: '{text}'.", code);

        var busy = Assert.Throws<IOException>(() => Personalize.Cli.Commands.BrowseCommand.OnStore<int>("--store", "p.db", () => throw locked));
        var other = Assert.Throws<UsageException>(() => Personalize.Cli.Commands.BrowseCommand.OnStore<int>(
            "--store", "p.db", () => throw new Microsoft.Data.Sqlite.SqliteException("SQLite Error 26: 'file is not a database'.", 26)));

        Assert.Equal($"--store p.db is busy: another writer has held it locked for longer than the 30 s this waits (error {code}: '{text}'), so nothing was read or saved; retry when that writer is done.", busy.Message);
        Assert.Same(locked, busy.InnerException);
        Assert.StartsWith("--store p.db is not a preference store that can be opened (error 26", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sorting_by_a_price_read_as_text_says_to_declare_its_type()
    {
        using var cli = new CliRunner();
        string items = cli.Write("prices.csv", "item_id,price\nA1,\"1,234.50\"\nA2,€12\nA3,5\n");

        var (code, _, error) = cli.Run("browse", "--items", items, "--sort", "price-asc");

        Assert.Equal(2, code);
        Assert.Contains("which the catalogue has as Text (some value is not a number); declare its type (price:number in the CatalogSchema, --schema on the command line)", error);
    }

    [Fact]
    public void Preferences_with_items_warn_of_blocks_the_catalogue_has_nothing_for()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        var (code, output, error) = cli.Run("preferences", "--store", cli.PathOf("p.db"), "--user", "u1", "--block-brand", "Acme,Acne",
            "--block-category", "Home,Hom", "--block-item", "i3,i99", "--items", items);

        Assert.True(code == 0, error);
        Assert.Equal([$"warning: the brand 'Acne' is not in {items}, so blocking it blocks nothing; check its spelling (values match exactly).",
            $"warning: the item 'i99' is not in {items}, so blocking it blocks nothing; check its spelling (values match exactly).",
            $"warning: the category 'Hom' is not in {items}, so blocking it blocks nothing; check its spelling (values match exactly)."],
            error.Trim().Split('\n').Select(l => l.Trim()));
        Assert.Contains("blocked brands:     Acme, Acne", output);
    }

    [Fact]
    public void Preferences_refuse_reset_with_changes_and_blocks_no_list_could_apply()
    {
        // --reset --opt-out deleted the record and dropped the opt-out in silence; 300 blocked brands saved, then failed every list.
        using var cli = new CliRunner();
        var (model, items) = Shop(cli);
        string store = cli.PathOf("p.db");
        Assert.Equal(0, cli.Run("preferences", "--store", store, "--user", "u1", "--block-brand", "Acme").ExitCode);

        var reset = cli.Run("preferences", "--store", store, "--user", "u1", "--reset", "--opt-out");
        var many = cli.Run("preferences", "--store", store, "--user", "u1", "--block-brand", string.Join(',', Enumerable.Range(0, 300).Select(i => $"B{i}")));
        var recommend = cli.Run("recommend", "--model", model, "--user", "u1", "--preferences", store, "--page-size", "5");
        var shown = cli.Run("preferences", "--store", store, "--user", "u1");

        Assert.Equal((2, 2, 2), (reset.ExitCode, many.ExitCode, recommend.ExitCode));
        Assert.Contains("--reset deletes all of the user's preferences and takes no other change", reset.Error);
        Assert.Contains("these preferences would make u1's lists fail, so nothing was saved: ", many.Error);
        Assert.Contains("--preferences: u1 blocks brands or categories in", recommend.Error);
        Assert.Contains("give the catalogue with --items.", recommend.Error);
        Assert.Contains("blocked brands:     Acme", shown.Output);
        Assert.Contains("personalization:    on", shown.Output);
    }

    [Fact]
    public void Category_paths_are_blocked_and_unblocked_by_their_segments_as_filters_match_them()
    {
        // "Kitchen /Coffee" blocked what Kitchen/Coffee does, but --unblock-category Kitchen/Coffee left it in place, and the catalogue
        // check warned that 'Home / Kitchen' blocks nothing.
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);
        string store = cli.PathOf("p.db");

        var block = cli.Run("preferences", "--store", store, "--user", "u1", "--block-category", "Home / Kitchen,Home/Kitchen , Garden", "--items", items);
        var unblock = cli.Run("preferences", "--store", store, "--user", "u1", "--unblock-category", " Home/ Kitchen");

        Assert.True(block.ExitCode == 0, block.Error);
        Assert.Equal("", block.Error);
        Assert.Contains("blocked categories: Home/Kitchen, Garden", block.Output);
        Assert.True(unblock.ExitCode == 0, unblock.Error);
        Assert.Equal("", unblock.Error);
        Assert.Contains("blocked categories: Garden", unblock.Output);
    }

    [Fact]
    public void A_brand_with_a_comma_is_blocked_in_quotes_hides_its_items_and_unblocking_it_brings_them_back()
    {
        using var cli = new CliRunner();
        string items = cli.Write("items.csv", "item_id,title,brand\n" + string.Join('\n',
            Enumerable.Range(0, 12).Select(i => $"i{i},Thing {i},{(i % 3) switch { 0 => "\"Smith, Jones & Co\"", 1 => "Smith", _ => "\"Jones \"\"Bros\"\"\"" }}")) + "\n");
        string store = cli.PathOf("p.db");
        List<string> Browse() => Ids(Json(cli.Run("browse", "--items", items, "--user", "u1", "--preferences", store, "--page-size", "20", "--format", "json").Output));

        var block = cli.Run("preferences", "--store", store, "--user", "u1", "--block-brand", "\"Smith, Jones & Co\", \"Jones \"\"Bros\"\"\"", "--items", items);
        List<string> blocked = Browse();
        var unblock = cli.Run("preferences", "--store", store, "--user", "u1", "--unblock-brand", "\"Smith, Jones & Co\",Nobody");
        List<string> unblocked = Browse();

        Assert.True(block.ExitCode == 0, block.Error);
        Assert.Equal("", block.Error);
        Assert.Contains("blocked brands:     \"Smith, Jones & Co\", \"Jones \"\"Bros\"\"\"", block.Output);
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i % 3 == 1).Select(i => $"i{i}").Order(), blocked.Order());
        Assert.True(unblock.ExitCode == 0, unblock.Error);
        Assert.Contains("blocked brands:     \"Jones \"\"Bros\"\"\"", unblock.Output);
        Assert.Contains("(version 2)", unblock.Output);
        Assert.Equal("warning: the brand 'Nobody' was not blocked for u1, so --unblock-brand left it as it was.", unblock.Error.Trim());
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i % 3 != 2).Select(i => $"i{i}").Order(), unblocked.Order());
    }

    [Fact]
    public async Task Showing_and_unrelated_changes_keep_a_list_a_library_saved_with_repeats_as_it_is()
    {
        using var cli = new CliRunner();
        string store = cli.PathOf("p.db");
        var library = new Personalize.Core.Preferences.SqlitePreferenceStore(store);
        await library.SaveAsync("u1", new Personalize.Core.Preferences.UserPreferences { BlockedBrands = ["Acme", "Acme", "Zen"] });

        var shown = cli.Run("preferences", "--store", store, "--user", "u1");
        var sorted = cli.Run("preferences", "--store", store, "--user", "u1", "--sort", "rating");

        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("(version 1)", shown.Output);
        Assert.True(sorted.ExitCode == 0, sorted.Error);
        Assert.Contains("(version 2)", sorted.Output);
        Assert.Equal(["Acme", "Acme", "Zen"], (await library.GetAsync("u1"))!.BlockedBrands);
    }

    [Fact]
    public void Unblocking_items_and_categories_removes_exactly_those_values()
    {
        using var cli = new CliRunner();
        string store = cli.PathOf("p.db");
        var block = cli.Run("preferences", "--store", store, "--user", "u1", "--block-item", "i1,i2,i3", "--block-category", "Home,Home/Kitchen,Garden");

        var (code, output, error) = cli.Run("preferences", "--store", store, "--user", "u1", "--unblock-item", " i2 ,i9", "--unblock-category", "Home");

        Assert.True(block.ExitCode == 0, block.Error);
        Assert.True(code == 0, error);
        Assert.Contains("blocked items:      i1, i3", output);
        Assert.Contains("blocked categories: Home/Kitchen, Garden", output);
        Assert.Equal("warning: the item 'i9' was not blocked for u1, so --unblock-item left it as it was.", error.Trim());
    }

    [Theory]
    [InlineData("--block-brand", "\"Smith, Jones", "error: --block-brand, column 1: the quote opened there is not closed")]
    [InlineData("--block-item", "\"i1\" i2", "error: --block-item, column 6: expected a comma after the quoted value, not 'i'.")]
    [InlineData("--unblock-brand", "Acme,Sm\"ith", "error: --unblock-brand, column 8: a quote inside a value; put the whole value in quotes")]
    public void A_malformed_list_is_refused_naming_the_option_and_column_and_nothing_is_saved(string option, string value, string expected)
    {
        using var cli = new CliRunner();
        string store = cli.PathOf("p.db");

        var (code, _, error) = cli.Run("preferences", "--store", store, "--user", "u1", option, value);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, error.Trim());
        Assert.False(File.Exists(store));
    }

    [Fact]
    public void A_value_both_blocked_and_unblocked_in_one_command_is_refused()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("preferences", "--store", cli.PathOf("p.db"), "--user", "u1", "--block-brand", "Acme,Zen", "--unblock-brand", "Zen");

        Assert.Equal(2, code);
        Assert.Equal("error: 'Zen' is in both --block-brand and --unblock-brand; give it in one of them.", error.Trim());
    }

    [Fact]
    public void Preferences_refuse_a_malformed_category_path_and_note_an_unchecked_filter()
    {
        using var cli = new CliRunner();
        string store = cli.PathOf("p.db");

        var (code, _, error) = cli.Run("preferences", "--store", store, "--user", "u1", "--block-category", "Kitchen/");
        var (plain, _, note) = cli.Run("preferences", "--store", store, "--user", "u1", "--filter", "price < 8");

        Assert.Equal(2, code);
        Assert.StartsWith("error: --block-category: ", error);
        Assert.Contains("\"Kitchen/\" has an empty segment", error);
        Assert.Equal(0, plain);
        Assert.Equal("note: the filter's attributes were not checked against a catalogue; give --items to check them before saving.", note.Trim());
    }

    [Fact]
    public void A_list_sorted_by_an_attribute_shows_that_attribute_and_a_relevance_list_does_not()
    {
        using var cli = new CliRunner();
        var (_, items) = Shop(cli);

        string[] byPrice = cli.Run("browse", "--items", items, "--sort", "price-asc", "--page-size", "10", "--format", "csv").Output.TrimEnd().Split('\n');
        string[] byRating = cli.Run("browse", "--items", items, "--sort", "rating", "--page-size", "10", "--format", "csv").Output.TrimEnd().Split('\n');
        string[] plain = cli.Run("browse", "--items", items, "--page-size", "10", "--format", "csv").Output.TrimEnd().Split('\n');

        Assert.Equal("item_id,rank,score,price", byPrice[0]);
        double[] prices = [.. byPrice.Skip(1).Select(line => double.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(prices.Order(), prices);
        foreach (string line in byPrice.Skip(1))
        {
            int i = int.Parse(line.Split(',')[0][1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(5 + (i % 7), double.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture));   // the item's own price
        }

        Assert.Equal("item_id,rank,score,rating", byRating[0]);
        Assert.Equal("item_id,rank,score", plain[0]);
        JsonElement json = Json(cli.Run("browse", "--items", items, "--sort", "price-desc", "--page-size", "3", "--format", "json").Output);
        Assert.All(json.GetProperty("items").EnumerateArray(), item => Assert.Equal(11, item.GetProperty("price").GetInt32()));
    }
}
