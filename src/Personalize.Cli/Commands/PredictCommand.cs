using System.ComponentModel;
using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>
/// <c>personalize predict</c>: a score for every (user, item) pair of a CSV, in input order: the predicted rating (clamped to the
/// training range) for explicit models, the preference score for implicit ones.
/// </summary>
internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    internal sealed class Settings : InputSettings
    {
        [CommandOption("-m|--model <MODEL>")]
        [Description("The model file.")]
        public string? Model { get; init; }

        [CommandOption("-i|--input <FILE>")]
        [Description("The pairs: a CSV with user and item columns. Other columns do not change the predictions, but the conventional ones (event_type, timestamp, quantity, rating) are checked as train checks them.")]
        public string? Input { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Where to write user_id,item_id,score. Default: the console.")]
        public string? Out { get; init; }

        [CommandOption("--fail-on-unknown")]
        [Description("Pairs whose user or item the model does not know are an error (exit 2, naming the first ones) instead of a fallback score.")]
        public bool FailOnUnknown { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.RefuseDuplicates("predict");
        if (string.IsNullOrWhiteSpace(settings.Model) || string.IsNullOrWhiteSpace(settings.Input))
        {
            throw new UsageException("--model and --input are required: the model and the CSV of (user, item) pairs to score.");
        }

        if (settings.Out is not null)
        {
            OptionParsing.CheckOutput("--out", settings.Out, writesModel: false, settings.Input, settings.Model);
        }

        FactorModel model = ModelFile.Load(settings.Model);
        // Read as train reads a log, so its notes are told: rows left out as returns (a negative quantity) have no prediction either.
        InteractionLog pairs = LogReading.Read(settings.Input, settings.ReaderOptions(RejectedRowWarnings.Write), CliCancellation.Token);
        var output = new StringBuilder("user_id,item_id,score\n");
        int unknown = 0;
        var unknownUsers = new HashSet<string>(StringComparer.Ordinal);
        var unknownItems = new HashSet<string>(StringComparer.Ordinal);
        var firstUnknown = new List<string>();
        for (int row = 0; row < pairs.Count; row++)
        {
            string user = pairs.Users.GetId(pairs.UserIndices[row]);
            string item = pairs.Items.GetId(pairs.ItemIndices[row]);
            bool knownUser = model.Users.TryGetIndex(user, out _), knownItem = model.Items.TryGetIndex(item, out _);
            if (!knownUser || !knownItem)
            {
                unknown++;
                if (!knownUser)
                {
                    unknownUsers.Add(user);
                }

                if (!knownItem)
                {
                    unknownItems.Add(item);
                }

                if (firstUnknown.Count < 5)
                {
                    firstUnknown.Add(string.Create(CultureInfo.InvariantCulture, $"line {pairs.GetLineNumber(row)}: {(knownUser ? "" : $"user '{user}'")}{(knownUser || knownItem ? "" : ", ")}{(knownItem ? "" : $"item '{item}'")}"));
                }
            }

            output.Append(RecommendCommand.CsvField(user)).Append(',').Append(RecommendCommand.CsvField(item)).Append(',')
                .Append(model.PredictRating(user, item).ToString("G7", CultureInfo.InvariantCulture)).Append('\n');
        }

        if (settings.FailOnUnknown && unknown > 0)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--fail-on-unknown: {unknown:N0} of {pairs.Count:N0} pairs name a user or item the model does not know ({(unknown > firstUnknown.Count ? "first: " : "")}{string.Join("; ", firstUnknown)}); without --fail-on-unknown they get a fallback score."));
        }

        if (settings.Out is null)
        {
            CliConsole.Out.Profile.Out.Writer.Write(output.ToString());
        }
        else
        {
            OutputFile.Write(settings.Out, output.ToString());
            CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {pairs.Count:N0} predictions to {settings.Out}."));
        }

        if (unknown > 0)
        {
            string rule = model.Kind != FactorModelKind.Explicit ? "their scores are 0 (no evidence)"
                : model.HasBiases ? "their predictions use the global mean and whichever bias is known"
                : "their scores are 0, not ratings: the model has no global mean or biases to fall back on (a Spark ALS model, "
                    + "whose own prediction for them is NaN); leave those rows out, or give --fail-on-unknown";
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {unknown:N0} of {pairs.Count:N0} pairs have a user or item the model does not know; {rule}."));
        }

        string fallback = model.Kind == FactorModelKind.Explicit && model.HasBiases ? "global mean and known biases"
            : model.Kind == FactorModelKind.Explicit ? "score 0, no biases" : "score 0";
        CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary: {pairs.Count:N0} pairs scored, {pairs.Count - unknown:N0} personalized, {unknown:N0} on the fallback ({fallback}), {unknownUsers.Count:N0} unknown users, {unknownItems.Count:N0} unknown items."));

        if (pairs.Report.Rejected > 0)
        {
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {pairs.Report.Rejected:N0} of {pairs.Report.Read:N0} rows were rejected and have no prediction (see the warnings above)."));
        }

        if (pairs.Report.Returns > 0)
        {
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {pairs.Report.Returns:N0} of {pairs.Report.Read:N0} rows were read as returns (a negative quantity) and have no prediction; leave the quantity column out of the file to score them."));
        }

        return CliApp.Success;
    }
}
