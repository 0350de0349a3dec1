using CsvHelper;

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

    public static ItemTitles Load(string path, string? idColumn)
    {
        string column = CatalogReading.IdColumn(idColumn);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The items file '{path}' does not exist.", path);
        }

        using CsvReader reader = CsvReader.FromFile(path, CsvReaderOptions.Default with { TrackLineNumbers = true });
        if (!reader.TryGetFieldIndex(column, out int idIndex))
        {
            // The catalogue reader's error names the column that probably is the id, and how to take it.
            string header = string.Join(",", reader.Headers);
            reader.Dispose();
            _ = Personalize.Core.Data.ItemCatalog.ReadCsv(path, new Personalize.Core.Data.ItemCatalogOptions { IdColumn = column });
            throw new UsageException($"The items file '{path}' has no column '{column}' (the item id); its header is: {header}.");
        }

        // A catalogue without titles: items are shown by id (the ids kept to check them against the model's).
        bool hasTitles = reader.TryGetFieldIndex("title", out int titleColumn);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            string? id = reader.GetStringOrNull(idIndex);
            if (!string.IsNullOrEmpty(id))
            {
                ids.Add(id);
                if (hasTitles)
                {
                    titles[id] = reader.GetStringOrNull(titleColumn) ?? "";
                }
            }
        }

        return new ItemTitles(titles, ids);
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

        return new ItemTitles(titles);
    }

    public string? Get(string itemId) => _titles.TryGetValue(itemId, out string? title) ? title : null;

    public string Describe(string itemId) => Get(itemId) is { } title ? $"{title} ({itemId})" : itemId;
}
