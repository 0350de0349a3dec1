using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Tracking;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize recently-viewed</c>: replays an event log and lists a user's last distinct viewed items, newest first.</summary>
internal sealed class RecentlyViewedCommand : Command<RecentlyViewedCommand.Settings>
{
    internal sealed class Settings : LiveSettings
    {
        [CommandOption("-u|--user <ID>")]
        [Description("The user.")]
        public string? User { get; init => field = value?.Trim(); }   // as the log's ids are read
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.User))
        {
            throw new UsageException("--user is required: whose recently viewed items to list.");
        }

        LiveSession session = LiveSession.Open(settings, new EventTrackerOptions(), needsCategories: false);
        session.NoteIfUnknownUser(settings.User);
        IReadOnlyList<ViewedItem> items = session.Tracker.RecentlyViewed(settings.User, settings.Top, session.Filter);
        switch (session.Format)
        {
            case "csv":
                var csv = new StringBuilder("user_id,item_id,rank,viewed_at\n");
                for (int r = 0; r < items.Count; r++)
                {
                    csv.Append(RecommendCommand.CsvField(settings.User)).Append(',').Append(RecommendCommand.CsvField(items[r].ItemId)).Append(',')
                        .Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',').Append(LiveSession.Time(items[r].ViewedAt)).Append('\n');
                }

                LiveSession.Write(settings.Out, csv.ToString(), items.Count);
                break;
            case "json":
                LiveSession.Write(settings.Out, Json(settings.User, items, session), items.Count);
                break;
            default:
                CliConsole.Out.WriteLine(session.Summary());
                var table = new Table().Title($"[bold]Recently viewed by {Markup.Escape(settings.User)}[/]").AddColumns("rank", "item", "viewed at");
                table.Border(TableBorder.Rounded);
                for (int r = 0; r < items.Count; r++)
                {
                    table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(session.Titles.Describe(items[r].ItemId)),
                        LiveSession.Time(items[r].ViewedAt));
                }

                CliConsole.Out.Write(table);
                if (items.Count == 0)
                {
                    CliConsole.Out.WriteLine($"{settings.User} viewed nothing up to {LiveSession.Time(session.AsOf)}{(session.Filter is null ? "" : " that passes the filter")}.");
                }

                break;
        }

        return CliApp.Success;
    }

    private static string Json(string user, IReadOnlyList<ViewedItem> items, LiveSession session)
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
                writer.WriteStartObject();
                writer.WriteString("item_id", items[r].ItemId);
                writer.WriteNumber("rank", r + 1);
                writer.WriteString("viewed_at", LiveSession.Time(items[r].ViewedAt));
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
}
