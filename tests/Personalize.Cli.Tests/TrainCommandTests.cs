using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Cli.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public void Train_saves_a_model_and_prints_the_summary()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string model = cli.PathOf("model.pzm");

        var (code, output, error) = cli.Run("train", "--input", input, "--out", model, "--factors", "8", "--epochs", "3");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("epoch 3/3", output);
        Assert.Contains("rows read", output);
        Assert.Contains("480", output);
        FactorModel loaded = ModelFile.Load(model);
        Assert.Equal(60, loaded.Users.Count);
        Assert.Equal(30, loaded.Items.Count);
        Assert.Equal(8, loaded.NumberOfFactors);
        Assert.Equal("implicit-als", loaded.Properties["trainer"]);
    }

    [Fact]
    public void An_item_item_blend_in_an_options_file_trains_a_model_that_records_it_and_inspect_shows_it()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string options = cli.PathOf("best.json"), model = cli.PathOf("model.pzm");
        TrainerOptionsFile.Save(new ImplicitAlsTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 3, ItemItemWeight = 0.4f, ItemItemRank = 10 }, options);

        var train = cli.Run("train", "--input", input, "--out", model, "--options", options);
        var inspect = cli.Run("inspect", "--model", model);
        var recommend = cli.Run("recommend", "--model", model, "--user", "u1", "--top", "5", "--explain", "2");
        var session = cli.Run("recommend", "--model", model, "--session", "i3:purchase,i4:view", "--top", "5");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.True(recommend.ExitCode == 0, recommend.Error);
        Assert.True(session.ExitCode == 0, session.Error);
        Assert.Contains("because", recommend.Output);
        FactorModel loaded = ModelFile.Load(model);
        Assert.Equal(8 + 10, loaded.NumberOfFactors);
        Assert.Equal("0.4", loaded.Properties[ModelPropertyNames.ItemItemWeight]);
        Assert.Matches(@"factors\s*│\s*18 \(8 factors \+ 10 item-item values\)", inspect.Output);
        Assert.Matches(@"item_item_eigenvalues\s*│\s*10 values, ", inspect.Output);
        Assert.DoesNotContain("factors (recorded)", inspect.Output);
    }

    [Fact]
    public void The_item_item_options_train_exactly_as_told()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string model = cli.PathOf("model.pzm");

        var train = cli.Run("train", "--input", input, "--out", model, "--factors", "4", "--epochs", "2", "--item-item-weight", "0.5",
            "--item-item-regularization", "20", "--item-item-rank", "6");
        var outOfRange = cli.Run("train", "--input", input, "--out", cli.PathOf("y.pzm"), "--item-item-weight", "1.5");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.DoesNotContain("Choosing options", train.Output);
        FactorModel loaded = ModelFile.Load(model);
        Assert.Equal(4 + 6, loaded.NumberOfFactors);
        Assert.Equal("20", loaded.Properties[ModelPropertyNames.ItemItemRegularization]);
        Assert.Equal("given", loaded.Properties[ModelPropertyNames.OptionsChosenBy]);
        Assert.NotEqual(0, outOfRange.ExitCode);
        Assert.Contains("--item-item-weight 1.5: must be", outOfRange.Error);
    }

    [Fact]
    public void The_popularity_weight_trains_exactly_as_told_and_is_recorded()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string model = cli.PathOf("model.pzm");

        var train = cli.Run("train", "--input", input, "--out", model, "--popularity-weight", "0.3");
        var outOfRange = cli.Run("train", "--input", input, "--out", cli.PathOf("y.pzm"), "--popularity-weight", "-0.1");
        var inspect = cli.Run("inspect", "--model", model);

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.DoesNotContain("Choosing options", train.Output);
        FactorModel loaded = ModelFile.Load(model);
        Assert.Equal("0.3", loaded.Properties[ModelPropertyNames.PopularityWeight]);
        Assert.True(loaded.HasBiases);
        Assert.Equal("given", loaded.Properties[ModelPropertyNames.OptionsChosenBy]);
        Assert.Matches(@"popularity_weight\s*│\s*0\.3", inspect.Output);
        Assert.NotEqual(0, outOfRange.ExitCode);
        Assert.Contains("--popularity-weight -0.1: must be", outOfRange.Error);
    }

    [Fact]
    public void Implicit_training_on_a_file_with_ratings_says_that_the_ratings_are_not_used_unless_they_weigh_the_rows()
    {
        using var cli = new CliRunner();
        string input = cli.Write("r.csv", "user_id,item_id,rating\nu1,i1,5\nu1,i2,1\nu2,i1,4\nu2,i3,2\nu3,i2,5\nu3,i3,3\n");

        var plain = cli.Run("train", "--input", input, "--out", cli.PathOf("a.pzm"), "--no-tune", "--epochs", "2");
        var weighted = cli.Run("train", "--input", input, "--out", cli.PathOf("b.pzm"), "--no-tune", "--epochs", "2", "--weight-col", "rating");

        Assert.Equal((0, 0), (plain.ExitCode, weighted.ExitCode));
        Assert.Contains($"note: {input} has a rating column, which the implicit trainer does not use", plain.Error);
        Assert.DoesNotContain("note:", weighted.Error);
    }

    [Fact]
    public void Training_says_how_many_pairs_weigh_0_in_all_and_what_becomes_of_them()
    {
        using var cli = new CliRunner();
        // (u1, i2) weighs 0 on both its rows and (u3, i3) on its one row; (u2, i1) has a 0 row and a 3 row, so it weighs 3.
        string input = cli.Write("p.csv", "user_id,item_id,plays\nu1,i1,4\nu1,i2,0\nu1,i2,0\nu2,i1,0\nu2,i1,3\nu2,i3,2\nu3,i2,5\nu3,i3,0\n");
        string positive = cli.Write("q.csv", "user_id,item_id,plays\nu1,i1,4\nu1,i2,1\nu2,i1,3\nu2,i3,2\nu3,i2,5\nu3,i3,1\n");

        var zero = cli.Run("train", "--input", input, "--out", cli.PathOf("a.pzm"), "--no-tune", "--epochs", "2", "--weight-col", "plays");
        var none = cli.Run("train", "--input", positive, "--out", cli.PathOf("b.pzm"), "--no-tune", "--epochs", "2", "--weight-col", "plays");
        var views = cli.Run("train", "--input", cli.SmallLog(), "--out", cli.PathOf("c.pzm"), "--no-tune", "--epochs", "2", "--event-weights", "view=0,cart=4,purchase=10");

        Assert.Equal((0, 0, 0), (zero.ExitCode, none.ExitCode, views.ExitCode));
        Assert.Contains($"note: 2 (user, item) pairs of {input} weigh 0 in all (plays or the event weight is 0 on every row): they still count as had", zero.Error);
        Assert.DoesNotContain("note:", none.Error);
        Assert.Matches(@"note: [1-9][0-9]* \(user, item\) pairs of .* weigh 0 in all \(the event weight is 0 on every row\)", views.Error);
    }

    [Fact]
    public void A_bad_row_stops_training_with_exit_code_2_and_one_line_naming_file_line_and_column()
    {
        using var cli = new CliRunner();
        string input = cli.Write("bad.csv", "user_id,item_id,event_type,timestamp\nu1,i1,view,2026-10-01T00:00:00Z\nu2,i2,view,2026-13-01\n");

        var (code, _, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"));

        Assert.Equal(2, code);
        Assert.Equal($"error: {input}:3:4: column 'timestamp': '2026-13-01' is not a timestamp", error.Split(" (expected")[0]);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(cli.PathOf("m.pzm")));
    }

    [Fact]
    public void Skip_policy_reports_each_rejected_row_and_counts_them()
    {
        using var cli = new CliRunner();
        string input = cli.Write("mixed.csv",
            "user_id,item_id,event_type\nu1,i1,view\nu1,i2,click\nu2,i1,purchase\n,i3,view\nu2,i2,cart\n");

        var (code, output, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"), "--bad-rows", "skip", "--factors", "4", "--epochs", "2");

        Assert.Equal(0, code);
        string[] warnings = error.TrimEnd().Split('\n');
        Assert.Equal(2, warnings.Length);
        Assert.StartsWith("warning: mixed.csv:3:3: column 'event_type': 'click' is not a known event type", warnings[0]);
        Assert.StartsWith("warning: mixed.csv:5:1: column 'user_id': the id is empty", warnings[1]);
        Assert.Matches(@"rows read\s*│\s*5", output);
        Assert.Matches(@"accepted\s*│\s*3", output);
        Assert.Matches(@"rejected\s*│\s*2", output);
    }

    [Fact]
    public void Skipped_rows_are_listed_up_to_twenty_then_counted()
    {
        // A retail log leaves the customer empty on a quarter of its rows (guest checkouts): a warning each would bury the output.
        using var cli = new CliRunner();
        var log = new System.Text.StringBuilder("user_id,item_id\n");
        for (int row = 0; row < 60; row++)
        {
            log.Append(row % 2 == 0 ? "" : $"u{row % 7}").Append($",i{row % 5}\n");
        }

        string input = cli.Write("guests.csv", log.ToString());

        var (code, output, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"), "--bad-rows", "skip", "--no-tune", "--factors", "4", "--epochs", "2");

        Assert.Equal(0, code);
        string[] warnings = [.. error.TrimEnd().Split('\n').Where(line => line.StartsWith("warning:", StringComparison.Ordinal))];
        Assert.Equal(21, warnings.Length);
        Assert.All(warnings.Take(20), w => Assert.EndsWith("column 'user_id': the id is empty (expected a non-empty user or item id).", w));
        Assert.StartsWith("warning: guests.csv:2:1:", warnings[0]);
        Assert.Equal($"warning: {input}: 10 more rows were rejected and are not listed (30 in all, the first 20 above; by column: user_id 30).", warnings[20]);
        Assert.Matches(@"rejected\s*│\s*30", output);
    }

    [Fact]
    public void The_count_of_skipped_rows_says_for_which_columns_so_an_unexpected_column_does_not_hide_among_the_expected_ones()
    {
        // A retail log skipped for its guest checkouts (blank customer ids) hid a time format that no row after the first matched.
        using var cli = new CliRunner();
        var log = new System.Text.StringBuilder("user_id,item_id,timestamp\n");
        for (int row = 0; row < 60; row++)
        {
            string user = row % 5 == 0 ? "" : $"u{row % 7}";
            string time = row % 3 == 0 ? "2024-13-45" : "2024-01-31";
            log.Append(user).Append($",i{row % 5},{time}\n");
        }

        string input = cli.Write("guests.csv", log.ToString());

        var (code, _, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"), "--bad-rows", "skip", "--no-tune", "--factors", "4", "--epochs", "2");

        Assert.True(code == 0, error);
        // Rows 0, 15, 30, 45 have both faults: the reader names the first column it rejects a row for.
        int blank = Enumerable.Range(0, 60).Count(r => r % 5 == 0), badTime = Enumerable.Range(0, 60).Count(r => r % 3 == 0 && r % 5 != 0);
        string last = error.TrimEnd().Split('\n').Last(line => line.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Equal($"warning: {input}: {blank + badTime - 20} more rows were rejected and are not listed ({blank + badTime} in all, the first 20 above; "
            + $"by column: timestamp {badTime}, user_id {blank}).", last);   // the most first
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    public void A_column_no_row_can_read_is_an_error_even_when_skipping_bad_rows(string command)
    {
        // Dates written 12/1/2010 do not say which number is the month: with --bad-rows skip every row went, and evaluate then failed
        // with "'1' cannot be greater than -1".
        using var cli = new CliRunner();
        string input = cli.Write("retail.csv",
            "CustomerID,StockCode,InvoiceDate\n,85123A,12/1/2010 8:26\n12346,71053,12/1/2010 8:26\n12347,84406B,12/2/2010 9:01\n12347,85123A,12/3/2010 10:00\n");
        string[] args = command == "train"
            ? ["train", "--input", input, "--out", cli.PathOf("m.pzm")]
            : ["evaluate", "--input", input, "--split", "time"];

        var (code, _, error) = cli.Run([.. args, "--user-col", "CustomerID", "--item-col", "StockCode", "--time-col", "InvoiceDate", "--bad-rows", "skip"]);

        Assert.Equal(2, code);
        Assert.Contains($"error: {input}:3:3: every row was rejected (4), so nothing is left to read; most for this: column 'InvoiceDate': '12/1/2010 8:26' is not a timestamp", error);
        Assert.Contains("--time-format", error);
        Assert.False(File.Exists(cli.PathOf("m.pzm")));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("user_id;item_id\nu1;i1\n", "set the delimiter to ';'")]
    [InlineData("user,item\nu1,i1\n", "no column named 'user_id'")]
    public void Whole_file_problems_give_one_clear_error(string content, string expected)
    {
        using var cli = new CliRunner();
        string input = cli.Write("log.csv", content);

        var (code, _, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"), "--delimiter", ",");

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData(new[] { "train", "--out", "m.pzm" }, "--input is required")]
    [InlineData(new[] { "train", "--input", "missing.csv", "--out", "m.pzm" }, "does not exist")]
    [InlineData(new[] { "train", "--input", "x.csv", "--out", "m.pzm", "--half-life", "soon" }, "--half-life 'soon' is not a positive duration")]
    [InlineData(new[] { "train", "--input", "x.csv", "--out", "m.pzm", "--factors", "0" }, "--factors 0: must be between 1 and 1024.")]
    [InlineData(new[] { "train", "--input", "x.csv", "--out", "m.pzm", "--trainer", "magic" }, "--trainer 'magic' is not available")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public void Bad_usage_exits_with_code_2_and_says_what_is_wrong(string[] args, string expected)
    {
        using var cli = new CliRunner();
        cli.SmallLog("x.csv");
        string[] resolved = args.Select(a => a.EndsWith(".csv") || a.EndsWith(".pzm") ? cli.PathOf(a) : a).ToArray();

        var (code, _, error) = cli.Run(resolved);

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Headerless_double_colon_files_train_with_positional_columns()
    {
        using var cli = new CliRunner();
        string input = cli.Write("ratings.dat", "1::10::5::978300760\n1::11::3::978302109\n2::10::4::978301968\n2::12::5::978300275\n");

        var (code, _, error) = cli.Run("train", "--input", input, "--out", cli.PathOf("m.pzm"), "--no-header", "--delimiter", "::",
            "--time-col", "4", "--factors", "2", "--epochs", "1");

        Assert.True(code == 0, error);
        FactorModel model = ModelFile.Load(cli.PathOf("m.pzm"));
        Assert.Equal(["1", "2"], model.Users.Ids);
        Assert.Equal(["10", "11", "12"], model.Items.Ids);
    }

    [Fact]
    public void Train_without_options_chooses_them_on_held_out_rows_prints_each_trial_and_records_the_choice()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("tuned.pzm");

        var (code, output, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--threads", "1");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Choosing options on a held-out part of the log", output);
        Assert.Matches(@"trial\s+1\s+default", output);   // the fixed defaults are tried first
        Assert.Matches(@"trial\s+2\s+grid", output);
        Assert.Matches(@"trial\s+12\s+grid", output);
        Assert.Contains("Chose factors", output);
        Assert.Matches(@"on [\d,]+ held-out rows of 60 of the 60 users \(most popular", output);   // every user validates when there are few
        FactorModel loaded = ModelFile.Load(model);
        Assert.Equal("auto-tune", loaded.Properties["options_chosen_by"]);
        Assert.StartsWith("Chose factors " + loaded.NumberOfFactors.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",",
            loaded.Properties["tuning"]);
        Assert.Equal(loaded.Properties["factors"], loaded.NumberOfFactors.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches(@"Choosing took \d+\.\d s\.", output);
        Assert.DoesNotContain(" s.", loaded.Properties["tuning"]);   // the time is printed, not recorded

        // The same command writes the same file: nothing that varies from run to run is recorded.
        string again = cli.PathOf("tuned-again.pzm");
        Assert.Equal(0, cli.Run("train", "--input", cli.SmallLog(), "--out", again, "--threads", "1").ExitCode);
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(again));
    }

    [Fact]
    public void Tune_budget_cuts_the_search_and_the_choice_line_and_the_model_name_what_it_cut()
    {
        using var cli = new CliRunner();
        // 600 users in 6 groups over 300 items, 30 rows each: 10⁹ operations cover the first trial and little of the grid (its 11
        // other trials at 64 factors).
        var random = new Random(8);
        var lines = new List<string> { "user_id,item_id" };
        for (int u = 0; u < 600; u++)
        {
            for (int e = 0; e < 30; e++)
            {
                int item = random.NextDouble() < 0.8 ? (u % 6) * 50 + random.Next(50) : random.Next(300);
                lines.Add($"u{u},i{item}");
            }
        }

        string log = cli.Write("groups.csv", string.Join('\n', lines) + "\n");
        string model = cli.PathOf("cut.pzm");

        var cut = cli.Run("train", "--input", log, "--out", model, "--tune-budget", "1e9", "--threads", "2");
        var explicitTrainer = cli.Run("train", "--input", log, "--out", cli.PathOf("x.pzm"), "--trainer", "explicit", "--tune-budget", "1e9");
        var given = cli.Run("train", "--input", log, "--out", cli.PathOf("y.pzm"), "--factors", "8", "--tune-budget", "1e9");
        var tiny = cli.Run("train", "--input", log, "--out", cli.PathOf("z.pzm"), "--tune-budget", "5");
        var noTune = cli.Run("evaluate", "--input", log, "--no-tune", "--tune-budget", "1e9");

        Assert.Equal(0, cut.ExitCode);
        Assert.Matches(@"trial\s+1\s+default", cut.Output);
        Assert.InRange(System.Text.RegularExpressions.Regex.Count(cut.Output, @"trial\s+\d+\s+grid"), 0, 8);
        // The console wraps the line, so compare it with its runs of white space as one space.
        Assert.Contains("cut to keep within the search's budget of work: the grid trial at 64 factors",
            System.Text.RegularExpressions.Regex.Replace(cut.Output, @"\s+", " "));
        Assert.Matches(@"; cut to keep within the search's budget of work: (the grid trial at 64 factors, regularization [\d.]+, alpha [\d.]+: "
            + @"(not run|\d+ of 20 epochs); )+.*the item-item trials at \d+ factors: not run\.$", ModelFile.Load(model).Properties["tuning"]);
        Assert.Equal(2, explicitTrainer.ExitCode);
        Assert.Contains("--tune-budget sets the budget of work of the implicit trainer's choice of options", explicitTrainer.Error);
        Assert.Equal(2, given.ExitCode);
        Assert.Contains("it does nothing with --trainer explicit, --no-tune or given options", given.Error);
        Assert.Equal(2, noTune.ExitCode);
        Assert.Contains("it does nothing with --trainer explicit, --no-tune or given options", noTune.Error);
        Assert.Equal(2, tiny.ExitCode);
        Assert.Contains("--tune-budget 5 is not a budget the search can keep: give a number of floating-point operations from 1e9 up", tiny.Error);
    }

    [Fact]
    public void A_bare_no_tune_records_the_defaults_and_lone_item_item_shape_options_are_refused()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("d.pzm");

        var bare = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--no-tune", "--epochs", "2");
        var defaults = cli.Run("train", "--input", cli.SmallLog(), "--out", cli.PathOf("e.pzm"), "--no-tune");
        var lone = cli.Run("train", "--input", cli.SmallLog(), "--out", cli.PathOf("f.pzm"), "--item-item-regularization", "50");

        Assert.Equal(0, bare.ExitCode);
        Assert.Equal("given", ModelFile.Load(model).Properties["options_chosen_by"]);
        Assert.Equal(0, defaults.ExitCode);
        Assert.Equal("defaults (--no-tune)", ModelFile.Load(cli.PathOf("e.pzm")).Properties["options_chosen_by"]);
        Assert.Equal(2, lone.ExitCode);
        Assert.Contains("--item-item-regularization and --item-item-rank shape the item-item blend, which --item-item-weight W (above 0) turns on", lone.Error);
    }

    [Theory]
    [InlineData("--no-tune")]
    [InlineData("--factors", "8")]
    [InlineData("--regularization", "0.05")]
    public void No_tune_or_any_given_option_trains_exactly_as_told(params string[] extra)
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("given.pzm");

        var (code, output, _) = cli.Run(["train", "--input", cli.SmallLog(), "--out", model, "--epochs", "2", .. extra]);

        Assert.Equal(0, code);
        Assert.DoesNotContain("trial", output);
        Assert.Contains("epoch 2/2", output);
        Assert.Equal("given", ModelFile.Load(model).Properties["options_chosen_by"]);
    }

    [Fact]
    public void Explicit_training_without_options_chooses_them_too()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("ratings.pzm");
        var random = new Random(2);
        var lines = new List<string> { "user_id,item_id,rating" };
        for (int u = 0; u < 40; u++)
        {
            foreach (int i in Enumerable.Range(0, 20).OrderBy(_ => random.Next()).Take(10))
            {
                lines.Add($"u{u},i{i},{1 + (u + i) % 5}");
            }
        }

        string input = cli.Write("ratings.csv", string.Join('\n', lines) + "\n");

        var (code, output, error) = cli.Run("train", "--trainer", "explicit", "--input", input, "--out", model, "--threads", "1");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Choosing options on a held-out part of the ratings", output);
        Assert.Contains("biases:", output);
        Assert.Equal("auto-tune", ModelFile.Load(model).Properties["options_chosen_by"]);
    }

    [Fact]
    public void A_log_too_small_to_choose_options_trains_with_the_fixed_defaults_and_says_so()
    {
        using var cli = new CliRunner();
        string input = cli.Write("tiny.csv", "user_id,item_id\na,x\nb,y\nc,x\n");
        string model = cli.PathOf("tiny.pzm");

        var (code, _, error) = cli.Run("train", "--input", input, "--out", model);

        Assert.Equal(0, code);
        Assert.Equal("warning: No user has two or more rows, so none can be held out to choose options. Training with the fixed defaults.",
            error.Trim());
        Assert.StartsWith("defaults", ModelFile.Load(model).Properties["options_chosen_by"]);
    }

    [Fact]
    public void Confidence_scale_is_the_option_and_alpha_its_old_name()
    {
        using var cli = new CliRunner();
        string input = cli.Write("events.csv", "user_id,item_id\nu1,a\nu1,b\nu2,b\nu2,c\nu3,a\nu3,c\n");

        var named = cli.Run("train", "--input", input, "--out", cli.PathOf("a.pzm"), "--confidence-scale", "7", "--epochs", "2");
        var old = cli.Run("train", "--input", input, "--out", cli.PathOf("b.pzm"), "--alpha", "9", "--epochs", "2");

        Assert.True(named.ExitCode == 0, named.Error);
        Assert.True(old.ExitCode == 0, old.Error);
        Assert.Equal("7", Personalize.Core.Models.ModelFile.Load(cli.PathOf("a.pzm")).Properties[Personalize.Core.Models.ModelPropertyNames.ConfidenceScale]);
        Assert.Equal("9", Personalize.Core.Models.ModelFile.Load(cli.PathOf("b.pzm")).Properties[Personalize.Core.Models.ModelPropertyNames.ConfidenceScale]);
    }
}
