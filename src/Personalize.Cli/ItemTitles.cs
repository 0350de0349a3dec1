namespace Personalize.Cli;

/// <summary>Item titles from a catalogue CSV (columns <c>item_id</c>, or the one <c>--items-id-col</c> names, and <c>title</c>), for showing people what an id is.</summary>
internal sealed class ItemTitles
{
    private readonly Dictionary<string, string> _titles;
    private readonly HashSet<string> _ids;

    private ItemTitles(Dictionary<string, string> titles, HashSet<string>? ids = null)
    {
        _titles = titles;
        _ids = ids ?? new HashSet<string>(titles.Keys, StringComparer.Ordinal);
    }

    public static ItemTitles Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Reads the titles with the catalogue reader that <c>--filter</c> and <c>browse</c> use, so ids are trimmed, the id column is
    /// found by the same rules, and a bad row is the same error with its line, whether or not a filter is given.</summary>
    public static ItemTitles Load(string path, string? idColumn)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"The items file '{path}' is a folder; give the catalogue CSV file inside it."
                : $"The items file '{path}' does not exist.", path);
        }

        return FromCatalog(Personalize.Core.Data.ItemCatalog.ReadCsv(path, new Personalize.Core.Data.ItemCatalogOptions { IdColumn = CatalogReading.IdColumn(idColumn) }));
    }

    /// <summary>For a command that shows titles and may filter: with a filter, the catalogue read once (with --schema, as the filter reads
    /// it) and the titles from it; without one, the titles alone and no catalogue; without --items, neither.</summary>
    public static (Personalize.Core.Data.ItemCatalog? Catalogue, ItemTitles Titles) Read(string? items, bool filtered, string? schema, string? idColumn)
    {
        if (items is null)
        {
            return (null, Empty);
        }

        if (!filtered)
        {
            return (null, Load(items, idColumn));
        }

        Personalize.Core.Data.ItemCatalog catalogue = CatalogReading.Read(items, schema, idColumn);
        return (catalogue, FromCatalog(catalogue));
    }

    /// <summary>Warns on stderr, as <see cref="CatalogReading.WarnIfApart(Personalize.Core.Data.ItemCatalog, Personalize.Core.Data.IdMap, string, string)"/>
    /// does, when fewer than half of the model's items are in the catalogue the titles came from (Spark's integer ids beside a catalogue
    /// of SKUs, say): no item would get a title.</summary>
    public void WarnIfApart(Personalize.Core.Data.IdMap modelItems, string items) =>
        CatalogReading.WarnIfApart(_ids.Contains, _ids.Count > 0 ? _ids.First() : null, modelItems, items, "model", "have no title");

    public static ItemTitles FromCatalog(Personalize.Core.Data.ItemCatalog catalog)
    {
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (catalog.Schema.TryGetType("title", out _))
        {
            for (int i = 0; i < catalog.Count; i++)
            {
                if (catalog.GetText(i, "title") is { } title)
                {
                    titles[catalog.Items.GetId(i)] = title;
                }
            }
        }

        return new ItemTitles(titles, new HashSet<string>(catalog.Items.Ids, StringComparer.Ordinal));
    }

    public string? Get(string itemId) => _titles.TryGetValue(itemId, out string? title) ? title : null;

    public string Describe(string itemId) => Get(itemId) is { } title ? $"{title} ({itemId})" : itemId;
}
