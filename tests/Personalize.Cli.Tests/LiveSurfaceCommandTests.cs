using System.Globalization;
using System.Text.Json;

namespace Personalize.Cli.Tests;

/// <summary><c>trending</c>, <c>recently-viewed</c> and <c>buy-again</c> on small planted logs in real files.</summary>
public sealed class LiveSurfaceCommandTests
{
    private static readonly DateTime End = new(2026, 10, 31, 0, 0, 0, DateTimeKind.Utc);

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Ten items viewed steadily (2 an hour each) for 3 days; i7 surges in the last 3 hours (10 an hour). Coffee c1 is re-bought every
    /// 10 days by 8 users, a television tv1 bought once by 8 users; u1 bought both, then viewed i1, i2, i3 (i2 is out of stock).
    /// </summary>
    private static (string Events, string Items) Shop(CliRunner cli)
    {
        var lines = new List<string> { "user_id,item_id,event_type,timestamp" };
        for (int h = 72; h > 0; h--)
        {
            for (int i = 0; i < 10; i++)
            {
                lines.Add($"v{h % 7},i{i},view,{Time(End.AddHours(-h).AddMinutes(i))}");
                lines.Add($"v{h % 5},i{i},view,{Time(End.AddHours(-h).AddMinutes(30 + i))}");
            }
        }

        for (int e = 0; e < 30; e++)
        {
            lines.Add($"s{e},i7,view,{Time(End.AddMinutes(-6 * e - 1))}");
        }

        for (int b = 0; b < 8; b++)
        {
            for (int o = 0; o < 3; o++)
            {
                lines.Add($"b{b},c1,purchase,{Time(End.AddDays(-40 + (10 * o)).AddHours(b))}");
            }

            lines.Add($"b{b},tv1,purchase,{Time(End.AddDays(-50).AddHours(b))}");
        }

        lines.Add($"u1,tv1,purchase,{Time(End.AddDays(-20))}");
        lines.Add($"u1,c1,purchase,{Time(End.AddDays(-10))}");
        lines.Add($"u1,i1,view,{Time(End.AddMinutes(-30))}");
        lines.Add($"u1,i2,view,{Time(End.AddMinutes(-20))}");
        lines.Add($"u1,i3,view,{Time(End.AddMinutes(-10))}");
        string events = cli.Write("events.csv", string.Join('\n', lines) + "\n");
        string items = cli.Write("items.csv", "item_id,title,category,in_stock\n"
            + string.Join('\n', Enumerable.Range(0, 10).Select(i => $"i{i},Thing {i},{(i < 5 ? "Kitchen/Knives" : "Outdoor/Camping")},{(i == 2 ? "false" : "true")}"))
            + "\nc1,House Blend,Grocery/Coffee,true\ntv1,Big Screen,Electronics/TV,true\n");
        return (events, items);
    }

    private static string[][] CsvRows(string output) =>
        [.. output.Trim().Split('\n').Skip(1).Select(l => l.Split(','))];

    [Fact]
    public void Trending_lists_the_surging_item_first_and_as_of_before_the_surge_it_is_not()
    {
        using var cli = new CliRunner();
        var (events, _) = Shop(cli);

        var (code, output, error) = cli.Run("trending", "--input", events, "--top", "3", "--format", "csv");
        var (codeBefore, before, _) = cli.Run("trending", "--input", events, "--top", "3", "--format", "csv", "--as-of", Time(End.AddHours(-4)));

        Assert.True(code == 0, error);
        Assert.StartsWith("item_id,rank,score,recent_events,expected_events\n", output);
        string[][] rows = CsvRows(output);
        Assert.Equal(("i7", "1"), (rows[0][0], rows[0][1]));
        Assert.True(double.Parse(rows[0][2], CultureInfo.InvariantCulture) > 2 * double.Parse(rows[1][2], CultureInfo.InvariantCulture), output);
        Assert.Equal(0, codeBefore);
        Assert.NotEqual("i7", CsvRows(before)[0][0]);
    }

    [Fact]
    public void Trending_a_month_after_the_last_event_lists_nothing_and_says_so()
    {
        using var cli = new CliRunner();
        var (events, _) = Shop(cli);
        string monthLater = Time(End.AddDays(30));

        var (code, csv, error) = cli.Run("trending", "--input", events, "--format", "csv", "--as-of", monthLater);
        var (tableCode, table, _) = cli.Run("trending", "--input", events, "--as-of", monthLater);

        Assert.True(code == 0, error);
        Assert.Equal("item_id,rank,score,recent_events,expected_events\n", csv);
        Assert.Equal(0, tableCode);
        Assert.Contains($"Nothing is trending as of {monthLater}: no item is busier than usual.", table);
    }

    [Fact]
    public void Trending_per_category_keeps_to_the_category_and_prints_a_table_with_titles()
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);

        var (code, csv, error) = cli.Run("trending", "--input", events, "--items", items, "--category", "Kitchen", "--top", "20", "--format", "csv");
        var (tableCode, table, _) = cli.Run("trending", "--input", events, "--items", items, "--half-life", "2h", "--baseline-half-life", "2d");

        Assert.True(code == 0, error);
        // Only the kitchen's items, and of those only the ones busier than usual (score above 1).
        Assert.NotEmpty(CsvRows(csv));
        Assert.All(CsvRows(csv), r => Assert.Contains(r[0], new[] { "i0", "i1", "i2", "i3", "i4" }));
        Assert.All(CsvRows(csv), r => Assert.True(double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture) > 1, string.Join(',', r)));
        Assert.Equal(0, tableCode);
        Assert.Contains("Replayed 1,507 events up to 2026-10-30T23:59:00Z: 1,507 accepted.", table);
        Assert.Contains("Thing 7 (i7)", table);
        Assert.Contains("(half-life 2h, baseline 2d)", table);
    }

    [Fact]
    public void A_replay_that_stops_before_the_end_of_the_log_says_how_many_rows_it_left_out()
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);

        var (code, table, error) = cli.Run("trending", "--input", events, "--items", items, "--as-of", "2020-01-01T00:00:00Z");

        Assert.True(code == 0, error);
        Assert.Contains("Replayed 0 events up to 2020-01-01T00:00:00Z: 0 accepted; 1,507 later rows of the log were left out (after --as-of).", table);
    }

    [Fact]
    public void Recently_viewed_lists_the_users_views_newest_first_and_a_filter_leaves_out_what_is_out_of_stock()
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);

        var (code, csv, error) = cli.Run("recently-viewed", "--input", events, "--user", "u1", "--format", "csv");
        var (filteredCode, json, _) = cli.Run("recently-viewed", "--input", events, "--user", "u1", "--items", items, "--filter", "in_stock",
            "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal("user_id,item_id,rank,viewed_at\nu1,i3,1,2026-10-30T23:50:00Z\nu1,i2,2,2026-10-30T23:40:00Z\nu1,i1,3,2026-10-30T23:30:00Z\n", csv);
        Assert.Equal(0, filteredCode);
        using JsonDocument document = JsonDocument.Parse(json);
        var listed = document.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("item_id").GetString(), i.GetProperty("title").GetString())).ToList();
        Assert.Equal([("i3", "Thing 3"), ("i1", "Thing 1")], listed);
    }

    [Fact]
    public void Buy_again_lists_the_consumable_and_not_the_one_off_purchase()
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);

        var (code, csv, error) = cli.Run("buy-again", "--input", events, "--user", "u1", "--items", items, "--format", "csv");
        var (emptyCode, table, emptyError) = cli.Run("buy-again", "--input", events, "--user", "nobody");
        var viewed = cli.Run("recently-viewed", "--input", events, "--user", "nobody", "--format", "json");
        var known = cli.Run("recently-viewed", "--input", events, "--user", "u1", "--format", "json");

        Assert.True(code == 0, error);
        string[][] rows = CsvRows(csv);
        Assert.Equal("user_id,item_id,rank,score,times_bought,last_bought,typical_interval_days,due_at,repeat_rate", csv.Split('\n')[0]);
        Assert.Equal(["u1", "c1", "1"], rows.Single()[..3]);
        Assert.Equal(("1", "2026-10-21T00:00:00Z", "10", "2026-10-31T00:00:00Z"), (rows[0][4], rows[0][5], rows[0][6], rows[0][7]));
        Assert.InRange(double.Parse(rows[0][8], System.Globalization.CultureInfo.InvariantCulture), 0.0, 1.0);
        Assert.Equal(0, emptyCode);
        Assert.Contains("nobody bought nothing up to", table);
        string note = $"note: user 'nobody' has no row in {events} (its users look like 'v2'), so the list is empty; ids are compared exactly, after trimming.";
        Assert.Equal(note, emptyError.Trim());
        Assert.Equal(note, viewed.Error.Trim());
        Assert.DoesNotContain("note:", known.Error);
    }

    [Fact]
    public void An_order_log_without_event_types_is_read_as_purchases_with_every_row_and_gives_the_same_list_as_the_typed_log()
    {
        // An order log such as UCI Online Retail has no event column: buy-again refused it with no way to say every row is a purchase.
        using var cli = new CliRunner();
        var (events, _) = Shop(cli);
        string[] purchases = [.. File.ReadAllLines(events).Skip(1).Where(l => l.Contains(",purchase,", StringComparison.Ordinal))];
        string orders = cli.Write("orders.csv", "user_id,item_id,timestamp\n" + string.Join('\n', purchases.Select(l => l.Replace(",purchase,", ",", StringComparison.Ordinal))) + "\n");
        string typed = cli.Write("typed.csv", "user_id,item_id,event_type,timestamp\n" + string.Join('\n', purchases) + "\n");

        var untyped = cli.Run("buy-again", "--input", orders, "--user", "u1", "--format", "csv");
        var everyRow = cli.Run("buy-again", "--input", orders, "--user", "u1", "--every-row", "purchase", "--format", "csv");
        var reference = cli.Run("buy-again", "--input", typed, "--user", "u1", "--format", "csv");
        var hasTypes = cli.Run("buy-again", "--input", typed, "--user", "u1", "--every-row", "purchase", "--format", "csv");
        var unknownType = cli.Run("buy-again", "--input", orders, "--user", "u1", "--every-row", "order", "--format", "csv");

        Assert.Equal(2, untyped.ExitCode);
        Assert.Contains("--every-row purchase for an order log", untyped.Error, StringComparison.Ordinal);
        Assert.True(everyRow.ExitCode == 0, everyRow.Error);
        Assert.True(reference.ExitCode == 0, reference.Error);
        Assert.Equal(["u1", "c1", "1"], CsvRows(everyRow.Output).Single()[..3]);
        Assert.Equal(reference.Output, everyRow.Output);
        Assert.Equal(2, hasTypes.ExitCode);
        Assert.StartsWith("error: --every-row purchase is for a log without event types", hasTypes.Error.Trim(), StringComparison.Ordinal);
        Assert.Equal(2, unknownType.ExitCode);
        Assert.StartsWith("error: --every-row 'order' is not one of the event types of --event-weights", unknownType.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_order_log_read_with_every_row_names_the_lines_of_the_file()
    {
        using var cli = new CliRunner();
        string orders = cli.Write("orders.csv", "user_id,item_id,timestamp\nu1,c1,2026-10-01T00:00:00Z\n,c1,2026-10-02T00:00:00Z\nu2,c1,2026-10-03T00:00:00Z\n"
            + "u3,c1,0001-01-01T00:00:00Z\n");

        var (code, _, error) = cli.Run("buy-again", "--input", orders, "--user", "u1", "--every-row", "purchase", "--bad-rows", "skip");

        Assert.Equal(2, code);
        Assert.Contains($"{orders}, line 5, column timestamp: 0001-01-01T00:00:00Z is a placeholder", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "recently-viewed" }, "error: --user is required")]
    [InlineData(new[] { "buy-again", "--user", "u1", "--top", "0" }, "error: --top 0 must be at least 1.")]
    [InlineData(new[] { "trending", "--as-of", "soon" }, "error: --as-of 'soon' is not a time")]
    [InlineData(new[] { "trending", "--half-life", "fast" }, "error: --half-life 'fast' is not a positive duration")]
    [InlineData(new[] { "trending", "--half-life", "6M" }, "error: --half-life '6M': M could be months or minutes; write 6m for minutes, or the days (such as 180d for six months).")]
    [InlineData(new[] { "trending", "--half-life", "10" }, "error: --half-life '10' has no unit; write 10d for days, 10h for hours, 10m for minutes or 10s for seconds.")]
    [InlineData(new[] { "trending", "--half-life", "1e-12s" }, "error: --half-life '1e-12s' is shorter than the shortest duration there is (0.0000001 s).")]
    [InlineData(new[] { "trending", "--half-life", "2d", "--baseline-half-life", "1d" }, "error: --baseline-half-life 1.00:00:00: must be longer than --half-life (2.00:00:00)")]
    [InlineData(new[] { "trending", "--category", "Kitchen" }, "error: --category needs --items")]
    [InlineData(new[] { "trending", "--filter", "in_stock" }, "error: --filter needs --items")]
    [InlineData(new[] { "trending", "--format", "xml" }, "error: --format 'xml' is not a format")]
    [InlineData(new[] { "trending", "--smoothing", "-1" }, "error: --smoothing -1 must be between 0 and 1,000,000,000")]
    [InlineData(new[] { "trending", "--half-life", "1e300d" }, "error: --half-life '1e300d' is longer than the longest duration there is")]
    [InlineData(new[] { "trending", "--as-of", "3/12/2010" }, "error: --as-of '3/12/2010' is not a time (expected ISO 8601")]
    public void Bad_usage_exits_with_code_2_and_one_line(string[] args, string expected)
    {
        using var cli = new CliRunner();
        var (events, _) = Shop(cli);

        var (code, _, error) = cli.Run([.. args, "--input", events]);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("trending", "events")]
    [InlineData("trending", "items")]
    [InlineData("recently-viewed", "events")]
    [InlineData("buy-again", "items")]
    public void Out_naming_an_input_is_refused_and_the_input_is_left_as_it_was(string command, string which)
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);
        string target = which == "events" ? events : items;
        string before = File.ReadAllText(target);

        string[] user = command == "trending" ? [] : ["--user", "u1"];
        var (code, _, error) = cli.Run([command, "--input", events, "--items", items, .. user, "--format", "csv", "--out", target]);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: --out {target} is also an input of this command", error);
        Assert.Equal(before, File.ReadAllText(target));
    }

    [Fact]
    public void As_of_reads_times_as_the_log_does_eight_digit_dates_and_the_time_format()
    {
        using var cli = new CliRunner();
        string dates = cli.Write("d8.csv", "user_id,item_id,event_type,timestamp\nu1,A,view,20240101\nu1,B,view,20240102\nu1,C,view,20240103\n");
        string european = cli.Write("eu.csv", "user_id,item_id,event_type,timestamp\nu1,A,view,1/12/2010 08:00\nu1,B,view,5/12/2010 08:00\n");

        var byDate = cli.Run("recently-viewed", "--input", dates, "--user", "u1", "--as-of", "20240102", "--format", "csv");
        var byFormat = cli.Run("recently-viewed", "--input", european, "--user", "u1", "--time-format", "d/M/yyyy HH:mm", "--as-of", "3/12/2010 08:00", "--format", "csv");

        Assert.True(byDate.ExitCode == 0, byDate.Error);
        Assert.Equal(["B", "A"], CsvRows(byDate.Output).Select(r => r[1]));
        Assert.True(byFormat.ExitCode == 0, byFormat.Error);
        Assert.Equal(["A"], CsvRows(byFormat.Output).Select(r => r[1]));
    }

    [Theory]
    [InlineData("trending")]
    [InlineData("recently-viewed")]
    public void A_row_at_the_placeholder_time_0001_01_01_is_refused_with_its_line_and_column(string command)
    {
        using var cli = new CliRunner();
        string events = cli.Write("min.csv",
            "user_id,item_id,event_type,when\nu1,A,view,2026-01-01T10:00:00Z\nu1,,view,2026-01-01T10:05:00Z\nu1,B,view,0001-01-01T00:00:00Z\n");
        string[] user = command == "trending" ? [] : ["--user", "u1"];

        var (code, output, error) = cli.Run([command, "--input", events, "--time-col", "when", "--bad-rows", "skip", .. user]);

        Assert.Equal(2, code);
        Assert.Contains($"{events}, line 4, column when: 0001-01-01T00:00:00Z is a placeholder the live surfaces cannot replay", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public void A_catalogue_whose_ids_are_not_the_logs_is_warned_of_and_nothing_trending_after_a_filter_says_so()
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);
        string other = cli.Write("other.csv", File.ReadAllText(items).Replace("\ni", "\nI", StringComparison.Ordinal));

        var apart = cli.Run("trending", "--input", events, "--items", other);
        var filtered = cli.Run("trending", "--input", events, "--items", items, "--filter", "category under \"Grocery\"");

        Assert.Contains($"warning: only 2 of the log's 12 items are in {other}", apart.Error);
        Assert.True(filtered.ExitCode == 0, filtered.Error);
        Assert.Contains("no item that passes the filter is busier than usual.", filtered.Output);
    }

    [Fact]
    public void Buy_again_chains_rows_less_than_a_minute_apart_into_one_order_and_leaves_out_purchases_of_no_units()
    {
        using var cli = new CliRunner();
        var lines = new List<string> { "user_id,item_id,event_type,timestamp,quantity" };
        for (int b = 0; b < 4; b++)
        {
            lines.Add($"b{b},tv,purchase,{Time(End.AddDays(-30 + b))},1");
            lines.Add($"b{b},milk,purchase,{Time(End.AddDays(-30 + b))},1");
        }

        lines.Add($"u1,tv,purchase,{Time(End.AddDays(-3))},1");
        lines.Add($"u1,tv,purchase,{Time(End.AddDays(-3).AddSeconds(50))},1");
        lines.Add($"u1,tv,purchase,{Time(End.AddDays(-3).AddSeconds(100))},1");
        lines.Add($"u1,milk,purchase,{Time(End.AddDays(-9))},2");
        lines.Add($"u1,milk,purchase,{Time(End.AddDays(-2))},0");
        string log = cli.Write("orders.csv", string.Join('\n', lines) + "\n");

        var (code, output, error) = cli.Run("buy-again", "--input", log, "--user", "u1");

        Assert.True(code == 0, error);
        Assert.Contains("1 purchases of quantity 0 (cancelled lines, not orders)", output);
        Assert.Contains("u1 bought nothing", output);   // one order of each: nothing re-bought
    }

    [Fact]
    public void A_log_whose_event_types_are_not_view_and_purchase_is_told_to_name_them()
    {
        using var cli = new CliRunner();
        string log = cli.Write("cb.csv", $"user_id,item_id,event_type,timestamp\nu1,A,click,{Time(End.AddHours(-2))}\nu2,A,buy,{Time(End.AddHours(-1))}\n");

        var (code, _, error) = cli.Run("trending", "--input", log, "--event-weights", "click=1,buy=10");
        var named = cli.Run("trending", "--input", log, "--event-weights", "click=1,buy=10", "--view-event", "click", "--purchase-event", "buy");

        Assert.Equal(2, code);
        Assert.StartsWith("error: --view-event 'view' is not one of the event types of --event-weights (click, buy); name the view and purchase types", error);
        Assert.True(named.ExitCode == 0, named.Error);
    }

    [Fact]
    public void An_unknown_category_exits_with_code_2_listing_the_categories()
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);

        var (code, _, error) = cli.Run("trending", "--input", events, "--items", items, "--category", "Garden");

        Assert.Equal(2, code);
        Assert.StartsWith("error: --category: The category 'Garden' is not in the catalogue; it has: Electronics, Electronics/TV, Grocery,", error);
    }

    [Theory]
    [InlineData("in_stock and not seen", "error: --filter: 'not seen' does not apply to this list; leave it out.")]
    [InlineData("not bought", "error: --filter: 'not bought' does not apply to this list; leave it out.")]
    public void A_per_user_filter_rule_is_refused_with_code_2(string filter, string expected)
    {
        using var cli = new CliRunner();
        var (events, items) = Shop(cli);

        var (code, _, error) = cli.Run("buy-again", "--input", events, "--user", "u1", "--items", items, "--filter", filter);

        Assert.Equal(2, code);
        Assert.Equal(expected, error.TrimEnd());
    }

    [Fact]
    public void A_log_without_event_types_or_without_the_input_option_is_bad_input()
    {
        using var cli = new CliRunner();
        string untyped = cli.Write("plain.csv", "user_id,item_id,timestamp\nu1,i1,2026-10-01T00:00:00Z\n");

        var (code, _, error) = cli.Run("trending", "--input", untyped);
        var (missingCode, _, missing) = cli.Run("trending");

        Assert.Equal(2, code);
        Assert.Contains("has no event types", error);
        Assert.Equal(2, missingCode);
        Assert.StartsWith("error: --input is required", missing);
    }
}
