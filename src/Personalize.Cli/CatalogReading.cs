using Personalize.Core.Data;

namespace Personalize.Cli;

/// <summary>Reads the <c>--items</c> catalogue with the column types of <c>--schema</c> (such as <c>tags:tags,price:number</c>).</summary>
internal static class CatalogReading
{
    private const string TypeNames = "text, number, boolean, datetime, tags or category";

    /// <summary>Checks <c>--schema</c> and <c>--items-id-col</c> before any work: they need <c>--items</c>, and the schema must
    /// parse.</summary>
    public static void Check(string? schema, string? items, string? idColumn)
    {
        if (idColumn is not null)
        {
            _ = IdColumn(idColumn);
            if (items is null)
            {
                throw new UsageException("--items-id-col needs --items: it names the item id column of that catalogue.");
            }
        }

        if (schema is null)
        {
            return;
        }

        if (items is null)
        {
            throw new UsageException("--schema needs --items: it types the columns of that catalogue.");
        }

        _ = ParseSchema(schema);
    }

    /// <summary>Reads the catalogue, its item ids from the column <c>--items-id-col</c> names (<c>item_id</c> when
    /// <see langword="null"/>); every column <c>--schema</c> names must be in its header.</summary>
    public static ItemCatalog Read(string items, string? schema, string? idColumn)
    {
        CatalogSchema? declared = schema is null ? null : ParseSchema(schema);
        var options = new ItemCatalogOptions { Schema = declared, IdColumn = IdColumn(idColumn) };
        ItemCatalog catalog = ItemCatalog.ReadCsv(items, options);
        foreach (string warning in catalog.TypeWarnings)
        {
            CliConsole.Error.WriteLine($"warning: {items}: {warning.Replace("(schema ", "(--schema ", StringComparison.Ordinal)}");
        }
        foreach (string name in declared?.Names ?? [])
        {
            if (name == options.IdColumn)
            {
                throw new UsageException($"--schema: '{name}' is the item id column, which has no type; leave it out.");
            }

            if (!catalog.Schema.TryGetType(name, out _))
            {
                throw new UsageException(
                    $"--schema names '{name}', which {Path.GetFileName(items)} does not have; its columns are: {string.Join(", ", catalog.Schema.Names)}.");
            }
        }

        return catalog;
    }

    /// <summary>Warns on stderr when fewer than half of the model's (or the log's: <paramref name="source"/>) items are in the catalogue:
    /// a catalogue of another shop, or ids spelled another way, would otherwise give empty filtered lists and no popularity without a
    /// word.</summary>
    public static void WarnIfApart(ItemCatalog catalog, IdMap modelItems, string items, string source = "model") =>
        WarnIfApart(id => catalog.GetIndex(id) >= 0, catalog.Count > 0 ? catalog.Items.GetId(0) : null, modelItems, items, source,
            "fail every attribute condition and have no title");

    /// <summary>The check of <see cref="WarnIfApart(ItemCatalog, IdMap, string, string)"/> for any catalogue: <paramref name="inCatalogue"/>
    /// tells its ids, <paramref name="example"/> is one of them (or null for none), and <paramref name="consequence"/> says what an item
    /// it lacks misses.</summary>
    public static void WarnIfApart(Func<string, bool> inCatalogue, string? example, IdMap modelItems, string items, string source, string consequence)
    {
        int shared = 0;
        for (int i = 0; i < modelItems.Count; i++)
        {
            shared += inCatalogue(modelItems.GetId(i)) ? 1 : 0;
        }

        if (modelItems.Count > 0 && shared * 2 < modelItems.Count)
        {
            string looks = example is null ? "" : $" (the catalogue's ids look like '{example}', the {source}'s like '{modelItems.GetId(0)}')";
            CliConsole.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"warning: only {shared:N0} of the {source}'s {modelItems.Count:N0} items are in {items}{looks}; items it lacks {consequence}. Check that --items is this {source}'s catalogue (and --items-id-col its id column)."));
        }
    }

    /// <summary>The catalogue's id column: <c>--items-id-col</c>, or <c>item_id</c>.</summary>
    public static string IdColumn(string? idColumn) => idColumn switch
    {
        null => new ItemCatalogOptions().IdColumn,
        _ when string.IsNullOrWhiteSpace(idColumn) => throw new UsageException("--items-id-col needs a column name."),
        _ => idColumn,
    };

    /// <summary>Parses <c>name:type</c> pairs separated by commas.</summary>
    public static CatalogSchema ParseSchema(string text)
    {
        var attributes = new List<KeyValuePair<string, AttributeType>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split(':', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0].Length == 0)
            {
                throw new UsageException($"--schema '{text}': '{part}' is not a column and a type (expected name:type, such as tags:tags,price:number).");
            }

            AttributeType type = pair[1].ToLowerInvariant() switch
            {
                "text" => AttributeType.Text,
                "number" => AttributeType.Number,
                "boolean" => AttributeType.Boolean,
                "datetime" => AttributeType.DateTime,
                "tags" => AttributeType.Tags,
                "category" => AttributeType.Category,
                _ => throw new UsageException($"--schema '{text}': '{pair[1]}' is not a type (expected {TypeNames})."),
            };
            if (!names.Add(pair[0]))
            {
                throw new UsageException($"--schema '{text}': the column '{pair[0]}' is typed twice.");
            }

            attributes.Add(new(pair[0], type));
        }

        return new CatalogSchema(attributes);
    }
}
