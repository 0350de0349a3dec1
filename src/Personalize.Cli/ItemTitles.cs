using CsvHelper;

namespace Personalize.Cli;

/// <summary>Item titles from a catalogue CSV (columns <c>item_id</c>, or the one <c>--items-id-col</c> names, and <c>title</c>), for showing people what an id is.</summary>
internal sealed class ItemTitles
{
    private readonly Dictionary<string, string> _titles;

    private ItemTitles(Dictionary<string, string> titles) => _titles = titles;

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

        if (!reader.TryGetFieldIndex("title", out int titleColumn))
        {
            return Empty;   // a catalogue without titles: items are shown by id
        }

        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            string? id = reader.GetStringOrNull(idIndex);
            if (!string.IsNullOrEmpty(id))
            {
                titles[id] = reader.GetStringOrNull(titleColumn) ?? "";
            }
        }

        return new ItemTitles(titles);
    }

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
