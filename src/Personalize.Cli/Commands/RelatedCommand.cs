using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize related</c>: the items most related to one item or a basket, from the item factors blended with co-occurrence.</summary>
internal sealed class RelatedCommand : Command<RelatedCommand.Settings>
{
    internal sealed class Settings : InputSettings
    {
        [CommandOption("-m|--model <MODEL>")]
        [Description("The model file.")]
        public string? Model { get; init; }

        [CommandOption("--item <ID>")]
        [Description("The item; repeat it for a basket or a search result (--item A --item B).")]
        public string[]? Item { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many related items. Default: 10.")]
        public int Top { get; init; } = 10;

        [CommandOption("-i|--input <FILE>")]
        [Description("An interaction log to count co-occurrence from, when the model has none (or to replace it). Reader options as for train.")]
        public string? Input { get; init; }

        [CommandOption("--items <FILE>")]
        [Description("A catalogue CSV with item_id (and title) columns, for titles and --filter.")]
        public string? Items { get; init; }

        [CommandOption("--schema <TYPES>")]
        [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number (types: text, number, boolean, datetime, tags, category).")]
        public string? Schema { get; init; }

        [CommandOption("--items-id-col <NAME>")]
        [Description("Column of the item id in the --items catalogue. Default: item_id")]
        public string? ItemsIdCol { get; init; }

        [CommandOption("--filter <TEXT>")]
        [Description("Only items that pass this filter, such as 'in_stock and price <= 50'. Needs --items.")]
        public string? Filter { get; init; }

        [CommandOption("--similarity <KIND>")]
        [Description("How item factors are compared: cosine (default) or dot.")]
        public string? Similarity { get; init; }

        [CommandOption("--cooccurrence-weight <W>")]
        [Description("Weight of co-occurrence against factor similarity, 0 to 1. Default: 0.5.")]
        public float? CooccurrenceWeight { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default), csv (item_id,rank,score,source,cooccurrence_count,factor_similarity) or json.")]
        public string Format { get; init; } = "table";

        [CommandOption("--out <FILE>")]
        [Description("Write the list to this file instead of the console; needs --format csv or json.")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.RefuseDuplicates("related");
        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            throw new UsageException("--model is required: the model file to find related items in.");
        }

        if (settings.Out is not null)
        {
            OptionParsing.CheckOutput("--out", settings.Out, writesModel: false, settings.Model, settings.Input, settings.Items);
        }

        if (settings.Item is not { Length: > 0 })
        {
            throw new UsageException("--item is required: the item to find related items for (repeat it for a basket).");
        }

        if (settings.Top < 1)
        {
            throw new UsageException($"--top {settings.Top} must be at least 1.");
        }

        string format = settings.Format.ToLowerInvariant();
        if (format is not ("table" or "csv" or "json"))
        {
            throw new UsageException($"--format '{settings.Format}' is not a format (expected table, csv or json).");
        }

        ItemSimilarity similarity = settings.Similarity?.ToLowerInvariant() switch
        {
            null or "cosine" => ItemSimilarity.Cosine,
            "dot" => ItemSimilarity.Dot,
            _ => throw new UsageException($"--similarity '{settings.Similarity}' is not a similarity (expected cosine or dot)."),
        };

        if (settings.CooccurrenceWeight is { } weight && !(weight is >= 0 and <= 1))
        {
            throw new UsageException($"--cooccurrence-weight {weight.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1.");
        }

        CatalogReading.Check(settings.Schema, settings.Items, settings.ItemsIdCol);
        if (settings.Out is not null && format == "table")
        {
            throw new UsageException("--out needs --format csv or json; the table is for reading on screen.");
        }

        if (settings.Filter is not null && settings.Items is null)
        {
            throw new UsageException("--filter needs --items: the catalogue whose attributes the filter reads.");
        }

        FactorModel model = ModelFile.Load(settings.Model);
        if (settings.Input is not null)
        {
            model = model.WithCooccurrence(CountCooccurrence(settings, model));
        }
        else if (model.Cooccurrence is null)
        {
            CliConsole.Error.WriteLine("note: the model has no co-occurrence section, so related items come from the item factors alone; give --input events.csv (or retrain) to add co-occurrence.");
        }

        (ItemCatalog? catalogue, ItemTitles titles) = ItemTitles.Read(settings.Items, settings.Filter is not null, settings.Schema, settings.ItemsIdCol);
        if (settings.Items is not null && settings.Filter is null)
        {
            titles.WarnIfApart(model.Items, settings.Items);   // with --filter, the catalogue's check says it
        }

        CompiledFilter? filter = catalogue is null ? null : CompileFilter(settings.Filter!, settings.Items!, catalogue, model);
        if (filter is { ExcludesSeen: true })
        {
            throw new UsageException("--filter: 'not seen' does not apply to related items, which are not anyone's list (there is no user whose history to leave out); leave it out.");
        }
        using var recommender = new Recommender(model, new RecommenderOptions
        {
            RelatedItemsSimilarity = similarity,
            CooccurrenceWeight = settings.CooccurrenceWeight ?? new RecommenderOptions().CooccurrenceWeight,
        });
        RelatedItemList list = recommender.RelatedTo(settings.Item, settings.Top, filter);
        if (list.InputItemIds.Count == 0)
        {
            string ids = string.Join("', '", list.UnknownItemIds);
            throw new UsageException($"--item '{ids}' is not in the model ({model.Items.Count:N0} items); nothing to relate to.");
        }

        foreach (string unknown in list.UnknownItemIds)
        {
            CliConsole.Error.WriteLine($"warning: --item '{unknown}' is not in the model; it was skipped.");
        }

        string? text = format switch
        {
            "csv" => Csv(list),
            "json" => Json(list, titles),
            _ => null,
        };
        if (text is null)
        {
            WriteTable(list, titles);
        }
        else if (settings.Out is not null)
        {
            OutputFile.Write(settings.Out, text);
            CliConsole.Out.WriteLine($"Wrote {list.Count:N0} related items to {settings.Out}.");
        }
        else
        {
            CliConsole.Out.Profile.Out.Writer.Write(text);
        }

        return CliApp.Success;
    }

    private static CooccurrenceIndex CountCooccurrence(Settings settings, FactorModel model)
    {
        InteractionLog log = LogReading.Read(settings.Input!, settings.ReaderOptions(RejectedRowWarnings.Write), CliCancellation.Token);
        CooccurrenceIndex index = CooccurrenceIndex.Build(FeedbackMatrix.FromLog(log), items: model.Items, cancellationToken: CliCancellation.Token);
        if (index.UnmatchedEntryCount > 0)
        {
            CliConsole.Error.WriteLine(
                $"warning: {index.UnmatchedEntryCount:N0} (user, item) pairs of {settings.Input} name items the model does not have; they were not counted.");
        }

        return index;
    }

    private static CompiledFilter CompileFilter(string text, string itemsPath, ItemCatalog catalog, FactorModel model)
    {
        CatalogReading.WarnIfApart(catalog, model.Items, itemsPath);
        return PageOutput.CompileListFilter(text, catalog, model.Items);
    }

    internal static string SourceName(RelatedItemSource source) => source switch
    {
        RelatedItemSource.Cooccurrence => "co-occurrence",
        RelatedItemSource.Both => "both",
        _ => "factors",
    };

    private static string Csv(RelatedItemList list)
    {
        var builder = new StringBuilder("item_id,rank,score,source,cooccurrence_count,factor_similarity\n");
        for (int r = 0; r < list.Count; r++)
        {
            RelatedItem item = list[r];
            builder.Append(RecommendCommand.CsvField(item.ItemId)).Append(',')
                .Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(item.Score.ToString("G7", CultureInfo.InvariantCulture)).Append(',')
                .Append(SourceName(item.Source)).Append(',')
                .Append(item.CooccurrenceCount.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(item.FactorSimilarity.ToString("G7", CultureInfo.InvariantCulture)).Append('\n');
        }

        return builder.ToString();
    }

    private static string Json(RelatedItemList list, ItemTitles titles)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("input");
            foreach (string id in list.InputItemIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("unknown");
            foreach (string id in list.UnknownItemIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("cooccurrence", list.UsedCooccurrence);
            writer.WriteStartArray("items");
            for (int r = 0; r < list.Count; r++)
            {
                RelatedItem item = list[r];
                writer.WriteStartObject();
                writer.WriteString("item_id", item.ItemId);
                writer.WriteNumber("rank", r + 1);
                writer.WriteNumber("score", item.Score);
                writer.WriteString("source", SourceName(item.Source));
                writer.WriteNumber("cooccurrence_count", item.CooccurrenceCount);
                writer.WriteNumber("factor_similarity", item.FactorSimilarity);
                if (titles.Get(item.ItemId) is { } title)
                {
                    writer.WriteString("title", title);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteTable(RelatedItemList list, ItemTitles titles)
    {
        string inputs = string.Join(", ", list.InputItemIds.Select(titles.Describe));
        string basis = list.UsedCooccurrence ? "factors + co-occurrence" : "factors only";
        var table = new Table().Title($"Related to [bold]{Markup.Escape(inputs)}[/] ({basis})")
            .AddColumns("rank", "item", "score", "source", "together");
        table.Border(TableBorder.Rounded);
        for (int r = 0; r < list.Count; r++)
        {
            RelatedItem item = list[r];
            table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(titles.Describe(item.ItemId)),
                item.Score.ToString("F4", CultureInfo.InvariantCulture), SourceName(item.Source),
                item.CooccurrenceCount.ToString(CultureInfo.InvariantCulture));
        }

        CliConsole.Out.Write(table);
    }
}
