using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Tracking;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize buy-again</c>: replays an event log and lists what a user is likely to re-order now.</summary>
internal sealed class BuyAgainCommand : Command<BuyAgainCommand.Settings>
{
    internal sealed class Settings : LiveSettings
    {
        [CommandOption("-u|--user <ID>")]
        [Description("The user.")]
        public string? User { get; init => field = value?.Trim(); }   // as the log's ids are read

        [CommandOption("--min-repeat-rate <RATE>")]
        [Description("Items whose repeat rate is below this are one-off purchases and left out. Default: 0.1.")]
        public double? MinimumRepeatRate { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.User))
        {
            throw new UsageException("--user is required: whose purchases to look at.");
        }

        var options = new EventTrackerOptions();
        options = options with { BuyAgainMinimumRepeatRate = settings.MinimumRepeatRate ?? options.BuyAgainMinimumRepeatRate };
        // With a catalogue, an item with few buyers is judged by its category's repeat rate.
        LiveSession session = LiveSession.Open(settings, options, needsCategories: settings.Items is not null);
        session.NoteIfUnknownUser(settings.User);
        IReadOnlyList<BuyAgainItem> items = session.Tracker.BuyAgain(settings.User, settings.Top, session.Filter);
        switch (session.Format)
        {
            case "csv":
                var csv = new StringBuilder("user_id,item_id,rank,score,times_bought,last_bought,typical_interval_days,due_at,repeat_rate\n");
                for (int r = 0; r < items.Count; r++)
                {
                    BuyAgainItem item = items[r];
                    csv.Append(RecommendCommand.CsvField(settings.User)).Append(',').Append(RecommendCommand.CsvField(item.ItemId)).Append(',')
                        .Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',').Append(LiveSession.Number(item.Score)).Append(',')
                        .Append(item.TimesBought.ToString(CultureInfo.InvariantCulture)).Append(',').Append(LiveSession.Time(item.LastBought)).Append(',')
                        .Append(LiveSession.Number(item.TypicalInterval.TotalDays)).Append(',').Append(LiveSession.Time(item.DueAt)).Append(',')
                        .Append(LiveSession.Number(item.RepeatRate)).Append('\n');   // as JSON has it
                }

                LiveSession.Write(settings.Out, csv.ToString(), items.Count);
                break;
            case "json":
                LiveSession.Write(settings.Out, Json(settings.User, items, session), items.Count);
                break;
            default:
                CliConsole.Out.WriteLine(session.Summary());
                var table = new Table().Title($"[bold]Buy it again, {Markup.Escape(settings.User)}[/]")
                    .AddColumns("rank", "item", "score", "orders", "last bought", "every", "due");
                table.Border(TableBorder.Rounded);
                for (int r = 0; r < items.Count; r++)
                {
                    BuyAgainItem item = items[r];
                    table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(session.Titles.Describe(item.ItemId)),
                        item.Score.ToString("F3", CultureInfo.InvariantCulture), item.TimesBought.ToString(CultureInfo.InvariantCulture),
                        LiveSession.Time(item.LastBought), item.TypicalInterval.TotalDays.ToString("F1", CultureInfo.InvariantCulture) + " d",
                        LiveSession.Time(item.DueAt));
                }

                CliConsole.Out.Write(table);
                if (items.Count == 0)
                {
                    CliConsole.Out.WriteLine($"{settings.User} bought nothing up to {LiveSession.Time(session.AsOf)} that people re-buy{(session.Filter is null ? "" : " and that passes the filter")}.");
                }

                break;
        }

        return CliApp.Success;
    }

    private static string Json(string user, IReadOnlyList<BuyAgainItem> items, LiveSession session)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("user_id", user);
            writer.WriteString("as_of", LiveSession.Time(session.AsOf));
            writer.WriteStartArray("items");
            for (int r = 0; r < items.Count; r++)
            {
                BuyAgainItem item = items[r];
                writer.WriteStartObject();
                writer.WriteString("item_id", item.ItemId);
                writer.WriteNumber("rank", r + 1);
                writer.WriteNumber("score", item.Score);
                writer.WriteNumber("times_bought", item.TimesBought);
                writer.WriteString("last_bought", LiveSession.Time(item.LastBought));
                writer.WriteNumber("typical_interval_days", Math.Round(item.TypicalInterval.TotalDays, 4));
                writer.WriteString("due_at", LiveSession.Time(item.DueAt));
                writer.WriteNumber("repeat_rate", item.RepeatRate);
                if (session.Titles.Get(item.ItemId) is { } title)
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
}
