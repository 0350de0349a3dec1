using Personalize.Core.Data;

namespace Personalize.Cli;

/// <summary>Reads the <c>--items</c> catalogue with the column types of <c>--schema</c> (such as <c>tags:tags,price:number</c>).</summary>
internal static class CatalogReading
{
    private const string TypeNames = "text, number, boolean, datetime, tags or category";

    /// <summary>Checks <c>--schema</c> before any work: it needs <c>--items</c> and must parse.</summary>
    public static void Check(string? schema, string? items)
    {
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

    /// <summary>Reads the catalogue; every column <c>--schema</c> names must be in its header.</summary>
    public static ItemCatalog Read(string items, string? schema)
    {
        CatalogSchema? declared = schema is null ? null : ParseSchema(schema);
        var options = new ItemCatalogOptions { Schema = declared };
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
