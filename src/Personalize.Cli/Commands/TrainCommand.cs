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
    internal sealed class Settings : InputSettings
    {
        [CommandOption("-i|--input <FILE>")]
        [Description("The interaction log (CSV/TSV).")]
        public string? Input { get; init; }

        [CommandOption("-o|--out <MODEL>")]
        [Description("Where to save the model.")]
        public string? Out { get; init; }

        [CommandOption("--trainer <NAME>")]
        [Description("implicit (default): weighted ALS for views, carts and purchases.")]
        public string? Trainer { get; init; }

        [CommandOption("--half-life <DURATION>")]
        [Description("Time decay of event weights, such as 30d or 12h. Default: none.")]
        public string? HalfLife { get; init; }

        [CommandOption("--factors <N>")]
        [Description("Latent factors per user and item. Default: 64.")]
        public int? Factors { get; init; }

        [CommandOption("--epochs <N>")]
        [Description("Training epochs. Default: 15.")]
        public int? Epochs { get; init; }

        [CommandOption("--regularization <L>")]
        [Description("Regularization, scaled by each user's and item's total confidence.")]
        public float? Regularization { get; init; }

        [CommandOption("--alpha <A>")]
        [Description("Confidence of an average interaction over a missing one (weights are divided by their mean).")]
        public float? Alpha { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the initial factors. Default: 42.")]
        public int? Seed { get; init; }

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

        if (settings.Trainer is not null && !settings.Trainer.Equals("implicit", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--trainer '{settings.Trainer}' is not available (expected implicit).");
        }

        var defaults = new ImplicitAlsTrainer.Options();
        var options = defaults with
        {
            NumberOfFactors = settings.Factors ?? defaults.NumberOfFactors,
            NumberOfIterations = settings.Epochs ?? defaults.NumberOfIterations,
            Regularization = settings.Regularization ?? defaults.Regularization,
            ConfidenceScale = settings.Alpha ?? defaults.ConfidenceScale,
            Seed = settings.Seed ?? defaults.Seed,
            NumberOfThreads = settings.Threads,
        };
        var trainer = new ImplicitAlsTrainer(options);
        TimeSpan? halfLife = settings.HalfLife is null ? null : OptionParsing.Duration("--half-life", settings.HalfLife);
        CancellationToken token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CliCancellation.Token).Token;

        var result = Train(settings.Input, settings.ReaderOptions(ReportRejected), halfLife, trainer, token);
        ModelFile.Save(result.Model, settings.Out);
        PrintSummary(result, settings.Out);
        return CliApp.Success;
    }

    internal static void ReportRejected(RejectedRow row) => CliConsole.Error.WriteLine($"warning: {row}");

    internal sealed record TrainResult(InteractionLog Log, FeedbackMatrix Feedback, FactorModel Model, TimeSpan TrainTime, double FinalLoss);

    internal static TrainResult Train(string input, CsvInteractionReaderOptions readerOptions, TimeSpan? halfLife, ImplicitAlsTrainer trainer,
        CancellationToken token)
    {
        InteractionLog log = InteractionLog.ReadCsv(input, readerOptions, token);
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = halfLife });
        if (feedback.NumberOfEntries == 0)
        {
            throw new InteractionDataException(input, 0, 0, null, "no rows were accepted, so there is nothing to train on.");
        }

        var watch = Stopwatch.StartNew();
        double loss = double.NaN;
        int epochs = trainer.TrainerOptions.NumberOfIterations;
        FactorModel model;
        if (CliConsole.Interactive)
        {
            model = null!;
            CliConsole.Out.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask("Training (implicit ALS)", maxValue: epochs);
                    model = trainer.Fit(feedback, new SyncProgress(p =>
                    {
                        loss = p.Loss;
                        task.Description = $"Epoch {p.Epoch}/{p.NumberOfEpochs}  loss {p.Loss:G5}  {p.EpochTime.TotalMilliseconds:F0} ms";
                        task.Increment(1);
                    }), token);
                });
        }
        else
        {
            model = trainer.Fit(feedback, new SyncProgress(p =>
            {
                loss = p.Loss;
                CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {p.Epoch}/{p.NumberOfEpochs}  loss {p.Loss:G6}  {p.EpochTime.TotalMilliseconds:F0} ms"));
            }), token);
        }

        return new TrainResult(log, feedback, model, watch.Elapsed, loss);
    }

    private static void PrintSummary(TrainResult result, string modelPath)
    {
        LoadReport report = result.Log.Report;
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        table.Border(TableBorder.Rounded);
        table.AddRow("rows read", report.Read.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("accepted", report.Accepted.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("rejected", report.Rejected.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("users", result.Model.Users.Count.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("items", result.Model.Items.Count.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("(user, item) pairs", result.Feedback.NumberOfEntries.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("read time", $"{report.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        table.AddRow("train time", $"{result.TrainTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        table.AddRow("final loss", result.FinalLoss.ToString("G6", CultureInfo.InvariantCulture));
        table.AddRow("model", Markup.Escape(modelPath));
        CliConsole.Out.Write(table);
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (the trainer reports between epochs).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
