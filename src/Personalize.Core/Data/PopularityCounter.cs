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

        int[] itemIndex = new int[log.Items.Count];
        for (int i = 0; i < itemIndex.Length; i++)
        {
            itemIndex[i] = items.TryGetIndex(log.Items.GetId(i), out int index) ? index : -1;
        }

        // The latest row of each distinct (user, item) pair.
        var latest = new Dictionary<long, long>();
        ReadOnlySpan<int> users = log.UserIndices, logItems = log.ItemIndices;
        ReadOnlySpan<long> times = log.HasTimestamps ? log.Timestamps : default;
        for (int row = 0; row < log.Count; row++)
        {
            int item = itemIndex[logItems[row]];
            if (item < 0)
            {
                continue;
            }

            long key = ((long)users[row] << 32) | (uint)item;
            long time = times.IsEmpty ? 0 : times[row];
            latest[key] = latest.TryGetValue(key, out long seen) ? Math.Max(seen, time) : time;
        }

        var counts = new double[items.Count];
        foreach ((long key, long time) in latest)
        {
            counts[(int)(key & 0xFFFF_FFFF)] += decayPerSecond == 0 ? 1 : Math.Exp(-decayPerSecond * Math.Max(0, now - time));
        }

        return [.. counts.Select(c => (float)c)];
    }
}
