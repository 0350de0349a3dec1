using System.Runtime.InteropServices;

namespace Personalize.Core.Tracking;

/// <summary>
/// One user's live state in an <see cref="EventTracker"/>: recent distinct views, latest events (for fold-in), items seen since the model,
/// and purchase history per item. Every member must be used while holding <see cref="Gate"/>; the arrays grow on demand up to their
/// capacity, so a user who never views anything costs no view buffer.
/// </summary>
internal sealed class UserActivity
{
    private int[] _viewItems = [];
    private long[] _viewTicks = [];
    private int _viewCount;
    private int[] _eventItems = [];
    private byte[] _eventTypes = [];
    private int _eventStart;
    private int _eventCount;
    private HashSet<int>? _seen;
    private Dictionary<int, PurchaseHistory>? _purchases;

    public UserActivity(string userId) => UserId = userId;

    /// <summary>The lock that guards this user's state.</summary>
    public Lock Gate { get; } = new();

    public string UserId { get; }

    /// <summary>Grows by one with every accepted event: the key of the folded-in vector's cache.</summary>
    public int Version { get; private set; }

    /// <summary>The folded-in vector computed at <see cref="FoldedVersion"/>, or null.</summary>
    public float[]? FoldedVector { get; set; }

    public int FoldedVersion { get; set; } = -1;

    public int ViewCount => _viewCount;

    /// <summary>The kept views, oldest first: distinct items with the time of their latest view.</summary>
    public ReadOnlySpan<int> ViewItems => _viewItems.AsSpan(0, _viewCount);

    public ReadOnlySpan<long> ViewTicks => _viewTicks.AsSpan(0, _viewCount);

    public Dictionary<int, PurchaseHistory>? Purchases => _purchases;

    public int EventCount => _eventCount;

    public void Touch() => Version++;

    /// <summary>Records a view: the item moves to its place in time order (normally the newest end); the oldest drops out when full.</summary>
    public void AddView(int item, long ticks, int capacity)
    {
        int existing = _viewItems.AsSpan(0, _viewCount).IndexOf(item);
        if (existing >= 0)
        {
            if (_viewTicks[existing] >= ticks)
            {
                return;   // a later view of the item is already kept
            }

            Array.Copy(_viewItems, existing + 1, _viewItems, existing, _viewCount - existing - 1);
            Array.Copy(_viewTicks, existing + 1, _viewTicks, existing, _viewCount - existing - 1);
            _viewCount--;
        }
        else if (_viewCount == capacity)
        {
            if (ticks < _viewTicks[0])
            {
                return;   // older than every kept view
            }

            Array.Copy(_viewItems, 1, _viewItems, 0, _viewCount - 1);
            Array.Copy(_viewTicks, 1, _viewTicks, 0, _viewCount - 1);
            _viewCount--;
        }
        else if (_viewCount == _viewItems.Length)
        {
            int size = Math.Min(capacity, Math.Max(4, _viewItems.Length * 2));
            Array.Resize(ref _viewItems, size);
            Array.Resize(ref _viewTicks, size);
        }

        // Insert in time order; events normally arrive in order, so this is the end.
        int at = _viewCount;
        while (at > 0 && _viewTicks[at - 1] > ticks)
        {
            at--;
        }

        Array.Copy(_viewItems, at, _viewItems, at + 1, _viewCount - at);
        Array.Copy(_viewTicks, at, _viewTicks, at + 1, _viewCount - at);
        _viewItems[at] = item;
        _viewTicks[at] = ticks;
        _viewCount++;
    }

    /// <summary>Keeps the event in the ring of the latest events; the oldest is overwritten when full.</summary>
    public void AddEvent(int item, byte type, int capacity)
    {
        if (_eventCount < capacity)
        {
            if (_eventCount == _eventItems.Length)
            {
                int size = Math.Min(capacity, Math.Max(8, _eventItems.Length * 2));
                Array.Resize(ref _eventItems, size);
                Array.Resize(ref _eventTypes, size);
            }

            _eventItems[_eventCount] = item;
            _eventTypes[_eventCount] = type;
            _eventCount++;
            return;
        }

        _eventItems[_eventStart] = item;
        _eventTypes[_eventStart] = type;
        _eventStart = _eventStart + 1 == capacity ? 0 : _eventStart + 1;
    }

    /// <summary>The kept event at position <paramref name="i"/>, oldest first.</summary>
    public (int Item, byte Type) GetEvent(int i)
    {
        int at = _eventStart + i;
        if (at >= _eventItems.Length)
        {
            at -= _eventItems.Length;
        }

        return (_eventItems[at], _eventTypes[at]);
    }

    public void AddSeen(int item) => (_seen ??= []).Add(item);

    public bool HasSeen(int item) => _seen is not null && _seen.Contains(item);

    public int SeenCount => _seen?.Count ?? 0;

    public HashSet<int>? Seen => _seen;

    /// <summary>Records a purchase and says how it changes the item's repeat statistics.</summary>
    /// <param name="item">The item.</param>
    /// <param name="ticks">When.</param>
    /// <param name="sameOrderTicks">Purchases closer than this to the last one are the same order.</param>
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
            return PurchaseChange.SameOrder;
        }

        // Events normally arrive in time order; an older one still counts as an order, and its gap to the nearest end as an interval.
        intervalTicks = gap > 0 ? gap : Math.Min(-gap, Math.Abs(fromFirst));
        history = new PurchaseHistory(history.Orders + 1, Math.Min(history.FirstTicks, ticks), Math.Max(history.LastTicks, ticks));
        return history.Orders == 2 ? PurchaseChange.SecondOrder : PurchaseChange.LaterOrder;
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
