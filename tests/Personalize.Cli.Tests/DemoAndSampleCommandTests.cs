namespace Personalize.Cli.Tests;

public sealed class DemoAndSampleCommandTests
{
    [Fact]
    public void Demo_trains_on_the_bundled_sample_and_beats_most_popular()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("demo", "--users", "2");

        Assert.True(code == 0, error);
        Assert.Contains("recall@10", output);
        Assert.Contains("recommended for you", output);
        var als = System.Text.RegularExpressions.Regex.Match(output, @"implicit ALS\s*│\s*([0-9.]+)");
        var popular = System.Text.RegularExpressions.Regex.Match(output, @"most popular\s*│\s*([0-9.]+)");
        Assert.True(als.Success && popular.Success, output);
        Assert.True(double.Parse(als.Groups[1].Value) >= 2 * double.Parse(popular.Groups[1].Value), output);
    }

    [Fact]
    public void Demo_trains_on_the_events_before_the_date_it_prints_and_holds_out_the_days_from_it()
    {
        using var cli = new CliRunner();
        // Every user acts at noon each day; the log ends later in the day (23:00) than that, so a cut 10 days before the last event
        // would fall in the evening of a day whose noon events it trains on.
        var lines = new List<string> { "user_id,item_id,event_type,timestamp" };
        for (int day = 1; day <= 27; day++)
        {
            for (int u = 0; u < 30; u++)
            {
                lines.Add($"u{u},i{(u % 3 * 10) + ((u + day) % 10)},view,2026-10-{day:D2}T12:00:00Z");
            }
        }

        lines.Add("u0,i1,view,2026-10-28T23:00:00Z");
        cli.Write("events.csv", string.Join('\n', lines) + "\n");

        var (code, output, error) = cli.Run("demo", "--data", cli.Folder, "--users", "2");

        Assert.True(code == 0, error);
        Assert.Contains("Training on events before 2026-10-19 (540); holding out the last 10 days, 2026-10-19 to 2026-10-28 (271), to check the model.", output);
        string[] history = [.. System.Text.RegularExpressions.Regex.Matches(output, @"│ (\d\d-\d\d) view ").Select(m => m.Groups[1].Value)];
        Assert.NotEmpty(history);
        Assert.All(history, date => Assert.True(string.CompareOrdinal(date, "10-19") < 0, date));
        Assert.Contains("10-18", history);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Demo_refuses_fewer_than_one_user_to_show(string users)
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("demo", "--data", cli.Folder, "--users", users);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"error: --users {users} must be at least 1.", error.Trim());
    }

    [Fact]
    public void Demo_on_a_log_of_fewer_than_10_days_or_no_events_says_so()
    {
        using var cli = new CliRunner();
        Directory.CreateDirectory(cli.PathOf("short"));
        Directory.CreateDirectory(cli.PathOf("empty"));
        cli.Write("short/events.csv", "user_id,item_id,event_type,timestamp\n" + string.Join('\n', Enumerable.Range(1, 5).Select(d => $"u{d},i{d},view,2026-01-0{d}T12:00:00Z")) + "\n");
        cli.Write("empty/events.csv", "user_id,item_id,event_type,timestamp\n");

        var shortLog = cli.Run("demo", "--data", cli.PathOf("short"));
        var empty = cli.Run("demo", "--data", cli.PathOf("empty"));

        Assert.Equal(2, shortLog.ExitCode);
        Assert.Equal($"error: {cli.PathOf("short/events.csv")} spans fewer than 10 days (its first event is on 2026-01-01, its last on 2026-01-05): the demo "
            + "holds out the last 10 days and trains on the days before them.", shortLog.Error.Trim());
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("has no events; the demo trains on a log", empty.Error);
    }

    [Fact]
    public void Sample_writes_the_three_files_with_their_headers_deterministically()
    {
        using var cli = new CliRunner();
        string a = Path.Combine(cli.Folder, "a"), b = Path.Combine(cli.Folder, "b");

        var first = cli.Run("sample", "--out", a, "--users", "300", "--items", "120", "--events", "3000");
        var second = cli.Run("sample", "--out", b, "--users", "300", "--items", "120", "--events", "3000");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal("user_id,item_id,event_type,timestamp,quantity", File.ReadLines(Path.Combine(a, "events.csv")).First());
        Assert.Equal("item_id,title,brand,category,price,rating,rating_count,in_stock,added_at,tags", File.ReadLines(Path.Combine(a, "items.csv")).First());
        Assert.Equal("user_id,item_id,rating,timestamp", File.ReadLines(Path.Combine(a, "ratings.csv")).First());
        foreach (string file in new[] { "items.csv", "events.csv", "ratings.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }
    }

    [Fact]
    public void Sample_refuses_to_replace_a_folders_files_without_force_and_says_when_few_users_cap_the_events()
    {
        using var cli = new CliRunner();
        string shop = Path.Combine(cli.Folder, "shop");
        Directory.CreateDirectory(shop);
        string real = cli.Write("shop/events.csv", "user_id,item_id,event_type,timestamp\nu,REAL,view,2026-01-01T00:00:00Z\n");

        var refused = cli.Run("sample", "--out", shop, "--users", "10", "--items", "30", "--events", "100");
        string kept = File.ReadAllText(real);
        var forced = cli.Run("sample", "--out", shop, "--users", "10", "--items", "30", "--events", "100", "--force");
        var onFile = cli.Run("sample", "--out", real);
        var capped = cli.Run("sample", "--out", Path.Combine(cli.Folder, "few"), "--users", "2", "--items", "30", "--events", "100000");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: --out '{shop}' already has events.csv; give --force to replace it with the sample, or another folder.", refused.Error.Trim());
        Assert.Contains("REAL", kept);
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.DoesNotContain("REAL", File.ReadAllText(real));
        Assert.Equal(2, onFile.ExitCode);
        Assert.Contains("is a file; give the folder", onFile.Error);
        Assert.True(capped.ExitCode == 0, capped.Error);
        int events = File.ReadLines(Path.Combine(cli.Folder, "few", "events.csv")).Count() - 1;
        Assert.True(events < 90_000, $"{events} events");
        Assert.Contains($"note: {events:N0} events where --events asked for about 100,000: each of the 2 users has at most 180 sessions", capped.Error);
    }

    [Fact]
    public void Sample_rejects_impossible_sizes_with_exit_code_2()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("sample", "--out", Path.Combine(cli.Folder, "x"), "--users", "0");

        Assert.Equal(2, code);
        Assert.Contains("--users", error);
    }
}
