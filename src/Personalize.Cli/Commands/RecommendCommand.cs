using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
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
        public string? User { get; init => field = value?.Trim(); }   // as the log's ids are read

        [CommandOption("--users-from <FILE>")]
        [Description("A file of user ids: a CSV whose header has a user_id column (or the --user-col one), or one id per line. Repeated ids count once, in order of first appearance.")]
        public string? UsersFrom { get; init; }

        [CommandOption("--user-col <NAME>")]
        [Description("The column of --users-from that holds the user ids (name, or 1-based position with --no-header). Default: user_id (1 with --no-header).")]
        public string? UserColumn { get; init; }

        [CommandOption("--no-header")]
        [Description("--users-from has no header line, such as a held-out log of user, item, rating and time: every line is a user's row, split at the first of , ; tab | that the first line has.")]
        public bool NoHeader { get; init; }

        [CommandOption("--all-users")]
        [Description("Every user in the model.")]
        public bool AllUsers { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many items per user. Default: 10.")]
        public int Top { get; init; } = 10;

        [CommandOption("--items <FILE>")]
        [Description("A catalogue CSV with item_id and title columns, to show titles (table and json).")]
        public string? Items { get; init; }

        [CommandOption("--schema <TYPES>")]
        [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number (types: text, number, boolean, datetime, tags, category).")]
        public string? Schema { get; init; }

        [CommandOption("--items-id-col <NAME>")]
        [Description("Column of the item id in the --items catalogue. Default: item_id")]
        public string? ItemsIdCol { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default), csv (user_id,item_id,rank,score; --with-source adds source) or json.")]
        public string Format { get; init; } = "table";

        [CommandOption("--out <FILE>")]
        [Description("Write to this file instead of the console.")]
        public string? Out { get; init; }

        [CommandOption("--filter <TEXT>")]
        [Description("Only items that pass this filter, such as 'brand in (\"Acme\", \"Zen\") and price <= 50 and in_stock'. Needs --items.")]
        public string? Filter { get; init; }

        [CommandOption("--session <EVENTS>")]
        [Description("Events since training, as item:event pairs (I0042:view,I0007:purchase; the event defaults to view), or for a model trained on ratings item=rating pairs (I0042=4.5). Alone: an anonymous visitor folded in from them; with --user: added to that user's history.")]
        public string? Session { get; init; }

        [CommandOption("--explain <N>")]
        [Description("Explain each recommendation by the user's N history items that contributed most (\"because you bought X\"). Adds a because column.")]
        public int Explain { get; init; }

        [CommandOption("--sort <ORDER>")]
        [Description("Order the list: relevance, price-asc, price-desc, rating, newest or popularity (needs --items for attributes). Pages one user's list. An order other than relevance sorts the user's --pool-size best items (price-asc: their best 200, cheapest first), not the whole catalogue.")]
        public string? Sort { get; init; }

        [CommandOption("--pool-size <N>")]
        [Description("With --sort other than relevance: how many of the user's best items the list holds and sorts (1 to 1,000,000). Default: 200.")]
        public int? PoolSize { get; init; }

        [CommandOption("--page-size <N>")]
        [Description("Items per page (with --user). Pages one user's list; the page prints the cursor of the next one.")]
        public int? PageSize { get; init; }

        [CommandOption("--cursor <CURSOR>")]
        [Description("Continue after the previous page (the cursor it printed).")]
        public string? Cursor { get; init; }

        [CommandOption("--facets <ATTRIBUTES>")]
        [Description("Count values over the items of the whole list (with --sort other than relevance, its --pool-size best items), e.g. brand,category,price,rating (needs --items).")]
        public string? Facets { get; init; }

        [CommandOption("--empty-facets")]
        [Description("List facet values and ranges that no eligible item has, with a count of 0 (left out by default).")]
        public bool EmptyFacets { get; init; }

        [CommandOption("--preferences <DB>")]
        [Description("The SQLite preference store: the user's saved filter, blocks, sort and opt-out apply (see 'personalize preferences').")]
        public string? Preferences { get; init; }

        [CommandOption("--with-source")]
        [Description("Add a source column to the CSV (user_id,item_id,rank,score,source): personalized, popular-fallback or non-personal.")]
        public bool WithSource { get; init; }

        [CommandOption("--fail-on-unknown")]
        [Description("Users the model does not know are an error (exit 2, naming the first ones) instead of getting the fallback list; with --session, so are the session's unknown items.")]
        public bool FailOnUnknown { get; init; }

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

        if (settings.Out is not null)
        {
            OptionParsing.CheckOutput("--out", settings.Out, writesModel: false, settings.Model, settings.Items, settings.UsersFrom, settings.Preferences);
        }

        if (settings.User is "")
        {
            throw new UsageException("--user is empty: give a user id.");
        }

        int chosen = (settings.User is null ? 0 : 1) + (settings.UsersFrom is null ? 0 : 1) + (settings.AllUsers ? 1 : 0);
        if (settings.Session is not null ? settings.UsersFrom is not null || settings.AllUsers : chosen != 1)
        {
            throw new UsageException(settings.Session is null
                ? "Give exactly one of --user ID, --users-from FILE or --all-users."
                : "--session goes alone (an anonymous visitor) or with --user ID, not with --users-from or --all-users.");
        }

        CatalogReading.Check(settings.Schema, settings.Items, settings.ItemsIdCol);
        if (settings.UserColumn is not null && settings.UsersFrom is null)
        {
            throw new UsageException("--user-col needs --users-from: it names the column of that file that holds the user ids.");
        }

        if (settings.NoHeader && settings.UsersFrom is null)
        {
            throw new UsageException("--no-header needs --users-from: it says that file has no header line.");
        }

        if (settings.Top < 1)
        {
            throw new UsageException($"--top {settings.Top} must be at least 1.");
        }

        if (settings.Explain < 0)
        {
            throw new UsageException($"--explain {settings.Explain} must be 0 or more.");
        }

        string format = settings.Format.ToLowerInvariant();
        if (format is not ("table" or "csv" or "json"))
        {
            throw new UsageException($"--format '{settings.Format}' is not a format (expected table, csv or json).");
        }

        if (settings.WithSource && format != "csv")
        {
            throw new UsageException("--with-source adds a column to --format csv; the table and JSON always show the source.");
        }

        if (settings.PoolSize is { } pool && (pool < 1 || pool > 1_000_000))
        {
            throw new UsageException($"--pool-size {pool} must be between 1 and 1,000,000.");
        }

        if (settings.PoolSize is not null && (settings.Sort is null || PageOutput.ParseSort(settings.Sort) == SortOrder.Relevance))
        {
            throw new UsageException("--pool-size sizes a list sorted by an attribute (--sort price-asc, say); a relevance list is the user's best items already.");
        }

        if (settings.Sort is not null || settings.PageSize is not null || settings.Cursor is not null || settings.Facets is not null || settings.Preferences is not null)
        {
            if (settings.Session is not null || settings.Explain > 0)
            {
                throw new UsageException("--session and --explain do not combine with --sort, --page-size, --cursor, --facets or --preferences yet.");
            }

            return Page(settings, format, cancellationToken);
        }

        FactorModel model = ModelFile.Load(settings.Model);
        if (settings.Filter is not null && settings.Items is null)
        {
            throw new UsageException("--filter needs --items: the catalogue whose attributes the filter reads.");
        }

        (ItemCatalog? catalogue, ItemTitles titles) = ItemTitles.Read(settings.Items, settings.Filter is not null, settings.Schema, settings.ItemsIdCol);
        if (settings.Items is not null && settings.Filter is null)
        {
            titles.WarnIfApart(model.Items, settings.Items);   // with --filter, the catalogue's check below says it
        }

        bool Known(string id) => model.Users.TryGetIndex(id, out _);
        IReadOnlyList<string> users = settings.User is not null ? [settings.User]
            : settings.UsersFrom is not null ? (settings.NoHeader ? ReadUsersWithoutHeader(settings.UsersFrom, settings.UserColumn, Known) : ReadUsers(settings.UsersFrom, settings.UserColumn, Known))
            : model.Users.Ids;
        if (settings.FailOnUnknown && (settings.Session is null || settings.User is not null))
        {
            ThrowIfUnknown(model, users);   // with --session, --user is the known user the session adds to
        }

        CompiledFilter? filter = null;
        if (settings.Filter is not null)
        {
            CatalogReading.WarnIfApart(catalogue!, model.Items, settings.Items!);
            filter = PageOutput.CompileListFilter(settings.Filter, catalogue!, model.Items);
        }

        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = !settings.IncludeSeen });
        FoldedUser? session = settings.Session is null ? null : FoldInSession(recommender, settings.Session, settings.User, settings.FailOnUnknown);
        IReadOnlyList<RecommendationList> lists = session is not null ? [recommender.ForUser(session, settings.Top, filter)]
            : filter is null ? recommender.ForUsers(users, settings.Top, CliCancellation.Token)
            : [.. users.Select(u => recommender.ForUser(u, settings.Top, filter))];

        ScoreExplanation?[][]? explanations = settings.Explain > 0 ? Explanations(recommender, lists, settings.Explain, session) : null;
        string? text = format switch
        {
            "csv" => Csv(lists, explanations, settings.WithSource),
            "json" => Json(lists, titles, explanations),
            _ => null,
        };

        if (text is null)
        {
            if (settings.Out is not null)
            {
                throw new UsageException("--out needs --format csv or json; the table is for reading on screen.");
            }

            WriteTables(lists, titles, explanations);
        }
        else if (settings.Out is not null)
        {
            OutputFile.Write(settings.Out, text);
            CliConsole.Out.WriteLine($"Wrote {lists.Sum(l => l.Count):N0} recommendations for {lists.Count:N0} users to {settings.Out}.");
        }
        else
        {
            CliConsole.Out.Profile.Out.Writer.Write(text);
        }

        if (settings.UsersFrom is not null || settings.AllUsers)
        {
            CliConsole.Error.WriteLine(Summary(model, lists));
            if (settings.UsersFrom is not null && lists.Count > 0 && !lists.Any(l => Known(l.UserId)))
            {
                // Every list is the fallback: most likely the ids were read from the wrong column or the wrong kind of file.
                string first = lists[0].UserId;
                string hint = DecimalIds.Twin(first) is { } twin && Known(twin)
                    ? $" The model has '{twin}': the ids differ by a trailing '.0' (write them alike in both files)."
                    : settings.NoHeader ? " If the ids are in another field, give its position with --user-col."
                    : " If the ids are in another column, name it with --user-col; a file without a header line needs --no-header.";
                CliConsole.Error.WriteLine($"warning: none of the {lists.Count:N0} users of {settings.UsersFrom} is in the model (the first read as '{first}'), "
                    + "so every list is the fallback." + hint);
            }
        }
        else if (session is null && settings.User is { } one && !model.Users.TryGetIndex(one, out _))
        {
            // One user the model does not know: the list is the fallback, or empty where the model has no popularity to fall back on.
            string fallback = FallbackName(model);
            // 13085 asked of a model whose log wrote 13085.0 (or the other way round): name the id it has.
            string hint = DecimalIds.Twin(one) is { } twin && Known(twin) ? $" (it has '{twin}')" : "";
            CliConsole.Error.WriteLine(lists[0].Count > 0 ? $"note: user '{one}' is not in the model{hint}; the list is the fallback ({fallback})."
                : fallback.StartsWith("none", StringComparison.Ordinal)
                    ? $"note: user '{one}' is not in the model, and the model has no popularity to fall back on (a model imported from Spark without "
                        + "--interactions, or with a log that names none of its users and items), so the list is empty."
                    : $"note: user '{one}' is not in the model, and no item of the fallback ({fallback}) passes the filter.");
        }

        return CliApp.Success;
    }

    /// <summary><c>--fail-on-unknown</c>: an error naming the first users the model does not know, if any.</summary>
    private static void ThrowIfUnknown(FactorModel model, IReadOnlyList<string> users)
    {
        const int Shown = 5;
        List<string> unknown = [.. users.Where(u => !model.Users.TryGetIndex(u, out _))];
        if (unknown.Count > 0)
        {
            string first = string.Join(", ", unknown.Take(Shown).Select(u => "'" + u + "'"));
            throw new UsageException($"--fail-on-unknown: {unknown.Count:N0} of {users.Count:N0} users are not in the model ({(unknown.Count > Shown ? "first: " : "")}{first}); "
                + "without --fail-on-unknown they get the fallback list.");
        }
    }

    /// <summary>
    /// The batch summary for stderr: how many users were served, personalized, given the fallback (and which one) or nothing, and how
    /// many the model does not know, so a file of fallbacks never passes for recommendations.
    /// </summary>
    internal static string Summary(FactorModel model, IReadOnlyList<RecommendationList> lists)
    {
        // A list counts by what it holds: one that a filter or a full history left empty is "with no items", whatever its source.
        int personalized = lists.Count(l => l.Source == RecommendationSource.Personalized && l.Count > 0);
        int fallback = lists.Count(l => l.Source == RecommendationSource.PopularFallback && l.Count > 0);
        int empty = lists.Count(l => l.Count == 0);
        int unknown = lists.Count(l => !model.Users.TryGetIndex(l.UserId, out _));
        return string.Create(CultureInfo.InvariantCulture,
            $"summary: {lists.Count:N0} users served, {personalized:N0} personalized, {fallback:N0} on the fallback ({FallbackName(model)}), {empty:N0} with no items, {unknown:N0} unknown to the model.");
    }

    /// <summary>What unknown users get: popular items by the popularity the model records (<c>fallback</c> property), or nothing.</summary>
    internal static string FallbackName(FactorModel model)
    {
        bool hasPopularity = false;
        foreach (float value in model.ItemPopularity)
        {
            hasPopularity |= value > 0;
        }

        if (!hasPopularity)
        {
            return "none: the model has no popularity, unknown users get no items";
        }

        string popularity = model.Properties.TryGetValue(ModelPropertyNames.Fallback, out string? reason) && reason.Length > 0
            ? reason.Split([':', '('], 2)[0].Trim()
            : "all-time popularity";
        return "popular items by " + popularity;
    }

    /// <summary>Folds in <c>--session</c>: comma-separated <c>item[:event]</c> pairs, weighed with the default event weights, or for a
    /// model trained on ratings <c>item=rating</c> pairs. Items the model does not know are skipped with a warning, or with
    /// <paramref name="failOnUnknown"/> refused.</summary>
    private static FoldedUser FoldInSession(Recommender recommender, string text, string? userId, bool failOnUnknown)
    {
        bool ratings = recommender.Model.Kind == FactorModelKind.Explicit;
        var events = new List<Interaction>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.LastIndexOf('=');
            if (ratings)
            {
                if (equals <= 0 || !float.TryParse(part.AsSpan(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out float rating)
                    || !float.IsFinite(rating))
                {
                    throw new UsageException($"--session: '{part}' is not item=rating; the model was trained on ratings, so a session gives "
                        + "the ratings of this visit (such as I0042=4.5,I0007=2).");
                }

                events.Add(new Interaction(userId ?? "", part[..equals].TrimEnd(), Rating: rating));
                continue;
            }

            int colon = part.LastIndexOf(':');
            string item = colon < 0 ? part : part[..colon];
            string type = colon < 0 ? "view" : part[(colon + 1)..];
            if (equals >= 0 && colon < 0)
            {
                throw new UsageException($"--session: '{part}' gives a rating, but the model was trained on events (implicit); give item:event "
                    + $"with an event of {EventWeights.Default} (such as I0042:view).");
            }

            if (item.Length == 0 || EventWeights.Default.IndexOf(type) < 0)
            {
                throw new UsageException($"--session: '{part}' is not item:event with an event of {EventWeights.Default} (such as I0042:view).");
            }

            events.Add(new Interaction(userId ?? "", item, type));
        }

        if (events.Count == 0)
        {
            throw new UsageException("--session is empty; give item:event pairs such as I0042:view,I0007:purchase.");
        }

        FoldedUser user;
        try
        {
            user = recommender.FoldIn(userId, events);   // no user id: an anonymous session
        }
        catch (ArgumentException exception)
        {
            throw UsageException.For("--session", exception);
        }

        if (failOnUnknown && user.UnknownItemIds.Count > 0)
        {
            const int Shown = 5;
            string first = string.Join(", ", user.UnknownItemIds.Take(Shown).Select(i => "'" + i + "'"));
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--fail-on-unknown: {user.UnknownItemIds.Count:N0} --session items are not in the model ({(user.UnknownItemIds.Count > Shown ? "first: " : "")}{first}); ")
                + "without --fail-on-unknown they are skipped.");
        }

        foreach (string unknown in user.UnknownItemIds)
        {
            CliConsole.Error.WriteLine($"warning: --session item '{unknown}' is not in the model; it was skipped.");
        }

        return user;
    }

    /// <summary>One page of one user's customized list: sort, cursor, facets and saved preferences.</summary>
    private static int Page(Settings settings, string format, CancellationToken cancellationToken)
    {
        if (settings.User is null)
        {
            throw new UsageException("--sort, --page-size, --cursor, --facets and --preferences page one user's list: give --user ID.");
        }

        int pageSize = settings.PageSize ?? settings.Top;
        BrowseCommand.CheckPaging(pageSize, format, settings.PageSize is null ? "--top" : "--page-size", settings.Facets);
        FactorModel model = ModelFile.Load(settings.Model!);
        ItemCatalog? catalog = settings.Items is null ? null : CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
        if (catalog is not null)
        {
            CatalogReading.WarnIfApart(catalog, model.Items, settings.Items!);
        }

        var request = new RecommendationRequest(settings.User)
        {
            Filter = PageOutput.ParseListFilter(settings.Filter, catalog),
            Sort = PageOutput.ParseSort(settings.Sort),
            PageSize = pageSize,
            Cursor = settings.Cursor,
            Facets = PageOutput.ParseFacets(settings.Facets, catalog, settings.EmptyFacets),
            CandidatePoolSize = settings.PoolSize ?? new RecommendationRequest(settings.User).CandidatePoolSize,
        };
        UserPreferences? preferences = BrowseCommand.ReadPreferences(settings.Preferences, settings.User, settings.Filter, cancellationToken);
        if (catalog is null && preferences is { } saved && (saved.BlockedBrands.Count > 0 || saved.BlockedCategories.Count > 0))
        {
            // The library's advice names its constructor (new Recommender(model, catalog, ...)), which a CLI user does not call.
            throw new UsageException($"--preferences: {settings.User} blocks brands or categories in {settings.Preferences}, which the catalogue's attributes tell; "
                + "give the catalogue with --items.");
        }

        using var recommender = new Recommender(model, catalog, null, new RecommenderOptions { ExcludeSeen = !settings.IncludeSeen });
        RecommendationPage page = PageOutput.Run(() => recommender.Recommend(request, preferences));
        PageOutput.NoteNearMisses(page.Filter, catalog, page.TotalCount);
        PageOutput.Write(page, format, catalog is null ? ItemTitles.Empty : ItemTitles.FromCatalog(catalog), settings.Out, catalog,
            withSource: settings.WithSource);
        return CliApp.Success;
    }

    /// <summary>The field separators a <c>--users-from</c> file may use, in the order they are tried; besides them, <c>::</c> (MovieLens
    /// 1M and 10M) is found first.</summary>
    private static readonly char[] UserFileSeparators = [',', ';', '\t', '|'];

    /// <summary>The MovieLens separator, which has no quoting: a line splits at every <c>::</c>.</summary>
    private const string DoubleColon = "::";

    /// <summary>
    /// Reads <c>--users-from</c>: when the first line is a header with the user column (split at a comma, semicolon, tab or bar), the
    /// file is a CSV and that column is read; otherwise each non-empty line is one id (a first line <c>user_id</c> is skipped). Repeated
    /// ids are kept once, in order of first appearance.
    /// </summary>
    internal static List<string> ReadUsers(string path, string? userColumn, Func<string, bool> isKnown)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The users file '{path}' does not exist.", path);
        }

        string column = userColumn ?? "user_id";
        string? first = File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0);
        // A whole line that is a user of the model (acme::u1) is an id, not fields: '::' splits only lines that are not.
        bool doubleColons = first is not null && first.Contains(DoubleColon, StringComparison.Ordinal) && !isKnown(first.Trim());
        if (doubleColons && Array.FindIndex(first!.Split(DoubleColon), f => f.Trim().Equals(column, StringComparison.OrdinalIgnoreCase)) is int named and >= 0)
        {
            return ReadDoubleColonField(path, named + 1, skipFirst: true);
        }

        char? separator = first is null ? null : HeaderSeparator(first, column);
        if (separator is { } found)
        {
            return ReadUserField(path, found, column, 0);
        }

        if (userColumn is not null)
        {
            throw new InteractionDataException(path, 1, 0, userColumn,
                $"the header has no column '{userColumn}' (it reads '{first}'); expected a CSV header naming the --user-col column, or --no-header for a file without one.");
        }

        // One id per line: a first line split by a delimiter is a CSV header without the user column (or a row of a file without a
        // header, such as MovieLens' 51::76::3::991804768), not an id.
        if (first is not null && (first.IndexOfAny(UserFileSeparators) >= 0 || doubleColons))
        {
            throw new InteractionDataException(path, 1, 0, null,
                $"the first line '{first.Trim()}' looks like a CSV header without a '{column}' column; name the column of user ids with --user-col, add --no-header if the file has no header line, or give one id per line.");
        }

        var users = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int line = 0;
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            string id = raw.Trim();
            if (id.Length == 0 || (line == 1 && id.Equals("user_id", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (seen.Add(id))
            {
                users.Add(id);
            }
        }

        return users;
    }

    /// <summary>
    /// Reads <c>--users-from --no-header</c>: every non-empty line is a row, and field <paramref name="userColumn"/> (1-based; 1 when
    /// null) is its user id. Fields are split at the first of <c>, ; tab |</c> that the first line has (none: each line is one id).
    /// Repeated ids are kept once, in order of first appearance.
    /// </summary>
    /// <exception cref="UsageException"><paramref name="userColumn"/> is not a positive whole number.</exception>
    /// <exception cref="InteractionDataException">A line has no such field, or an empty one.</exception>
    internal static List<string> ReadUsersWithoutHeader(string path, string? userColumn, Func<string, bool> isKnown)
    {
        int position = 1;
        if (userColumn is not null && (!int.TryParse(userColumn, NumberStyles.None, CultureInfo.InvariantCulture, out position) || position < 1))
        {
            throw new UsageException($"--user-col '{userColumn}' is not a column position; with --no-header it is a 1-based position such as 1.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The users file '{path}' does not exist.", path);
        }

        string? first = File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0);
        if (first is not null && first.Contains(DoubleColon, StringComparison.Ordinal))
        {
            // A first line that is itself a user of the model (acme::u1) makes the file one id per line.
            return ReadDoubleColonField(path, userColumn is null && isKnown(first.Trim()) ? 0 : position, skipFirst: false);
        }

        char separator = ',';
        foreach (char candidate in UserFileSeparators)
        {
            if (first is not null && first.Contains(candidate, StringComparison.Ordinal))
            {
                separator = candidate;
                break;
            }
        }

        return ReadUserField(path, separator, null, position);
    }

    /// <summary>The ids in field <paramref name="position"/> (1-based; 0 for the whole line) of a file whose fields are separated by
    /// <c>::</c>, as MovieLens writes them (no quoting), skipping the first non-empty line when it is a header. Repeated ids are kept
    /// once, in order.</summary>
    private static List<string> ReadDoubleColonField(string path, int position, bool skipFirst)
    {
        var users = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int line = 0;
        bool header = skipFirst;
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            if (raw.Trim().Length == 0)
            {
                continue;
            }

            if (header)
            {
                header = false;
                continue;
            }

            string[] fields = position == 0 ? [raw] : raw.Split(DoubleColon);
            int field = Math.Max(position, 1);
            string? id = fields.Length >= field ? fields[field - 1].Trim() : null;
            if (string.IsNullOrEmpty(id))
            {
                throw new InteractionDataException(path, line, position, null, fields.Length < position
                    ? string.Create(CultureInfo.InvariantCulture, $"the line has {fields.Length} field(s) separated by '::'; expected a user id in field {position} (--user-col).")
                    : string.Create(CultureInfo.InvariantCulture, $"field {position} is empty; expected a user id."));
            }

            if (seen.Add(id))
            {
                users.Add(id);
            }
        }

        return users;
    }

    /// <summary>The separator at which the header line has a field named <paramref name="column"/>, or null when it has none.</summary>
    private static char? HeaderSeparator(string header, string column)
    {
        foreach (char separator in UserFileSeparators)
        {
            string[] fields = header.Split(separator);
            if (fields.Length > 1 && fields.Any(f => f.Trim().Trim('"').Equals(column, StringComparison.OrdinalIgnoreCase)))
            {
                return separator;
            }
        }

        return header.Trim().Trim('"').Equals(column, StringComparison.OrdinalIgnoreCase) ? ',' : null;
    }

    /// <summary>The ids in one field of every row: the header's column <paramref name="column"/>, or, when it is null, field
    /// <paramref name="position"/> (1-based) of a file without a header. Repeated ids are kept once, in order of first appearance.</summary>
    private static List<string> ReadUserField(string path, char separator, string? column, int position)
    {
        // A malformed line (an unclosed quote) is an error on its line: skipped or read on across lines, it would drop ids unseen.
        CsvMalformedRecord? malformed = null;
        var options = CsvReaderOptions.Default with
        {
            HasHeader = column is not null,
            Separator = separator,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            AllowLineBreaksInQuotes = false,
            OnMalformedRecord = record => malformed ??= record,
        };
        void ThrowIfMalformed()
        {
            if (malformed is { } bad)
            {
                string reason = bad.Reason switch
                {
                    CsvMalformedReason.LineBreakInQuotes or CsvMalformedReason.UnterminatedQuote =>
                        "the line opens a quoted field that is not closed on it (expected a closing quote; quoted fields cannot span lines).",
                    CsvMalformedReason.StrayQuote => "the line has a stray quote inside an unquoted field (expected quotes only around a whole field).",
                    CsvMalformedReason.TextAfterClosingQuote => "the line has text after the closing quote of a field (expected a delimiter or the end of the line).",
                    _ => $"the line is malformed ({bad.Reason}).",
                };
                throw new InteractionDataException(path, bad.LineNumber, 0, null, reason, bad.RawRecord);
            }
        }

        var users = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using CsvReader reader = CsvReader.FromFile(path, options);
            int index = position - 1;
            if (column is not null)
            {
                index = -1;
                for (int i = 0; i < reader.Headers.Count && index < 0; i++)
                {
                    if (reader.Headers[i].Trim().Equals(column, StringComparison.OrdinalIgnoreCase))
                    {
                        index = i;
                    }
                }
            }

            ThrowIfMalformed();
            while (reader.Read())
            {
                ThrowIfMalformed();
                string? id = index >= 0 && reader.FieldCount > index ? reader.GetStringOrNull(index)?.Trim() : null;
                if (string.IsNullOrEmpty(id))
                {
                    int field = index + 1;
                    throw new InteractionDataException(path, reader.LineNumber, field, column,
                        column is not null ? $"the {column} field is empty or missing; expected a user id."
                        : reader.FieldCount <= index ? string.Create(CultureInfo.InvariantCulture, $"the line has {reader.FieldCount} field(s); expected a user id in field {field} (--user-col).")
                        : string.Create(CultureInfo.InvariantCulture, $"field {field} is empty; expected a user id."));
                }

                if (seen.Add(id))
                {
                    users.Add(id);
                }
            }

            ThrowIfMalformed();
        }
        catch (CsvFormatException exception)
        {
            throw new InteractionDataException(path, exception.LineNumber, exception.FieldIndex + 1, null, $"the CSV is malformed: {exception.Message}");
        }

        return users;
    }

    /// <summary>Explains every personalized recommendation so that its parts add up to the score shown; fallbacks get none.</summary>
    private static ScoreExplanation?[][] Explanations(Recommender recommender, IReadOnlyList<RecommendationList> lists, int count, FoldedUser? session)
    {
        var result = new ScoreExplanation?[lists.Count][];
        for (int l = 0; l < lists.Count; l++)
        {
            RecommendationList list = lists[l];
            result[l] = new ScoreExplanation?[list.Count];
            if (list.Source != RecommendationSource.Personalized)
            {
                continue;
            }

            // A known user's list was scored with the trained vector; explaining by id makes the parts add up to that score.
            for (int r = 0; r < list.Count; r++)
            {
                result[l][r] = session is null ? recommender.Explain(list.UserId, list[r].ItemId, count) : recommender.Explain(session, list[r].ItemId, count);
            }
        }

        return result;
    }

    internal static string Csv(IReadOnlyList<RecommendationList> lists, ScoreExplanation?[][]? explanations = null, bool withSource = false)
    {
        var builder = new StringBuilder("user_id,item_id,rank,score");
        builder.Append(withSource ? ",source" : "").Append(explanations is null ? "\n" : ",because\n");
        for (int l = 0; l < lists.Count; l++)
        {
            RecommendationList list = lists[l];
            for (int r = 0; r < list.Count; r++)
            {
                builder.Append(CsvField(list.UserId)).Append(',').Append(CsvField(list[r].ItemId)).Append(',')
                    .Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(list[r].Score.ToString("G7", CultureInfo.InvariantCulture));
                if (withSource)
                {
                    builder.Append(',').Append(Source(list.Source));
                }

                if (explanations is not null)
                {
                    // item:share pairs, largest first, such as I0042:0.38;I0007:0.21; an id's own ';', ':' and '%' are percent-encoded
                    string because = explanations[l][r] is { } why
                        ? string.Join(';', why.Contributions.Select(c => BecauseId(c.ItemId) + ":" + c.Share.ToString("F2", CultureInfo.InvariantCulture)))
                        : "";
                    builder.Append(',').Append(CsvField(because));
                }

                builder.Append('\n');
            }
        }

        return builder.ToString();
    }

    /// <summary>An item id in the <c>because</c> column: its <c>%</c>, <c>;</c> and <c>:</c> as <c>%25</c>, <c>%3B</c> and <c>%3A</c>, so
    /// the column splits on ';' into pairs and each pair on ':' into id and share, whatever the ids hold.</summary>
    internal static string BecauseId(string id) =>
        id.AsSpan().IndexOfAny("%;:") < 0 ? id
            : id.Replace("%", "%25", StringComparison.Ordinal).Replace(";", "%3B", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);

    internal static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Json(IReadOnlyList<RecommendationList> lists, ItemTitles titles, ScoreExplanation?[][]? explanations)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            for (int l = 0; l < lists.Count; l++)
            {
                RecommendationList list = lists[l];
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

                    if (explanations?[l][r] is { } why)
                    {
                        writer.WriteStartArray("because");
                        foreach (ScoreContribution c in why.Contributions)
                        {
                            writer.WriteStartObject();
                            writer.WriteString("item_id", c.ItemId);
                            writer.WriteNumber("contribution", c.Value);
                            writer.WriteNumber("share", c.Share);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndArray();
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

    private static void WriteTables(IReadOnlyList<RecommendationList> lists, ItemTitles titles, ScoreExplanation?[][]? explanations)
    {
        for (int l = 0; l < lists.Count; l++)
        {
            RecommendationList list = lists[l];
            var table = new Table().Title($"[bold]{Markup.Escape(list.UserId)}[/] ({Source(list.Source)})").AddColumns("rank", "item", "score");
            if (explanations is not null)
            {
                table.AddColumn("because");
            }

            table.Border(TableBorder.Rounded);
            for (int r = 0; r < list.Count; r++)
            {
                var cells = new List<string>
                {
                    (r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(titles.Describe(list[r].ItemId)),
                    list[r].Score.ToString("F4", CultureInfo.InvariantCulture),
                };
                if (explanations is not null)
                {
                    cells.Add(explanations[l][r] is { } why
                        ? Markup.Escape(string.Join(", ", why.Contributions.Select(c => $"{titles.Describe(c.ItemId)} {c.Share.ToString("P0", CultureInfo.InvariantCulture)}")))
                        : "");
                }

                table.AddRow([.. cells]);
            }

            CliConsole.Out.Write(table);
        }
    }
}
