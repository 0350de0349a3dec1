using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Tracking;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize trending</c>: replays an event log and lists the items trending now, globally or in one category.</summary>
internal sealed class TrendingCommand : Command<TrendingCommand.Settings>
{
    internal sealed class Settings : LiveSettings
    {
        [CommandOption("--half-life <DURATION>")]
        [Description("Half-life of the recent event rate, such as 1h, 6h or 1d. Default: 1h.")]
        public string? HalfLife { get; init; }

        [CommandOption("--baseline-half-life <DURATION>")]
        [Description("Half-life of each item's usual rate; longer than --half-life. Default: 1d.")]
        public string? BaselineHalfLife { get; init; }

        [CommandOption("--smoothing <EVENTS>")]
        [Description("Pseudo-events added to the recent and the expected count, so an item with few events cannot top the list. Default: 5.")]
        public double? Smoothing { get; init; }

        [CommandOption("--category <PATH>")]
        [Description("Only items in this category or under it, such as Kitchen or Kitchen/Coffee. Needs --items.")]
        public string? Category { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Smoothing is { } smoothing && !(smoothing is >= 0 and <= 1e9))
        {
            throw new UsageException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--smoothing {smoothing} must be between 0 and 1,000,000,000 (events added to every item's baseline)."));
        }

        var options = new EventTrackerOptions();
        options = options with
        {
            ShortHalfLife = settings.HalfLife is null ? options.ShortHalfLife : OptionParsing.Duration("--half-life", settings.HalfLife),
            BaselineHalfLife = settings.BaselineHalfLife is null ? options.BaselineHalfLife
                : OptionParsing.Duration("--baseline-half-life", settings.BaselineHalfLife),
            TrendingSmoothing = settings.Smoothing ?? options.TrendingSmoothing,
        };
        if (settings.Category is not null && settings.Items is null)
        {
            throw new UsageException("--category needs --items: the catalogue that says which category each item is in.");
        }

        LiveSession session = LiveSession.Open(settings, options, needsCategories: settings.Category is not null);
        IReadOnlyList<TrendingItem> items;
        try
        {
            items = session.Tracker.TrendingNow(settings.Top, session.Filter, settings.Category);
        }
        catch (ArgumentException exception) when (exception.ParamName == "category")
        {
            throw UsageException.For("--category", exception);
        }
        catch (InvalidOperationException) when (settings.Category is not null)
        {
            throw new UsageException($"--category: {settings.Items} has no '{options.CategoryAttribute}' column to read categories from.");
        }

        switch (session.Format)
        {
            case "csv":
                LiveSession.Write(settings.Out, Csv(items), items.Count);
                break;
            case "json":
                LiveSession.Write(settings.Out, Json(items, session, settings.Category), items.Count);
                break;
            default:
                CliConsole.Out.WriteLine(session.Summary());
                if (items.Count == 0)
                {
                    CliConsole.Out.WriteLine($"Nothing is trending as of {LiveSession.Time(session.AsOf)}: no item{(session.Filter is null ? "" : " that passes the filter")}{(settings.Category is null ? "" : $" under '{settings.Category}'")} is busier than usual.");
                    break;
                }

                WriteTable(items, session, settings.Category);
                break;
        }

        return CliApp.Success;
    }

    private static string Csv(IReadOnlyList<TrendingItem> items)
    {
        var text = new StringBuilder("item_id,rank,score,recent_events,expected_events\n");
        for (int r = 0; r < items.Count; r++)
        {
            text.Append(RecommendCommand.CsvField(items[r].ItemId)).Append(',').Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(LiveSession.Number(items[r].Score)).Append(',').Append(LiveSession.Number(items[r].RecentEvents)).Append(',')
                .Append(LiveSession.Number(items[r].ExpectedEvents)).Append('\n');
        }

        return text.ToString();
    }

    private static string Json(IReadOnlyList<TrendingItem> items, LiveSession session, string? category)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("as_of", LiveSession.Time(session.AsOf));
            writer.WriteString("half_life", LiveSession.Duration(session.Tracker.Options.ShortHalfLife));
            writer.WriteString("baseline_half_life", LiveSession.Duration(session.Tracker.Options.BaselineHalfLife));
            if (category is not null)
            {
                writer.WriteString("category", category);
            }

            writer.WriteStartArray("items");
            for (int r = 0; r < items.Count; r++)
            {
                writer.WriteStartObject();
                writer.WriteString("item_id", items[r].ItemId);
                writer.WriteNumber("rank", r + 1);
                writer.WriteNumber("score", items[r].Score);
                writer.WriteNumber("recent_events", items[r].RecentEvents);
                writer.WriteNumber("expected_events", items[r].ExpectedEvents);
                if (session.Titles.Get(items[r].ItemId) is { } title)
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

    private static void WriteTable(IReadOnlyList<TrendingItem> items, LiveSession session, string? category)
    {
        EventTrackerOptions options = session.Tracker.Options;
        string where = category is null ? "" : $" in {category}";
        var table = new Table().Title($"[bold]Trending now{Markup.Escape(where)}[/] (half-life {LiveSession.Duration(options.ShortHalfLife)}, baseline {LiveSession.Duration(options.BaselineHalfLife)})")
            .AddColumns("rank", "item", "score", "recent", "expected");
        table.Border(TableBorder.Rounded);
        for (int r = 0; r < items.Count; r++)
        {
            table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(session.Titles.Describe(items[r].ItemId)),
                items[r].Score.ToString("F2", CultureInfo.InvariantCulture), items[r].RecentEvents.ToString("F1", CultureInfo.InvariantCulture),
                items[r].ExpectedEvents.ToString("F1", CultureInfo.InvariantCulture));
        }

        CliConsole.Out.Write(table);
    }
}
