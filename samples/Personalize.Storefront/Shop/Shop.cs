using Microsoft.Extensions.Options;
using Personalize.Core.Data;
using Personalize.Core.Pages;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tracking;
using Personalize.Extensions.DependencyInjection;
using Personalize.Search;

namespace Personalize.Storefront.Shop;

/// <summary>
/// The storefront's state: the catalogue and search index (built once), the preference store, the live event journal, and the
/// snapshot of the model the DI service serves now. When the service's version changes (admin reload, watched file, retrain), the
/// next request builds a snapshot for the new model from one lease, replays history and the journal into its tracker and publishes it;
/// requests meanwhile keep answering from the old snapshot. Thread-safe.
/// </summary>
internal sealed class Shop : IDisposable
{
    private static readonly EventTrackerOptions TrackerOptions = new()
    {
        ShortHalfLife = TimeSpan.FromHours(6),   // the sample shop has a few events per item per day (README: 6 h / 7 d)
        BaselineHalfLife = TimeSpan.FromDays(7),
    };

    private readonly IRecommendationService _service;
    private readonly object _buildLock = new();
    private readonly object _journalLock = new();
    private readonly Queue<LiveEvent> _journal = new();
    private readonly Dictionary<string, HashSet<string>> _purchases = new(StringComparer.Ordinal);
    private readonly int _maxJournal;
    private readonly ItemInfo[] _items;
    private ShopSnapshot? _current;

    public Shop(ShopData data, IRecommendationService service, IOptions<StorefrontOptions> options)
    {
        StorefrontOptions o = options.Value;
        Data = data;
        _service = service;
        _maxJournal = o.MaxJournalEvents;
        Clock = new ShopClock(data.Start);
        Catalog = data.Catalog;
        Index = CatalogSearchIndex.Build(Catalog);
        _items = ItemInfo.ReadAll(Catalog);
        string prefs = o.Preferences ?? Path.Combine(ShopData.StateDirectory(o), "prefs.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefs))!);
        Preferences = new SqlitePreferenceStore(prefs);
        Brands = [.. Enumerable.Range(0, Catalog.Count).Select(i => Catalog.GetText(i, "brand")).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        Categories = [.. Enumerable.Range(0, Catalog.Count).Select(i => Catalog.GetText(i, "category")).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        SampleUsers = PickSampleUsers(data.History);
        int purchase = data.History.EventTypes?.IndexOf("purchase") ?? -1;
        for (int row = 0; row < data.History.Count; row++)
        {
            if (purchase >= 0 && data.History.EventTypeIndices[row] == purchase)
            {
                AddPurchase(data.History.Users.GetId(data.History.UserIndices[row]), data.History.Items.GetId(data.History.ItemIndices[row]));
            }
        }
    }

    public ShopData Data { get; }

    public ShopClock Clock { get; }

    public ItemCatalog Catalog { get; }

    public CatalogSearchIndex Index { get; }

    public SqlitePreferenceStore Preferences { get; }

    public IReadOnlyList<string> Brands { get; }

    public IReadOnlyList<string> Categories { get; }

    /// <summary>A few users with a rich history, for the user switcher.</summary>
    public IReadOnlyList<string> SampleUsers { get; }

    /// <summary>The live events since start-up (bounded), counted.</summary>
    public int JournalCount
    {
        get
        {
            lock (_journalLock)
            {
                return _journal.Count;
            }
        }
    }

    /// <summary>The snapshot of the model served now (built on first use after a swap).</summary>
    public ShopSnapshot Current
    {
        get
        {
            ShopSnapshot? current = Volatile.Read(ref _current);
            if (current is not null && current.Version == _service.ModelVersion)
            {
                return current;
            }

            // Another request is building the new snapshot: keep answering from the old one meanwhile.
            if (current is not null && !Monitor.TryEnter(_buildLock))
            {
                return current;
            }

            if (current is null)
            {
                Monitor.Enter(_buildLock);
            }

            try
            {
                return Build();
            }
            finally
            {
                Monitor.Exit(_buildLock);
            }
        }
    }

    /// <summary>The item's catalogue entry, or null for an id the catalogue does not have.</summary>
    public ItemInfo? Item(string itemId) => Catalog.GetIndex(itemId) is int index and >= 0 ? _items[index] : null;

    /// <summary>Whether the user bought the item (history or live).</summary>
    public bool HasBought(string userId, string itemId)
    {
        lock (_journalLock)
        {
            return _purchases.TryGetValue(userId, out HashSet<string>? items) && items.Contains(itemId);
        }
    }

    /// <summary>The user's live events since start-up, oldest first (for explanations that include this session).</summary>
    public IReadOnlyList<Interaction> LiveEventsOf(string userId)
    {
        lock (_journalLock)
        {
            return [.. _journal.Where(e => e.UserId == userId).Select(e => new Interaction(e.UserId, e.ItemId, e.EventType, e.Timestamp))];
        }
    }

    /// <summary>Tracks a live event (an empty user id is an anonymous visitor: trending only) on the current snapshot and journals it.</summary>
    public TrackOutcome Track(string userId, string itemId, string eventType)
    {
        ShopSnapshot snapshot = Current;
        lock (_journalLock)
        {
            ShopSnapshot target = Volatile.Read(ref _current) ?? snapshot;   // a snapshot published meanwhile replays the journal under this lock
            DateTimeOffset now = Clock.GetUtcNow();
            TrackOutcome outcome = userId.Length == 0
                ? target.Tracker.TrackAnonymous(itemId, eventType, now)
                : target.Tracker.Track(userId, itemId, eventType, now);
            if (outcome == TrackOutcome.Accepted)
            {
                _journal.Enqueue(new LiveEvent(userId, itemId, eventType, now));
                while (_journal.Count > _maxJournal)
                {
                    _journal.Dequeue();
                }

                if (eventType == "purchase" && userId.Length > 0)
                {
                    AddPurchase(userId, itemId);
                }
            }

            return outcome;
        }
    }

    public void Dispose()
    {
        Index.Dispose();
    }

    private ShopSnapshot Build()
    {
        using ModelLease lease = _service.Acquire();
        ShopSnapshot? current = Volatile.Read(ref _current);
        if (current is not null && current.Version == lease.Version)
        {
            return current;
        }

        var recommender = new Recommender(lease.Model, Catalog, Preferences);
        var tracker = new EventTracker(recommender, TrackerOptions, Catalog, Clock);
        tracker.Replay(Data.History);
        var home = new HomePageBuilder(recommender, tracker);
        var search = new ProductSearch(Index, recommender, Preferences);
        var snapshot = new ShopSnapshot(lease.Version, lease.Source, lease.Model, recommender, tracker, home, search);
        lock (_journalLock)
        {
            foreach (LiveEvent e in _journal)
            {
                _ = e.UserId.Length == 0
                    ? tracker.TrackAnonymous(e.ItemId, e.EventType, e.Timestamp)
                    : tracker.Track(e.UserId, e.ItemId, e.EventType, e.Timestamp);
            }

            Volatile.Write(ref _current, snapshot);
        }

        return snapshot;
    }

    private void AddPurchase(string userId, string itemId)
    {
        if (!_purchases.TryGetValue(userId, out HashSet<string>? items))
        {
            _purchases[userId] = items = new HashSet<string>(StringComparer.Ordinal);
        }

        items.Add(itemId);
    }

    /// <summary>The users with the most purchases, for the switcher (deterministic: ties by id).</summary>
    private static IReadOnlyList<string> PickSampleUsers(InteractionLog history)
    {
        var counts = new int[history.Users.Count];
        ReadOnlySpan<int> users = history.UserIndices;
        for (int row = 0; row < users.Length; row++)
        {
            counts[users[row]]++;
        }

        return [.. Enumerable.Range(0, counts.Length).OrderByDescending(u => counts[u]).ThenBy(u => history.Users.GetId(u), StringComparer.Ordinal)
            .Take(5).Select(history.Users.GetId).Append("U0042").Distinct()];
    }

    private readonly record struct LiveEvent(string UserId, string ItemId, string EventType, DateTimeOffset Timestamp);
}
