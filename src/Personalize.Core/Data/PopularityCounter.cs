namespace Personalize.Core.Data;

/// <summary>Counts how popular each item is in a log: distinct users, optionally weighted by how recently they chose the item.</summary>
/// <remarks>With a half-life, a user's pair with an item counts 0.5^(age / half-life), where age is measured from the pair's latest row
/// to <c>asOf</c>: on a log that spans months or years, what sells <em>now</em> ranks first. Thread-safe.</remarks>
public static class PopularityCounter
{
    /// <summary>Counts item popularity over a set of items.</summary>
    /// <param name="log">The interactions.</param>
    /// <param name="items">The items to count, such as a model's <c>Items</c>; log items outside it are ignored, and items without rows count 0.</param>
    /// <param name="halfLife">The half-life of a pair's weight; <see langword="null"/> to count every distinct user once.</param>
    /// <param name="asOf">The instant ages are measured from; <see langword="null"/> for the log's latest timestamp.</param>
    /// <returns>One value per item of <paramref name="items"/>, in its index order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> or <paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentException">A half-life is given but is not positive, or the log has no timestamps.</exception>
    public static float[] Count(InteractionLog log, IdMap items, TimeSpan? halfLife = null, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(items);
        double decayPerSecond = 0;
        long now = 0;
        if (halfLife is { } h)
        {
            if (h <= TimeSpan.Zero)
            {
                throw new ArgumentException($"The half-life is {h}; it must be positive.", nameof(halfLife));
            }

            if (!log.HasTimestamps)
            {
                throw new ArgumentException("A half-life is given but the log has no timestamps.", nameof(log));
            }

            decayPerSecond = Math.Log(2) / h.TotalSeconds;
            now = (asOf ?? log.GetLatestTimestamp() ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds();
        }

        (int[] pairItems, long[] pairTimes) = LatestPairs(log, items);
        return CountPairs(pairItems, pairTimes, items.Count, decayPerSecond, now);
    }

    /// <summary>The distinct (user, item) pairs of a log over an item map: each pair's item index and latest timestamp (0 without
    /// timestamps). Sorted once, so several half-lives can be counted from one pass over the log.</summary>
    internal static (int[] Items, long[] Times) LatestPairs(InteractionLog log, IdMap items)
    {
        var itemIndex = new int[log.Items.Count];
        for (int i = 0; i < itemIndex.Length; i++)
        {
            itemIndex[i] = items.TryGetIndex(log.Items.GetId(i), out int index) ? index : -1;
        }

        ReadOnlySpan<int> users = log.UserIndices, logItems = log.ItemIndices;
        ReadOnlySpan<long> times = log.HasTimestamps ? log.Timestamps : default;
        var keys = new long[log.Count];
        var rowTimes = new long[log.Count];
        int n = 0;
        for (int row = 0; row < log.Count; row++)
        {
            int item = itemIndex[logItems[row]];
            if (item >= 0)
            {
                keys[n] = ((long)users[row] << 32) | (uint)item;
                rowTimes[n++] = times.IsEmpty ? 0 : times[row];
            }
        }

        Array.Sort(keys, rowTimes, 0, n);
        var pairItems = new List<int>();
        var pairTimes = new List<long>();
        for (int r = 0; r < n; r++)
        {
            if (r > 0 && keys[r] == keys[r - 1])
            {
                pairTimes[^1] = Math.Max(pairTimes[^1], rowTimes[r]);
                continue;
            }

            pairItems.Add((int)(keys[r] & 0xFFFF_FFFF));
            pairTimes.Add(rowTimes[r]);
        }

        return ([.. pairItems], [.. pairTimes]);
    }

    /// <summary>Counts pairs per item, each weighted by exp(-decay · age) with ages measured to <paramref name="now"/> (Unix seconds).</summary>
    internal static float[] CountPairs(int[] pairItems, long[] pairTimes, int itemCount, double decayPerSecond, long now)
    {
        var counts = new double[itemCount];
        for (int p = 0; p < pairItems.Length; p++)
        {
            counts[pairItems[p]] += decayPerSecond == 0 ? 1 : Math.Exp(-decayPerSecond * Math.Max(0, now - pairTimes[p]));
        }

        return [.. counts.Select(c => (float)c)];
    }
}
