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
/// The storefront's state: the catalogue and search index (built once), the preference store, and the snapshot of the model the DI
/// service serves now with the live tracker over that model's items. Live events go to the DI package's <see cref="ILiveTracker"/>,
/// which keeps one <see cref="EventTracker"/> with an event journal (<see cref="StorefrontOptions.Journal"/>) and moves its state to each
/// model swapped in: <see cref="Track"/> returns once the event is journaled, so an acknowledged event survives a crash, and the
/// tracker's memory is bounded by <see cref="StorefrontOptions.MaxUsers"/>. The first start-up seeds the journal with the sample history
/// (<see cref="SeedJournal"/>); later start-ups replay the journal's snapshot and tail instead.
/// </summary>
/// <remarks>
/// After a swap the next request builds the new model's snapshot (recommender, search, home-page builder) over the tracker that follows
/// that model (<see cref="ILiveTracker.TryGetTracker"/>); requests meanwhile keep answering from the old snapshot. Thread-safe.
/// </remarks>
internal sealed class Shop : IDisposable
{
    private readonly IRecommendationService _service;
    private readonly ILiveTracker _live;
    private readonly ILogger<Shop> _logger;
    private readonly object _buildLock = new();
    private readonly ItemInfo[] _items;
    private ShopSnapshot? _current;

    public Shop(ShopData data, IRecommendationService service, ILiveTracker live, ShopClock clock, IOptions<StorefrontOptions> options, ILogger<Shop> logger)
    {
        StorefrontOptions o = options.Value;
        Data = data;
        _service = service;
        _live = live;
        _logger = logger;
        Clock = clock;
        Catalog = data.Catalog;
        Index = CatalogSearchIndex.Build(Catalog);
        _items = ItemInfo.ReadAll(Catalog);
        string prefs = o.Preferences ?? Path.Combine(ShopData.StateDirectory(o), "prefs.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefs))!);
        Preferences = new SqlitePreferenceStore(prefs);
        JournalDirectory = ShopData.JournalDirectory(o);
        Brands = [.. Enumerable.Range(0, Catalog.Count).Select(i => Catalog.GetText(i, "brand")).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        Categories = [.. Enumerable.Range(0, Catalog.Count).Select(i => Catalog.GetText(i, "category")).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        SampleUsers = PickSampleUsers(data.History);
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

    /// <summary>
    /// Tracks a live event (an empty user id is an anonymous visitor: trending only). Returns once the tracker accepted the event and
    /// journaled it (durable as <see cref="StorefrontOptions.JournalFlush"/> says), or refused it.
    /// </summary>
    /// <exception cref="IOException">The journal could not write the event; it was not applied.</exception>
    public TrackOutcome Track(string userId, string itemId, string eventType)
    {
        DateTimeOffset now = Clock.GetUtcNow();
        TrackOutcome outcome = userId.Length == 0
            ? _live.TrackAnonymous(itemId, eventType, now)
            : _live.Track(userId, itemId, eventType, now);
        return outcome;
    }

    /// <summary>Seeds a new journal (one with no record yet) with the sample history, once: journaled too, so the next start-up replays
    /// it with the live events instead.</summary>
    public void SeedJournal()
    {
        if (_live.Tracker.GetReport().Journal is not { LastSequence: 0 } journal)
        {
            return;
        }

        long seeded = _live.Replay(Data.History);
        _live.Tracker.SaveSnapshot();
        _logger.LogInformation("Event journal {Directory} started: seeded with {Events} events of the sample history.", journal.Directory, seeded);
    }

    public void Dispose() => Index.Dispose();   // the live tracker is the DI package's: disposed (journal closed) with the host

    private ShopSnapshot Build()
    {
        while (true)
        {
            using ModelLease lease = _service.Acquire();
            ShopSnapshot? current = Volatile.Read(ref _current);
            if (current is not null && current.Version == lease.Version)
            {
                return current;
            }

            EventTracker? tracker;
            try
            {
                if (!_live.TryGetTracker(lease, out tracker))
                {
                    continue;   // a swap after the lease was taken: the tracker follows a newer model, so take a newer lease
                }
            }
            catch (Exception exception) when (current is not null && exception is IOException or EventJournalException)
            {
                // The DI package logged it and tries the move again at the next event: keep answering from the old model meanwhile.
                _logger.LogError(exception, "The live tracker could not move to model version {Version}; model version {Old} keeps answering.",
                    lease.Version, current.Version);
                return current;
            }

            var recommender = new Recommender(lease.Model, Catalog, Preferences);
            var search = new ProductSearch(Index, recommender, Preferences);
            ModelFallback? fallback = _service.Fallback is { } served && served.Version == lease.Version ? served : null;
            var snapshot = new ShopSnapshot(lease.Version, lease.Source, lease.Model, recommender, tracker, new HomePageBuilder(recommender, tracker), search,
                fallback);
            Volatile.Write(ref _current, snapshot);
            return snapshot;
        }
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
