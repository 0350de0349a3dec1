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
        public string? User { get; init => field = value?.Trim(); }   // as the log's ids are read

        [CommandOption("--filter <TEXT>")]
        [Description("Save a default filter (\"\" clears it).")]
        public string? Filter { get; init; }

        [CommandOption("--block-brand <BRANDS>")]
        [Description("Add brands to block (comma-separated; a brand with a comma in double quotes: '\"Smith, Jones\",Acme').")]
        public string? BlockBrand { get; init; }

        [CommandOption("--block-item <IDS>")]
        [Description("Add item ids to block (comma-separated, quoted like --block-brand).")]
        public string? BlockItem { get; init; }

        [CommandOption("--block-category <PATHS>")]
        [Description("Add category paths to block, with everything under them (comma-separated, quoted like --block-brand).")]
        public string? BlockCategory { get; init; }

        [CommandOption("--unblock-brand <BRANDS>")]
        [Description("Remove brands from the blocked ones (comma-separated, quoted like --block-brand).")]
        public string? UnblockBrand { get; init; }

        [CommandOption("--unblock-item <IDS>")]
        [Description("Remove item ids from the blocked ones.")]
        public string? UnblockItem { get; init; }

        [CommandOption("--unblock-category <PATHS>")]
        [Description("Remove category paths from the blocked ones (exactly as blocked: a path under a blocked one is not unblocked alone).")]
        public string? UnblockCategory { get; init; }

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
            throw PageOutput.FilterError(parsed.Error!);
        }

        if (settings.Sort is { Length: > 0 } sort && !SortOrderText.TryParse(sort, out _))
        {
            throw new UsageException($"--sort '{sort}' is not a sort order (expected {string.Join(", ", SortOrderText.ValidNames)}).");
        }

        CatalogReading.Check(settings.Schema, settings.Items, settings.ItemsIdCol);
        var lists = new Lists(settings);
        foreach (string category in lists.BlockCategory)
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

        foreach ((string option, string[] blocked, string[] unblocked) in lists.Pairs)
        {
            if (blocked.Intersect(unblocked, StringComparer.Ordinal).FirstOrDefault() is { } both)
            {
                throw new UsageException($"'{both}' is in both --block-{option} and --unblock-{option}; give it in one of them.");
            }
        }

        if (settings.Reset && (settings.Filter is not null || lists.Any || settings.Sort is not null || settings.OptOut || settings.OptIn))
        {
            // The delete ran and the changes were dropped in silence: --reset --opt-out left the user opted in.
            throw new UsageException("--reset deletes all of the user's preferences and takes no other change; run it, then the changes in a second command.");
        }

        // Showing opens the store read-only: it creates and changes nothing (another application's file, a store it may not write).
        bool changes = settings.Filter is not null || lists.Any || settings.Sort is not null || settings.OptOut || settings.OptIn || settings.Reset;
        SqlitePreferenceStore store = changes
            ? BrowseCommand.OnStore("--store", settings.Store, () => new SqlitePreferenceStore(settings.Store))
            : BrowseCommand.OpenForReading("--store", settings.Store, settings.User);
        if (settings.Reset)
        {
            bool deleted = BrowseCommand.OnStore("--store", settings.Store, () => store.DeleteAsync(settings.User, cancellationToken).GetAwaiter().GetResult());
            CliConsole.Out.WriteLine(deleted ? $"Deleted the preferences of {settings.User}." : $"{settings.User} had no saved preferences.");
            return CliApp.Success;
        }

        // 'not bought' would make every list fail (a model file holds what people had, not what they bought): refuse it before saving.
        if (settings.Filter is { Length: > 0 } && FilterText.Parse(settings.Filter) is { Success: true } saved)
        {
            PageOutput.RefuseNotBought(saved.Value);
        }

        // The browser has a model of the catalogue's items that knows no user, so 'not seen', which every list with a model applies,
        // is checked as a rule and not refused for want of a model.
        ItemCatalog? catalog = settings.Items is null ? null : CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
        CatalogBrowser? browser = catalog is null ? null : new CatalogBrowser(catalog, FactorModel.FromFactors(FactorModelKind.Implicit,
            IdMap.FromIds([]), catalog.Items, 1, [], new float[catalog.Count], [0], [], []));
        UserPreferences Change(UserPreferences current)
        {
            UserPreferences changed = current with
            {
                DefaultFilter = settings.Filter is null ? current.DefaultFilter : settings.Filter.Length == 0 ? null : settings.Filter,
                BlockedBrands = Lists.Apply(current.BlockedBrands, lists.BlockBrand, lists.UnblockBrand),
                BlockedItems = Lists.Apply(current.BlockedItems, lists.BlockItem, lists.UnblockItem),
                BlockedCategories = Lists.Apply(current.BlockedCategories, lists.BlockCategory, lists.UnblockCategory, Lists.CategoryPath),
                PreferredSort = settings.Sort is null ? current.PreferredSort : settings.Sort.Length == 0 ? null : SortOrderText.Format(SortOrderText.Parse(settings.Sort)),
                PersonalizationOptOut = settings.OptOut || (!settings.OptIn && current.PersonalizationOptOut),
            };

            // The same resolution every list makes (saved filter against the catalogue's attributes, blocks, sort), before saving: on
            // what is saved now, which another writer may have changed since this command started.
            try
            {
                _ = browser?.Browse(new BrowseRequest { UserId = settings.User, PageSize = 1 }, changed);
                if (browser is null)
                {
                    BlocksFit(changed);
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
            {
                string on = settings.Items is null ? "" : $" on {settings.Items}";
                throw new UsageException($"these preferences would make {settings.User}'s lists fail{on}, so nothing was saved: {exception.Message}");
            }

            return changed;
        }

        if (catalog is not null)
        {
            // A block of a brand, item or category the catalogue lacks is harmless but blocks nothing: most likely a misspelling.
            foreach (string missing in Unmatched(catalog, lists))
            {
                CliConsole.Error.WriteLine($"warning: {missing} is not in {settings.Items}, so blocking it blocks nothing; check its spelling (values match exactly).");
            }
        }
        else if (settings.Filter is { Length: > 0 })
        {
            CliConsole.Error.WriteLine("note: the filter's attributes were not checked against a catalogue; give --items to check them before saving.");
        }

        // Read, change and save; when another writer saved in between, read their version and apply this change to it. Showing only
        // reads (the store is open read-only).
        UserPreferences before = null!;
        UserPreferences changed = BrowseCommand.OnStore("--store", settings.Store, () => changes
            ? store.UpdateAsync(settings.User, current =>
            {
                before = current;
                return Change(current);
            }, cancellationToken: cancellationToken).GetAwaiter().GetResult()
            : before = store.GetAsync(settings.User, cancellationToken).GetAwaiter().GetResult() ?? new UserPreferences());
        foreach ((string option, IReadOnlyList<string> was, string[] unblocked) in
            new[] { ("brand", before.BlockedBrands, lists.UnblockBrand), ("item", before.BlockedItems, lists.UnblockItem), ("category", [.. before.BlockedCategories.Select(Lists.CategoryPath)], lists.UnblockCategory) })
        {
            foreach (string value in unblocked.Where(v => !was.Contains(v, StringComparer.Ordinal)))
            {
                CliConsole.Error.WriteLine($"warning: the {option} '{value}' was not blocked for {settings.User}, so --unblock-{option} left it as it was.");
            }
        }

        CliConsole.Out.WriteLine($"Preferences of {settings.User} (version {changed.Version}):");
        CliConsole.Out.WriteLine($"  default filter:     {changed.DefaultFilter ?? "(none)"}");
        CliConsole.Out.WriteLine($"  blocked brands:     {Lists.Format(changed.BlockedBrands)}");
        CliConsole.Out.WriteLine($"  blocked items:      {Lists.Format(changed.BlockedItems)}");
        CliConsole.Out.WriteLine($"  blocked categories: {Lists.Format(changed.BlockedCategories)}");
        CliConsole.Out.WriteLine($"  preferred sort:     {changed.PreferredSort ?? "(none)"}");
        CliConsole.Out.WriteLine($"  personalization:    {(changed.PersonalizationOptOut ? "opted out" : "on")}");
        return CliApp.Success;
    }

    /// <summary>Without a catalogue to try the preferences on: the saved filter and the blocks must still make one filter, within the limits
    /// of its text (256 values in a list, 4,096 characters), as every list applies them; 300 blocked brands saved, then failed every list.</summary>
    /// <exception cref="ArgumentException">They do not fit.</exception>
    private static void BlocksFit(UserPreferences preferences)
    {
        var parts = new List<Filter>();
        if (preferences.DefaultFilter is { Length: > 0 } text && FilterText.Parse(text) is { Success: true } saved)
        {
            parts.Add(saved.Value);
        }

        if (preferences.BlockedBrands.Count > 0)
        {
            parts.Add(Filter.Not(Filter.Where("brand").In(preferences.BlockedBrands)));
        }

        if (preferences.BlockedCategories.Count > 0)
        {
            Filter[] under = [.. preferences.BlockedCategories.Select(c => Filter.Where("category").Under(c))];
            parts.Add(Filter.Not(under.Length == 1 ? under[0] : Filter.AnyOf(under)));
        }

        if (parts.Count > 1)
        {
            _ = Filter.AllOf(parts);
        }
    }

    /// <summary>The brands, items and categories this run adds to the blocks that no item of the catalogue has (a category counts when an
    /// item's category is it or lies under it).</summary>
    private static IEnumerable<string> Unmatched(ItemCatalog catalog, Lists lists)
    {
        string[] Values(string attribute) => catalog.Schema.TryGetType(attribute, out _)
            ? [.. Enumerable.Range(0, catalog.Count).Select(i => catalog.GetText(i, attribute)).OfType<string>().Distinct(StringComparer.Ordinal)]
            : [];
        string[] brands = Values("brand"), categories = Values("category");
        foreach (string brand in lists.BlockBrand.Where(b => !brands.Contains(b, StringComparer.Ordinal)))
        {
            yield return $"the brand '{brand}'";
        }

        foreach (string item in lists.BlockItem.Where(i => catalog.GetIndex(i) < 0))
        {
            yield return $"the item '{item}'";
        }

        foreach (string category in lists.BlockCategory.Where(c => !categories.Any(k => k == c || k.StartsWith(c + "/", StringComparison.Ordinal))))
        {
            yield return $"the category '{category}'";
        }
    }

    /// <summary>The values of the six block and unblock options, each a list like <c>Acme,"Smith, Jones",Zen</c>.</summary>
    private sealed class Lists(Settings settings)
    {
        public string[] BlockBrand { get; } = Parse("--block-brand", settings.BlockBrand);

        public string[] BlockItem { get; } = Parse("--block-item", settings.BlockItem);

        public string[] BlockCategory { get; } = [.. Parse("--block-category", settings.BlockCategory).Select(CategoryPath)];

        public string[] UnblockBrand { get; } = Parse("--unblock-brand", settings.UnblockBrand);

        public string[] UnblockItem { get; } = Parse("--unblock-item", settings.UnblockItem);

        public string[] UnblockCategory { get; } = [.. Parse("--unblock-category", settings.UnblockCategory).Select(CategoryPath)];

        /// <summary>Gets whether any of the six options was given (even empty).</summary>
        public bool Any { get; } = settings.BlockBrand is not null || settings.BlockItem is not null || settings.BlockCategory is not null
            || settings.UnblockBrand is not null || settings.UnblockItem is not null || settings.UnblockCategory is not null;

        /// <summary>Gets each kind with its blocked and unblocked values.</summary>
        public (string Option, string[] Blocked, string[] Unblocked)[] Pairs =>
            [("brand", BlockBrand, UnblockBrand), ("item", BlockItem, UnblockItem), ("category", BlockCategory, UnblockCategory)];

        /// <summary>The saved values, then the added ones that are new, without the removed ones; compared as <paramref name="key"/>
        /// makes them (a category path by its segments), when given.</summary>
        public static IReadOnlyList<string> Apply(IReadOnlyList<string> current, string[] added, string[] removed, Func<string, string>? key = null)
        {
            if (added.Length == 0 && removed.Length == 0)
            {
                return current;
            }

            key ??= value => value;
            var gone = new HashSet<string>(removed.Select(key), StringComparer.Ordinal);
            return [.. current.Concat(added).DistinctBy(key, StringComparer.Ordinal).Where(value => !gone.Contains(key(value)))];
        }

        /// <summary>A category path as filters match it: its segments trimmed ("Kitchen / Coffee" is Kitchen/Coffee; an empty segment stays,
        /// for the filter to refuse).</summary>
        public static string CategoryPath(string path) => string.Join('/', path.Split('/', StringSplitOptions.TrimEntries));

        /// <summary>The values as a list that <see cref="Parse"/> reads back: a value with a comma or a double quote in double quotes
        /// (its quotes doubled), or "(none)".</summary>
        public static string Format(IReadOnlyList<string> values) => values.Count == 0 ? "(none)"
            : string.Join(", ", values.Select(v => v.Contains(',', StringComparison.Ordinal) || v.Contains('"', StringComparison.Ordinal) || v != v.Trim()
                ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v));

        /// <summary>Reads a comma-separated list: each value trimmed, empty ones dropped; a value in double quotes keeps its commas and
        /// spaces, and "" inside it is one quote.</summary>
        /// <exception cref="UsageException">A quote is not closed, or text follows a closing quote before the next comma.</exception>
        public static string[] Parse(string option, string? text)
        {
            var values = new List<string>();
            if (text is null)
            {
                return [];
            }

            int at = 0;
            while (at <= text.Length)
            {
                while (at < text.Length && char.IsWhiteSpace(text[at]))
                {
                    at++;
                }

                if (at < text.Length && text[at] == '"')
                {
                    var value = new System.Text.StringBuilder();
                    int open = at++;
                    while (true)
                    {
                        if (at == text.Length)
                        {
                            throw new UsageException($"{option}, column {open + 1}: the quote opened there is not closed (write a quote inside a quoted value as \"\").");
                        }

                        if (text[at] == '"' && at + 1 < text.Length && text[at + 1] == '"')
                        {
                            value.Append('"');
                            at += 2;
                        }
                        else if (text[at] == '"')
                        {
                            at++;
                            break;
                        }
                        else
                        {
                            value.Append(text[at++]);
                        }
                    }

                    while (at < text.Length && char.IsWhiteSpace(text[at]))
                    {
                        at++;
                    }

                    if (at < text.Length && text[at] != ',')
                    {
                        throw new UsageException($"{option}, column {at + 1}: expected a comma after the quoted value, not '{text[at]}'.");
                    }

                    if (value.Length > 0)
                    {
                        values.Add(value.ToString());
                    }
                }
                else
                {
                    int comma = text.IndexOf(',', at);
                    int end = comma < 0 ? text.Length : comma;
                    string value = text[at..end].Trim();
                    if (value.Contains('"', StringComparison.Ordinal))
                    {
                        throw new UsageException($"{option}, column {text.IndexOf('"', at) + 1}: a quote inside a value; put the whole value in quotes and double the quote (\"\").");
                    }

                    if (value.Length > 0)
                    {
                        values.Add(value);
                    }

                    at = end;
                }

                at++;   // past the comma (or the end)
            }

            return [.. values.Distinct(StringComparer.Ordinal)];
        }
    }
}
