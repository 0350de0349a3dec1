namespace Personalize.Core.Data;

/// <summary>Shared steps of building matrices from logs: dropping ids without rows, and stable counting sorts of rows.</summary>
internal static class RowOrdering
{
    /// <summary>Drops ids that have no rows, keeping index order; returns the map and each row's index in it.</summary>
    public static (IdMap Map, int[] Rows) Compact(IdMap map, ReadOnlySpan<int> rows)
    {
        var used = new bool[map.Count];
        foreach (int index in rows)
        {
            used[index] = true;
        }

        if (Array.IndexOf(used, false) < 0)
        {
            return (map, rows.ToArray());
        }

        var remap = new int[map.Count];
        var ids = new List<string>();
        for (int i = 0; i < used.Length; i++)
        {
            remap[i] = used[i] ? ids.Count : -1;
            if (used[i])
            {
                ids.Add(map.GetId(i));
            }
        }

        var result = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            result[r] = remap[rows[r]];
        }

        return (IdMap.FromIds(ids), result);
    }

    /// <summary>Returns row numbers ordered by key, stable with respect to <paramref name="previousOrder"/> (or row order).</summary>
    public static int[] CountingOrder(ReadOnlySpan<int> keys, int keyCount, int[]? previousOrder)
    {
        var starts = new int[keyCount + 1];
        foreach (int key in keys)
        {
            starts[key + 1]++;
        }

        for (int k = 0; k < keyCount; k++)
        {
            starts[k + 1] += starts[k];
        }

        var order = new int[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            int row = previousOrder is null ? i : previousOrder[i];
            order[starts[keys[row]]++] = row;
        }

        return order;
    }

    /// <summary>Row numbers grouped by user, items ascending within a user, and file order within a (user, item) pair.</summary>
    public static int[] ByUserThenItem(ReadOnlySpan<int> users, int userCount, ReadOnlySpan<int> items, int itemCount) =>
        CountingOrder(users, userCount, CountingOrder(items, itemCount, null));
}
