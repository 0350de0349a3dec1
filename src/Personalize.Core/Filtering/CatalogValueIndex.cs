using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>Each item's value ids (CSR: several for tags), the labels, and for categories each path's parent path.</summary>
internal sealed class CatalogValueIndex
{
    public static CatalogValueIndex For(ItemCatalog catalog, string attribute) =>
        catalog.GetOrAddIndex("values:" + attribute, static (key, c) => Build(c, key["values:".Length..]));

    public required int[] Offsets { get; init; }

    public required int[] Values { get; init; }

    public required string[] Labels { get; init; }

    public required int[] Parents { get; init; }

    public required int[] DeepestFirst { get; init; }

    private static CatalogValueIndex Build(ItemCatalog catalog, string attribute)
    {
        object?[] column = catalog.GetColumn(attribute);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new List<string>();
        var parents = new List<int>();
        var offsets = new int[column.Length + 1];
        var values = new List<int>(column.Length);
        int Id(string label)
        {
            if (!ids.TryGetValue(label, out int id))
            {
                id = labels.Count;
                ids[label] = id;
                labels.Add(label);
                parents.Add(-1);
            }

            return id;
        }

        for (int i = 0; i < column.Length; i++)
        {
            switch (column[i])
            {
                case string[] tags:
                    foreach (string tag in tags)
                    {
                        values.Add(Id(tag));
                    }

                    break;
                case bool b:
                    values.Add(Id(b ? "true" : "false"));
                    break;
                case string text:
                    values.Add(Id(text));
                    break;
            }

            offsets[i + 1] = values.Count;
        }

        if (catalog.Schema.TryGetType(attribute, out AttributeType type) && type == AttributeType.Category)
        {
            // Add every path above each path, and link each to its parent.
            for (int p = 0; p < labels.Count; p++)
            {
                int cut = labels[p].LastIndexOf('/');
                if (cut > 0)
                {
                    parents[p] = Id(labels[p][..cut]);
                }
            }
        }

        int[] order = [.. Enumerable.Range(0, labels.Count).OrderByDescending(l => labels[l].Count(ch => ch == '/')).ThenBy(l => l)];
        return new CatalogValueIndex { Offsets = offsets, Values = [.. values], Labels = [.. labels], Parents = [.. parents], DeepestFirst = order };
    }
}
