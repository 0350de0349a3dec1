using System.Text;

namespace Personalize.Core.Tracking;

// The payload of a tracker snapshot (the file around it: TrackerSnapshotFile). All numbers little-endian; strings as BinaryWriter writes
// them (UTF-8, 7-bit encoded length prefix); "count" is an int32.
//   short half-life, baseline half-life     int64 ticks each (the trending counters are scaled by them: they must match the options)
//   activity clock                          int64 (the order of least-recently-active eviction)
//   accepted, evicted users, evicted items  int64 each
//   unknown item ids, unknown event types   each: total int64, complete uint8, count, then (id string, events int64) per entry
//   items                                   count, then each item id: the index space of everything below
//   trending counters                       count, then (item int32, short counter int64, baseline counter int64) per item with events
//   repeat statistics per item              count, then (item int32, buyers, repeat buyers, intervals int32, sum of log intervals float64)
//   repeat statistics per category          count, then (category path string, the same four fields)
//   users                                   count, then per user: id string, last active int64, version int32,
//                                           items: count, then (item int32, weight float32, latest view int64, touched int32),
//                                           purchases: count, then (item int32, orders int32, first int64, last int64),
//                                           searches: count, then (query string, searched at int64 ticks, count int32), oldest first
// Items are saved by id, so a tracker over another item map restores what it knows; state of items it does not know is skipped.
public sealed partial class EventTracker
{
    /// <summary>Copies the whole state into a snapshot payload. Called under the journal lock, so no event is being applied.</summary>
    private byte[] CaptureSnapshot()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Options.ShortHalfLife.Ticks);
            writer.Write(Options.BaselineHalfLife.Ticks);
            writer.Write(Interlocked.Read(ref _activityClock));
            writer.Write(_accepted.Read());
            writer.Write(Interlocked.Read(ref _evictedUsers));
            writer.Write(Interlocked.Read(ref _evictedUserItems));
            WriteUnknown(writer, _unknownItems);
            WriteUnknown(writer, _unknownEventTypes);

            string[] ids = Items.RawIds;
            writer.Write(ids.Length);
            foreach (string id in ids)
            {
                writer.Write(id);
            }

            int withEvents = 0;
            for (int item = 0; item < ids.Length; item++)
            {
                withEvents += Volatile.Read(ref _trend[(2 * item) + 1]) != 0 ? 1 : 0;
            }

            writer.Write(withEvents);
            for (int item = 0; item < ids.Length; item++)
            {
                long baseline = Volatile.Read(ref _trend[(2 * item) + 1]);
                if (baseline != 0)
                {
                    writer.Write(item);
                    writer.Write(Volatile.Read(ref _trend[2 * item]));
                    writer.Write(baseline);
                }
            }

            var stats = new List<(int Item, ItemPurchaseStats Stats)>();
            for (int item = 0; item < ids.Length; item++)
            {
                lock (_purchaseLocks[item & (PurchaseStripes - 1)])
                {
                    if (_purchaseStats[item].Buyers != 0 || _purchaseStats[item].Intervals != 0)
                    {
                        stats.Add((item, _purchaseStats[item]));
                    }
                }
            }

            writer.Write(stats.Count);
            foreach (var (item, itemStats) in stats)
            {
                writer.Write(item);
                WriteStats(writer, itemStats);
            }

            lock (_categoryLock)
            {
                writer.Write(_categoryStats.Length);
                for (int c = 0; c < _categoryStats.Length; c++)
                {
                    writer.Write(_categoryNames[c]);
                    WriteStats(writer, _categoryStats[c]);
                }
            }

            UserActivity[] users = [.. _users.Values];
            writer.Write(users.Length);
            foreach (UserActivity user in users)
            {
                lock (user)
                {
                    WriteUser(writer, user);
                }
            }
        }

        return stream.ToArray();
    }

    private static void WriteUnknown(BinaryWriter writer, UnknownCounts counts)
    {
        var (byKey, complete) = counts.Snapshot();
        writer.Write(counts.Total);
        writer.Write(complete);
        writer.Write(byKey.Count);
        foreach (var (key, count) in byKey)
        {
            writer.Write(key);
            writer.Write(count);
        }
    }

    private static void WriteStats(BinaryWriter writer, ItemPurchaseStats stats)
    {
        writer.Write(stats.Buyers);
        writer.Write(stats.RepeatBuyers);
        writer.Write(stats.Intervals);
        writer.Write(stats.SumLogIntervalDays);
    }

    private static void WriteUser(BinaryWriter writer, UserActivity user)
    {
        writer.Write(user.UserId);
        writer.Write(user.LastActive);
        writer.Write(user.Version);
        writer.Write(user.ItemCount);
        foreach (UserActivity.Entry entry in user.Entries)
        {
            if (entry.Key != 0)
            {
                writer.Write(entry.Key - 1);
                writer.Write(entry.Weight);
                writer.Write(entry.LastViewTicks);
                writer.Write(entry.Touched);
            }
        }

        writer.Write(user.Purchases?.Count ?? 0);
        if (user.Purchases is { } purchases)
        {
            foreach (var (item, history) in purchases)
            {
                writer.Write(item);
                writer.Write(history.Orders);
                writer.Write(history.FirstTicks);
                writer.Write(history.LastTicks);
            }
        }

        writer.Write(user.Searches?.Count ?? 0);
        if (user.Searches is { } searches)
        {
            foreach (RecentSearch search in searches)
            {
                writer.Write(search.Query);
                writer.Write(search.SearchedAt.UtcTicks);
                writer.Write(search.Count);
            }
        }
    }

    /// <summary>Restores the state of a snapshot payload into this fresh tracker (in the constructor, before any event).</summary>
    /// <exception cref="EventJournalException">The payload does not decode, or was written with other half-lives.</exception>
    private void RestoreSnapshot(string path, byte[] payload)
    {
        using var stream = new MemoryStream(payload, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var shortHalfLife = TimeSpan.FromTicks(reader.ReadInt64());
            var baselineHalfLife = TimeSpan.FromTicks(reader.ReadInt64());
            if (shortHalfLife != Options.ShortHalfLife || baselineHalfLife != Options.BaselineHalfLife)
            {
                throw new EventJournalException(path, -1,
                    $"{path}: the snapshot was written with ShortHalfLife {shortHalfLife} and BaselineHalfLife {baselineHalfLife}, but the tracker's "
                    + $"options have {Options.ShortHalfLife} and {Options.BaselineHalfLife}; the trending counters are scaled by them. Use the same "
                    + "half-lives, or move the journal directory away to start afresh.");
            }

            _activityClock = reader.ReadInt64();
            _accepted.Add(reader.ReadInt64());
            _evictedUsers = reader.ReadInt64();
            _evictedUserItems = reader.ReadInt64();
            ReadUnknown(reader, _unknownItems);
            ReadUnknown(reader, _unknownEventTypes);

            int[] map = new int[Count(reader, 1)];
            for (int i = 0; i < map.Length; i++)
            {
                map[i] = Items.TryGetIndex(reader.ReadString(), out int mine) ? mine : -1;
            }

            for (int n = Count(reader, 20); n > 0; n--)
            {
                int item = MapItem(reader, map);
                long recent = reader.ReadInt64(), baseline = reader.ReadInt64();
                if (item >= 0)
                {
                    _trend[2 * item] = recent;
                    _trend[(2 * item) + 1] = baseline;
                }
            }

            for (int n = Count(reader, 24); n > 0; n--)
            {
                int item = MapItem(reader, map);
                ItemPurchaseStats stats = ReadStats(reader);
                if (item >= 0)
                {
                    _purchaseStats[item] = stats;
                }
            }

            var categories = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int c = 0; c < _categoryNames.Length; c++)
            {
                categories[_categoryNames[c]] = c;
            }

            for (int n = Count(reader, 21); n > 0; n--)
            {
                string category = reader.ReadString();
                ItemPurchaseStats stats = ReadStats(reader);
                if (categories.TryGetValue(category, out int c))
                {
                    _categoryStats[c] = stats;
                }
            }

            for (int n = Count(reader, 17); n > 0; n--)
            {
                ReadUser(reader, map);
            }

            if (stream.Position != payload.Length)
            {
                throw new InvalidDataException($"{payload.Length - stream.Position} bytes follow the last user, expected none");
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or DecoderFallbackException)
        {
            throw TrackerSnapshotFile.Damaged(path, 28 + stream.Position, $"the state does not decode ({e.Message})");
        }
    }

    private void ReadUser(BinaryReader reader, int[] map)
    {
        var user = new UserActivity(reader.ReadString()) { LastActive = reader.ReadInt64() };
        int version = reader.ReadInt32();
        for (int n = Count(reader, 20); n > 0; n--)
        {
            int item = MapItem(reader, map);
            float weight = reader.ReadSingle();
            long lastView = reader.ReadInt64();
            int touched = reader.ReadInt32();
            if (item >= 0)
            {
                user.Restore(item, weight, lastView, touched);
            }
        }

        user.RestoreVersion(version);
        for (int n = Count(reader, 24); n > 0; n--)
        {
            int item = MapItem(reader, map);
            var history = new PurchaseHistory(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64());
            if (item >= 0)
            {
                user.RestorePurchase(item, history);
            }
        }

        int searches = Count(reader, 14);
        if (searches > 0)
        {
            user.Searches = new List<RecentSearch>(searches);
            for (int n = 0; n < searches; n++)
            {
                string query = reader.ReadString();
                long ticks = reader.ReadInt64();
                int count = reader.ReadInt32();
                if (ticks <= 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
                {
                    throw new InvalidDataException($"a search time of {ticks} ticks is out of range");
                }

                user.Searches.Add(new RecentSearch(query, new DateTimeOffset(ticks, TimeSpan.Zero), count));
            }

            if (user.Searches.Count > Options.RecentSearchCapacity)
            {
                user.Searches.RemoveRange(0, user.Searches.Count - Options.RecentSearchCapacity);   // oldest first
            }
        }

        if (!_users.TryAdd(user.UserId, user))
        {
            throw new InvalidDataException($"the user '{user.UserId}' is listed twice");
        }
    }

    private static void ReadUnknown(BinaryReader reader, UnknownCounts counts)
    {
        long total = reader.ReadInt64();
        bool complete = reader.ReadBoolean();
        var byKey = new List<KeyValuePair<string, long>>();
        for (int n = Count(reader, 9); n > 0; n--)
        {
            byKey.Add(new(reader.ReadString(), reader.ReadInt64()));
        }

        counts.Restore(total, complete, byKey);
    }

    private static ItemPurchaseStats ReadStats(BinaryReader reader) => new()
    {
        Buyers = reader.ReadInt32(),
        RepeatBuyers = reader.ReadInt32(),
        Intervals = reader.ReadInt32(),
        SumLogIntervalDays = reader.ReadDouble(),
    };

    /// <summary>Reads a count and checks that that many entries of at least <paramref name="entryBytes"/> each can follow.</summary>
    private static int Count(BinaryReader reader, int entryBytes)
    {
        int count = reader.ReadInt32();
        long left = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || (long)count * entryBytes > left)
        {
            throw new InvalidDataException($"a count of {count} entries does not fit the {left} bytes left");
        }

        return count;
    }

    private static int MapItem(BinaryReader reader, int[] map)
    {
        int item = reader.ReadInt32();
        if ((uint)item >= (uint)map.Length)
        {
            throw new InvalidDataException($"item {item} is outside the snapshot's {map.Length} items");
        }

        return map[item];
    }
}
