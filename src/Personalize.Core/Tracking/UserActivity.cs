using System.Runtime.InteropServices;

namespace Personalize.Core.Tracking;

/// <summary>
/// One user's live state in an <see cref="EventTracker"/>: one entry per distinct item the user has touched (the seen set), each with the
/// summed weight of the user's events on it (the input of fold-in) and the time of the latest view (recently viewed), plus the purchase
/// history per item (buy again).
/// </summary>
/// <remarks>
/// The items live in one open-addressing table, so an event costs one probe into one array: with many users the state of most users is
/// not in the CPU cache, and every separate array would be one more cache miss per event. Callers hold the lock of this object (a
/// private type, so nobody else can lock it) for every member.
/// </remarks>
internal sealed class UserActivity
{
    private const int FirstCapacity = 8;
    private Entry[] _entries = [];   // Key = item index + 1; 0 marks an empty slot
    private int _count;
    private Dictionary<int, PurchaseHistory>? _purchases;

    /// <summary>The tracker's activity clock at the user's latest event: the key of least-recently-active eviction
    /// (<see cref="EventTrackerOptions.MaxUsers"/>). Written under the user's lock, read with <see cref="Volatile"/> by eviction.</summary>
    public long LastActive;

    public UserActivity(string userId) => UserId = userId;

    public string UserId { get; }

    /// <summary>Set (under the lock) when the user was evicted: a writer that fetched this object before must fetch the user again.</summary>
    public bool Evicted { get; set; }

    /// <summary>Grows by one with every accepted event: the key of the folded-in vector's cache.</summary>
    public int Version { get; private set; }

    /// <summary>The folded-in vector computed at <see cref="FoldedVersion"/>, or null.</summary>
    public float[]? FoldedVector { get; set; }

    public int FoldedVersion { get; set; } = -1;

    /// <summary>How many distinct items the user has touched.</summary>
    public int ItemCount => _count;

    /// <summary>The table, with empty slots (<see cref="Entry.Key"/> 0) among the entries.</summary>
    public ReadOnlySpan<Entry> Entries => _entries;

    public Dictionary<int, PurchaseHistory>? Purchases => _purchases;

    /// <summary>The user's distinct recent searches, oldest first (null until the first search).</summary>
    public List<RecentSearch>? Searches { get; set; }

    /// <summary>Records an event: the item joins the seen set, its weight grows, and a view moves its latest view time forward.</summary>
    public void Record(int item, float weight, long viewTicks)
    {
        if (_count * 4 >= _entries.Length * 3)
        {
            Grow();
        }

        ref Entry entry = ref Find(_entries, item + 1);
        if (entry.Key == 0)
        {
            entry.Key = item + 1;
            _count++;
        }

        entry.Weight += weight;
        if (viewTicks > entry.LastViewTicks)
        {
            entry.LastViewTicks = viewTicks;
        }

        Version++;
        entry.Touched = Version;
    }

    /// <summary>Forgets all but the <paramref name="keep"/> items the user touched most recently (their weight, latest view and purchase
    /// history); returns how many were forgotten.</summary>
    public int ForgetLeastRecentItems(int keep)
    {
        int forget = _count - keep;
        if (forget <= 0)
        {
            return 0;
        }

        var touched = new int[_count];
        var kept = new Entry[_count];
        int n = 0;
        foreach (Entry entry in _entries)
        {
            if (entry.Key != 0)
            {
                touched[n] = entry.Touched;
                kept[n++] = entry;
            }
        }

        Array.Sort(touched, kept);   // Touched values are distinct (each is the Version of one event): the order is deterministic
        int capacity = FirstCapacity;
        while (keep * 4 >= capacity * 3)
        {
            capacity *= 2;
        }

        var table = new Entry[capacity];
        for (int i = forget; i < n; i++)
        {
            Find(table, kept[i].Key) = kept[i];
        }

        if (_purchases is not null)
        {
            for (int i = 0; i < forget; i++)
            {
                _purchases.Remove(kept[i].Key - 1);
            }
        }

        _entries = table;
        _count = keep;
        FoldedVersion = -1;
        return forget;
    }

    /// <summary>Restores one item from a snapshot (no other change: the version and purchase history are restored separately).</summary>
    public void Restore(int item, float weight, long lastViewTicks, int touched)
    {
        if (_count * 4 >= _entries.Length * 3)
        {
            Grow();
        }

        ref Entry entry = ref Find(_entries, item + 1);
        if (entry.Key == 0)
        {
            entry.Key = item + 1;
            _count++;
        }

        entry.Weight = weight;
        entry.LastViewTicks = lastViewTicks;
        entry.Touched = touched;
    }

    /// <summary>Restores the version (the number of events recorded) and a purchase history from a snapshot.</summary>
    public void RestoreVersion(int version) => Version = version;

    public void RestorePurchase(int item, PurchaseHistory history) => (_purchases ??= [])[item] = history;

    public bool HasSeen(int item)
    {
        if (_count == 0)
        {
            return false;
        }

        return Find(_entries, item + 1).Key != 0;
    }

    /// <summary>Records a purchase and says how it changes the item's repeat statistics.</summary>
    /// <param name="item">The item.</param>
    /// <param name="ticks">When.</param>
    /// <param name="sameOrderTicks">Purchases closer than this to the last one (an order's latest row) are the same order.</param>
    /// <param name="intervalTicks">For a repeat: the time since the user's previous order of the item.</param>
    public PurchaseChange RecordPurchase(int item, long ticks, long sameOrderTicks, out long intervalTicks)
    {
        intervalTicks = 0;
        _purchases ??= [];
        ref PurchaseHistory history = ref CollectionsMarshal.GetValueRefOrAddDefault(_purchases, item, out bool existed);
        if (!existed)
        {
            history = new PurchaseHistory(1, ticks, ticks);
            return PurchaseChange.FirstOrder;
        }

        long gap = ticks - history.LastTicks;
        long fromFirst = history.FirstTicks - ticks;
        if (Math.Abs(gap) < sameOrderTicks || Math.Abs(fromFirst) < sameOrderTicks)
        {
            // The order stretches to this row, so the window runs from each row to the next, not from the order's first row: three
            // rows 50 s apart are one order.
            history = new PurchaseHistory(history.Orders, Math.Min(history.FirstTicks, ticks), Math.Max(history.LastTicks, ticks));
            return PurchaseChange.SameOrder;
        }

        // Events normally arrive in time order; an older one still counts as an order, and its gap to the nearest end as an interval.
        intervalTicks = gap > 0 ? gap : Math.Min(-gap, Math.Abs(fromFirst));
        history = new PurchaseHistory(history.Orders + 1, Math.Min(history.FirstTicks, ticks), Math.Max(history.LastTicks, ticks));
        return history.Orders == 2 ? PurchaseChange.SecondOrder : PurchaseChange.LaterOrder;
    }

    /// <summary>The slot of <paramref name="key"/>, or the empty slot where it would go (linear probing; the table is never full).</summary>
    private static ref Entry Find(Entry[] entries, int key)
    {
        int mask = entries.Length - 1;
        int slot = (int)((uint)key * 0x9E3779B1u >> 7) & mask;   // Fibonacci hashing spreads consecutive item indices
        while (true)
        {
            ref Entry entry = ref entries[slot];
            if (entry.Key == key || entry.Key == 0)
            {
                return ref entry;
            }

            slot = (slot + 1) & mask;
        }
    }

    private void Grow()
    {
        Entry[] old = _entries;
        var grown = new Entry[Math.Max(FirstCapacity, old.Length * 2)];
        foreach (Entry entry in old)
        {
            if (entry.Key != 0)
            {
                Find(grown, entry.Key) = entry;
            }
        }

        _entries = grown;
    }

    /// <summary>One item the user touched.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Entry
    {
        /// <summary>The item index + 1; 0 for an empty slot.</summary>
        public int Key;

        /// <summary>The summed weight of the user's events on the item.</summary>
        public float Weight;

        /// <summary>The latest view (UTC ticks), or 0 when never viewed.</summary>
        public long LastViewTicks;

        /// <summary>The user's <see cref="Version"/> when the item was last touched: the order of <see cref="ForgetLeastRecentItems"/>.</summary>
        public int Touched;
    }
}

/// <summary>One user's orders of one item.</summary>
/// <param name="Orders">How many separate orders.</param>
/// <param name="FirstTicks">The first order (UTC ticks).</param>
/// <param name="LastTicks">The latest order (UTC ticks).</param>
internal readonly record struct PurchaseHistory(int Orders, long FirstTicks, long LastTicks);

/// <summary>How a purchase changed a user's history of an item.</summary>
internal enum PurchaseChange
{
    /// <summary>The user's first order of the item: one more buyer.</summary>
    FirstOrder,

    /// <summary>Part of an order already counted.</summary>
    SameOrder,

    /// <summary>The user's second order: one more repeat buyer, and one interval.</summary>
    SecondOrder,

    /// <summary>A third or later order: one more interval.</summary>
    LaterOrder,
}
