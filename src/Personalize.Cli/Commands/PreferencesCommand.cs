using System.ComponentModel;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize preferences</c>: show or change one user's saved preferences in a SQLite store.</summary>
internal sealed class PreferencesCommand : Command<PreferencesCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--store <DB>")]
        [Description("The SQLite preference store (created by the first change; only read, and required to exist, when nothing changes).")]
        public string? Store { get; init; }

        [CommandOption("-u|--user <ID>")]
        [Description("Whose preferences.")]
        public string? User { get; init; }

        [CommandOption("--filter <TEXT>")]
        [Description("Save a default filter (\"\" clears it).")]
        public string? Filter { get; init; }

        [CommandOption("--block-brand <BRANDS>")]
        [Description("Add brands to block (comma-separated).")]
        public string? BlockBrand { get; init; }

        [CommandOption("--block-item <IDS>")]
        [Description("Add item ids to block (comma-separated).")]
        public string? BlockItem { get; init; }

        [CommandOption("--block-category <PATHS>")]
        [Description("Add category paths to block, with everything under them (comma-separated).")]
        public string? BlockCategory { get; init; }

        [CommandOption("--sort <ORDER>")]
        [Description("Save a preferred sort order (\"\" clears it).")]
        public string? Sort { get; init; }

        [CommandOption("--opt-out")]
        [Description("Opt the user out of personalization.")]
        public bool OptOut { get; init; }

        [CommandOption("--opt-in")]
        [Description("Opt the user back in.")]
        public bool OptIn { get; init; }

        [CommandOption("--items <FILE>")]
        [Description("The catalogue the preferences are for: the saved filter, blocks and sort are checked against it before saving, so they cannot break the user's lists later.")]
        public string? Items { get; init; }

        [CommandOption("--schema <TYPES>")]
        [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number (types: text, number, boolean, datetime, tags, category).")]
        public string? Schema { get; init; }

        [CommandOption("--items-id-col <NAME>")]
        [Description("Column of the item id in the --items catalogue. Default: item_id")]
        public string? ItemsIdCol { get; init; }

        [CommandOption("--reset")]
        [Description("Delete the user's saved preferences.")]
        public bool Reset { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Store) || string.IsNullOrWhiteSpace(settings.User))
        {
            throw new UsageException("--store and --user are required: the preference store and whose preferences.");
        }

        if (settings.OptOut && settings.OptIn)
        {
            throw new UsageException("Give --opt-out or --opt-in, not both.");
        }

        if (settings.Filter is { Length: > 0 } filter && FilterText.Parse(filter) is { Success: false } parsed)
        {
            throw new UsageException($"--filter, column {parsed.Error!.Column}: {parsed.Error.Reason}");
        }

        if (settings.Sort is { Length: > 0 } sort && !SortOrderText.TryParse(sort, out _))
        {
            throw new UsageException($"--sort '{sort}' is not a sort order (expected {string.Join(", ", SortOrderText.ValidNames)}).");
        }

        CatalogReading.Check(settings.Schema, settings.Items, settings.ItemsIdCol);
        foreach (string category in (settings.BlockCategory ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                _ = Filter.Where("category").Under(category);
            }
            catch (ArgumentException exception)
            {
                throw UsageException.For("--block-category", exception);
            }
        }

        // Showing opens the store read-only: it creates and changes nothing (another application's file, a store it may not write).
        bool changes = settings.Filter is not null || settings.BlockBrand is not null || settings.BlockItem is not null || settings.BlockCategory is not null
            || settings.Sort is not null || settings.OptOut || settings.OptIn || settings.Reset;
        SqlitePreferenceStore store = changes
            ? BrowseCommand.OnStore("--store", settings.Store, () => new SqlitePreferenceStore(settings.Store))
            : BrowseCommand.OpenForReading("--store", settings.Store, settings.User);
        if (settings.Reset)
        {
            bool deleted = BrowseCommand.OnStore("--store", settings.Store, () => store.DeleteAsync(settings.User, cancellationToken).GetAwaiter().GetResult());
            CliConsole.Out.WriteLine(deleted ? $"Deleted the preferences of {settings.User}." : $"{settings.User} had no saved preferences.");
            return CliApp.Success;
        }

        UserPreferences current = BrowseCommand.OnStore("--store", settings.Store, () => store.GetAsync(settings.User, cancellationToken).GetAwaiter().GetResult())
            ?? new UserPreferences();
        UserPreferences changed = current with
        {
            DefaultFilter = settings.Filter is null ? current.DefaultFilter : settings.Filter.Length == 0 ? null : settings.Filter,
            BlockedBrands = Add(current.BlockedBrands, settings.BlockBrand),
            BlockedItems = Add(current.BlockedItems, settings.BlockItem),
            BlockedCategories = Add(current.BlockedCategories, settings.BlockCategory),
            PreferredSort = settings.Sort is null ? current.PreferredSort : settings.Sort.Length == 0 ? null : SortOrderText.Format(SortOrderText.Parse(settings.Sort)),
            PersonalizationOptOut = settings.OptOut || (!settings.OptIn && current.PersonalizationOptOut),
        };

        // 'not bought' would make every list fail (a model file holds what people had, not what they bought): refuse it before saving.
        if (settings.Filter is { Length: > 0 } && FilterText.Parse(settings.Filter) is { Success: true } saved)
        {
            PageOutput.RefuseNotBought(saved.Value);
        }

        if (settings.Items is not null)
        {
            // The same resolution every list makes (saved filter against the catalogue's attributes, blocks, sort), before saving. The
            // browser has a model of the catalogue's items that knows no user, so 'not seen', which every list with a model applies,
            // is checked as a rule and not refused for want of a model.
            ItemCatalog catalog = CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
            FactorModel noUsers = FactorModel.FromFactors(FactorModelKind.Implicit, IdMap.FromIds([]), catalog.Items, 1, [],
                new float[catalog.Count], [0], [], []);
            try
            {
                _ = new CatalogBrowser(catalog, noUsers).Browse(new BrowseRequest { UserId = settings.User, PageSize = 1 }, changed);
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
            {
                throw new UsageException($"these preferences would make {settings.User}'s lists fail on {settings.Items}, so nothing was saved: {exception.Message}");
            }

            // A block of a brand, item or category the catalogue lacks is harmless but blocks nothing: most likely a misspelling.
            foreach (string missing in Unmatched(catalog, settings))
            {
                CliConsole.Error.WriteLine($"warning: {missing} is not in {settings.Items}, so blocking it blocks nothing; check its spelling (values match exactly).");
            }
        }
        else if (settings.Filter is { Length: > 0 })
        {
            CliConsole.Error.WriteLine("note: the filter's attributes were not checked against a catalogue; give --items to check them before saving.");
        }

        if (!changed.Equals(current))
        {
            changed = BrowseCommand.OnStore("--store", settings.Store, () => store.SaveAsync(settings.User, changed, cancellationToken).GetAwaiter().GetResult());
        }

        CliConsole.Out.WriteLine($"Preferences of {settings.User} (version {changed.Version}):");
        CliConsole.Out.WriteLine($"  default filter:     {changed.DefaultFilter ?? "(none)"}");
        CliConsole.Out.WriteLine($"  blocked brands:     {List(changed.BlockedBrands)}");
        CliConsole.Out.WriteLine($"  blocked items:      {List(changed.BlockedItems)}");
        CliConsole.Out.WriteLine($"  blocked categories: {List(changed.BlockedCategories)}");
        CliConsole.Out.WriteLine($"  preferred sort:     {changed.PreferredSort ?? "(none)"}");
        CliConsole.Out.WriteLine($"  personalization:    {(changed.PersonalizationOptOut ? "opted out" : "on")}");
        return CliApp.Success;
    }

    /// <summary>The brands, items and categories this run adds to the blocks that no item of the catalogue has (a category counts when an
    /// item's category is it or lies under it).</summary>
    private static IEnumerable<string> Unmatched(ItemCatalog catalog, Settings settings)
    {
        string[] Values(string attribute) => catalog.Schema.TryGetType(attribute, out _)
            ? [.. Enumerable.Range(0, catalog.Count).Select(i => catalog.GetText(i, attribute)).OfType<string>().Distinct(StringComparer.Ordinal)]
            : [];
        string[] brands = Values("brand"), categories = Values("category");
        foreach (string brand in Split(settings.BlockBrand).Where(b => !brands.Contains(b, StringComparer.Ordinal)))
        {
            yield return $"the brand '{brand}'";
        }

        foreach (string item in Split(settings.BlockItem).Where(i => catalog.GetIndex(i) < 0))
        {
            yield return $"the item '{item}'";
        }

        foreach (string category in Split(settings.BlockCategory).Where(c => !categories.Any(k => k == c || k.StartsWith(c + "/", StringComparison.Ordinal))))
        {
            yield return $"the category '{category}'";
        }
    }

    private static string[] Add(IReadOnlyList<string> current, string? added) =>
        added is null ? [.. current] : [.. current.Concat(Split(added)).Distinct(StringComparer.Ordinal)];

    /// <summary>The values of a comma-separated option (<c>--block-brand Acme,Zen</c>), trimmed, without empty ones.</summary>
    private static string[] Split(string? text) => (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string List(IReadOnlyList<string> values) => values.Count == 0 ? "(none)" : string.Join(", ", values);
}
