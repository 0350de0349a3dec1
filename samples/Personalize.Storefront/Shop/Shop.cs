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
/// The storefront's state: the catalogue and search index (built once), the preference store, the durable live tracker, and the
/// snapshot of the model the DI service serves now. Live events go to one <see cref="EventTracker"/> with an event journal
/// (<see cref="StorefrontOptions.Journal"/>): <see cref="Track"/> returns once the event is journaled, so an acknowledged event survives a
/// crash, and the tracker's memory is bounded by <see cref="StorefrontOptions.MaxUsers"/>. The first start-up seeds the journal with the
/// sample history; later start-ups replay the journal's snapshot and tail instead.
/// </summary>
/// <remarks>
/// The DI package's <see cref="EventTracker"/> singleton follows the start-up model's items for the life of the host, so after a hot
/// swap its fold-in would mix two models. The shop therefore owns its tracker and hands the journal over at each swap: the next request
/// builds the new model's recommender and search, then, with tracking paused, saves a tracker snapshot, closes the old tracker and opens
/// one over the new model on the same journal directory (it restores the state by item id, so items the new model lacks are skipped).
/// Requests meanwhile keep answering from the old snapshot. Thread-safe.
/// </remarks>
internal sealed class Shop : IDisposable
{
    private readonly IRecommendationService _service;
    private readonly ILogger<Shop> _logger;
    private readonly EventTrackerOptions _trackerOptions;
    private readonly object _buildLock = new();
    private readonly ReaderWriterLockSlim _trackLock = new();   // Track takes it shared (journal flushes are shared); a tracker handover, exclusive
    private readonly SessionEvents _session;
    private readonly ItemInfo[] _items;
    private ShopSnapshot? _current;
    private long _refusedVersion;
    private bool _disposed;

    public Shop(ShopData data, IRecommendationService service, IOptions<StorefrontOptions> options, ILogger<Shop> logger)
    {
        StorefrontOptions o = options.Value;
        Data = data;
        _service = service;
        _logger = logger;
        Catalog = data.Catalog;
        Index = CatalogSearchIndex.Build(Catalog);
        _items = ItemInfo.ReadAll(Catalog);
        string prefs = o.Preferences ?? Path.Combine(ShopData.StateDirectory(o), "prefs.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefs))!);
        Preferences = new SqlitePreferenceStore(prefs);
        JournalDirectory = Path.GetFullPath(o.Journal ?? Path.Combine(ShopData.StateDirectory(o), "events"));
        Clock = ShopClock.Open(data.Start, JournalDirectory);
        _trackerOptions = new EventTrackerOptions
        {
            ShortHalfLife = TimeSpan.FromHours(6),   // the sample shop has a few events per item per day (README: 6 h / 7 d)
            BaselineHalfLife = TimeSpan.FromDays(7),
            MaxUsers = o.MaxUsers,
            MaxItemsPerUser = o.MaxItemsPerUser,
            Journal = new EventJournalOptions(JournalDirectory) { FlushPolicy = o.JournalFlush, SnapshotAfterRecords = o.SnapshotAfterEvents },
        };
        Brands = [.. Enumerable.Range(0, Catalog.Count).Select(i => Catalog.GetText(i, "brand")).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        Categories = [.. Enumerable.Range(0, Catalog.Count).Select(i => Catalog.GetText(i, "category")).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        SampleUsers = PickSampleUsers(data.History);
        _session = new SessionEvents(data.History, o.MaxUsers);
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

    /// <summary>The event journal's directory (one tracker at a time holds it).</summary>
    public string JournalDirectory { get; }

    /// <summary>The tracker's report now: events accepted (history and live), users held, evictions, and the journal's replay.</summary>
    public TrackingReport TrackingReport => Current.Tracker.GetReport();

    /// <summary>The snapshot of the model served now (built on first use after a swap).</summary>
    public ShopSnapshot Current
    {
        get
        {
            ShopSnapshot? current = Volatile.Read(ref _current);
            if (current is not null && (current.Version == _service.ModelVersion || Volatile.Read(ref _refusedVersion) == _service.ModelVersion))
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

    /// <summary>Whether the user bought the item (in the sample history, or live in this process).</summary>
    public bool HasBought(string userId, string itemId) => _session.HasBought(userId, itemId);

    /// <summary>The user's live events in this process, oldest first (the last few per user; for explanations that include this session).</summary>
    public IReadOnlyList<Interaction> LiveEventsOf(string userId) => _session.Of(userId);

    /// <summary>
    /// Tracks a live event (an empty user id is an anonymous visitor: trending only). Returns once the tracker accepted the event and
    /// journaled it (durable as <see cref="StorefrontOptions.JournalFlush"/> says), or refused it.
    /// </summary>
    /// <exception cref="IOException">The journal could not write the event; it was not applied.</exception>
    public TrackOutcome Track(string userId, string itemId, string eventType)
    {
        _ = Current;   // a swap builds the new snapshot (and hands the journal over) before the event lands
        _trackLock.EnterReadLock();
        try
        {
            ShopSnapshot target = Volatile.Read(ref _current)!;
            DateTimeOffset now = Clock.GetUtcNow();
            TrackOutcome outcome = userId.Length == 0
                ? target.Tracker.TrackAnonymous(itemId, eventType, now)
                : target.Tracker.Track(userId, itemId, eventType, now);
            if (outcome == TrackOutcome.Accepted && userId.Length > 0)
            {
                _session.Add(new Interaction(userId, itemId, eventType, now));
            }

            return outcome;
        }
        finally
        {
            _trackLock.ExitReadLock();
        }
    }

    public void Dispose()
    {
        _trackLock.EnterWriteLock();
        try
        {
            _disposed = true;
            Volatile.Read(ref _current)?.Tracker.Dispose();   // flushes and closes the journal
        }
        finally
        {
            _trackLock.ExitWriteLock();
        }

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
        var search = new ProductSearch(Index, recommender, Preferences);
        _trackLock.EnterWriteLock();   // no event lands while the journal changes hands
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EventTracker tracker;
            if (current is null)
            {
                tracker = Open(recommender);
            }
            else
            {
                current.Tracker.SaveSnapshot();   // the next tracker starts from it instead of replaying the whole journal
                current.Tracker.Dispose();
                try
                {
                    tracker = Open(recommender);
                }
                catch (Exception exception) when (exception is IOException or EventJournalException or ArgumentException)
                {
                    // Keep serving the old model with its state reopened; this version is not tried again.
                    _logger.LogError(exception, "The live tracker could not move to model version {Version}; model version {Old} keeps serving.",
                        lease.Version, current.Version);
                    EventTracker reopened = Open(current.Recommender);
                    var kept = new ShopSnapshot(current.Version, current.Source, current.Model, current.Recommender, reopened,
                        new HomePageBuilder(current.Recommender, reopened), current.Search);
                    Volatile.Write(ref _refusedVersion, lease.Version);
                    Volatile.Write(ref _current, kept);
                    return kept;
                }
            }

            var snapshot = new ShopSnapshot(lease.Version, lease.Source, lease.Model, recommender, tracker, new HomePageBuilder(recommender, tracker), search);
            Volatile.Write(ref _current, snapshot);
            return snapshot;
        }
        finally
        {
            _trackLock.ExitWriteLock();
        }
    }

    /// <summary>Opens the tracker over a model on the journal (replaying it); a new journal is seeded with the sample history once.</summary>
    private EventTracker Open(Recommender recommender)
    {
        var tracker = new EventTracker(recommender, _trackerOptions, Catalog, Clock);
        JournalReport journal = tracker.GetReport().Journal!;
        if (journal.LastSequence == 0)
        {
            long seeded = tracker.Replay(Data.History);   // journaled too, so the next start-up replays it with the live events
            tracker.SaveSnapshot();
            _logger.LogInformation("Event journal {Directory} started: seeded with {Events} events of the sample history.", journal.Directory, seeded);
        }
        else if (journal.RecordsDropped > 0)
        {
            _logger.LogWarning("Event journal {Directory}: a damaged tail was dropped ({Records} records, {Bytes} bytes): {Reason}",
                journal.Directory, journal.RecordsDropped, journal.BytesDropped, journal.DroppedReason);
        }

        return tracker;
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
}
