using System.ComponentModel;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize browse</c>: the plain catalogue, filtered, sorted, a page at a time, with facet counts.</summary>
internal sealed class BrowseCommand : Command<BrowseCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--items <FILE>")]
        [Description("The catalogue (CSV with item_id and attribute columns).")]
        public string? Items { get; init; }

        [CommandOption("--schema <TYPES>")]
        [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number (types: text, number, boolean, datetime, tags, category).")]
        public string? Schema { get; init; }

        [CommandOption("--items-id-col <NAME>")]
        [Description("Column of the item id in the --items catalogue. Default: item_id")]
        public string? ItemsIdCol { get; init; }

        [CommandOption("--filter <TEXT>")]
        [Description("Narrow the list, e.g. \"brand in (\\\"Acme\\\") and price <= 50\".")]
        public string? Filter { get; init; }

        [CommandOption("--sort <ORDER>")]
        [Description("relevance (popularity with --model, else catalogue order), price-asc, price-desc, rating, newest or popularity.")]
        public string? Sort { get; init; }

        [CommandOption("--page-size <N>")]
        [Description("Items per page. Default 20.")]
        public int? PageSize { get; init; }

        [CommandOption("--top <N>")]
        [Description("The same as --page-size, as every list command takes it.")]
        public int? Top { get; init; }

        [CommandOption("--cursor <CURSOR>")]
        [Description("Continue after the previous page (the cursor it printed).")]
        public string? Cursor { get; init; }

        [CommandOption("--facets <ATTRIBUTES>")]
        [Description("Count values over the eligible items, e.g. brand,category,price,rating.")]
        public string? Facets { get; init; }

        [CommandOption("--empty-facets")]
        [Description("List facet values and ranges that no eligible item has, with a count of 0 (left out by default).")]
        public bool EmptyFacets { get; init; }

        [CommandOption("-m|--model <MODEL>")]
        [Description("A model whose popularity orders 'relevance' and 'popularity'.")]
        public string? Model { get; init; }

        [CommandOption("-u|--user <ID>")]
        [Description("The browsing user, whose saved preferences apply (with --preferences).")]
        public string? User { get; init => field = value?.Trim(); }   // as the log's ids are read

        [CommandOption("--preferences <DB>")]
        [Description("The SQLite preference store (see 'personalize preferences').")]
        public string? Preferences { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table, csv or json. Default table.")]
        public string Format { get; init; } = "table";

        [CommandOption("--out <FILE>")]
        [Description("Write csv or json to a file.")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Items))
        {
            throw new UsageException("--items is required: the catalogue to browse.");
        }

        if (settings.User is "")
        {
            throw new UsageException("--user is empty: give a user id, or leave --user out.");
        }

        if (settings.Out is not null)
        {
            OptionParsing.CheckOutput("--out", settings.Out, writesModel: false, settings.Items, settings.Model, settings.Preferences);
        }

        if (settings.Top is not null && settings.PageSize is not null && settings.Top != settings.PageSize)
        {
            throw new UsageException($"--top {settings.Top} and --page-size {settings.PageSize} disagree: give one (they are the same).");
        }

        int pageSize = settings.PageSize ?? settings.Top ?? 20;
        string format = CheckPaging(pageSize, settings.Format, settings.PageSize is null && settings.Top is not null ? "--top" : "--page-size", settings.Facets);
        ItemCatalog catalog = CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
        var request = new BrowseRequest
        {
            UserId = settings.User,
            Filter = PageOutput.ParseListFilter(settings.Filter, catalog),
            Sort = PageOutput.ParseSort(settings.Sort),
            PageSize = pageSize,
            Cursor = settings.Cursor,
            Facets = PageOutput.ParseFacets(settings.Facets, catalog, settings.EmptyFacets),
        };
        FactorModel? model = settings.Model is null ? null : ModelFile.Load(settings.Model);
        if (model is not null)
        {
            CatalogReading.WarnIfApart(catalog, model.Items, settings.Items);
        }

        UserPreferences? preferences = ReadPreferences(settings.Preferences, settings.User, settings.Filter, cancellationToken);
        var browser = new CatalogBrowser(catalog, model);
        RecommendationPage page = PageOutput.Run(() => browser.Browse(request, preferences));
        PageOutput.NoteNearMisses(page.Filter, catalog, page.TotalCount);
        PageOutput.Write(page, format, ItemTitles.FromCatalog(catalog), settings.Out, catalog);
        return CliApp.Success;
    }

    /// <summary>Checks the page size (named by the option that gave it, <paramref name="sizeOption"/>) and the format, and that facet
    /// counts are asked for only where they are shown (the table and JSON; CSV has one row per item).</summary>
    internal static string CheckPaging(int pageSize, string format, string sizeOption, string? facets)
    {
        if (pageSize is < 1 or > 10_000)
        {
            throw new UsageException($"{sizeOption} {pageSize} must be between 1 and 10000.");
        }

        string lower = format.ToLowerInvariant();
        if (lower is not ("table" or "csv" or "json"))
        {
            throw new UsageException($"--format '{format}' is not a format (expected table, csv or json).");
        }

        return facets is not null && lower == "csv"
            ? throw new UsageException("--facets are shown in the table and in JSON; CSV holds one row per item, so use --format json (or table) for the counts.")
            : lower;
    }

    internal static UserPreferences? ReadPreferences(string? store, string? user, string? requestFilter, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return null;
        }

        if (user is null)
        {
            throw new UsageException("--preferences needs --user: whose saved preferences to apply.");
        }

        SqlitePreferenceStore opened = OpenForReading("--preferences", store, user);
        UserPreferences? preferences = OnStore("--preferences", store, () => opened.GetAsync(user, cancellationToken).GetAwaiter().GetResult());

        // A saved 'not bought' (from an older version, or saved through the library) would fail every list with an error that does not
        // say where the rule came from.
        if (requestFilter is null && preferences?.DefaultFilter is { Length: > 0 } saved && FilterText.Parse(saved) is { Success: true } parsed
            && PageOutput.HasNotBought(parsed.Value))
        {
            throw new UsageException(
                $"--preferences: the saved default filter of user '{user}' in {store} is '{saved}': its 'not bought' needs the user's purchases, which a model file does not hold; "
                + $"change it with 'personalize preferences --store {store} --user {user} --filter \"...\"' (use 'not seen'), or give --filter to use another filter.");
        }

        return preferences;
    }

    /// <summary>Opens a preference store read-only (<paramref name="option"/> gave its <paramref name="path"/>): nothing is created or
    /// changed, so another application's database is refused untouched, a store the process may not write can be read, and a missing
    /// file is an error (a misspelt path would otherwise read as no preferences).</summary>
    internal static SqlitePreferenceStore OpenForReading(string option, string path, string user)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The preference store '{path}' ({option}) does not exist; create it with 'personalize preferences --store {path} --user {user} ...'.", path);
        }

        return OnStore(option, path, () => SqlitePreferenceStore.OpenReadOnly(path));   // another application's database: a usage error
    }

    /// <summary>Runs an operation on a preference store, turning the database's refusal (a folder, a file that is not SQLite) into a
    /// usage error that names the option and the path, and a store another writer holds locked past the busy timeout (SQLite errors 5
    /// and 6), or a save that other writers beat at every attempt, into a runtime failure that says to retry.</summary>
    internal static T OnStore<T>(string option, string path, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Microsoft.Data.Sqlite.SqliteException exception) when (exception.SqliteErrorCode is 5 or 6)
        {
            throw new IOException(
                $"{option} {path} is busy: another writer has held it locked for longer than the 30 s this waits ({Reason(exception)}), so nothing was read or saved; retry when that writer is done.",
                exception);
        }
        catch (PreferenceConflictException exception)
        {
            throw new IOException(
                $"{option} {path}: other writers changed the preferences of '{exception.UserId}' at each of {PreferenceStoreExtensions.DefaultAttempts} attempts to save, so nothing was saved; retry.",
                exception);
        }
        catch (System.Data.Common.DbException exception)
        {
            throw new UsageException(
                $"{option} {path} is not a preference store that can be opened ({Reason(exception)}); give the SQLite file 'personalize preferences --store' writes, or a new file's path to create one.");
        }
        catch (InvalidDataException exception) when (exception.Message.Contains("is a SQLite database but not a preference store", StringComparison.Ordinal))
        {
            // Opening it to write: another application's database, which a change would have altered (a table added, its journal mode).
            throw new UsageException($"{option} {path} is not a preference store: {exception.Message[(exception.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]}");
        }
    }

    /// <summary>The database's message as a clause: "error 5: 'database is locked'".</summary>
    private static string Reason(System.Data.Common.DbException exception) =>
        exception.Message.Replace("SQLite Error ", "error ", StringComparison.Ordinal).TrimEnd('.');
}
