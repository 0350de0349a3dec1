using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize recommend</c>: top-K items per user from a saved model, as a table, CSV or JSON.</summary>
internal sealed class RecommendCommand : Command<RecommendCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <MODEL>")]
        [Description("The model file.")]
        public string? Model { get; init; }

        [CommandOption("-u|--user <ID>")]
        [Description("One user id.")]
        public string? User { get; init; }

        [CommandOption("--users-from <FILE>")]
        [Description("A file of user ids, one per line (a first line 'user_id' is taken as a header).")]
        public string? UsersFrom { get; init; }

        [CommandOption("--all-users")]
        [Description("Every user in the model.")]
        public bool AllUsers { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many items per user. Default: 10.")]
        public int Top { get; init; } = 10;

        [CommandOption("--items <FILE>")]
        [Description("A catalogue CSV with item_id and title columns, to show titles (table and json).")]
        public string? Items { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default), csv (user_id,item_id,rank,score) or json.")]
        public string Format { get; init; } = "table";

        [CommandOption("--out <FILE>")]
        [Description("Write to this file instead of the console.")]
        public string? Out { get; init; }

        [CommandOption("--filter <TEXT>")]
        [Description("Only items that pass this filter, such as 'brand in (\"Acme\", \"Zen\") and price <= 50 and in_stock'. Needs --items.")]
        public string? Filter { get; init; }

        [CommandOption("--sort <ORDER>")]
        [Description("Order the list: relevance, price-asc, price-desc, rating, newest or popularity (needs --items for attributes). Pages one user's list.")]
        public string? Sort { get; init; }

        [CommandOption("--page-size <N>")]
        [Description("Items per page (with --user). Pages one user's list; the page prints the cursor of the next one.")]
        public int? PageSize { get; init; }

        [CommandOption("--cursor <CURSOR>")]
        [Description("Continue after the previous page (the cursor it printed).")]
        public string? Cursor { get; init; }

        [CommandOption("--facets <ATTRIBUTES>")]
        [Description("Count values over the eligible items, e.g. brand,category,price,rating (needs --items).")]
        public string? Facets { get; init; }

        [CommandOption("--preferences <DB>")]
        [Description("The SQLite preference store: the user's saved filter, blocks, sort and opt-out apply (see 'personalize preferences').")]
        public string? Preferences { get; init; }

        [CommandOption("--include-seen")]
        [Description("Also recommend items the user interacted with in training.")]
        public bool IncludeSeen { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            throw new UsageException("--model is required: the model file to recommend from.");
        }

        int chosen = (settings.User is null ? 0 : 1) + (settings.UsersFrom is null ? 0 : 1) + (settings.AllUsers ? 1 : 0);
        if (chosen != 1)
        {
            throw new UsageException("Give exactly one of --user ID, --users-from FILE or --all-users.");
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

        if (settings.Sort is not null || settings.PageSize is not null || settings.Cursor is not null || settings.Facets is not null || settings.Preferences is not null)
        {
            return Page(settings, format, cancellationToken);
        }

        FactorModel model = ModelFile.Load(settings.Model);
        ItemTitles titles = settings.Items is null ? ItemTitles.Empty : ItemTitles.Load(settings.Items);
        IReadOnlyList<string> users = settings.User is not null ? [settings.User]
            : settings.UsersFrom is not null ? ReadUsers(settings.UsersFrom)
            : model.Users.Ids;

        CompiledFilter? filter = null;
        if (settings.Filter is not null)
        {
            if (settings.Items is null)
            {
                throw new UsageException("--filter needs --items: the catalogue whose attributes the filter reads.");
            }

            ItemCatalog catalog = ItemCatalog.ReadCsv(settings.Items);
            FilterParseResult parsed = FilterText.Parse(settings.Filter, catalog.Schema);
            if (!parsed.TryGetValue(out Filter? value))
            {
                FilterSyntaxException error = parsed.Error!;
                throw new UsageException($"--filter, column {error.Column}: {error.Reason}");
            }

            try
            {
                filter = FilterCompiler.Compile(value, catalog, model.Items);
            }
            catch (ArgumentException exception)
            {
                throw new UsageException("--filter: " + exception.Message.Split(" (Parameter", 2)[0]);
            }
        }

        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = !settings.IncludeSeen });
        IReadOnlyList<RecommendationList> lists = filter is null
            ? recommender.ForUsers(users, settings.Top, CliCancellation.Token)
            : [.. users.Select(u => recommender.ForUser(u, settings.Top, filter))];

        string? text = format switch
        {
            "csv" => Csv(lists),
            "json" => Json(lists, titles),
            _ => null,
        };

        if (text is null)
        {
            if (settings.Out is not null)
            {
                throw new UsageException("--out needs --format csv or json; the table is for reading on screen.");
            }

            WriteTables(lists, titles);
        }
        else if (settings.Out is not null)
        {
            File.WriteAllText(settings.Out, text, new UTF8Encoding(false));
            CliConsole.Out.WriteLine($"Wrote {lists.Sum(l => l.Count):N0} recommendations for {lists.Count:N0} users to {settings.Out}.");
        }
        else
        {
            CliConsole.Out.Profile.Out.Writer.Write(text);
        }

        return CliApp.Success;
    }

    /// <summary>One page of one user's customized list: sort, cursor, facets and saved preferences.</summary>
    private static int Page(Settings settings, string format, CancellationToken cancellationToken)
    {
        if (settings.User is null)
        {
            throw new UsageException("--sort, --page-size, --cursor, --facets and --preferences page one user's list: give --user ID.");
        }

        int pageSize = settings.PageSize ?? settings.Top;
        BrowseCommand.CheckPaging(pageSize, format);
        FactorModel model = ModelFile.Load(settings.Model!);
        ItemCatalog? catalog = settings.Items is null ? null : ItemCatalog.ReadCsv(settings.Items);
        var request = new RecommendationRequest(settings.User)
        {
            Filter = PageOutput.ParseFilter(settings.Filter, catalog),
            Sort = PageOutput.ParseSort(settings.Sort),
            PageSize = pageSize,
            Cursor = settings.Cursor,
            Facets = PageOutput.ParseFacets(settings.Facets, catalog),
        };
        UserPreferences? preferences = BrowseCommand.ReadPreferences(settings.Preferences, settings.User, cancellationToken);
        using var recommender = new Recommender(model, catalog, null, new RecommenderOptions { ExcludeSeen = !settings.IncludeSeen });
        RecommendationPage page = PageOutput.Run(() => recommender.Recommend(request, preferences));
        PageOutput.Write(page, pageSize, format, catalog is null ? ItemTitles.Empty : ItemTitles.FromCatalog(catalog), settings.Out);
        return CliApp.Success;
    }

    private static List<string> ReadUsers(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The users file '{path}' does not exist.", path);
        }

        var users = new List<string>();
        int line = 0;
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            string id = raw.Trim();
            if (id.Length == 0 || (line == 1 && id.Equals("user_id", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            users.Add(id);
        }

        return users;
    }

    internal static string Csv(IReadOnlyList<RecommendationList> lists)
    {
        var builder = new StringBuilder("user_id,item_id,rank,score\n");
        foreach (RecommendationList list in lists)
        {
            for (int r = 0; r < list.Count; r++)
            {
                builder.Append(CsvField(list.UserId)).Append(',').Append(CsvField(list[r].ItemId)).Append(',')
                    .Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(list[r].Score.ToString("G7", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return builder.ToString();
    }

    internal static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Json(IReadOnlyList<RecommendationList> lists, ItemTitles titles)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (RecommendationList list in lists)
            {
                writer.WriteStartObject();
                writer.WriteString("user_id", list.UserId);
                writer.WriteString("source", Source(list.Source));
                writer.WriteStartArray("items");
                for (int r = 0; r < list.Count; r++)
                {
                    writer.WriteStartObject();
                    writer.WriteString("item_id", list[r].ItemId);
                    writer.WriteNumber("rank", r + 1);
                    writer.WriteNumber("score", list[r].Score);
                    if (titles.Get(list[r].ItemId) is { } title)
                    {
                        writer.WriteString("title", title);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    internal static string Source(RecommendationSource source) => source switch
    {
        RecommendationSource.Personalized => "personalized",
        RecommendationSource.PopularFallback => "popular-fallback",
        RecommendationSource.NonPersonal => "non-personal",
        _ => "empty",
    };

    private static void WriteTables(IReadOnlyList<RecommendationList> lists, ItemTitles titles)
    {
        foreach (RecommendationList list in lists)
        {
            var table = new Table().Title($"[bold]{Markup.Escape(list.UserId)}[/] ({Source(list.Source)})").AddColumns("rank", "item", "score");
            table.Border(TableBorder.Rounded);
            for (int r = 0; r < list.Count; r++)
            {
                table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(titles.Describe(list[r].ItemId)),
                    list[r].Score.ToString("F4", CultureInfo.InvariantCulture));
            }

            CliConsole.Out.Write(table);
        }
    }
}
