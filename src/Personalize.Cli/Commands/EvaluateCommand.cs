using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>
/// <c>personalize evaluate</c>: trains on a training log, measures on a held-out log (given, or split from one file), next to the
/// baselines, prints a table, writes JSON and optionally a Markdown report with PNG charts.
/// </summary>
/// <remarks>
/// Held-out rows whose user or item the model does not know are never mixed into a metric: rating metrics skip those pairs and count
/// them; ranking metrics skip unknown users and unknown items and count them (see <see cref="RankingEvaluation"/>).
/// </remarks>
internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    internal sealed class Settings : TrainCommand.Settings
    {
        [CommandOption("--train <FILE>")]
        [Description("The training log (with --test).")]
        public string? Train { get; init; }

        [CommandOption("--test <FILE>")]
        [Description("The held-out log (with --train).")]
        public string? Test { get; init; }

        [CommandOption("--split <KIND>")]
        [Description("Split --input instead: random, per-user, time, last or kfold.")]
        public string? Split { get; init; }

        [CommandOption("--test-fraction <F>")]
        [Description("random / per-user: the share of rows held out. Default: 0.2. time: hold out the latest share of rows instead of --last-days.")]
        public double? TestFractionGiven { get; init; }

        public double TestFraction => TestFractionGiven ?? 0.2;

        [CommandOption("--last-days <N>")]
        [Description("time: hold out the last N days of the log. Default: 10.")]
        public double? LastDaysGiven { get; init; }

        public double LastDays => LastDaysGiven ?? 10;

        [CommandOption("--last-n <N>")]
        [Description("last: hold out each user's N latest rows. Default: 1.")]
        public int? LastNGiven { get; init; }

        public int LastN => LastNGiven ?? 1;

        [CommandOption("--folds <N>")]
        [Description("kfold: the number of folds; metrics are averaged. Default: 5.")]
        public int? FoldsGiven { get; init; }

        public int Folds => FoldsGiven ?? 5;

        [CommandOption("--split-seed <N>")]
        [Description("The seed of random, per-user and kfold splits. Default: 42.")]
        public int? SplitSeedGiven { get; init; }

        public int SplitSeed => SplitSeedGiven ?? 42;

        [CommandOption("-k <K>")]
        [Description("The list length of ranking metrics (also written --k). Default: 10.")]
        public int? KGiven { get; init; }

        public int K => KGiven ?? 10;

        [CommandOption("--protocol <KIND>")]
        [Description("ranking (default: the model's top-K against held-out rows) or search (each held-out purchase's one-word title query: MRR@50 of the purchased item, personalized search against text-only and popularity baselines; needs --items).")]
        public string? Protocol { get; init; }

        [CommandOption("--items <FILE>")]
        [Description("search protocol: the catalogue (CSV with item_id and title; brand words are never queries).")]
        public string? Items { get; init; }

        [CommandOption("--schema <TYPES>")]
        [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number.")]
        public string? Schema { get; init; }

        [CommandOption("--items-id-col <NAME>")]
        [Description("Column of the item id in the --items catalogue. Default: item_id")]
        public string? ItemsIdCol { get; init; }

        [CommandOption("--blend-weights <LIST>")]
        [Description("search protocol: also measure the personalized order with these personalization weights, e.g. 0,0.1,0.5,1.")]
        public string? BlendWeights { get; init; }

        [CommandOption("--report <FILE>")]
        [Description("Also write a Markdown report with PNG charts (metric per epoch, metrics@K for K = 1..20) beside it.")]
        public string? Report { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        bool explicitRatings = TrainCommand.TrainerName(settings) == "explicit";   // without --trainer, an options file's, as train reads it

        if (settings.K is < 1 or > MaxListLength)
        {
            throw new UsageException(Invariant($"--k {settings.K} must be between 1 and {MaxListLength:N0}."));
        }

        bool search = (settings.Protocol ?? "ranking").ToLowerInvariant() switch
        {
            "ranking" => false,
            "search" => true,
            _ => throw new UsageException($"--protocol '{settings.Protocol}' is not a protocol (expected ranking or search)."),
        };
        CatalogReading.Check(settings.Schema, settings.Items, settings.ItemsIdCol);
        if (!search && (settings.Items is not null || settings.BlendWeights is not null))
        {
            throw new UsageException("--items and --blend-weights are for --protocol search.");
        }

        if (search && (explicitRatings || settings.Report is not null))
        {
            throw new UsageException("--protocol search measures the implicit trainer and writes JSON only: --trainer explicit and --report are for the ranking protocol.");
        }

        if (search && (settings.HalfLife is not null || settings.KGiven is not null))
        {
            throw new UsageException("--protocol search measures MRR@50 of the implicit trainer as it trains by default: --half-life and --k are for the ranking protocol.");
        }

        string outPath = settings.Out ?? "evaluation.json";
        OptionParsing.CheckOutput("--out", outPath, writesModel: false, settings.Input, settings.Train, settings.Test, settings.Items, settings.Options);
        if (settings.Report is not null)
        {
            if (string.Equals(Path.GetFullPath(settings.Report), Path.GetFullPath(outPath), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                throw new UsageException($"--report {settings.Report} is also where --out writes the JSON; choose two paths so neither replaces the other.");
            }

            OptionParsing.CheckOutput("--report", settings.Report, writesModel: false, settings.Input, settings.Train, settings.Test, settings.Items, settings.Options);
            foreach (string chart in ReportCharts(settings.Report))
            {
                // The report's charts sit beside it, named after it: they must not replace the JSON or an input either.
                if (string.Equals(chart, Path.GetFullPath(outPath), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                {
                    throw new UsageException($"--report {settings.Report} writes its chart {Path.GetFileName(chart)} beside it, which is where --out writes the JSON; choose other names.");
                }

                OptionParsing.CheckOutput($"--report {settings.Report} (its chart {Path.GetFileName(chart)})", chart, writesModel: false,
                    settings.Input, settings.Train, settings.Test, settings.Items, settings.Options);
            }
        }

        CsvInteractionReaderOptions reader = explicitRatings ? TrainCommand.ExplicitReaderOptions(settings) : settings.ReaderOptions(RejectedRowWarnings.Write);
        IReadOnlyList<LogSplit> splits = Splits(settings, reader, explicitRatings);
        if (!explicitRatings)
        {
            TrainCommand.NoteUnusedRatings(splits[0].Train, reader, settings.Train ?? settings.Input ?? "the log");
        }
        if (search)
        {
            if (splits.Count != 1)
            {
                throw new UsageException("--protocol search takes one split (not kfold).");
            }

            return SearchProtocol.Run(settings, splits[0]);
        }

        var folds = new List<Fold>();
        foreach (LogSplit split in splits)
        {
            folds.Add(explicitRatings ? Explicit(settings, split) : Implicit(settings, split));
        }

        if (!explicitRatings && folds.All(f => f.Ranking.UsersEvaluated == 0 && !f.Metrics.ContainsKey("new users")))
        {
            // Every average would read 0, which looks like a measurement; nothing was measured. (Rating metrics of an explicit model
            // are NaN when no held-out pair is known, and its rows are printed either way.)
            Fold f = folds[0];
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"No held-out user could be evaluated ({f.TestRows:N0} held-out rows; {f.Ranking.UsersSkipped:N0} users skipped): a user counts when they are in the training part and hold out at least one item they did not have in training, and that training knows. Check that the test part is not the training data, or split the log with --split."));
        }

        var rows = Average(folds);
        PrintTable(rows, folds, settings, explicitRatings);
        OutputFile.Write(outPath, Json(rows, folds, settings, explicitRatings));
        CliConsole.Out.WriteLine($"Wrote {outPath}.");
        if (settings.Report is not null)
        {
            WriteReport(settings.Report, rows, folds, settings, explicitRatings);
            CliConsole.Out.WriteLine($"Wrote {settings.Report} and its charts.");
        }

        return CliApp.Success;
    }

    /// <summary>The longest list a ranking is measured on: each user's list is held at once.</summary>
    private const int MaxListLength = 100_000;

    /// <summary>The measurements of one split.</summary>
    private sealed record Fold(int TrainRows, int TestRows, Dictionary<string, double> Metrics, List<double> EpochMetric, string EpochMetricName,
        Dictionary<string, double[]> AtK, int PairsSkipped, RankingReport Ranking)
    {
        /// <summary>The half-life of the popularity of the new-user fallback the run chose (the most-popular baseline is all-time), or null for
        /// all-time popularity (distinct users).</summary>
        public TimeSpan? PopularityHalfLife { get; init; }

        /// <summary>The held-out users scored on the fallback list (first seen in the test part).</summary>
        public int NewUsers => Metrics.TryGetValue("new users", out double n) ? (int)n : 0;

        /// <summary>The held-out users neither the model nor the fallback scored: the model's evaluation skips the new users too, but the
        /// fallback scores them, so they count once, as new users.</summary>
        public int UsersSkipped => Ranking.UsersSkipped - NewUsers;
    }

    private static IReadOnlyList<LogSplit> Splits(Settings settings, CsvInteractionReaderOptions reader, bool explicitRatings)
    {
        CancellationToken token = CliCancellation.Token;
        if (settings.Train is not null || settings.Test is not null)
        {
            if (settings.Train is null || settings.Test is null || settings.Input is not null || settings.Split is not null)
            {
                throw new UsageException("Give either --train FILE --test FILE, or --input FILE --split KIND.");
            }

            CheckSplitOptions(settings, null);
            var given = new LogSplit(LogReading.Read(settings.Train, reader, token), LogReading.Read(settings.Test, reader, token));
            if (explicitRatings)
            {
                CheckDuplicateRatings(settings, given.Train, settings.Train);
                CheckDuplicateRatings(settings, given.Test, settings.Test);
                NoteRatedInBoth(given, settings.Train, settings.Test);
            }

            NoteDecimalTwins(given, settings.Train, settings.Test);
            if (given.Train.Count == 0 || given.Test.Count == 0)
            {
                (string option, string file) = given.Train.Count == 0 ? ("--train", settings.Train) : ("--test", settings.Test);
                throw new UsageException($"{option} {file} holds no accepted rows, so there is {(option == "--train" ? "nothing to train on" : "nothing to evaluate")}.");
            }

            return [given];
        }

        if (settings.Input is null || settings.Split is null)
        {
            throw new UsageException("Give either --train FILE --test FILE, or --input FILE --split KIND.");
        }

        string kind = settings.Split.ToLowerInvariant();
        if (!SplitOptions.ContainsKey(kind))
        {
            throw new UsageException($"--split '{settings.Split}' is not a split (expected random, per-user, time, last or kfold).");
        }

        CheckSplitOptions(settings, kind);
        InteractionLog log = LogReading.Read(settings.Input, reader, token);
        if (log.Count == 0)
        {
            throw new UsageException($"--input {settings.Input} holds no accepted rows, so there is nothing to split.");
        }

        if (explicitRatings)
        {
            CheckDuplicateRatings(settings, log, settings.Input);
        }

        IReadOnlyList<LogSplit> splits;
        try
        {
            splits = kind switch
            {
                "random" => [TrainTestSplit.Random(log, settings.TestFraction, settings.SplitSeed)],
                "per-user" => [TrainTestSplit.PerUser(log, settings.TestFraction, settings.SplitSeed)],
                "time" => [TimeSplit(settings, log)],
                "last" => [TrainTestSplit.LeaveLastPerUser(log, settings.LastN)],
                _ => TrainTestSplit.KFold(log, settings.Folds, settings.SplitSeed),
            };
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw UsageException.For(kind switch { "last" => "--last-n", "kfold" => "--folds", _ => "--test-fraction" }, exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new UsageException(exception.Message);
        }

        foreach (LogSplit split in splits)
        {
            if (split.Train.Count == 0 || split.Test.Count == 0)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"The {settings.Split} split of {Path.GetFileName(settings.Input)} ({log.Count:N0} rows{Span(log)}) leaves {(split.Train.Count == 0 ? "no rows to train on" : "no held-out rows")}; {kind switch
                    {
                        "time" => "choose a smaller --last-days or a --test-fraction (rows at one second stay together)",
                        "last" => "choose a smaller --last-n",
                        "kfold" => "choose fewer --folds",
                        _ => "choose another --test-fraction",
                    }}."));
            }
        }

        // The training part with its own ids, as if written to a file: then the model evaluated is the one `train` builds from those rows
        // (with the whole log's maps, the test part's users and items were numbered in too, and the tuner's seeded draws went elsewhere).
        return [.. splits.Select(s => new LogSplit(s.Train.WithOwnIds(), s.Test))];
    }

    /// <summary>The options each split reads, as its help states; a split ignores the others.</summary>
    private static readonly Dictionary<string, string[]> SplitOptions = new(StringComparer.Ordinal)
    {
        ["random"] = ["--test-fraction", "--split-seed"],
        ["per-user"] = ["--test-fraction", "--split-seed"],
        ["time"] = ["--last-days", "--test-fraction"],
        ["last"] = ["--last-n"],
        ["kfold"] = ["--folds", "--split-seed"],
    };

    /// <summary>Refuses the split options that the split (<paramref name="kind"/>; null for --train and --test, which hold nothing out)
    /// would not read, instead of ignoring them.</summary>
    /// <exception cref="UsageException">A split option was given that the split does not read.</exception>
    private static void CheckSplitOptions(Settings settings, string? kind)
    {
        string[] given = [.. new (string Option, bool Given)[]
            {
                ("--test-fraction", settings.TestFractionGiven is not null),
                ("--last-days", settings.LastDaysGiven is not null),
                ("--last-n", settings.LastNGiven is not null),
                ("--folds", settings.FoldsGiven is not null),
                ("--split-seed", settings.SplitSeedGiven is not null),
            }.Where(o => o.Given && (kind is null || !SplitOptions[kind].Contains(o.Option))).Select(o => o.Option)];
        if (given.Length == 0)
        {
            return;
        }

        string options = CliApp.JoinAnd(given);
        string verb = given.Length == 1 ? "is" : "are";
        throw new UsageException(kind is null
            ? $"{options} {verb} for --split; --train and --test are measured as they are, with nothing held out of them."
            : $"{options} {verb} not read by --split {kind}, which takes {(kind == "time" ? "--last-days or --test-fraction" : string.Join(" and ", SplitOptions[kind]))}.");
    }

    /// <summary>", from the first to the last timestamp" of a log with timestamps, else "".</summary>
    private static string Span(InteractionLog log)
    {
        if (log.GetLatestTimestamp() is not { } last)
        {
            return "";
        }

        DateTimeOffset first = DateTimeOffset.FromUnixTimeSeconds(System.Numerics.Tensors.TensorPrimitives.Min(log.Timestamps));
        return string.Create(CultureInfo.InvariantCulture, $", from {first:yyyy-MM-dd HH:mm} to {last:yyyy-MM-dd HH:mm} UTC");
    }

    /// <summary>A time split: the latest --test-fraction of the rows when that is given, else the last --last-days days.</summary>
    private static LogSplit TimeSplit(Settings settings, InteractionLog log)
    {
        if (!log.HasTimestamps)
        {
            throw new UsageException("--split time needs timestamps; the file has no time column.");
        }

        if (settings.TestFractionGiven is { } fraction)
        {
            if (settings.LastDaysGiven is not null)
            {
                throw new UsageException("--split time takes --test-fraction (the latest share of rows) or --last-days, not both.");
            }

            if (!(fraction > 0 && fraction < 1))
            {
                throw new UsageException($"--test-fraction {fraction.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1.");
            }

            long[] times = log.Timestamps.ToArray();
            Array.Sort(times);
            // The held-out share rounds as the other splits' does (half away from zero), and rows at the cut's second go with it.
            int first = Math.Clamp(times.Length - (int)Math.Round(times.Length * (decimal)fraction, MidpointRounding.AwayFromZero), 1, times.Length - 1);
            return TrainTestSplit.ByTime(log, DateTimeOffset.FromUnixTimeSeconds(times[first]));
        }

        if (!(settings.LastDays > 0) || !double.IsFinite(settings.LastDays))
        {
            throw new UsageException($"--last-days {settings.LastDays.ToString(CultureInfo.InvariantCulture)} must be a number of days above 0.");
        }

        DateTimeOffset cut;
        try
        {
            // The last N days are (latest − N days, latest]: a row at the cut's very second is N days old, so it trains. Taken in, it held
            // out N + 1 days of a log of dates (--last-days 1 held out the last two dates).
            cut = log.GetLatestTimestamp()!.Value.AddDays(-settings.LastDays).AddSeconds(1);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new UsageException($"--last-days {settings.LastDays.ToString(CultureInfo.InvariantCulture)} reaches back before the year 1; give the days the test part should span.");
        }

        return TrainTestSplit.ByTime(log, cut);
    }

    private static Fold Implicit(Settings settings, LogSplit split)
    {
        TimeSpan? halfLife = settings.HalfLife is null ? null : OptionParsing.Duration("--half-life", settings.HalfLife);
        TrainCommand.CheckHalfLife(halfLife, split.Train, settings.Train ?? settings.Input ?? "the log");
        var feedbackOptions = new FeedbackOptions { HalfLife = halfLife };
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(split.Train, feedbackOptions);
        ImplicitAlsTrainer trainer = TrainCommand.ImplicitTrainerFor(settings, split.Train, feedbackOptions, CliCancellation.Token).Trainer;
        var perEpoch = new List<double>();
        FactorModel model = trainer.Fit(feedback, null, (epoch, snapshot) =>
        {
            if (settings.Report is not null)
            {
                using var r = new Recommender(snapshot);
                perEpoch.Add(RankingEvaluation.Evaluate(r, split.Test, settings.K, CliCancellation.Token).Ndcg);
            }

            return true;
        }, CliCancellation.Token);
        return Ranking(settings, split, model, new Dictionary<string, double>(), perEpoch, $"NDCG@{settings.K}", 0);
    }

    /// <summary>
    /// Checks a whole log's repeated ratings before it is split, as <c>train</c> checks its input: checked in the training part only,
    /// a repeat was an error or not depending on the split seed, and could land in the test part, scoring a pair the model was trained
    /// on. Under --duplicates average or sum a pair rated more than once is merged within each part; the note says it may span both.
    /// </summary>
    private static void CheckDuplicateRatings(Settings settings, InteractionLog log, string file)
    {
        RatingMatrixOptions policy = settings.DuplicatePolicy();
        RatingMatrix whole = RatingMatrix.FromLog(log, policy);   // throws under reject, naming the line, as train does
        if (policy.Duplicates == DuplicateRatingPolicy.Reject && whole.Report.RejectedRows.Count > 0)
        {
            // --bad-rows skip: the repeats would still be split, and one could be scored in the test part against the other.
            RejectedRow first = whole.Report.RejectedRows[0];
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{file} rates {whole.Report.Rejected:N0} pair(s) more than once (the first again on line {first.LineNumber}), and a split could put one rating of a pair in each part; give --duplicates average or sum to merge them, or leave the repeats out of the file."));
        }

        if (whole.Count < log.Count)
        {
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {file} rates {log.Count - whole.Count:N0} pair(s) more than once; each part merges its own ratings of a pair, and a pair can fall in both parts."));
        }
    }

    /// <summary>Notes the test file's users and items that the training file has only with a trailing <c>.0</c> added or removed
    /// (<c>17199.0</c> against <c>17199</c>, a spreadsheet's doing): ids are compared exactly, so they were all new users (or unknown items),
    /// and the run said "0 users evaluated" with no word why.</summary>
    private static void NoteDecimalTwins(LogSplit given, string train, string test)
    {
        foreach ((IdMap trainIds, IdMap testIds, string what) in new[] { (given.Train.Users, given.Test.Users, "user"), (given.Train.Items, given.Test.Items, "item") })
        {
            int twins = 0;
            (string Test, string Train)? first = null;
            foreach (string id in testIds.Ids)
            {
                if (trainIds.TryGetIndex(id, out _))
                {
                    continue;
                }

                if (DecimalIds.Twin(id) is { } other && trainIds.TryGetIndex(other, out _))
                {
                    first ??= (id, other);
                    twins++;
                }
            }

            if (first is { } pair)
            {
                CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"note: {twins:N0} {what} id(s) of {test} are in {train} only with a trailing '.0' added or removed ('{pair.Test}' in the one, '{pair.Train}' in the other); ids are compared exactly, so these are new {what}s to the model: write the ids alike in both files."));
            }
        }
    }

    /// <summary>Notes the pairs of a --test file that the --train file rates too: each is scored against a rating the model was trained
    /// on, which flatters the RMSE.</summary>
    private static void NoteRatedInBoth(LogSplit given, string train, string test)
    {
        var trained = new HashSet<(string User, string Item)>();
        for (int row = 0; row < given.Train.Count; row++)
        {
            trained.Add((given.Train.Users.GetId(given.Train.UserIndices[row]), given.Train.Items.GetId(given.Train.ItemIndices[row])));
        }

        var both = new HashSet<(string User, string Item)>();
        long first = 0;
        for (int row = 0; row < given.Test.Count; row++)
        {
            var pair = (given.Test.Users.GetId(given.Test.UserIndices[row]), given.Test.Items.GetId(given.Test.ItemIndices[row]));
            if (trained.Contains(pair) && both.Add(pair) && both.Count == 1)
            {
                first = given.Test.GetLineNumber(row);
            }
        }

        if (both.Count > 0)
        {
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {both.Count:N0} (user, item) pair(s) of {test} are rated in {train} too (the first on line {first}); each is scored against a rating the model was trained on."));
        }
    }

    private static Fold Explicit(Settings settings, LogSplit split)
    {
        BiasedMatrixFactorizationTrainer trainer = TrainCommand.ExplicitTrainerFor(settings, split.Train, CliCancellation.Token).Trainer;
        RatingMatrix ratings = RatingMatrix.FromLog(split.Train, settings.DuplicatePolicy());
        RejectedRowWarnings.Write(settings.Train ?? settings.Input ?? "the training part", ratings.Report);
        var (pairs, skipped) = KnownPairs(ratings, split.Test);
        var perEpoch = new List<double>();
        FactorModel model = trainer.Fit(ratings, null, (epoch, snapshot) =>
        {
            if (settings.Report is not null)
            {
                perEpoch.Add(Rmse(snapshot, pairs, split.Test).Rmse);
            }

            return true;
        }, CliCancellation.Token);
        var metrics = new Dictionary<string, double>();
        foreach (var (name, m) in new[] { ("model", model), ("biases", BiasBaseline.Fit(ratings)), ("global mean", BiasBaseline.GlobalMean(ratings)) })
        {
            var (rmse, mae) = Rmse(m, pairs, split.Test);
            metrics[$"{name} RMSE"] = rmse;
            metrics[$"{name} MAE"] = mae;
        }

        return Ranking(settings, split, model, metrics, perEpoch, "held-out RMSE", skipped);
    }

    /// <summary>The held-out rows whose user and item are both known to the training data; the rest are counted, not scored.</summary>
    private static (List<int> Rows, int Skipped) KnownPairs(RatingMatrix ratings, InteractionLog test)
    {
        var rows = new List<int>();
        for (int row = 0; row < test.Count; row++)
        {
            if (ratings.Users.TryGetIndex(test.Users.GetId(test.UserIndices[row]), out _) && ratings.Items.TryGetIndex(test.Items.GetId(test.ItemIndices[row]), out _))
            {
                rows.Add(row);
            }
        }

        return (rows, test.Count - rows.Count);
    }

    private static (double Rmse, double Mae) Rmse(FactorModel model, List<int> rows, InteractionLog test)
    {
        if (rows.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var predicted = new float[rows.Count];
        var actual = new float[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            int row = rows[k];
            predicted[k] = model.PredictRating(test.Users.GetId(test.UserIndices[row]), test.Items.GetId(test.ItemIndices[row]));
            actual[k] = test.Ratings[row];
        }

        return (RatingMetrics.RootMeanSquaredError(predicted, actual), RatingMetrics.MeanAbsoluteError(predicted, actual));
    }

    private static Fold Ranking(Settings settings, LogSplit split, FactorModel model, Dictionary<string, double> metrics, List<double> perEpoch,
        string epochMetric, int skipped)
    {
        // The most-popular baseline is all-time popularity, as anyone would compute it from the training part. The new-user fallback a
        // tuned run chooses may weigh recent events more (it is chosen for newcomers at the end of the log): its own rows show it, since
        // as the baseline it made the model's lead look larger than a plain popularity list leaves it (Amazon, per-user split: 0.025
        // against 0.064 all-time).
        FactorModel trained = model;
        model = TrainCommand.WithFallback(settings, split.Train, model, out TimeSpan? halfLife, CliCancellation.Token);
        using var recommender = new Recommender(model);
        RankingReport ours = RankingEvaluation.Evaluate(recommender, split.Test, settings.K, CliCancellation.Token);
        RankingReport popular = RankingEvaluation.EvaluatePopularity(trained, split.Test, settings.K, CliCancellation.Token);
        if (halfLife is not null)
        {
            RankingReport recent = RankingEvaluation.EvaluatePopularity(model, split.Test, settings.K, CliCancellation.Token);
            metrics["recent popularity (fallback) recall@K"] = recent.Recall;
            metrics["recent popularity (fallback) NDCG@K"] = recent.Ndcg;
        }

        RankingReport newcomers = RankingEvaluation.EvaluateNewUsers(recommender, split.Test, settings.K, CliCancellation.Token);
        if (newcomers.UsersEvaluated > 0)
        {
            // People who first appear in the test part get the cold-start list; "all users" weighs both groups by their users.
            int known = ours.UsersEvaluated, fresh = newcomers.UsersEvaluated;
            double All(double a, double b) => (a * known + b * fresh) / (known + fresh);
            metrics["new users"] = fresh;
            metrics["new users (fallback) recall@K"] = newcomers.Recall;
            metrics["new users (fallback) NDCG@K"] = newcomers.Ndcg;
            metrics["all users recall@K"] = All(ours.Recall, newcomers.Recall);
            metrics["all users NDCG@K"] = All(ours.Ndcg, newcomers.Ndcg);
        }

        foreach (var (name, r) in new[] { ("model", ours), ("most popular", popular) })
        {
            metrics[$"{name} precision@K"] = r.Precision;
            metrics[$"{name} recall@K"] = r.Recall;
            metrics[$"{name} NDCG@K"] = r.Ndcg;
            metrics[$"{name} MAP@K"] = r.MeanAveragePrecision;
            metrics[$"{name} MRR@K"] = r.MeanReciprocalRank;
            metrics[$"{name} hit rate@K"] = r.HitRate;
            metrics[$"{name} coverage"] = r.Coverage;
            metrics[$"{name} seen items recommended"] = r.SeenItemsRecommended;
        }

        var atK = new Dictionary<string, double[]>();
        if (settings.Report is not null)
        {
            const int MaxK = 20;
            foreach (string key in new[] { "model recall", "model NDCG", "most popular recall", "most popular NDCG" })
            {
                atK[key] = new double[MaxK];
            }

            // Each user's top-k is the prefix of their top-20 (same order, ties by index), so score every user once: the known users
            // with test rows all at once, on every core.
            var known = new List<(string Id, int Index)>();
            foreach (int testUser in split.Test.UserIndices.ToArray().Distinct())
            {
                string id = split.Test.Users.GetId(testUser);
                if (model.Users.TryGetIndex(id, out int index))
                {
                    known.Add((id, index));
                }
            }

            var top = new Dictionary<int, int[]>(known.Count);
            IReadOnlyList<RecommendationList> lists = recommender.ForUsers([.. known.Select(user => user.Id)], MaxK, CliCancellation.Token);
            for (int u = 0; u < known.Count; u++)
            {
                top[known[u].Index] = [.. lists[u].Select(r => r.ItemIndex)];
            }

            IReadOnlyList<int> Top(int user) => top[user];

            for (int k = 1; k <= MaxK; k++)
            {
                RankingReport a = RankingEvaluation.EvaluateLists(model, split.Test, k, Top, CliCancellation.Token);
                RankingReport p = RankingEvaluation.EvaluatePopularity(trained, split.Test, k, CliCancellation.Token);
                (atK["model recall"][k - 1], atK["model NDCG"][k - 1]) = (a.Recall, a.Ndcg);
                (atK["most popular recall"][k - 1], atK["most popular NDCG"][k - 1]) = (p.Recall, p.Ndcg);
            }
        }

        return new Fold(split.Train.Count, split.Test.Count, metrics, perEpoch, epochMetric, atK, skipped, ours) { PopularityHalfLife = halfLife };
    }

    /// <summary>Each metric's mean and sd over the folds that measured it: a fold without new users has no new-user rows, a fold that
    /// evaluated no user has no ranking figures (not 0), and a rating metric with no known pair is NaN. A metric no fold measured is NaN
    /// (shown as n/a, written as null), and so is the sd of one that fewer than two folds measured.</summary>
    private static List<(string Name, double Mean, double Sd)> Average(List<Fold> folds)
    {
        var result = new List<(string, double, double)>();
        // In the order of the fold with the most rows (a fold with new users lists them first), then any others.
        IEnumerable<string> names = folds.OrderByDescending(f => f.Metrics.Count).SelectMany(f => f.Metrics.Keys).Distinct(StringComparer.Ordinal);
        foreach (string name in names)
        {
            double[] values = [.. folds.Where(f => Measured(f, name)).Select(f => f.Metrics[name])];
            double mean = values.Length == 0 ? double.NaN : values.Average();
            // One measurement, or none, has no spread (n/a in the table, null in the JSON): "± 0.0000" said the folds agreed.
            double sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : double.NaN;
            result.Add((name, mean, sd));
        }

        return result;
    }

    private static bool Measured(Fold fold, string name) =>
        fold.Metrics.TryGetValue(name, out double value) && !double.IsNaN(value)
        && !(fold.Ranking.UsersEvaluated == 0 && (name.StartsWith("model ", StringComparison.Ordinal) || name.StartsWith("most popular ", StringComparison.Ordinal))
            && !name.Contains("RMSE", StringComparison.Ordinal) && !name.Contains("MAE", StringComparison.Ordinal));

    /// <summary>A metric's cell: counts (such as "new users") as whole numbers, measurements to four decimals; ± sd over several splits.</summary>
    private static string Value(string name, double mean, double sd, int folds)
    {
        bool count = name == "new users";
        string Format(double x) => count && folds == 1 ? Invariant($"{x:N0}") : count ? Invariant($"{x:N1}") : Invariant($"{x:F4}");
        if (double.IsNaN(mean))
        {
            return "n/a";   // nothing measured: no user evaluated, no known pair
        }

        return folds > 1 ? $"{Format(mean)} ± {(double.IsNaN(sd) ? "n/a (one split measured it)" : Format(sd))}" : Format(mean);
    }

    private static void PrintTable(List<(string Name, double Mean, double Sd)> rows, List<Fold> folds, Settings settings, bool explicitRatings)
    {
        var table = new Table().Title(Invariant($"{(explicitRatings ? "Explicit MF" : "Implicit ALS")}: {folds.Count} split(s), K = {settings.K}"))
            .AddColumns("metric", folds.Count > 1 ? "mean ± sd" : "value");
        table.Border(TableBorder.Rounded);
        foreach (var (name, mean, sd) in rows)
        {
            string metric = name.Replace("@K", "@" + settings.K.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            table.AddRow(Markup.Escape(metric), Value(name, mean, sd, folds.Count));
        }

        CliConsole.Out.Write(table);
        CliConsole.Out.WriteLine(SplitSummary(folds[0], explicitRatings));
        CliConsole.Out.WriteLine(MostPopularIs(folds[0].PopularityHalfLife));
    }

    /// <summary>What split 1 held and who was evaluated, skipped and counted, for the console and the report.</summary>
    private static string SplitSummary(Fold first, bool explicitRatings)
    {
        string ratingNote = explicitRatings ? Invariant($"; rating metrics: {first.PairsSkipped:N0} held-out pairs with an unknown user or item skipped.") : ".";
        string newUsers = first.NewUsers > 0 ? Invariant($", {first.NewUsers:N0} new users on the fallback list") : "";
        return Invariant(
            $"Split 1: {first.TrainRows:N0} training rows, {first.TestRows:N0} held-out rows; ranking: {first.Ranking.UsersEvaluated:N0} users evaluated{newUsers}, {first.UsersSkipped:N0} skipped, {first.Ranking.UnknownItemsSkipped:N0} unknown held-out items skipped{ratingNote}");
    }

    /// <summary>What the most-popular rows rank by (all-time popularity), and the new-user fallback when it weighs recent events more.</summary>
    private static string MostPopularIs(TimeSpan? halfLife) => "Most popular: all-time popularity (distinct users of each item in the training part)."
        + (halfLife is { } h ? Invariant($" The new-user fallback this run chose on the training part is popularity with a half-life of {h.TotalDays:0.#} days (rows \"recent popularity (fallback)\").") : "");

    private static string Json(List<(string Name, double Mean, double Sd)> rows, List<Fold> folds, Settings settings, bool explicitRatings)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("trainer", explicitRatings ? "explicit" : "implicit");
            writer.WriteNumber("k", settings.K);
            writer.WriteNumber("splits", folds.Count);
            writer.WriteStartObject("metrics");
            foreach (var (name, mean, sd) in rows)
            {
                writer.WriteStartObject(name);
                WriteNumber(writer, "mean", mean);
                WriteNumber(writer, "sd", sd);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteStartArray("folds");
            foreach (Fold fold in folds)
            {
                writer.WriteStartObject();
                writer.WriteNumber("train_rows", fold.TrainRows);
                writer.WriteNumber("test_rows", fold.TestRows);
                writer.WriteNumber("users_evaluated", fold.Ranking.UsersEvaluated);
                writer.WriteNumber("users_skipped", fold.UsersSkipped);
                writer.WriteNumber("unknown_items_skipped", fold.Ranking.UnknownItemsSkipped);
                writer.WriteNumber("rating_pairs_skipped", fold.PairsSkipped);
                if (fold.PopularityHalfLife is { } halfLife)
                {
                    writer.WriteNumber("fallback_half_life_days", halfLife.TotalDays);   // the new-user fallback is recency-weighted popularity
                }
                else
                {
                    writer.WriteNull("fallback_half_life_days");   // all-time popularity
                }

                writer.WriteStartObject("metrics");
                foreach (var (name, value) in fold.Metrics)
                {
                    WriteNumber(writer, name, Measured(fold, name) ? value : double.NaN);   // a fold that evaluated no user measured 0 of nothing
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The two charts a report writes beside itself: <c>NAME-per-epoch.png</c> and <c>NAME-at-k.png</c>.</summary>
    private static string[] ReportCharts(string report)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(report)) ?? ".";
        string stem = Path.GetFileNameWithoutExtension(report);
        return [Path.Combine(folder, stem + "-per-epoch.png"), Path.Combine(folder, stem + "-at-k.png")];
    }

    private static void WriteReport(string path, List<(string Name, double Mean, double Sd)> rows, List<Fold> folds, Settings settings, bool explicitRatings)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(folder);
        string stem = Path.GetFileNameWithoutExtension(path);
        Fold first = folds[0];
        var md = new StringBuilder();
        md.Append(Invariant($"# Evaluation: {(explicitRatings ? "explicit MF" : "implicit ALS")}\n\n"));
        md.Append(Invariant($"{folds.Count} split(s); K = {settings.K}; split 1 has {first.TrainRows:N0} training and {first.TestRows:N0} held-out rows.\n\n"));
        md.Append(folds.Count > 1 ? "| metric | mean ± sd |\n|---|---:|\n" : "| metric | value |\n|---|---:|\n");
        foreach (var (name, mean, sd) in rows)
        {
            string metric = name.Replace("@K", "@" + settings.K.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            md.Append(Invariant($"| {metric} | {Value(name, mean, sd, folds.Count)} |\n"));
        }

        string epochChart = stem + "-per-epoch.png";
        double[] epochs = Enumerable.Range(1, first.EpochMetric.Count).Select(e => (double)e).ToArray();
        Charts.SaveLines(Path.Combine(folder, epochChart), $"{first.EpochMetricName} per epoch (split 1)", "epoch", first.EpochMetricName,
            [(explicitRatings ? "model" : "implicit ALS", epochs, [.. first.EpochMetric])]);
        md.Append(Invariant($"\n## {first.EpochMetricName} per epoch\n\n![{first.EpochMetricName} per epoch]({epochChart})\n"));

        string kChart = stem + "-at-k.png";
        double[] ks = Enumerable.Range(1, 20).Select(k => (double)k).ToArray();
        Charts.SaveLines(Path.Combine(folder, kChart), "Recall and NDCG at K (split 1)", "K", "metric",
            [.. first.AtK.Select(pair => (pair.Key, ks, pair.Value))]);
        md.Append(Invariant($"\n## Metrics at K = 1..20 against most popular\n\n![metrics at K]({kChart})\n"));
        md.Append("\nHeld-out users unknown to the model, users with nothing new to find, and held-out items unknown to the model are skipped and counted; rating metrics skip pairs with an unknown user or item.\n");
        md.Append('\n').Append(SplitSummary(first, explicitRatings)).Append("\n\n").Append(MostPopularIs(first.PopularityHalfLife)).Append('\n');
        OutputFile.Write(path, md.ToString());
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
