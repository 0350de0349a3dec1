using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Personalize.Core.Data;
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

        [CommandOption("-o|--out <MODEL>")]
        [Description("Where to save the model.")]
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
        [Description("Regularization: implicit, scaled by each user's and item's total confidence (default 0.075); explicit, of the factors per user and item (default 7).")]
        public float? Regularization { get; init; }

        [CommandOption("--alpha <A>")]
        [Description("Confidence of an average interaction over a missing one (weights are divided by their mean).")]
        public float? Alpha { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the initial factors. Default: 42.")]
        public int? Seed { get; init; }

        [CommandOption("--no-cooccurrence")]
        [Description("Implicit trainer: do not count item co-occurrence into the model (related items then use the factors alone).")]
        public bool NoCooccurrence { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Training threads; the model does not depend on it. Default: all cores.")]
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

        FactorModelKind? fileKind = settings.Options is null ? null : TrainerOptionsFile.ReadKind(settings.Options);
        string trainerName = (settings.Trainer ?? (fileKind == FactorModelKind.Explicit ? "explicit" : "implicit")).ToLowerInvariant();
        if (trainerName is not ("implicit" or "explicit"))
        {
            throw new UsageException($"--trainer '{settings.Trainer}' is not available (expected implicit or explicit).");
        }

        if (fileKind is { } kind && (kind == FactorModelKind.Explicit) != (trainerName == "explicit"))
        {
            string fileTrainer = kind == FactorModelKind.Explicit ? "explicit" : "implicit";
            throw new UsageException(
                $"--options '{settings.Options}' holds options for the {fileTrainer} trainer, but --trainer is {trainerName}; leave out --trainer to use the file's, or tune the {trainerName} trainer.");
        }

        CancellationToken token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CliCancellation.Token).Token;
        TrainResult result = trainerName == "explicit"
            ? TrainExplicit(settings.Input, ExplicitReaderOptions(settings), settings.DuplicatePolicy(), ExplicitTrainer(settings), token)
            : Train(settings.Input, settings.ReaderOptions(ReportRejected),
                settings.HalfLife is null ? null : OptionParsing.Duration("--half-life", settings.HalfLife), ImplicitTrainer(settings), token,
                cooccurrence: !settings.NoCooccurrence);
        ModelFile.Save(result.Model, settings.Out);
        PrintSummary(result, settings.Out);
        return CliApp.Success;
    }

    internal static ImplicitAlsTrainer ImplicitTrainer(Settings settings)
    {
        if (settings.LearningRate is not null || settings.BiasRegularization is not null)
        {
            throw new UsageException("--learning-rate and --bias-regularization belong to --trainer explicit.");
        }

        ImplicitAlsTrainer.Options defaults = settings.Options is null ? new() : TrainerOptionsFile.LoadImplicit(settings.Options);
        return new ImplicitAlsTrainer(defaults with
        {
            NumberOfFactors = settings.Factors ?? defaults.NumberOfFactors,
            NumberOfIterations = settings.Epochs ?? defaults.NumberOfIterations,
            Regularization = settings.Regularization ?? defaults.Regularization,
            ConfidenceScale = settings.Alpha ?? defaults.ConfidenceScale,
            Seed = settings.Seed ?? defaults.Seed,
            NumberOfThreads = settings.Threads ?? defaults.NumberOfThreads,
        });
    }

    internal static BiasedMatrixFactorizationTrainer ExplicitTrainer(Settings settings)
    {
        if (settings.Alpha is not null || settings.HalfLife is not null)
        {
            throw new UsageException("--alpha and --half-life belong to --trainer implicit.");
        }

        BiasedMatrixFactorizationTrainer.Options defaults = settings.Options is null ? new() : TrainerOptionsFile.LoadExplicit(settings.Options);
        return new BiasedMatrixFactorizationTrainer(defaults with
        {
            NumberOfFactors = settings.Factors ?? defaults.NumberOfFactors,
            NumberOfIterations = settings.Epochs ?? defaults.NumberOfIterations,
            FactorRegularization = settings.Regularization ?? defaults.FactorRegularization,
            BiasRegularization = settings.BiasRegularization ?? defaults.BiasRegularization,
            LearningRate = settings.LearningRate ?? defaults.LearningRate,
            Seed = settings.Seed ?? defaults.Seed,
            NumberOfThreads = settings.Threads ?? defaults.NumberOfThreads,
        });
    }

    internal static CsvInteractionReaderOptions ExplicitReaderOptions(InputSettings settings) =>
        settings.ReaderOptions(ReportRejected) with { RatingColumn = settings.RatingColumn ?? "rating", EventColumn = settings.EventColumn };

    internal static void ReportRejected(RejectedRow row) => CliConsole.Error.WriteLine($"warning: {row}");

    internal sealed record TrainResult(InteractionLog Log, long Rejected, int Pairs, FactorModel Model, TimeSpan TrainTime, string LossName, double FinalLoss);

    /// <summary>Counts item co-occurrence from the same feedback the model was trained on, and attaches it to the model.</summary>
    internal static FactorModel WithCooccurrence(FeedbackMatrix feedback, FactorModel model, CancellationToken token) =>
        model.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: model.Items, cancellationToken: token));

    internal static TrainResult Train(string input, CsvInteractionReaderOptions readerOptions, TimeSpan? halfLife, ImplicitAlsTrainer trainer,
        CancellationToken token, bool cooccurrence = false)
    {
        InteractionLog log = InteractionLog.ReadCsv(input, readerOptions, token);
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = halfLife });
        if (feedback.NumberOfEntries == 0)
        {
            throw new InteractionDataException(input, 0, 0, null, "no rows were accepted, so there is nothing to train on.");
        }

        var (model, elapsed, loss) = RunWithProgress("Training (implicit ALS)", "loss", trainer.TrainerOptions.NumberOfIterations,
            progress => trainer.Fit(feedback, progress, token));
        if (cooccurrence)
        {
            model = WithCooccurrence(feedback, model, token);
        }

        return new TrainResult(log, log.Report.Rejected, feedback.NumberOfEntries, model, elapsed, "final loss", loss);
    }

    internal static TrainResult TrainExplicit(string input, CsvInteractionReaderOptions readerOptions, RatingMatrixOptions matrixOptions,
        BiasedMatrixFactorizationTrainer trainer, CancellationToken token)
    {
        InteractionLog log = InteractionLog.ReadCsv(input, readerOptions, token);
        RatingMatrix ratings = RatingMatrix.FromLog(log, matrixOptions);
        foreach (RejectedRow row in ratings.Report.RejectedRows)
        {
            ReportRejected(row);
        }

        if (ratings.Count == 0)
        {
            throw new InteractionDataException(input, 0, 0, null, "no ratings were accepted, so there is nothing to train on.");
        }

        var (model, elapsed, rmse) = RunWithProgress("Training (explicit MF)", "train RMSE", trainer.TrainerOptions.NumberOfIterations,
            progress => trainer.Fit(ratings, progress, token));
        return new TrainResult(log, log.Report.Rejected + ratings.Report.Rejected, ratings.Count, model, elapsed, "final train RMSE", rmse);
    }

    /// <summary>Runs a fit with a progress bar on a terminal, or one line per epoch otherwise.</summary>
    internal static (FactorModel Model, TimeSpan Elapsed, double Loss) RunWithProgress(string title, string lossName, int epochs,
        Func<IProgress<TrainingProgress>, FactorModel> fit)
    {
        var watch = Stopwatch.StartNew();
        double loss = double.NaN;
        FactorModel? model = null;
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
                            $"Epoch {p.Epoch}/{p.NumberOfEpochs}  {lossName} {p.Loss:G5}  {p.EpochTime.TotalMilliseconds:F0} ms");
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
                    $"epoch {p.Epoch}/{p.NumberOfEpochs}  {lossName} {p.Loss:G6}  {p.EpochTime.TotalMilliseconds:F0} ms"));
            }));
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
        table.AddRow("accepted", report.Accepted.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("rejected", result.Rejected.ToString("N0", CultureInfo.InvariantCulture));
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

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (the trainer reports between epochs).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
