using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>
/// <c>personalize tune</c>: holds out a validation part of a log, searches trainer options (grid or random) with early stopping per
/// epoch, prints the leaderboard and writes the best options as JSON for <c>personalize train --options</c>.
/// </summary>
internal sealed class TuneCommand : Command<TuneCommand.Settings>
{
    internal const string DefaultOut = "best-options.json";

    internal sealed class Settings : InputSettings
    {
        [CommandOption("-i|--input <FILE>")]
        [Description("The interaction log (CSV/TSV).")]
        public string? Input { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Where to write the best options (JSON, read by train --options). Default: best-options.json.")]
        public string? Out { get; init; }

        [CommandOption("--trainer <NAME>")]
        [Description("implicit (default): weighted ALS, scored by NDCG@K. explicit: biased matrix factorization of ratings, scored by RMSE.")]
        public string? Trainer { get; init; }

        [CommandOption("--validation-split <KIND>")]
        [Description("How the validation rows are held out: per-user (default: a share of each user's rows), random (a share of all rows) or time (the latest rows).")]
        public string? ValidationSplit { get; init; }

        [CommandOption("--validation-fraction <F>")]
        [Description("The share of rows held out for validation, between 0 and 1. Default: 0.2.")]
        public double? ValidationFraction { get; init; }

        [CommandOption("--strategy <NAME>")]
        [Description("grid (default): every combination. random: --candidates draws from the seed.")]
        public string? Strategy { get; init; }

        [CommandOption("--candidates <N>")]
        [Description("Random search: how many candidates at most. Default: 20.")]
        public int? Candidates { get; init; }

        [CommandOption("--space <TEXT>")]
        [Description("The options to search, such as \"factors=16,32,64;regularization=0.01..1;alpha=10,40\" (lists, or min..max ranges, optionally :log or :linear). Default: a small space of 12 candidates per trainer.")]
        public string? Space { get; init; }

        [CommandOption("--patience <N>")]
        [Description("Stop a candidate after this many epochs without a better validation score. Default: 3.")]
        public int? Patience { get; init; }

        [CommandOption("--min-epochs <N>")]
        [Description("No candidate stops early before this epoch. Default: a fifth of --epochs.")]
        public int? MinEpochs { get; init; }

        [CommandOption("-k|--top-k <N>")]
        [Description("Implicit trainer: the list length K of NDCG@K (-k 10). Default: 10.")]
        public int? K { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the validation split, the random draws and the trainers. Default: 42.")]
        public int? Seed { get; init; }

        [CommandOption("--epochs <N>")]
        [Description("The most epochs a candidate may run (early stopping picks the best below it). Default: 15 (implicit), 50 (explicit).")]
        public int? Epochs { get; init; }

        [CommandOption("--half-life <DURATION>")]
        [Description("Implicit trainer: time decay of event weights, such as 30d or 12h. Default: none.")]
        public string? HalfLife { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Training threads. Default: all cores.")]
        public int? Threads { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Input))
        {
            throw new UsageException("--input is required: the interaction log to tune on.");
        }

        string trainerName = (settings.Trainer ?? "implicit").ToLowerInvariant();
        if (trainerName is not ("implicit" or "explicit"))
        {
            throw new UsageException($"--trainer '{settings.Trainer}' is not available (expected implicit or explicit).");
        }

        bool isExplicit = trainerName == "explicit";
        if (!isExplicit)
        {
            TrainCommand.CheckImplicitReading(settings);
        }

        if (isExplicit && settings.HalfLife is not null)
        {
            throw new UsageException("--half-life belongs to --trainer implicit.");
        }

        if (isExplicit && settings.K is not null)
        {
            throw new UsageException("-k belongs to --trainer implicit; explicit candidates are scored by RMSE.");
        }

        string split = (settings.ValidationSplit ?? "per-user").ToLowerInvariant();
        if (split is not ("per-user" or "random" or "time"))
        {
            throw new UsageException($"--validation-split '{settings.ValidationSplit}' is not a split (expected per-user, random or time).");
        }

        double fraction = settings.ValidationFraction ?? 0.2;
        if (!(fraction > 0 && fraction < 1))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--validation-fraction {fraction} must be greater than 0 and less than 1 (such as 0.2 to hold out a fifth)."));
        }

        SearchStrategy strategy = (settings.Strategy ?? "grid").ToLowerInvariant() switch
        {
            "grid" => SearchStrategy.Grid,
            "random" => SearchStrategy.Random,
            _ => throw new UsageException($"--strategy '{settings.Strategy}' is not a strategy (expected grid or random)."),
        };
        if (settings.Candidates is not null && strategy != SearchStrategy.Random)
        {
            throw new UsageException("--candidates belongs to --strategy random; a grid search trains every combination.");
        }

        int seed = settings.Seed ?? 42;
        SearchSpace space = Space(settings.Space, isExplicit);
        if (settings.Epochs is not null && space.Parameters.Any(p => p.Name is "NumberOfIterations" or "epochs"))
        {
            throw new UsageException("--epochs and an epochs dimension of --space both set the epochs; give one of them.");
        }

        var search = new HyperparameterSearch(new SearchOptions
        {
            Strategy = strategy,
            MaxCandidates = settings.Candidates ?? new SearchOptions().MaxCandidates,
            Seed = seed,
            Patience = settings.Patience ?? new SearchOptions().Patience,
            MinimumEpochs = settings.MinEpochs,
            K = settings.K ?? new SearchOptions().K,
        });
        TimeSpan? halfLife = settings.HalfLife is null ? null : OptionParsing.Duration("--half-life", settings.HalfLife);
        string outPath = string.IsNullOrWhiteSpace(settings.Out) ? DefaultOut : settings.Out;
        OptionParsing.CheckOutput("--out", outPath, writesModel: false, settings.Input);
        CancellationToken token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CliCancellation.Token).Token;

        if (isExplicit)
        {
            var baseOptions = new BiasedMatrixFactorizationTrainer.Options();
            baseOptions = baseOptions with
            {
                NumberOfIterations = settings.Epochs ?? baseOptions.NumberOfIterations,
                Seed = seed,
                NumberOfThreads = settings.Threads,
            };
            IReadOnlyList<BiasedMatrixFactorizationTrainer.Options> candidates = Candidates(() => search.GetExplicitCandidates(space, baseOptions));
            CheckMinEpochs(settings, [.. candidates.Select(c => c.NumberOfIterations)], baseOptions.NumberOfIterations, trainerName);
            int count = candidates.Count;
            InteractionLog log = LogReading.Read(settings.Input, TrainCommand.ExplicitReaderOptions(settings), token);
            LogSplit parts = Split(log, split, fraction, seed, settings.Input);
            RatingMatrix ratings = RatingMatrix.FromLog(parts.Train, settings.DuplicatePolicy());
            RejectedRowWarnings.Write(settings.Input, ratings.Report);

            if (ratings.Count == 0)
            {
                throw new InteractionDataException(settings.Input, 0, 0, null, "no ratings were accepted, so there is nothing to tune on.");
            }

            PrintHeader("explicit MF", count, strategy, split, fraction, log, parts, "RMSE (lower is better)");
            SearchResult<BiasedMatrixFactorizationTrainer.Options> result = RunWithProgress(count, "RMSE",
                progress => search.SearchExplicit(ratings, parts.Test, space, baseOptions, progress, token));
            TrainerOptionsFile.Save(result.BestOptions, outPath);
            PrintLeaderboard(result, space, outPath, ShellWord(settings.Input) + ReadingFlags(context.Arguments));
        }
        else
        {
            var baseOptions = new ImplicitAlsTrainer.Options();
            baseOptions = baseOptions with
            {
                NumberOfIterations = settings.Epochs ?? baseOptions.NumberOfIterations,
                Seed = seed,
                NumberOfThreads = settings.Threads,
            };
            IReadOnlyList<ImplicitAlsTrainer.Options> candidates = Candidates(() => search.GetImplicitCandidates(space, baseOptions));
            CheckMinEpochs(settings, [.. candidates.Select(c => c.NumberOfIterations)], baseOptions.NumberOfIterations, trainerName);
            int count = candidates.Count;
            CsvInteractionReaderOptions reader = settings.ReaderOptions(RejectedRowWarnings.Write);
            InteractionLog log = LogReading.Read(settings.Input, reader, token);
            TrainCommand.NoteUnusedRatings(log, reader, settings.Input);   // as train and evaluate say it
            LogSplit parts = Split(log, split, fraction, seed, settings.Input);
            FeedbackMatrix feedback = FeedbackMatrix.FromLog(parts.Train, new FeedbackOptions { HalfLife = halfLife });
            if (feedback.NumberOfEntries == 0)
            {
                throw new InteractionDataException(settings.Input, 0, 0, null, "no rows were accepted, so there is nothing to tune on.");
            }

            string metric = string.Create(CultureInfo.InvariantCulture, $"NDCG@{search.Options.K}");
            PrintHeader("implicit ALS", count, strategy, split, fraction, log, parts, metric + " (higher is better)");
            SearchResult<ImplicitAlsTrainer.Options> result = RunWithProgress(count, metric,
                progress => search.SearchImplicit(feedback, parts.Test, space, baseOptions, progress, token));
            TrainerOptionsFile.Save(result.BestOptions, outPath);
            PrintLeaderboard(result, space, outPath, ShellWord(settings.Input) + ReadingFlags(context.Arguments));
        }

        return CliApp.Success;
    }

    /// <summary>Parses --space for the trainer, or returns the trainer's default space; a bad space is a usage error.</summary>
    internal static SearchSpace Space(string? text, bool isExplicit)
    {
        if (text is null)
        {
            return isExplicit ? SearchSpace.DefaultExplicit : SearchSpace.DefaultImplicit;
        }

        try
        {
            IReadOnlyList<SearchParameter> parameters = SearchSpace.ParseParameters(text);
            return isExplicit ? SearchSpace.ForExplicit(parameters) : SearchSpace.ForImplicit(parameters);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            throw new UsageException($"--space: {UsageException.Reason(exception)}");
        }
    }

    /// <summary>Refuses a --min-epochs above the epochs a candidate runs: early stopping could never act on that candidate, so the
    /// option would be ignored. (Equal to them, it turns early stopping off, which is a choice.)</summary>
    /// <param name="settings">The command's settings.</param>
    /// <param name="candidateEpochs">The epochs each candidate may run.</param>
    /// <param name="baseEpochs">The epochs of the base options (--epochs or the trainer's default), which --space may override.</param>
    /// <param name="trainer">The trainer's name, for the message.</param>
    /// <exception cref="UsageException">--min-epochs is above a candidate's epochs.</exception>
    private static void CheckMinEpochs(Settings settings, int[] candidateEpochs, int baseEpochs, string trainer)
    {
        if (settings.MinEpochs is not { } minimum || candidateEpochs.Length == 0 || minimum <= candidateEpochs.Min())
        {
            return;
        }

        int fewest = candidateEpochs.Min();
        string budget = fewest != baseEpochs ? $"the {fewest} epochs of a --space candidate"
            : settings.Epochs is not null ? $"--epochs {fewest}"
            : $"the {fewest} epochs a candidate of the {trainer} trainer runs by default";
        throw new UsageException(
            $"--min-epochs {minimum} is more than {budget}, so early stopping would never act; give --min-epochs {fewest} or less, or more epochs.");
    }

    private static T Candidates<T>(Func<T> count)
    {
        try
        {
            return count();
        }
        catch (ArgumentException exception) when (exception.ParamName == "space")
        {
            throw new UsageException($"--space: {UsageException.Reason(exception)}");
        }
    }

    private static LogSplit Split(InteractionLog log, string split, double fraction, int seed, string input)
    {
        if (log.Count < 2)
        {
            throw new InteractionDataException(input, 0, 0, null,
                $"{log.Count} rows were accepted; tuning needs rows to train on and rows to hold out for validation.");
        }

        LogSplit parts;
        switch (split)
        {
            case "random":
                parts = TrainTestSplit.Random(log, fraction, seed);
                break;
            case "time":
                if (!log.HasTimestamps)
                {
                    throw new UsageException("--validation-split time needs timestamps; read the log with a time column (--time-col), or use per-user or random.");
                }

                long[] times = log.Timestamps.ToArray();
                Array.Sort(times);
                int first = Math.Clamp((int)Math.Round((1 - fraction) * times.Length, MidpointRounding.AwayFromZero), 1, times.Length - 1);
                parts = TrainTestSplit.ByTime(log, DateTimeOffset.FromUnixTimeSeconds(times[first]));
                break;
            default:
                parts = TrainTestSplit.PerUser(log, fraction, seed);
                break;
        }

        if (parts.Train.Count == 0 || parts.Test.Count == 0)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--validation-split {split} left {parts.Train.Count} rows to train on and {parts.Test.Count} to validate on; both need rows (use another split or fraction, or more data)."));
        }

        return parts;
    }

    /// <summary>Runs the search with a progress bar on a terminal, or one line per candidate otherwise.</summary>
    private static SearchResult<TOptions> RunWithProgress<TOptions>(int candidates, string metric, Func<IProgress<SearchProgress>, SearchResult<TOptions>> search)
        where TOptions : class
    {
        try
        {
            if (!CliConsole.Interactive)
            {
                return search(new SyncSearchProgress(p =>
                {
                    if (p.IsCandidateFinished)
                    {
                        CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"candidate {p.Candidate}/{p.NumberOfCandidates}  {Describe(p.Values)}  {metric} {p.BestMetric:F4} at epoch {p.BestEpoch} ({p.Epoch} of {p.MaxEpochs} run{(p.Epoch < p.MaxEpochs ? ", stopped early" : "")})"));
                    }
                }));
            }

            SearchResult<TOptions>? result = null;
            CliConsole.Out.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask("Tuning", maxValue: candidates);
                    result = search(new SyncSearchProgress(p =>
                    {
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"Candidate {p.Candidate}/{p.NumberOfCandidates}  epoch {p.Epoch}/{p.MaxEpochs}  {metric} {p.Metric:F4} (best {p.BestMetric:F4})");
                        task.Value = p.IsCandidateFinished ? p.Candidate : p.Candidate - 1 + (double)p.Epoch / p.MaxEpochs;
                    }));
                });
            return result!;
        }
        catch (ArgumentException exception) when (exception.ParamName is "validation" or "train")
        {
            throw new UsageException(UsageException.Reason(exception));
        }
    }

    private static void PrintHeader(string trainer, int candidates, SearchStrategy strategy, string split, double fraction, InteractionLog log,
        LogSplit parts, string metric)
    {
        var validationUsers = new HashSet<int>();
        foreach (int user in parts.Test.UserIndices)
        {
            validationUsers.Add(user);
        }

        CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tuning {trainer}: {candidates} candidates ({strategy.ToString().ToLowerInvariant()}), {log.Count:N0} rows: {parts.Train.Count:N0} to train, {parts.Test.Count:N0} of {validationUsers.Count:N0} users to validate ({split} split, {fraction:P0}{Actual(parts, fraction)}); metric {metric}."));
    }

    /// <summary>", 50 % held out": the share the split held out, when it is not the one asked for (a time split cannot cut between
    /// rows of the same time, so it holds them all out).</summary>
    private static string Actual(LogSplit parts, double fraction)
    {
        int total = parts.Train.Count + parts.Test.Count;
        double actual = total == 0 ? 0 : (double)parts.Test.Count / total;
        return Math.Abs(actual - fraction) < 0.01 ? "" : string.Create(CultureInfo.InvariantCulture,
            $" asked; {actual:P0} held out{(parts.Test.Count > 0 && actual > fraction ? ", as rows of the same time at the cut go together" : "")}");
    }

    private static void PrintLeaderboard<TOptions>(SearchResult<TOptions> result, SearchSpace space, string outPath, string input)
        where TOptions : class
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Leaderboard (best first)");
        table.AddColumn(new TableColumn("rank").RightAligned());
        foreach (SearchParameter parameter in space.Parameters)
        {
            table.AddColumn(new TableColumn(Markup.Escape(ShortName(parameter.Name))).RightAligned());
        }

        table.AddColumn(new TableColumn(Markup.Escape(result.MetricName)).RightAligned());
        table.AddColumn(new TableColumn("best epoch").RightAligned());
        table.AddColumn(new TableColumn("run").RightAligned());
        table.AddColumn(new TableColumn("time").RightAligned());
        for (int r = 0; r < result.Leaderboard.Count; r++)
        {
            SearchCandidate<TOptions> candidate = result.Leaderboard[r];
            var cells = new List<string> { (r + 1).ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(candidate.Values.Select(v => Number(v.Value)));
            cells.Add(candidate.BestMetric.ToString("F4", CultureInfo.InvariantCulture));
            cells.Add(candidate.BestEpoch.ToString(CultureInfo.InvariantCulture));
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{candidate.EpochsRun}/{candidate.MaxEpochs}"));
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{candidate.Elapsed.TotalSeconds:F2} s"));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        CliConsole.Out.Write(table);
        SearchCandidate<TOptions> best = result.Best;
        string values = best.Values.Count == 0 ? "the base options" : Describe(best.Values);
        CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best: {values}, {best.BestEpoch} epochs: {result.MetricName} {best.BestMetric:F4}. Searched in {result.Elapsed.TotalSeconds:F1} s."));
        if (best.BestEpoch == best.MaxEpochs)
        {
            CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The best candidate was still improving at its last allowed epoch ({best.MaxEpochs}); a larger --epochs may do better."));
        }

        CliConsole.Out.WriteLine($"Best options written to {outPath}. Train with them: personalize train --input {input} --options {ShellWord(outPath)} --out model.pzm");
    }

    /// <summary>The reading options, from <see cref="InputSettings"/>'s own declarations (switches such as <c>--no-header</c>, and options
    /// with a value), and <c>--half-life</c>.</summary>
    private static readonly (HashSet<string> Switches, HashSet<string> WithValue) ReadingOptions = DeclaredReadingOptions();

    private static (HashSet<string> Switches, HashSet<string> WithValue) DeclaredReadingOptions()
    {
        var switches = new HashSet<string>(StringComparer.Ordinal);
        var withValue = new HashSet<string>(StringComparer.Ordinal) { "--half-life" };
        foreach (var (option, property) in CliApp.SettingsOptions(typeof(InputSettings), declaredOnly: true))
        {
            (property.PropertyType == typeof(bool) ? switches : withValue).UnionWith(option.LongNames.Select(n => "--" + n));
        }

        return (switches, withValue);
    }

    /// <summary>The options of the command line that change how the log is read or weighted (the options file holds trainer options
    /// only), each with its value, so the suggested <c>train</c> command reads the log as the search did.</summary>
    internal static string ReadingFlags(IReadOnlyList<string> arguments)
    {
        var flags = new StringBuilder();
        for (int a = 0; a < arguments.Count; a++)
        {
            string argument = arguments[a];
            int equals = argument.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? argument[..equals] : argument;
            if (ReadingOptions.Switches.Contains(name))
            {
                flags.Append(' ').Append(name);
            }
            else if (ReadingOptions.WithValue.Contains(name))
            {
                string? value = equals > 0 ? argument[(equals + 1)..] : a + 1 < arguments.Count ? arguments[++a] : null;
                if (value is not null)
                {
                    flags.Append(' ').Append(name).Append(' ').Append(ShellWord(value));
                }
            }
        }

        return flags.ToString();
    }

    /// <summary>A value as one word of a POSIX shell: in single quotes when it is empty or holds a space or a character the shell reads.</summary>
    internal static string ShellWord(string value) =>
        value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || "'\"$`\\|;&<>()*?#~".Contains(c))
            ? "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : value;

    private static string Describe(IReadOnlyList<KeyValuePair<string, double>> values) =>
        values.Count == 0 ? "base options" : string.Join(" ", values.Select(v => $"{ShortName(v.Key)}={Number(v.Value)}"));

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The name of a searchable option as --space and train take it (factors, alpha), or its property name.</summary>
    private static string ShortName(string property) => property switch
    {
        "NumberOfFactors" => "factors",
        "NumberOfIterations" => "epochs",
        "Regularization" or "FactorRegularization" => "regularization",
        "RegularizationExponent" => "regularization-exponent",
        "ConfidenceScale" => "alpha",
        "ConjugateGradientSteps" => "cg-steps",
        "InitialScale" => "initial-scale",
        "ItemItemWeight" => "item-item-weight",
        "ItemItemRegularization" => "item-item-regularization",
        "ItemItemRank" => "item-item-rank",
        "PopularityWeight" => "popularity-weight",
        "LearningRate" => "learning-rate",
        "LearningRateDecay" => "learning-rate-decay",
        "RatingRegularization" => "rating-regularization",
        "BiasRegularization" => "bias-regularization",
        _ => property,
    };
}

/// <summary>An <see cref="IProgress{T}"/> of search reports that runs on the calling thread (the search reports between epochs).</summary>
internal sealed class SyncSearchProgress(Action<SearchProgress> report) : IProgress<SearchProgress>
{
    public void Report(SearchProgress value) => report(value);
}
