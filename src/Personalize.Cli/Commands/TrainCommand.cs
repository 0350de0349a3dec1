using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize train</c>: reads a log, trains, saves the model and prints a summary.</summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    internal class Settings : InputSettings
    {
        [CommandOption("-i|--input <FILE>")]
        [Description("The interaction log (CSV/TSV).")]
        public string? Input { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("train: where to save the model (required). evaluate: where to write the metrics as JSON (default: evaluation.json in the current folder).")]
        public string? Out { get; init; }

        [CommandOption("--trainer <NAME>")]
        [Description("implicit (default): weighted ALS for views, carts and purchases. explicit: biased matrix factorization of ratings. Default with --options: the file's trainer.")]
        public string? Trainer { get; init; }

        [CommandOption("--options <FILE>")]
        [Description("Trainer options from a JSON file, such as the one personalize tune writes; options given on the command line override it.")]
        public string? Options { get; init; }

        [CommandOption("--learning-rate <R>")]
        [Description("Explicit trainer: SGD step size of the first epoch. Default: 0.02.")]
        public float? LearningRate { get; init; }

        [CommandOption("--rating-regularization <L>")]
        [Description("Explicit trainer: regularization of the factors per rating, so heavy users and popular items are held back more. Default: 0.03.")]
        public float? RatingRegularization { get; init; }

        [CommandOption("--models <N>")]
        [Description("Explicit trainer: how many models to train from different random starts and average (the model holds N × --factors factors). Default: 1; chosen from the data unless options are given.")]
        public int? Models { get; init; }

        [CommandOption("--rated-items")]
        [Description("Explicit trainer: also represent each user by the items they rated (SVD++; with --bayesian, each item also by the people who rated it), which helps where what people rate depends on their taste; about 2.5 times the training time per epoch (2-3 times per sweep with --bayesian). Default: off; chosen from the data unless options are given.")]
        public bool RatedItems { get; init; }

        [CommandOption("--bayesian")]
        [Description("Explicit trainer: draw the model by Gibbs sampling (Bayesian matrix factorization) instead of SGD: no regularization or learning rate to choose; --epochs counts sweeps. Default: off; chosen from the data unless options are given.")]
        public bool Bayesian { get; init; }

        [CommandOption("--bias-regularization <L>")]
        [Description("Explicit trainer: regularization of user and item biases. Default: 7.")]
        public float? BiasRegularization { get; init; }

        [CommandOption("--half-life <DURATION>")]
        [Description("Time decay of event weights, such as 30d or 12h. Default: none.")]
        public string? HalfLife { get; init; }

        [CommandOption("--factors <N>")]
        [Description("Latent factors per user and item. Default: 64 (implicit), 32 (explicit).")]
        public int? Factors { get; init; }

        [CommandOption("--epochs <N>")]
        [Description("Training epochs. Default: 15 (implicit), 50 (explicit).")]
        public int? Epochs { get; init; }

        [CommandOption("--regularization <L>")]
        [Description("Regularization: implicit, scaled by each user's and item's total confidence (default 0.03); explicit, of the factors once per user and item (default 3).")]
        public float? Regularization { get; init; }

        [CommandOption("--confidence-scale|--alpha <A>")]
        [Description("Implicit trainer: the confidence scale α (ConfidenceScale in the API; --alpha is the same option): confidence of an average interaction over a missing one (weights are divided by their mean). Default: 50.")]
        public float? Alpha { get; init; }

        [CommandOption("--item-item-weight <W>")]
        [Description("Implicit trainer: the share w of an item-item model (a low-rank EASE) blended into each user's list, 0 to 1. Default: 0 (off; the tuner tries it on logs with 20+ rows per item).")]
        public float? ItemItemWeight { get; init; }

        [CommandOption("--item-item-regularization <L>")]
        [Description("Implicit trainer: the item-item model's λ, in co-occurrence counts. Default: 300.")]
        public float? ItemItemRegularization { get; init; }

        [CommandOption("--item-item-rank <N>")]
        [Description("Implicit trainer: how many item-item values each user and item gets (at most the number of items). Default: 128.")]
        public int? ItemItemRank { get; init; }

        [CommandOption("--popularity-weight <W>")]
        [Description("Implicit trainer: the share w of popularity blended into each user's list, 0 to 1 (1 is the most-popular list). Default: 0 (off; the tuner tries it).")]
        public float? PopularityWeight { get; init; }

        [CommandOption("--weighting <KIND>")]
        [Description("Implicit trainer: how summed weights become confidence: auto (default: log for heavy-tailed counts such as play counts or quantities, linear otherwise), linear or log.")]
        public string? Weighting { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the initial factors. Default: 42.")]
        public int? Seed { get; init; }

        [CommandOption("--no-tune")]
        [Description("Train with the default options as they are, without choosing them from the data first. Given options (--factors, --epochs, --regularization, --confidence-scale, --learning-rate, --rating-regularization, --bias-regularization, --models, --rated-items, --bayesian, --item-item-weight, --item-item-regularization, --item-item-rank, --popularity-weight, --options) also turn the choice off.")]
        public bool NoTune { get; init; }

        [CommandOption("--tune-budget <OPS>")]
        [Description("Implicit trainer: the most work the choice of options may do, in floating-point operations as the search counts them from the data's shape (for example 5e12); trials after the first run only the epochs it leaves, and the choice line names any it cut. Counted, not timed, so the same command chooses the same on any machine. At least 1e9; not with --trainer explicit, --no-tune or given options. Default: 1.2e12, about 40-50 s on 2 cores.")]
        public double? TuneBudget { get; init; }

        [CommandOption("--no-cooccurrence")]
        [Description("Implicit trainer: do not count item co-occurrence into the model (related items then use the factors alone).")]
        public bool NoCooccurrence { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Training threads. The model does not depend on it (the same data, options and seed give the same model on any machine). Default: all cores.")]
        public int? Threads { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Input))
        {
            throw new UsageException("--input is required: the interaction log to train on.");
        }

        if (string.IsNullOrWhiteSpace(settings.Out))
        {
            throw new UsageException("--out is required: where to save the model.");
        }

        OptionParsing.CheckOutput("--out", settings.Out, writesModel: true, settings.Input, settings.Options);
        string trainerName = TrainerName(settings);

        CancellationToken token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CliCancellation.Token).Token;
        TrainResult result = trainerName == "explicit"
            ? TrainExplicit(settings.Input, ExplicitReaderOptions(settings), settings.DuplicatePolicy(), log => ExplicitTrainerFor(settings, log, token), token)
            : Train(settings.Input, settings.ReaderOptions(RejectedRowWarnings.Write),
                settings.HalfLife is null ? null : OptionParsing.Duration("--half-life", settings.HalfLife),
                (log, feedback) => ImplicitTrainerFor(settings, log, feedback, token), token, cooccurrence: !settings.NoCooccurrence);
        result = result with { Model = WithFallback(settings, result.Log, result.Model, token) };
        ModelFile.Save(result.Model, settings.Out);
        PrintSummary(result, settings.Out);
        return CliApp.Success;
    }

    internal static ImplicitAlsTrainer ImplicitTrainer(Settings settings)
    {
        if (settings.LearningRate is not null || settings.BiasRegularization is not null || settings.RatingRegularization is not null
            || settings.Models is not null || settings.RatedItems || settings.Bayesian)
        {
            throw new UsageException("--learning-rate, --rating-regularization, --bias-regularization, --models, --rated-items and --bayesian belong to --trainer explicit.");
        }

        CheckImplicitReading(settings);

        ImplicitAlsTrainer.Options defaults = settings.Options is null ? new() : TrainerOptionsFile.LoadImplicit(settings.Options);
        if ((settings.ItemItemRegularization is not null || settings.ItemItemRank is not null) && !((settings.ItemItemWeight ?? defaults.ItemItemWeight) > 0))
        {
            throw new UsageException("--item-item-regularization and --item-item-rank shape the item-item blend, which --item-item-weight W (above 0) turns on; "
                + "give it too, or leave them out.");
        }

        return new ImplicitAlsTrainer(defaults with
        {
            NumberOfFactors = settings.Factors ?? defaults.NumberOfFactors,
            NumberOfIterations = settings.Epochs ?? defaults.NumberOfIterations,
            Regularization = settings.Regularization ?? defaults.Regularization,
            ConfidenceScale = settings.Alpha ?? defaults.ConfidenceScale,
            ItemItemWeight = settings.ItemItemWeight ?? defaults.ItemItemWeight,
            ItemItemRegularization = settings.ItemItemRegularization ?? defaults.ItemItemRegularization,
            ItemItemRank = settings.ItemItemRank ?? defaults.ItemItemRank,
            PopularityWeight = settings.PopularityWeight ?? defaults.PopularityWeight,
            Weighting = settings.Weighting is null ? defaults.Weighting : settings.Weighting.ToLowerInvariant() switch
            {
                "auto" => ConfidenceWeighting.Automatic,
                "linear" => ConfidenceWeighting.Linear,
                "log" => ConfidenceWeighting.Logarithmic,
                _ => throw new UsageException($"--weighting '{settings.Weighting}' is not a weighting (expected auto, linear or log)."),
            },
            Seed = settings.Seed ?? defaults.Seed,
            NumberOfThreads = settings.Threads ?? defaults.NumberOfThreads,
        });
    }

    /// <summary>Refuses the reading options that only the explicit trainer uses. (--min-rating and --max-rating are not among them: the
    /// reader rejects rows outside that range whenever the log has a rating column, for either trainer.)</summary>
    /// <exception cref="UsageException">--duplicates was given.</exception>
    internal static void CheckImplicitReading(InputSettings settings)
    {
        if (settings.Duplicates is not null)
        {
            throw new UsageException("--duplicates belongs to --trainer explicit: the implicit trainer adds up a user's repeated rows of an item instead of choosing between ratings.");
        }
    }

    internal static BiasedMatrixFactorizationTrainer ExplicitTrainer(Settings settings)
    {
        if (settings.Alpha is not null || settings.HalfLife is not null || settings.Weighting is not null || settings.ItemItemWeight is not null
            || settings.ItemItemRegularization is not null || settings.ItemItemRank is not null || settings.PopularityWeight is not null)
        {
            throw new UsageException("--confidence-scale (--alpha), --weighting, --half-life, --popularity-weight and the --item-item options belong to --trainer implicit.");
        }

        // (--event-weights with --event-col still names the event types a ratings log may hold, which the reader checks.)
        if (settings.WeightColumn is not null || (settings.EventWeights is not null && settings.EventColumn is null))
        {
            throw new UsageException("--weight-col and --event-weights weigh the implicit trainer's rows; --trainer explicit learns the ratings of --rating-col, each rating as it is.");
        }

        BiasedMatrixFactorizationTrainer.Options defaults = settings.Options is null ? new() : TrainerOptionsFile.LoadExplicit(settings.Options);
        if ((settings.Bayesian || defaults.UseBayesianSampling) && (settings.LearningRate is not null || settings.Regularization is not null
            || settings.RatingRegularization is not null || settings.BiasRegularization is not null))
        {
            string source = settings.Bayesian ? "--bayesian" : $"--options '{settings.Options}' (UseBayesianSampling)";
            throw new UsageException($"{source} draws its regularization from the data; --learning-rate, --regularization, --rating-regularization and --bias-regularization do not apply to it.");
        }

        return new BiasedMatrixFactorizationTrainer(defaults with
        {
            NumberOfFactors = settings.Factors ?? defaults.NumberOfFactors,
            NumberOfIterations = settings.Epochs ?? defaults.NumberOfIterations,
            FactorRegularization = settings.Regularization ?? defaults.FactorRegularization,
            RatingRegularization = settings.RatingRegularization ?? defaults.RatingRegularization,
            BiasRegularization = settings.BiasRegularization ?? defaults.BiasRegularization,
            LearningRate = settings.LearningRate ?? defaults.LearningRate,
            NumberOfModels = settings.Models ?? defaults.NumberOfModels,
            UseRatedItems = settings.RatedItems || defaults.UseRatedItems,
            UseBayesianSampling = settings.Bayesian || defaults.UseBayesianSampling,
            Seed = settings.Seed ?? defaults.Seed,
            NumberOfThreads = settings.Threads ?? defaults.NumberOfThreads,
        });
    }

    /// <summary>Notes that the implicit trainer does not use a log's rating column.</summary>
    internal static void NoteUnusedRatings(InteractionLog log, CsvInteractionReaderOptions readerOptions, string input)
    {
        if (log.HasRatings && readerOptions.WeightColumn is null)
        {
            CliConsole.Error.WriteLine(
                $"note: {input} has a rating column, which the implicit trainer does not use: every row counts as an interaction, a low rating as much as a high one. --trainer explicit learns the ratings; --weight-col {readerOptions.RatingColumn ?? "rating"} weights the rows by them.");
        }
    }

    /// <summary>Refuses <c>--half-life</c> on a log without times (the library's refusal would be exit 1 and name no option).</summary>
    internal static void CheckHalfLife(TimeSpan? halfLife, InteractionLog log, string input)
    {
        if (halfLife is not null && !log.HasTimestamps && log.Count > 0)
        {
            throw new UsageException($"--half-life decays rows by their age, but {input} has no timestamps; name the time column with --time-col, or leave --half-life out.");
        }
    }

    /// <summary>The trainer to use, <c>implicit</c> or <c>explicit</c>: <c>--trainer</c>, or an options file's, or implicit; an empty
    /// <c>--options</c>, an unknown trainer, a file of the other trainer and a <c>--tune-budget</c> that cannot apply are refused.</summary>
    internal static string TrainerName(Settings settings)
    {
        if (settings.Options is not null && string.IsNullOrWhiteSpace(settings.Options))
        {
            throw new UsageException("--options needs the path of an options file, such as the JSON that personalize tune writes.");
        }

        FactorModelKind? fileKind = settings.Options is null ? null : TrainerOptionsFile.ReadKind(settings.Options);
        string trainerName = (settings.Trainer ?? (fileKind == FactorModelKind.Explicit ? "explicit" : "implicit")).ToLowerInvariant();
        if (trainerName is not ("implicit" or "explicit"))
        {
            throw new UsageException($"--trainer '{settings.Trainer}' is not available (expected implicit or explicit).");
        }

        // Checked here, where train and evaluate both start: the budget belongs to the implicit search only.
        if (settings.TuneBudget is { } budget)
        {
            if (trainerName == "explicit" || !Tunes(settings))
            {
                throw new UsageException(
                    "--tune-budget sets the budget of work of the implicit trainer's choice of options; it does nothing with --trainer explicit, --no-tune or given options, so leave it out there.");
            }

            if (!(budget >= 1e9) || double.IsInfinity(budget))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--tune-budget {budget} is not a budget the search can keep: give a number of floating-point operations from 1e9 up (the default is 1.2e12)."));
            }
        }

        if (fileKind is { } kind && (kind == FactorModelKind.Explicit) != (trainerName == "explicit"))
        {
            string fileTrainer = kind == FactorModelKind.Explicit ? "explicit" : "implicit";
            throw new UsageException(
                $"--options '{settings.Options}' holds options for the {fileTrainer} trainer, but --trainer is {trainerName}; leave out --trainer to use the file's, or tune the {trainerName} trainer.");
        }

        return trainerName;
    }

    /// <summary>How untuned options came about: <c>given</c> (an option or an options file), or <c>defaults (--no-tune)</c>.</summary>
    private static string GivenOrDefaults(Settings settings) => GivesOptions(settings) ? "given" : "defaults (--no-tune)";

    /// <summary>Whether the options are chosen from the data: unless --no-tune, and unless any option was given.</summary>
    internal static bool Tunes(Settings settings) => !settings.NoTune && !GivesOptions(settings);

    /// <summary>Whether any trainer option or an options file was given.</summary>
    private static bool GivesOptions(Settings settings) =>
        !(settings.Options is null && settings.Factors is null && settings.Epochs is null && settings.Regularization is null
        && settings.Alpha is null && settings.ItemItemWeight is null && settings.ItemItemRegularization is null && settings.ItemItemRank is null
        && settings.PopularityWeight is null && settings.LearningRate is null && settings.BiasRegularization is null
        && settings.RatingRegularization is null && settings.Models is null && !settings.RatedItems && !settings.Bayesian);

    /// <summary>A trainer and the properties that record how its options were chosen.</summary>
    internal sealed record Chosen<TTrainer>(TTrainer Trainer, IReadOnlyDictionary<string, string> Properties);

    /// <summary>The implicit trainer for a log: chosen by <see cref="AutoTuner"/> (printing each trial) unless options were given.</summary>
    internal static Chosen<ImplicitAlsTrainer> ImplicitTrainerFor(Settings settings, InteractionLog log, FeedbackOptions feedback, CancellationToken token)
    {
        ImplicitAlsTrainer given = ImplicitTrainer(settings);
        if (!Tunes(settings))
        {
            return new(given, new Dictionary<string, string> { [ModelPropertyNames.OptionsChosenBy] = GivenOrDefaults(settings) });
        }

        CliConsole.Out.WriteLine("Choosing options on a held-out part of the log (--no-tune, --options or any trainer option turns this off):");
        AutoTuneResult<ImplicitAlsTrainer.Options>? tuned = WithTrialProgress<ImplicitAlsTrainer.Options>(
            progress => AutoTuner.TuneImplicit(log, feedback, given.TrainerOptions, new AutoTuneOptions { ImplicitWorkBudget = settings.TuneBudget }, progress, token),
            t => string.Create(CultureInfo.InvariantCulture,
                $"  trial {t.Number,2} {t.Stage,-7} factors {t.Options.NumberOfFactors,3}  regularization {t.Options.Regularization,-6:G3} alpha {t.Options.ConfidenceScale,-5:G3} NDCG@10 {t.Score:F4} at epoch {t.BestEpoch,2}/{t.EpochsRun,-2} {t.Elapsed.TotalSeconds,5:F1} s{Blends(t.Options)}"));
        if (tuned is null)
        {
            return new(given, new Dictionary<string, string> { [ModelPropertyNames.OptionsChosenBy] = "defaults (the log is too small to choose)" });
        }

        ImplicitAlsTrainer.Options o = tuned.Options with { NumberOfThreads = given.TrainerOptions.NumberOfThreads };
        string why = Why(tuned, string.Create(CultureInfo.InvariantCulture,
            $"factors {o.NumberOfFactors}, regularization {o.Regularization:G3}, alpha {o.ConfidenceScale:G3}, epochs {o.NumberOfIterations}{Blends(o)}"));
        CliConsole.Out.WriteLine(why);
        CliConsole.Out.WriteLine(Took(tuned));
        return new(new ImplicitAlsTrainer(o), Recorded(tuned, why));
    }

    private static readonly int DefaultItemItemRank = new ImplicitAlsTrainer.Options().ItemItemRank;

    /// <summary>The item-item and popularity blends of implicit options, for a trial line or the choice ("" when there is none).</summary>
    private static string Blends(ImplicitAlsTrainer.Options o) => (o.ItemItemWeight > 0
        ? string.Create(CultureInfo.InvariantCulture,
            $", blended with item-item (share {o.ItemItemWeight:G3}, λ {o.ItemItemRegularization:G4}{(o.ItemItemRank != DefaultItemItemRank ? $", rank {o.ItemItemRank}" : "")})")
        : "") + (o.PopularityWeight switch
        {
            >= 1 => ", with popularity (share 1: the most-popular list)",
            > 0 => string.Create(CultureInfo.InvariantCulture, $", with popularity (share {o.PopularityWeight:G3})"),
            _ => "",
        });

    /// <summary>The explicit trainer for a log: chosen by <see cref="AutoTuner"/> (printing each trial) unless options were given.</summary>
    internal static Chosen<BiasedMatrixFactorizationTrainer> ExplicitTrainerFor(Settings settings, InteractionLog log, CancellationToken token)
    {
        BiasedMatrixFactorizationTrainer given = ExplicitTrainer(settings);
        if (!Tunes(settings))
        {
            return new(given, new Dictionary<string, string> { [ModelPropertyNames.OptionsChosenBy] = GivenOrDefaults(settings) });
        }

        CliConsole.Out.WriteLine("Choosing options on a held-out part of the ratings (--no-tune, --options or any trainer option turns this off):");
        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options>? tuned = WithTrialProgress<BiasedMatrixFactorizationTrainer.Options>(
            progress => AutoTuner.TuneExplicit(log, settings.DuplicatePolicy(), given.TrainerOptions, null, progress, token),
            t => t.Options.UseBayesianSampling
                ? string.Create(CultureInfo.InvariantCulture,
                    $"  trial {t.Number,2} {t.Stage,-11} factors {t.Options.NumberOfFactors,3}  Bayesian sampling (prior drawn from the data, nothing to set)   rated items {(t.Options.UseRatedItems ? "yes" : "no "),-3}    RMSE {t.Score:F4} at sweep {t.BestEpoch,2}/{t.EpochsRun,-2} {t.Elapsed.TotalSeconds,5:F1} s")
                : string.Create(CultureInfo.InvariantCulture,
                    $"  trial {t.Number,2} {t.Stage,-11} factors {t.Options.NumberOfFactors,3}  regularization {t.Options.FactorRegularization,-4:G3} per rating {t.Options.RatingRegularization,-6:G3} learning rate {t.Options.LearningRate,-6:G3} models {t.Options.NumberOfModels} rated items {(t.Options.UseRatedItems ? "yes" : "no "),-3} RMSE {t.Score:F4} at epoch {t.BestEpoch,2}/{t.EpochsRun,-2} {t.Elapsed.TotalSeconds,5:F1} s"));
        if (tuned is null)
        {
            return new(given, new Dictionary<string, string> { [ModelPropertyNames.OptionsChosenBy] = "defaults (the ratings are too few to choose)" });
        }

        BiasedMatrixFactorizationTrainer.Options o = tuned.Options;
        string why = Why(tuned, o.UseBayesianSampling
            ? string.Create(CultureInfo.InvariantCulture, $"factors {o.NumberOfFactors}, Bayesian sampling{(o.UseRatedItems ? ", rated items" : "")}, sweeps {o.NumberOfIterations}")
            : string.Create(CultureInfo.InvariantCulture,
                $"factors {o.NumberOfFactors}, regularization {o.FactorRegularization:G3} + {o.RatingRegularization:G3} per rating, learning rate {o.LearningRate:G3}, epochs {o.NumberOfIterations}{(o.UseRatedItems ? ", rated items" : "")}{(o.NumberOfModels > 1 ? $", average of {o.NumberOfModels} models" : "")}"));
        CliConsole.Out.WriteLine(why);
        CliConsole.Out.WriteLine(Took(tuned));
        return new(new BiasedMatrixFactorizationTrainer(o), Recorded(tuned, why));
    }

    /// <summary>Runs a search printing one line per trial: on a terminal under a progress bar (the lines follow when it ends), otherwise as
    /// each trial ends.</summary>
    /// <remarks>A log too small to hold rows out (the search's <see cref="ArgumentException"/>) gives a warning and <see langword="null"/>:
    /// the caller trains with the fixed defaults.</remarks>
    private static AutoTuneResult<TOptions>? WithTrialProgress<TOptions>(Func<IProgress<AutoTuneTrial<TOptions>>, AutoTuneResult<TOptions>> search,
        Func<AutoTuneTrial<TOptions>, string> line)
        where TOptions : class
    {
        try
        {
            return RunTrials(search, line);
        }
        catch (ArgumentException exception)
        {
            CliConsole.Error.WriteLine($"warning: {UsageException.Reason(exception)} Training with the fixed defaults.");
            return null;
        }
    }

    private static AutoTuneResult<TOptions> RunTrials<TOptions>(Func<IProgress<AutoTuneTrial<TOptions>>, AutoTuneResult<TOptions>> search,
        Func<AutoTuneTrial<TOptions>, string> line)
        where TOptions : class
    {
        if (!CliConsole.Interactive)
        {
            return search(new SyncTrialProgress<TOptions>(t => CliConsole.Out.WriteLine(line(t))));
        }

        AutoTuneResult<TOptions>? result = null;
        var lines = new List<string>();
        CliConsole.Out.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                // About 20 trials; the bar stretches if the walks take more.
                ProgressTask task = ctx.AddTask("Choosing options", maxValue: 20);
                result = search(new SyncTrialProgress<TOptions>(t =>
                {
                    lines.Add(line(t));
                    task.MaxValue = Math.Max(task.MaxValue, t.Number + 1);
                    task.Value = t.Number;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Choosing options: trial {t.Number} ({t.Stage}) scored {t.Score:F4}"));
                }));
                task.Value = task.MaxValue;
            });
        foreach (string text in lines)
        {
            CliConsole.Out.WriteLine(text);
        }

        return result!;
    }

    /// <summary>Unless options were given: the cold-start list chosen for the log's newcomers (<see cref="AutoTuner.ChooseFallback"/>),
    /// applied to the model and recorded in it.</summary>
    internal static FactorModel WithFallback(Settings settings, InteractionLog log, FactorModel model, CancellationToken token, bool quiet = false) =>
        WithFallback(settings, log, model, out _, token, quiet);

    /// <summary>As <see cref="WithFallback(Settings, InteractionLog, FactorModel, CancellationToken, bool)"/>, also giving the half-life of
    /// the popularity the model now holds (null: all-time popularity).</summary>
    internal static FactorModel WithFallback(Settings settings, InteractionLog log, FactorModel model, out TimeSpan? halfLife, CancellationToken token,
        bool quiet = false)
    {
        halfLife = null;
        if (!Tunes(settings))
        {
            return model;
        }

        FallbackChoice choice = AutoTuner.ChooseFallback(log, cancellationToken: token);
        halfLife = choice.HalfLife;
        if (!quiet)
        {
            CliConsole.Out.WriteLine($"Fallback for new users: {choice.Reason}.");
        }

        if (choice.HalfLife is { } chosen)
        {
            model = model.WithItemPopularity(PopularityCounter.Count(log, model.Items, chosen));
        }

        return model.WithProperties([new(ModelPropertyNames.Fallback, choice.Reason)]);
    }

    /// <summary>What was chosen and why, as the model records it: nothing that differs from run to run (the time is printed apart), so
    /// the same command writes the same model file.</summary>
    private static string Why<TOptions>(AutoTuneResult<TOptions> tuned, string chosen)
        where TOptions : class
    {
        // A blend with popularity is kept only when it validates 1 % better, so such a trial may score above the choice without being it.
        bool outscored = tuned.Trials.Any(t => t.Stage == "popularity" && t.Score > tuned.Best.Score && tuned.MetricName != "RMSE");
        // Bayesian sampling chosen on a sample of users runs over the whole log at most the sweeps its budget of work allows.
        string capped = tuned.Options is BiasedMatrixFactorizationTrainer.Options final && tuned.Best.Options is BiasedMatrixFactorizationTrainer.Options trial
            && final.NumberOfIterations < trial.NumberOfIterations
            ? string.Create(CultureInfo.InvariantCulture,
                $"; {final.NumberOfIterations} sweeps over the whole log where {trial.NumberOfIterations} validated best on the sample, as the budget of work for a log of this size sets them (at least 20)")
            : "";
        // The implicit search keeps within a budget of work: what it shortened or left out, so a reader knows the search was not whole.
        string cuts = tuned.BudgetCuts.Count == 0 ? ""
            : "; cut to keep within the search's budget of work: " + string.Join("; ", tuned.BudgetCuts);
        return string.Create(CultureInfo.InvariantCulture,
            $"Chose {chosen}: {(outscored ? "chosen among" : "the best " + tuned.MetricName + " of")} {tuned.Trials.Count} trials, {tuned.Best.Score:F4} on {tuned.ValidationRows:N0} held-out rows of {tuned.ValidationUsers:N0} of the {tuned.TuningUsers:N0} users ({tuned.BaselineName}: {tuned.BaselineScore:F4}{(tuned.BeatsBaseline ? "" : "; warning: no trial beat it")}){(outscored ? "; a trial blending in popularity scored higher but is kept only when it validates 1 % better" : "")}{capped}{cuts}.");
    }

    private static string Took<TOptions>(AutoTuneResult<TOptions> tuned)
        where TOptions : class =>
        string.Create(CultureInfo.InvariantCulture, $"Choosing took {tuned.Elapsed.TotalSeconds:F1} s.");

    private static Dictionary<string, string> Recorded<TOptions>(AutoTuneResult<TOptions> tuned, string why)
        where TOptions : class => new()
    {
        [ModelPropertyNames.OptionsChosenBy] = "auto-tune",
        [ModelPropertyNames.Tuning] = why,
    };

    internal static CsvInteractionReaderOptions ExplicitReaderOptions(InputSettings settings)
    {
        if (settings.NoHeader && settings.RatingColumn is null)
        {
            // The default name 'rating' cannot name a column of a file without a header; the reader's message blamed --rating-col 'rating'.
            throw new UsageException("--trainer explicit learns the ratings of --rating-col, and a file without a header (--no-header) has no column "
                + "named rating: give its position, such as --rating-col 3 (MovieLens' user, item, rating, time).");
        }

        return settings.ReaderOptions(RejectedRowWarnings.Write) with { RatingColumn = settings.RatingColumn ?? "rating", EventColumn = settings.EventColumn };
    }

    /// <summary>What a training run read, trained and measured.</summary>
    internal sealed record TrainResult(InteractionLog Log, long Rejected, int Pairs, FactorModel Model, TimeSpan TrainTime, string LossName, double FinalLoss);

    /// <summary>Counts item co-occurrence from the same feedback the model was trained on, and attaches it to the model.</summary>
    internal static FactorModel WithCooccurrence(FeedbackMatrix feedback, FactorModel model, CancellationToken token) =>
        model.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: model.Items, cancellationToken: token));

    internal static TrainResult Train(string input, CsvInteractionReaderOptions readerOptions, TimeSpan? halfLife, ImplicitAlsTrainer trainer,
        CancellationToken token, bool cooccurrence = false) =>
        Train(input, readerOptions, halfLife, (_, _) => new Chosen<ImplicitAlsTrainer>(trainer, new Dictionary<string, string>()), token, cooccurrence);

    internal static TrainResult Train(string input, CsvInteractionReaderOptions readerOptions, TimeSpan? halfLife,
        Func<InteractionLog, FeedbackOptions, Chosen<ImplicitAlsTrainer>> choose, CancellationToken token, bool cooccurrence = false)
    {
        InteractionLog log = LogReading.Read(input, readerOptions, token);
        NoteUnusedRatings(log, readerOptions, input);

        CheckHalfLife(halfLife, log, input);
        var feedbackOptions = new FeedbackOptions { HalfLife = halfLife };
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(log, feedbackOptions);
        if (feedback.NumberOfEntries == 0)
        {
            throw new InteractionDataException(input, 0, 0, null, "no rows were accepted, so there is nothing to train on.");
        }

        if (feedback.CountZeroWeightPairs() is > 0 and int zero)
        {
            string why = readerOptions.WeightColumn is { } weightColumn ? $"{weightColumn} or the event weight is 0 on every row" : "the event weight is 0 on every row";
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {zero:N0} (user, item) pairs of {input} weigh 0 in all ({why}): they still count as had (left out of that user's recommendations) and as interactions of the lowest confidence. Leave those rows out of the file to drop the pairs."));
        }

        var watch = Stopwatch.StartNew();
        Chosen<ImplicitAlsTrainer> chosen = choose(log, feedbackOptions);
        ImplicitAlsTrainer trainer = chosen.Trainer;
        var (model, _, loss) = RunWithProgress("Training (implicit ALS)", "loss", trainer.TrainerOptions.NumberOfIterations,
            progress => trainer.Fit(feedback, progress, token));
        model = model.WithProperties(chosen.Properties);
        TimeSpan elapsed = watch.Elapsed;
        if (cooccurrence)
        {
            model = WithCooccurrence(feedback, model, token);
        }

        return new TrainResult(log, log.Report.Rejected, feedback.NumberOfEntries, model, elapsed, "final loss", loss);
    }

    internal static TrainResult TrainExplicit(string input, CsvInteractionReaderOptions readerOptions, RatingMatrixOptions matrixOptions,
        BiasedMatrixFactorizationTrainer trainer, CancellationToken token) =>
        TrainExplicit(input, readerOptions, matrixOptions, _ => new Chosen<BiasedMatrixFactorizationTrainer>(trainer, new Dictionary<string, string>()), token);

    internal static TrainResult TrainExplicit(string input, CsvInteractionReaderOptions readerOptions, RatingMatrixOptions matrixOptions,
        Func<InteractionLog, Chosen<BiasedMatrixFactorizationTrainer>> choose, CancellationToken token)
    {
        InteractionLog log = LogReading.Read(input, readerOptions, token);
        RatingMatrix ratings = RatingMatrix.FromLog(log, matrixOptions);
        RejectedRowWarnings.Write(input, ratings.Report);

        if (ratings.Count == 0)
        {
            throw new InteractionDataException(input, 0, 0, null, "no ratings were accepted, so there is nothing to train on.");
        }

        var watch = Stopwatch.StartNew();
        Chosen<BiasedMatrixFactorizationTrainer> chosen = choose(log);
        BiasedMatrixFactorizationTrainer trainer = chosen.Trainer;
        var (model, _, rmse) = RunWithProgress("Training (explicit MF)", "train RMSE", trainer.TrainerOptions.NumberOfIterations,
            progress => trainer.Fit(ratings, progress, token));
        model = model.WithProperties(chosen.Properties);
        TimeSpan elapsed = watch.Elapsed;
        return new TrainResult(log, log.Report.Rejected + ratings.Report.Rejected, ratings.Count, model, elapsed, "final train RMSE", rmse);
    }

    /// <summary>Runs a fit with a progress bar on a terminal, or one line per epoch otherwise.</summary>
    internal static (FactorModel Model, TimeSpan Elapsed, double Loss) RunWithProgress(string title, string lossName, int epochs,
        Func<IProgress<TrainingProgress>, FactorModel> fit)
    {
        var watch = Stopwatch.StartNew();
        double loss = double.NaN;
        FactorModel? model = null;
        var retried = new List<string>();
        string Retried(TrainingProgress p)
        {
            if (p.Retries == 0)
            {
                return "";
            }

            retried.Add(p.Epoch.ToString(CultureInfo.InvariantCulture));
            return string.Create(CultureInfo.InvariantCulture,
                $"  (the training error diverged: run again {p.Retries} time{(p.Retries == 1 ? "" : "s")}, at step size {p.LearningRate:G3})");
        }

        if (CliConsole.Interactive)
        {
            CliConsole.Out.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask(title, maxValue: epochs);
                    model = fit(new SyncProgress(p =>
                    {
                        loss = p.Loss;
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"Epoch {p.Epoch}/{p.NumberOfEpochs}  {lossName} {p.Loss:G5}  {p.EpochTime.TotalMilliseconds:F0} ms{Retried(p)}");
                        task.Increment(1);
                    }));
                });
        }
        else
        {
            model = fit(new SyncProgress(p =>
            {
                loss = p.Loss;
                CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {p.Epoch}/{p.NumberOfEpochs}  {lossName} {p.Loss:G6}  {p.EpochTime.TotalMilliseconds:F0} ms{Retried(p)}"));
            }));
        }

        if (retried.Count > 0)
        {
            CliConsole.Error.WriteLine(
                $"warning: the training error diverged at epoch {string.Join(", ", retried)}, so the step size was halved and the epoch run again "
                + "(the model records it as learning_rate_halved_at). A smaller --learning-rate trains without the retries.");
        }

        return (model!, watch.Elapsed, loss);
    }

    private static void PrintSummary(TrainResult result, string modelPath)
    {
        LoadReport report = result.Log.Report;
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        table.Border(TableBorder.Rounded);
        table.AddRow("rows read", report.Read.ToString("N0", CultureInfo.InvariantCulture));
        // Rows read = accepted + rejected + returns, where rejected also counts repeated ratings the duplicate policy refused after reading.
        table.AddRow("accepted", (report.Read - result.Rejected - report.Returns).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("rejected", result.Rejected.ToString("N0", CultureInfo.InvariantCulture));
        if (report.Returns > 0)
        {
            table.AddRow("returns (left out)", report.Returns.ToString("N0", CultureInfo.InvariantCulture));
        }
        table.AddRow("users", result.Model.Users.Count.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("items", result.Model.Items.Count.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("(user, item) pairs", result.Pairs.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("read time", $"{report.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        table.AddRow("train time", $"{result.TrainTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        table.AddRow(result.LossName, result.FinalLoss.ToString("G6", CultureInfo.InvariantCulture));
        if (result.Model.Cooccurrence is { } index)
        {
            table.AddRow("co-occurrence", $"{index.NumberOfEntries.ToString("N0", CultureInfo.InvariantCulture)} neighbour entries");
        }

        table.AddRow("model", Markup.Escape(modelPath));
        CliConsole.Out.Write(table);
    }
}

/// <summary>An <see cref="IProgress{T}"/> of tuning trials that reports on the calling thread.</summary>
internal sealed class SyncTrialProgress<TOptions>(Action<AutoTuneTrial<TOptions>> report) : IProgress<AutoTuneTrial<TOptions>>
    where TOptions : class
{
    public void Report(AutoTuneTrial<TOptions> value) => report(value);
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (the trainer reports between epochs).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
