using System.Globalization;
using Personalize.Cli.Commands;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Cli.Tests;

public sealed class TuneCommandTests
{
    /// <summary>Ratings of 30 users × 20 items, about 60 % rated, users liking items of their own parity.</summary>
    private static string Ratings(CliRunner cli, bool timestamps = true)
    {
        var random = new Random(9);
        var lines = new List<string> { timestamps ? "user_id,item_id,rating,timestamp" : "user_id,item_id,rating" };
        for (int u = 0; u < 30; u++)
        {
            for (int i = 0; i < 20; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    double r = Math.Clamp(3 + (u % 2 == i % 2 ? 1 : -1) + random.NextDouble() - 0.5, 1, 5);
                    string time = timestamps ? string.Create(CultureInfo.InvariantCulture, $",{1700000000 + random.Next(100_000)}") : "";
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"u{u},i{i},{r:F1}{time}"));
                }
            }
        }

        return cli.Write(timestamps ? "ratings.csv" : "untimed.csv", string.Join('\n', lines) + "\n");
    }

    [Fact]
    public void Tune_of_the_implicit_trainer_notes_the_rating_column_it_does_not_use_as_train_and_evaluate_do()
    {
        using var cli = new CliRunner();
        string input = Ratings(cli);

        var tune = cli.Run("tune", "--input", input, "--space", "factors=2;alpha=5", "--epochs", "3", "--threads", "1", "--out", cli.PathOf("best.json"));
        var weighted = cli.Run("tune", "--input", input, "--weight-col", "rating", "--space", "factors=2;alpha=5", "--epochs", "3", "--threads", "1", "--out", cli.PathOf("w.json"));

        Assert.True(tune.ExitCode == 0, tune.Error);
        Assert.StartsWith($"note: {input} has a rating column, which the implicit trainer does not use", tune.Error.Trim(), StringComparison.Ordinal);
        Assert.True(weighted.ExitCode == 0, weighted.Error);
        Assert.DoesNotContain("has a rating column", weighted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_writes_the_best_options_that_train_options_then_uses()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string best = cli.PathOf("best.json");

        var tune = cli.Run("tune", "--input", input, "--space", "factors=4,8;alpha=5,20", "--epochs", "6", "--patience", "2", "--threads", "1", "--out", best);
        var train = cli.Run("train", "--input", input, "--options", best, "--out", cli.PathOf("m.pzm"));
        var overridden = cli.Run("train", "--input", input, "--options", best, "--factors", "3", "--out", cli.PathOf("m3.pzm"));

        Assert.True(tune.ExitCode == 0, tune.Error);
        Assert.Equal("", tune.Error);
        // 60 users of 8 rows each, 2 of each held out.
        Assert.StartsWith("Tuning implicit ALS: 4 candidates (grid), 480 rows: 360 to train, 120 of 60 users to validate (per-user split", tune.Output);
        Assert.Equal(4, tune.Output.Split('\n').Count(l => l.StartsWith("candidate ", StringComparison.Ordinal)));
        Assert.Contains("candidate 1/4  factors=4 alpha=5  NDCG@10 ", tune.Output);
        Assert.Contains("Leaderboard (best first)", tune.Output);
        Assert.Contains($"Best options written to {best}.", tune.Output);
        ImplicitAlsTrainer.Options options = TrainerOptionsFile.LoadImplicit(best);
        Assert.Contains(options.NumberOfFactors, new[] { 4, 8 });
        Assert.Contains(options.ConfidenceScale, new[] { 5f, 20f });
        Assert.InRange(options.NumberOfIterations, 1, 6);
        Assert.Equal(1, options.NumberOfThreads);

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains($"epoch {options.NumberOfIterations}/{options.NumberOfIterations}", train.Output);
        FactorModel model = ModelFile.Load(cli.PathOf("m.pzm"));
        Assert.Equal(options.NumberOfFactors, model.NumberOfFactors);
        Assert.Equal(options.NumberOfIterations.ToString(CultureInfo.InvariantCulture), model.Properties["epochs"]);
        Assert.Equal(options.ConfidenceScale.ToString(CultureInfo.InvariantCulture), model.Properties["alpha"]);

        Assert.True(overridden.ExitCode == 0, overridden.Error);
        FactorModel three = ModelFile.Load(cli.PathOf("m3.pzm"));
        Assert.Equal(3, three.NumberOfFactors);
        Assert.Equal(options.NumberOfIterations.ToString(CultureInfo.InvariantCulture), three.Properties["epochs"]);
    }

    [Fact]
    public void Tune_explicit_scores_by_RMSE_and_train_takes_the_trainer_from_the_file()
    {
        using var cli = new CliRunner();
        string input = Ratings(cli);
        string best = cli.PathOf("explicit.json");

        var tune = cli.Run("tune", "--trainer", "explicit", "--input", input, "--space", "factors=2,4;epochs=8", "--validation-split", "time",
            "--strategy", "random", "--candidates", "5", "--out", best);
        var train = cli.Run("train", "--input", input, "--options", best, "--out", cli.PathOf("r.pzm"));

        Assert.True(tune.ExitCode == 0, tune.Error);
        Assert.Contains("Tuning explicit MF: 2 candidates (random)", tune.Output);
        Assert.Contains("(time split, 20 %); metric RMSE (lower is better).", tune.Output);
        Assert.Equal(FactorModelKind.Explicit, TrainerOptionsFile.ReadKind(best));
        BiasedMatrixFactorizationTrainer.Options options = TrainerOptionsFile.LoadExplicit(best);
        Assert.True(train.ExitCode == 0, train.Error);
        FactorModel model = ModelFile.Load(cli.PathOf("r.pzm"));
        Assert.Equal(FactorModelKind.Explicit, model.Kind);
        Assert.Equal(options.NumberOfFactors, model.NumberOfFactors);
        Assert.Equal(options.NumberOfIterations.ToString(CultureInfo.InvariantCulture), model.Properties["epochs"]);
    }

    [Fact]
    public void Without_a_space_tune_searches_the_default_space_of_the_trainer()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();

        var (code, output, error) = cli.Run("tune", "--input", input, "--epochs", "3", "--out", cli.PathOf("best-options.json"));

        Assert.True(code == 0, error);
        Assert.Contains("12 candidates (grid)", output);
        Assert.Equal(12, output.Split('\n').Count(l => l.StartsWith("candidate ", StringComparison.Ordinal)));
        Assert.Equal(FactorModelKind.Implicit, TrainerOptionsFile.ReadKind(cli.PathOf("best-options.json")));
    }

    [Fact]
    public void The_suggested_train_command_reads_the_log_as_the_search_did()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string best = cli.PathOf("best.json");

        var (code, output, error) = cli.Run("tune", "--input", input, "--space", "factors=4", "--epochs", "2", "--half-life", "7d",
            "--event-weights=view=1,cart=2,purchase=50", "--delimiter", ",", "--out", best);

        Assert.True(code == 0, error);
        // The console wraps at 200 columns, and the temporary paths are long: compare with the wrapping undone, without the paths.
        string flat = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        Assert.Contains(" --half-life 7d --event-weights view=1,cart=2,purchase=50 --delimiter , --options ", flat);
        Assert.Contains("Train with them: personalize train --input ", flat);
    }

    [Fact]
    public void A_time_split_that_holds_out_more_than_asked_says_so()
    {
        using var cli = new CliRunner();
        // 50 users, each with 3 views on one day and 3 the next: the latest 20 % cannot be cut out of the second day.
        string log = cli.Write("ties.csv", "user_id,item_id,event_type,timestamp\n" + string.Join('\n',
            Enumerable.Range(0, 50).SelectMany(u => Enumerable.Range(0, 6).Select(e => $"u{u},i{((u * 7) + e) % 20},view,2026-01-0{(e < 3 ? 1 : 2)}T00:00:00Z"))) + "\n");

        var (code, output, error) = cli.Run("tune", "--input", log, "--validation-split", "time", "--space", "factors=4", "--epochs", "2", "--out", cli.PathOf("t.json"));

        Assert.True(code == 0, error);
        Assert.Contains("150 to train, 150 of 50 users to validate (time split, 20 % asked; 50 % held out, as rows of the same time at the cut go together)",
            System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));
    }

    [Fact]
    public void The_suggested_train_command_quotes_paths_with_spaces_so_it_can_be_pasted_into_a_shell()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog("my events.csv");
        string best = cli.PathOf("my best.json");

        var (code, output, error) = cli.Run("tune", "--input", input, "--space", "factors=4", "--epochs", "2", "--out", best);

        Assert.True(code == 0, error);
        Assert.Equal("'a b'", TuneCommand.ShellWord("a b"));
        Assert.Equal("'it'\\''s'", TuneCommand.ShellWord("it's"));
        Assert.Equal("plain.csv", TuneCommand.ShellWord("plain.csv"));
        // The console wraps long lines, anywhere in a long path: compare without any white space.
        static string Bare(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", "");
        Assert.Contains(Bare($"--input '{input}'"), Bare(output));
        Assert.Contains(Bare($"--options '{best}' --out model.pzm"), Bare(output));
    }

    [Theory]
    [InlineData("factorz=1,2", "error: --space: The search space for ImplicitAlsTrainer.Options is invalid (1 error): 'factorz' is not an option a search can vary in ImplicitAlsTrainer.Options. Valid names: NumberOfFactors (factors), NumberOfIterations (epochs), Regularization (regularization),")]
    [InlineData("factors=16,,32", "error: --space: The search space is invalid at 'factors=16,,32': a value is missing.")]
    [InlineData("factors=0;alpha=-1..5", "error: --space: The search space for ImplicitAlsTrainer.Options is invalid (2 errors): NumberOfFactors = 0: must be between 1 and 1024. ConfidenceScale = -1: must be between 0 and 1000000.")]
    [InlineData("regularization=0.5..0.1", "error: --space: The search space is invalid at 'regularization=0.5..0.1': The range of 'regularization' is 0.5..0.1; the minimum must be less than the maximum")]
    public void A_bad_space_exits_with_code_2_and_one_line_saying_what_is_wrong(string space, string expected)
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();

        var (code, output, error) = cli.Run("tune", "--input", input, "--space", space, "--out", cli.PathOf("best.json"));

        Assert.Equal(2, code);
        Assert.StartsWith(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("candidate", output);
        Assert.False(File.Exists(cli.PathOf("best.json")));
    }

    [Theory]
    [InlineData(new[] { "tune", "--space", "factors=4" }, "--input is required")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--trainer", "bpr" }, "--trainer 'bpr' is not available (expected implicit or explicit).")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--validation-split", "sideways" }, "--validation-split 'sideways' is not a split (expected per-user, random or time).")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--validation-fraction", "1.5" }, "--validation-fraction 1.5 must be greater than 0 and less than 1")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--strategy", "bayes" }, "--strategy 'bayes' is not a strategy (expected grid or random).")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--candidates", "5" }, "--candidates belongs to --strategy random")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--patience", "0" }, "--patience 0: must be between 1 and 10000.")]
    [InlineData(new[] { "tune", "--input", "untimed.csv", "--trainer", "explicit", "--validation-split", "time" }, "--validation-split time needs timestamps")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--min-epochs", "10", "--epochs", "3" }, "error: --min-epochs 10 is more than --epochs 3, so early stopping would never act; give --min-epochs 3 or less, or more epochs.")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--min-epochs", "16" }, "error: --min-epochs 16 is more than the 15 epochs a candidate of the implicit trainer runs by default, so early stopping would never act; give --min-epochs 15 or less, or more epochs.")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--space", "factors=4;epochs=4,8", "--min-epochs", "6" }, "error: --min-epochs 6 is more than the 4 epochs of a --space candidate, so early stopping would never act; give --min-epochs 4 or less, or more epochs.")]
    [InlineData(new[] { "tune", "--input", "untimed.csv", "--trainer", "explicit", "--min-epochs", "51" }, "error: --min-epochs 51 is more than the 50 epochs a candidate of the explicit trainer runs by default")]
    [InlineData(new[] { "tune", "--input", "events.csv", "--duplicates", "sum" }, "error: --duplicates belongs to --trainer explicit")]
    public void Bad_usage_exits_with_code_2_and_says_what_is_wrong(string[] args, string expected)
    {
        using var cli = new CliRunner();
        cli.SmallLog();
        Ratings(cli, timestamps: false);
        string[] resolved = args.Select(a => a.EndsWith(".csv", StringComparison.Ordinal) ? cli.PathOf(a) : a).ToArray();

        var (code, _, error) = cli.Run(resolved);

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Min_epochs_equal_to_the_epochs_is_taken_and_turns_early_stopping_off()
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run("tune", "--input", cli.SmallLog(), "--space", "factors=4", "--epochs", "3", "--min-epochs", "3",
            "--patience", "1", "--out", cli.PathOf("best.json"));

        Assert.True(code == 0, error);
        Assert.Contains("(3 of 3 run)", output);
    }

    [Fact]
    public void A_validation_part_with_no_user_known_to_training_exits_with_code_2()
    {
        using var cli = new CliRunner();
        var lines = new List<string> { "user_id,item_id,timestamp" };
        for (int u = 0; u < 8; u++)
        {
            lines.AddRange(Enumerable.Range(0, 4).Select(i => $"u{u},i{(u + i) % 6},2026-01-0{1 + i}T00:00:00Z"));
        }

        lines.AddRange(Enumerable.Range(0, 8).Select(i => $"newcomer{i},i{i % 6},2026-02-01T00:00:00Z"));
        string input = cli.Write("late.csv", string.Join('\n', lines) + "\n");

        var (code, _, error) = cli.Run("tune", "--input", input, "--validation-split", "time", "--space", "factors=2", "--epochs", "2",
            "--out", cli.PathOf("b.json"));

        Assert.Equal(2, code);
        Assert.StartsWith("error: No validation user can be evaluated: each of the 8 users with validation rows is unknown to training", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Train_refuses_options_of_the_other_trainer_and_bad_options_files()
    {
        using var cli = new CliRunner();
        string input = cli.SmallLog();
        string explicitOptions = cli.PathOf("explicit.json");
        TrainerOptionsFile.Save(new BiasedMatrixFactorizationTrainer.Options(), explicitOptions);
        string broken = cli.Write("broken.json", "{\"options\": {\"NumberOfFactors\": 8}}");
        string outOfRange = cli.Write("range.json", "{\"trainer\": \"implicit\", \"options\": {\"NumberOfFactors\": 0}}");

        var mismatch = cli.Run("train", "--input", input, "--trainer", "implicit", "--options", explicitOptions, "--out", cli.PathOf("a.pzm"));
        var malformed = cli.Run("train", "--input", input, "--options", broken, "--out", cli.PathOf("b.pzm"));
        var invalid = cli.Run("train", "--input", input, "--options", outOfRange, "--out", cli.PathOf("c.pzm"));
        var missing = cli.Run("train", "--input", input, "--options", cli.PathOf("none.json"), "--out", cli.PathOf("d.pzm"));

        Assert.Equal((2, $"error: --options '{explicitOptions}' holds options for the explicit trainer, but --trainer is implicit; leave out --trainer to use the file's, or tune the implicit trainer.\n"),
            (mismatch.ExitCode, mismatch.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, $"error: {broken}: 'trainer' is missing; it must be \"implicit\" or \"explicit\".\n"), (malformed.ExitCode, malformed.Error.ReplaceLineEndings("\n")));
        Assert.Equal((2, $"error: {outOfRange}: ImplicitAlsTrainer.Options is invalid (1 error): NumberOfFactors = 0: must be between 1 and 1024.\n"),
            (invalid.ExitCode, invalid.Error.ReplaceLineEndings("\n")));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.json' does not exist", missing.Error);
        Assert.Empty(Directory.GetFiles(cli.Folder, "*.pzm"));
    }

    [Fact]
    public void Evaluate_takes_the_trainer_from_an_options_file_and_empty_or_clashing_options_are_refused()
    {
        using var cli = new CliRunner();
        string ratings = cli.Write("ratings.csv", "user_id,item_id,rating\n" + string.Concat(
            Enumerable.Range(0, 30).SelectMany(u => Enumerable.Range(0, 12).Select(i => $"u{u},i{i},{1 + ((u + i) % 5)}\n"))));
        string explicitOptions = cli.PathOf("explicit.json");
        TrainerOptionsFile.Save(new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 5 }, explicitOptions);
        string bayesian = cli.PathOf("bayes.json");
        TrainerOptionsFile.Save(new BiasedMatrixFactorizationTrainer.Options { UseBayesianSampling = true, NumberOfIterations = 5 }, bayesian);

        var evaluate = cli.Run("evaluate", "--input", ratings, "--split", "random", "--options", explicitOptions, "--out", cli.PathOf("e.json"));
        var clash = cli.Run("evaluate", "--input", ratings, "--split", "random", "--options", explicitOptions, "--trainer", "implicit");
        var empty = cli.Run("train", "--input", ratings, "--options", "", "--out", cli.PathOf("m.pzm"));
        var rate = cli.Run("train", "--input", ratings, "--options", bayesian, "--learning-rate", "0.05", "--out", cli.PathOf("b.pzm"));
        var epochs = cli.Run("tune", "--input", ratings, "--trainer", "explicit", "--epochs", "20", "--space", "epochs=3,5", "--out", cli.PathOf("t.json"));

        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("model RMSE", evaluate.Output);
        Assert.Equal(2, clash.ExitCode);
        Assert.Contains("holds options for the explicit trainer, but --trainer is implicit", clash.Error);
        Assert.Equal((2, "error: --options needs the path of an options file, such as the JSON that personalize tune writes."), (empty.ExitCode, empty.Error.Trim()));
        Assert.Equal(2, rate.ExitCode);
        Assert.Contains($"--options '{bayesian}' (UseBayesianSampling) draws its regularization from the data", rate.Error);
        Assert.Equal((2, "error: --epochs and an epochs dimension of --space both set the epochs; give one of them."), (epochs.ExitCode, epochs.Error.Trim()));
    }
}
