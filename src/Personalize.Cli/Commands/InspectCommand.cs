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
        foreach (var (name, value) in Rows(model))
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        CliConsole.Out.Write(table);
        return CliApp.Success;
    }

    /// <summary>How many (user, item) pairs the model holds as seen: what recommendations leave out and fold-in starts from.</summary>
    private static string SeenItems(FactorModel model)
    {
        long pairs = 0;
        for (int u = 0; u < model.Users.Count; u++)
        {
            pairs += model.GetSeenItems(u).Length;
        }

        return pairs > 0 ? string.Create(CultureInfo.InvariantCulture, $"{pairs:N0} (user, item) pairs, left out of recommendations")
            : "none (nothing is left out as seen: a model imported from Spark without --interactions, or with a log that matched none of it)";
    }

    /// <summary>How many items have a popularity: the fallback list for users the model does not know.</summary>
    private static string Popularity(FactorModel model)
    {
        int items = 0;
        foreach (float p in model.ItemPopularity)
        {
            items += p > 0 ? 1 : 0;
        }

        return items > 0 ? string.Create(CultureInfo.InvariantCulture, $"{items:N0} items (the fallback list for users the model does not know)")
            : "none (users the model does not know get an empty list)";
    }

    /// <summary>
    /// The rows of <c>inspect</c>, each once: what the file holds, then the recorded properties in key order. A property that repeats a
    /// row (trainers and the Spark importer record <c>factors</c>) is left out when it agrees and shown as <c>name (recorded)</c> when not.
    /// </summary>
    internal static List<(string Name, string Value)> Rows(FactorModel model)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("kind", model.Kind.ToString()),
            ("users", model.Users.Count.ToString("N0", CultureInfo.InvariantCulture)),
            ("items", model.Items.Count.ToString("N0", CultureInfo.InvariantCulture)),
            ("factors", Factors(model)),
            ("seen items", SeenItems(model)),
            ("popularity", Popularity(model)),
            ("seen weights", model.HasSeenWeights ? "yes" : "no (fold-in of known users and explanations assume the mean weight)"),
            ("co-occurrence", model.Cooccurrence is { } index
                ? string.Create(CultureInfo.InvariantCulture, $"{index.NumberOfEntries:N0} neighbour entries, up to {index.Options.NumberOfNeighbors} per item, pairs seen by {index.Options.MinimumCount}+ users")
                : "none (related items use the factors alone)"),
        };
        var fixedRows = rows.ToDictionary(r => r.Name, r => r.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in model.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (key == ModelPropertyNames.ItemItemEigenvalues)
            {
                string[] values = value.Split(',');
                rows.Add((key, values.Length > 4 ? $"{values.Length} values, {Short(values[0])} … {Short(values[^1])}" : value));
            }
            else if (key == ModelPropertyNames.Factors && model.Properties.ContainsKey(ModelPropertyNames.ItemItemRank))
            {
                continue;   // shown in the factors row
            }
            else if (!fixedRows.TryGetValue(key, out string? shown))
            {
                rows.Add((key, value));
            }
            else if (!string.Equals(shown.Replace(",", "", StringComparison.Ordinal), value.Replace(",", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
            {
                rows.Add((key + " (recorded)", value));
            }
        }

        return rows;
    }

    /// <summary>The factor count, split into the trained factors and the item-item values for a blended model.</summary>
    private static string Factors(FactorModel model)
    {
        string total = model.NumberOfFactors.ToString(CultureInfo.InvariantCulture);
        return model.Properties.TryGetValue(ModelPropertyNames.ItemItemRank, out string? rank)
            && model.Properties.TryGetValue(ModelPropertyNames.Factors, out string? factors)
            ? $"{total} ({factors} factors + {rank} item-item values)"
            : total;
    }

    private static string Short(string number) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value.ToString("G5", CultureInfo.InvariantCulture) : number;
}
