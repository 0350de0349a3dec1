using System.ComponentModel;
using System.Globalization;
using Personalize.Core.Models;
using Personalize.Core.Spark;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>
/// <c>personalize import-spark</c>: turns the folder a Spark ALS job saved with <c>model.save(path)</c> into a model file, with the
/// callers' ids (from <c>--ids</c>) and, from <c>--interactions</c>, seen items and popularity.
/// </summary>
internal sealed class ImportSparkCommand : Command<ImportSparkCommand.Settings>
{
    internal sealed class Settings : InputSettings
    {
        [CommandOption("--model-dir <DIR>")]
        [Description("The folder ALSModel.save(path) wrote: metadata/, userFactors/ and itemFactors/.")]
        public string? ModelDir { get; init; }

        [CommandOption("-o|--out <MODEL>")]
        [Description("The model file to write.")]
        public string? Out { get; init; }

        [CommandOption("--ids <FILE>")]
        [Description("CSV kind,index,id mapping Spark's integer ids to yours (kind user or item; e.g. a StringIndexer's labels). Default: the integers are the ids.")]
        public string? Ids { get; init; }

        [CommandOption("--interactions <FILE>")]
        [Description("An interaction log (read with the reader options below) for seen items and popularity. Default: none.")]
        public string? Interactions { get; init; }

        [CommandOption("--kind <KIND>")]
        [Description("implicit (trained with implicitPrefs=True) or explicit. Default: the metadata's implicitPrefs, else explicit (Spark's default).")]
        public string? Kind { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.RefuseDuplicates("import-spark");
        if (string.IsNullOrWhiteSpace(settings.ModelDir) || string.IsNullOrWhiteSpace(settings.Out))
        {
            throw new UsageException("--model-dir and --out are required: the folder a Spark ALS model was saved to, and the model file to write.");
        }

        OptionParsing.CheckOutput("--out", settings.Out, writesModel: true, settings.Ids, settings.Interactions);
        string folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.ModelDir)) + Path.DirectorySeparatorChar;
        if (Path.GetFullPath(settings.Out).StartsWith(folder, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            throw new UsageException($"--out {settings.Out} is inside --model-dir {settings.ModelDir}, which the import reads; write the model file elsewhere.");
        }

        FactorModelKind? kind = settings.Kind?.ToLowerInvariant() switch
        {
            null => null,
            "implicit" => FactorModelKind.Implicit,
            "explicit" => FactorModelKind.Explicit,
            _ => throw new UsageException($"--kind '{settings.Kind}' is not a kind (expected implicit or explicit)."),
        };
        var options = new SparkAlsImportOptions
        {
            IdMappingPath = settings.Ids,
            InteractionsPath = settings.Interactions,
            InteractionReaderOptions = settings.Interactions is null ? null : settings.ReaderOptions(RejectedRowWarnings.Write),
            Kind = kind,
        };

        CancellationToken token = cancellationToken.CanBeCanceled ? cancellationToken : CliCancellation.Token;
        SparkAlsImportResult result = SparkAlsImporter.ImportAsync(settings.ModelDir, options, token).GetAwaiter().GetResult();
        FactorModel model = result.Model;
        ModelFile.Save(model, settings.Out);

        string sparkVersion = result.SparkVersion is null ? "" : $" (Spark {result.SparkVersion})";
        CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Read {model.Users.Count:N0} users from {result.UserFiles} file(s) and {model.Items.Count:N0} items from {result.ItemFiles} file(s){sparkVersion}, rank {model.NumberOfFactors}."));
        CliConsole.Out.WriteLine($"Kind: {model.Kind.ToString().ToLowerInvariant()} (from the {result.KindSource switch { "metadata" => "metadata", "option" => "--kind option", _ => "Spark default" }}).");
        if (result.Interactions is { } report)
        {
            RejectedRowWarnings.WriteRest(settings.Interactions!, report.Rejected);
            CliConsole.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Interactions: {report.Read:N0} rows read, {report.Accepted:N0} accepted, {report.Rejected:N0} rejected; {result.InteractionsNotInModel:N0} name a user or item the Spark model does not have and were not used."));
            if (report.Accepted > 0 && result.InteractionsNotInModel * 2 > report.Accepted)
            {
                // Most of the log matching nothing is a sign of ids that differ (no --ids, or a mapping of another run), not of a log
                // that is a little newer than the model: say so, as the model then has few seen items and little popularity.
                bool none = result.InteractionsNotInModel == report.Accepted;
                string count = none ? "every one" : result.InteractionsNotInModel.ToString("N0", CultureInfo.InvariantCulture);
                string cause = settings.Ids is null
                    ? "Without --ids the model's ids are Spark's integer indices: give the StringIndexer labels with --ids."
                    : $"Check that {settings.Ids} is the mapping of the run that trained the model and that the log uses the same ids.";
                CliConsole.Error.WriteLine($"warning: {count} of the {report.Accepted.ToString("N0", CultureInfo.InvariantCulture)} accepted rows of "
                    + $"{settings.Interactions} name{(none ? "s" : "")} a user or item the Spark model does not have, so the model has "
                    + $"{(none ? "no seen items and no" : "few seen items and little")} popularity. {cause}");
            }
        }

        CliConsole.Out.WriteLine($"Wrote {settings.Out}.");
        if (result.FoldersWithoutSuccessMarker.Count > 0)
        {
            CliConsole.Error.WriteLine($"warning: {string.Join(" and ", result.FoldersWithoutSuccessMarker.Select(f => f + "/"))} "
                + $"{(result.FoldersWithoutSuccessMarker.Count == 1 ? "has" : "have")} no _SUCCESS file, which Spark writes when a save completes: "
                + "the save may have stopped part way, leaving users or items out. Check that the Spark job finished (or that its committer writes no marker).");
        }

        if (result.KindSource == "default")
        {
            CliConsole.Error.WriteLine("note: Spark's ALSModel.save does not record implicitPrefs, so the model is imported as explicit (Spark's default); "
                + "pass --kind implicit if it was trained with implicitPrefs=True.");
        }

        if (result.Interactions is null)
        {
            CliConsole.Error.WriteLine("note: without --interactions the model has no seen items (recommendations may include what users already have) "
                + "and no popularity (unknown users do not get popular items).");
        }

        return CliApp.Success;
    }
}
