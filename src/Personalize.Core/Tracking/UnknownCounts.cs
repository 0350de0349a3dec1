using System.Collections.Concurrent;
using System.Collections.ObjectModel;

namespace Personalize.Core.Tracking;

/// <summary>Counts rejected events in total and by key (an unknown item id or event type), listing at most a fixed number of keys.</summary>
internal sealed class UnknownCounts(int capacity)
{
    private readonly ConcurrentDictionary<string, StrongBox> _byKey = new(StringComparer.Ordinal);
    private long _total;
    private int _keys;
    private int _overflowed;

    public long Total => Volatile.Read(ref _total);

    public void Add(string key)
    {
        Interlocked.Increment(ref _total);
        if (_byKey.TryGetValue(key, out StrongBox? box))
        {
            Interlocked.Increment(ref box.Value);
            return;
        }

        if (Interlocked.Increment(ref _keys) > capacity)
        {
            Interlocked.Decrement(ref _keys);
            Volatile.Write(ref _overflowed, 1);
            return;
        }

        var added = new StrongBox();
        box = _byKey.GetOrAdd(key, added);
        if (!ReferenceEquals(box, added))
        {
            Interlocked.Decrement(ref _keys);   // another thread added the key first
        }

        Interlocked.Increment(ref box.Value);
    }

    public (IReadOnlyDictionary<string, long> ByKey, bool Complete) Snapshot()
    {
        var copy = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, box) in _byKey)
        {
            copy[key] = Volatile.Read(ref box.Value);
        }

        return (new ReadOnlyDictionary<string, long>(copy), Volatile.Read(ref _overflowed) == 0);
    }

    /// <summary>Restores counts saved from <see cref="Snapshot"/> (into a fresh instance, before any event).</summary>
    public void Restore(long total, bool complete, IEnumerable<KeyValuePair<string, long>> byKey)
    {
        _total = total;
        _overflowed = complete ? 0 : 1;
        foreach (var (key, count) in byKey)
        {
            if (_keys >= capacity)
            {
                _overflowed = 1;
                break;
            }

            _byKey[key] = new StrongBox { Value = count };
            _keys++;
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
