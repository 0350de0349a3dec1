using System.ComponentModel;
using System.Globalization;
using Personalize.Core.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize inspect</c>: what a model file holds.</summary>
internal sealed class InspectCommand : Command<InspectCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <MODEL>")]
        [Description("The model file.")]
        public string? Model { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            throw new UsageException("--model is required: the model file to inspect.");
        }

        FactorModel model = ModelFile.Load(settings.Model);
        var table = new Table().AddColumns("property", "value");
        table.Border(TableBorder.Rounded);
        table.AddRow("kind", model.Kind.ToString());
        table.AddRow("users", model.Users.Count.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("items", model.Items.Count.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("factors", model.NumberOfFactors.ToString(CultureInfo.InvariantCulture));
        table.AddRow("seen weights", model.HasSeenWeights ? "yes" : "no (fold-in of known users and explanations assume the mean weight)");
        table.AddRow("co-occurrence", model.Cooccurrence is { } index
            ? string.Create(CultureInfo.InvariantCulture, $"{index.NumberOfEntries:N0} neighbour entries, up to {index.Options.NumberOfNeighbors} per item, pairs seen by {index.Options.MinimumCount}+ users")
            : "none (related items use the factors alone)");
        foreach (var (key, value) in model.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        CliConsole.Out.Write(table);
        return CliApp.Success;
    }
}
