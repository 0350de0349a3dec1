using System.Collections.Concurrent;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Internal;
using Personalize.Core.Models;

using Personalize.Core.Recommending;

namespace Personalize.Core.Tracking;

/// <summary>
/// The live event sink: <see cref="Track"/> takes each view, cart or purchase as it happens and, without retraining, updates what the
/// personalization surfaces read: the user's recently viewed items, their purchases (buy again), the items they have seen with the summed
/// weight of their events (for folding their taste into a model) and every item's trending counters.
/// </summary>
/// <remarks>
/// <para>Build one over the items a model knows (<see cref="EventTracker(FactorModel, EventTrackerOptions?, ItemCatalog?, TimeProvider?)"/>)
/// or over any item map; give it a catalogue to ask for trending items per category. Seed it from history with <see cref="Replay"/>, then
/// call <see cref="Track"/> as events arrive. Events for items outside the map, and events of unknown types, are never thrown: they are
/// counted, by id, in <see cref="GetReport"/>. Users need no registration; a new visitor's first event creates their state.</para>
/// <para>Surfaces: <see cref="RecentlyViewed(string, int, CompiledFilter?)"/>, <see cref="BuyAgain(string, int, CompiledFilter?)"/> and
/// <see cref="TrendingNow(int, CompiledFilter?, string?)"/>. Each takes an optional filter, applied before ranking, so the answer holds
/// min(count, eligible) items. "Now" comes from the <see cref="TimeProvider"/>.</para>
/// <para>All members are thread-safe. <see cref="Track"/> is O(1): two lock-free compare-and-swaps on the item's trending counters
/// (see <see cref="TrendingNow(int, CompiledFilter?, string?)"/>) and a short lock on the user's own state (one table of the items the
/// user touched: one probe per event), so writers contend only on the same user or item; <see cref="TrackAnonymous"/> updates the
/// counters only. The span overloads of the surfaces allocate nothing. Memory grows with the users and the distinct items each touched
/// (about 32 bytes per (user, item) pair, plus about 200 bytes per user), unless bounded: <see cref="EventTrackerOptions.MaxUsers"/> evicts
/// the least recently active users and <see cref="EventTrackerOptions.MaxItemsPerUser"/> a user's least recently touched items, both
/// counted in <see cref="GetReport"/>.</para>
/// <para>By default the state lives in memory only. With <see cref="EventTrackerOptions.Journal"/> every accepted event is appended to an
/// event journal before the tracking call returns (durable as <see cref="EventJournalOptions.FlushPolicy"/> says), snapshots are written
/// every <see cref="EventJournalOptions.SnapshotAfterRecords"/> records, and the constructor replays the last snapshot and the journal
/// after it, dropping (and reporting, in <see cref="TrackingReport.Journal"/>) a torn or damaged tail. Tracking calls are then serialized
/// (one appends and applies at a time) and the tracker must be disposed to close the journal. Events refused as unknown are counted but
/// not journaled.</para>
/// </remarks>
public sealed partial class EventTracker
{
    private const int PurchaseStripes = 64;
    private readonly ConcurrentDictionary<string, UserActivity> _users = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly FactorModel? _model;
    private readonly long[] _trend;   // per item: [2i] short counter, [2i + 1] baseline counter (DecayedCounter)
    private readonly double _shortSeconds;
    private readonly double _baselineSeconds;
    private readonly ItemPurchaseStats[] _purchaseStats;
    private readonly Lock[] _purchaseLocks;
    private readonly string[] _eventNames;
    private readonly float[] _eventWeights;
    private readonly int _viewType;
    private readonly int _purchaseType;
    private readonly long _sameOrderTicks = EventTrackerDefaults.SameOrderWindow.Ticks;
    private readonly StripedCounter _accepted = new();
    private long _cancelledPurchases;   // replayed purchase rows of no units (TrackingReport.CancelledPurchases)
    private readonly UnknownCounts _unknownItems;
    private readonly UnknownCounts _unknownEventTypes;
    private readonly Dictionary<string, int[]>? _categoryItems;
    private readonly int[]? _itemCategory;                   // per item: its category's index in _categoryStats, or -1
    private readonly ItemPurchaseStats[] _categoryStats = [];
    private readonly string[] _categoryNames = [];            // per leaf category index: its path
    private readonly Lock _categoryLock = new();
    private readonly ItemCatalog? _catalog;                  // kept for MoveTo: the next tracker reads its categories from it

    /// <summary>Creates a tracker over a model's items; the model's training interactions count as seen (<see cref="HasSeen"/>).</summary>
    /// <param name="model">The model whose <see cref="FactorModel.Items"/> the tracker follows.</param>
    /// <param name="options">How to track; <see langword="null"/> for the defaults.</param>
    /// <param name="catalog">The catalogue, for trending per category; <see langword="null"/> when not needed.</param>
    /// <param name="timeProvider">What "now" is for the surfaces; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (every error is listed).</exception>
    /// <exception cref="ArgumentException">The catalogue has no <see cref="EventTrackerOptions.CategoryAttribute"/>.</exception>
    /// <exception cref="EventJournalException">With a journal: its snapshot is damaged or was written with other half-lives, or a file in
    /// its directory is not a journal segment.</exception>
    /// <exception cref="IOException">With a journal: its directory cannot be read or written, or another tracker has it open.</exception>
    public EventTracker(FactorModel model, EventTrackerOptions? options = null, ItemCatalog? catalog = null, TimeProvider? timeProvider = null)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Items, options, catalog, timeProvider)
    {
        _model = model;
        NumberOfFactors = model.NumberOfFactors;

    }

    /// <summary>Creates a tracker over a recommender's model that also keeps each active user's vector folded in from their events
    /// (<see cref="Recommender.FoldIn(string?, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>: the training history of a user the
    /// model knows, plus the tracked events; on an item of that history the larger of the two weights, see <see cref="FoldIn(string, Recommender)"/>),
    /// refreshed lazily when the user has new events; <see cref="Pages.HomePageBuilder"/> serves "for you" from it.</summary>
    /// <param name="recommender">The recommender whose model the tracker follows and whose fold-in it uses.</param>
    /// <param name="options">How to track; <see langword="null"/> for the defaults.</param>
    /// <param name="catalog">The catalogue, for trending per category; <see langword="null"/> when not needed.</param>
    /// <param name="timeProvider">What "now" is for the surfaces; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (every error is listed).</exception>
    /// <exception cref="ArgumentException">The catalogue has no <see cref="EventTrackerOptions.CategoryAttribute"/>.</exception>
    /// <exception cref="EventJournalException">With a journal: its snapshot is damaged or was written with other half-lives, or a file in
    /// its directory is not a journal segment.</exception>
    /// <exception cref="IOException">With a journal: its directory cannot be read or written, or another tracker has it open.</exception>
    public EventTracker(Recommender recommender, EventTrackerOptions? options = null, ItemCatalog? catalog = null, TimeProvider? timeProvider = null)
        : this((recommender ?? throw new ArgumentNullException(nameof(recommender))).Model, options, catalog, timeProvider)
    {
        VectorFoldIn = FoldInWith(recommender);
    }

    /// <summary>The fold-in solver backed by a recommender: the one place where tracked events become a user vector.</summary>
    /// <remarks>What the tracker holds on an item of a known user's training history counts only beyond the training weight
    /// (<see cref="Recommender.BeyondTraining"/>), so the item weighs the larger of the two: a tracker seeded with the training log does not
    /// count it twice, and a user whose events add nothing to their training history keeps their trained vector (the solver declines).
    /// A model trained on ratings is not folded in from the tracker's events, which are not ratings (the solver declines).</remarks>
    internal static UserVectorFoldIn FoldInWith(Recommender recommender) => (userId, items, weights, vector) =>
    {
        if (recommender.Model.Kind == FactorModelKind.Explicit)
        {
            return false;   // the tracker's events (views, purchases) are not ratings: a rating model keeps its trained users
        }

        int n = recommender.BeyondTraining(userId, items, weights);
        if (n == 0)
        {
            return false;
        }

        recommender.FoldIn(userId, items[..n], weights[..n], vector);
        return true;
    };

    /// <summary>Creates a tracker over any set of items (for example an interaction log's <see cref="InteractionLog.Items"/>).</summary>
    /// <param name="items">The items the tracker knows, in index order; events for other ids are counted as unknown.</param>
    /// <param name="options">How to track; <see langword="null"/> for the defaults.</param>
    /// <param name="catalog">The catalogue, for trending per category; <see langword="null"/> when not needed.</param>
    /// <param name="timeProvider">What "now" is for the surfaces; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (every error is listed).</exception>
    /// <exception cref="ArgumentException">The catalogue has no <see cref="EventTrackerOptions.CategoryAttribute"/>.</exception>
    /// <exception cref="EventJournalException">With a journal: its snapshot is damaged or was written with other half-lives, or a file in
    /// its directory is not a journal segment.</exception>
    /// <exception cref="IOException">With a journal: its directory cannot be read or written, or another tracker has it open.</exception>
    public EventTracker(IdMap items, EventTrackerOptions? options = null, ItemCatalog? catalog = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        Options = options ?? new EventTrackerOptions();
        OptionsValidation.ThrowIfInvalid(Options, nameof(EventTrackerOptions));
        Items = items;
        _catalog = catalog;
        _time = timeProvider ?? TimeProvider.System;
        _trend = new long[2 * items.Count];
        _shortSeconds = Options.ShortHalfLife.TotalSeconds;
        _baselineSeconds = Options.BaselineHalfLife.TotalSeconds;
        _purchaseStats = new ItemPurchaseStats[items.Count];
        _purchaseLocks = new Lock[PurchaseStripes];
        for (int s = 0; s < _purchaseLocks.Length; s++)
        {
            _purchaseLocks[s] = new Lock();
        }

        EventWeights weights = Options.EventWeights;
        _eventNames = [.. weights.Names];
        _eventWeights = new float[weights.Count];
        for (int e = 0; e < _eventWeights.Length; e++)
        {
            _eventWeights[e] = weights.GetWeight(e);
        }

        _viewType = weights.IndexOf(Options.ViewEventType);
        _purchaseType = weights.IndexOf(Options.PurchaseEventType);
        _unknownItems = new UnknownCounts(Options.UnknownItemIdCapacity);
        _unknownEventTypes = new UnknownCounts(100);
        if (catalog is not null)
        {
            _categoryItems = CategoryIndex(items, catalog, Options.CategoryAttribute, out _itemCategory, out _categoryNames);
            _categoryStats = new ItemPurchaseStats[_categoryNames.Length];
        }

        if (Options.Journal is { } journal)
        {
            OpenJournal(journal);
        }
    }

    /// <summary>Gets the items the tracker knows, in index order (the indices of <see cref="ViewedItem.ItemIndex"/> and the filters').</summary>
    public IdMap Items { get; }

    /// <summary>Gets how the tracker keeps state and answers.</summary>
    public EventTrackerOptions Options { get; }

    /// <summary>Gets whether a catalogue was given, so that <see cref="TrendingNow(int, CompiledFilter?, string?)"/> accepts a category.</summary>
    public bool HasCategories => _categoryItems is not null;

    /// <summary>The length of a folded-in user vector (the model's factors), or 0 without a model.</summary>
    internal int NumberOfFactors { get; }

    /// <summary>
    /// The fold-in solver: from a user's tracked (item index, summed event weight) pairs, the user's vector against the model's fixed item
    /// factors. Set by the recommender constructor (<see cref="FoldInWith"/>); null otherwise.
    /// </summary>
    internal UserVectorFoldIn? VectorFoldIn { get; set; }

    /// <summary>Takes one event: updates the user's state and the item's trending counters. Thread-safe, O(1), no retraining.</summary>
    /// <param name="userId">The caller's user id; a new id creates the user's state.</param>
    /// <param name="itemId">The caller's item id; an id outside <see cref="Items"/> is counted in <see cref="GetReport"/>, never thrown.</param>
    /// <param name="eventType">The event type, one of <see cref="EventTrackerOptions.EventWeights"/> (ignoring case), such as
    /// <c>view</c>; another is counted in <see cref="GetReport"/>, never thrown.</param>
    /// <param name="timestamp">When it happened. Events may arrive a little out of order. It must be later than
    /// <see cref="DateTimeOffset.MinValue"/>, which the tracker keeps to mean "never". Trending weighs an event by how recent it is,
    /// doubling every half-life: an event stamped far ahead of the others (a client's wrong clock) outweighs them all, so stamp events
    /// with the server's clock.</param>
    /// <returns>Whether the event was accepted, or why not.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, or not valid Unicode text (a lone UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is <see cref="DateTimeOffset.MinValue"/> (as a
    /// <c>default</c> value is).</exception>
    /// <exception cref="IOException">With a journal: the record could not be written (the event is not applied), or with
    /// <see cref="JournalFlushPolicy.EveryRecord"/> not flushed to disk (the event is applied, but a restart may not replay it); either
    /// way the journal accepts no more events until the tracker is created again.</exception>
    /// <exception cref="ObjectDisposedException">With a journal: the tracker was disposed.</exception>
    /// <remarks>With <see cref="EventTrackerOptions.Journal"/>, an accepted event is journaled before this returns, as durably as
    /// <see cref="EventJournalOptions.FlushPolicy"/> says, and ids longer than 4,096 characters are refused with
    /// <see cref="ArgumentException"/>.</remarks>
    public TrackOutcome Track(string userId, string itemId, string eventType, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentNullException.ThrowIfNull(eventType);
        CheckUserId(userId);
        CheckTimestamp(timestamp);
        int type = EventTypeIndex(eventType);
        if (type < 0)
        {
            _unknownEventTypes.Add(eventType);
            return TrackOutcome.UnknownEventType;
        }

        if (!Items.TryGetIndex(itemId, out int item))
        {
            _unknownItems.Add(itemId);
            return TrackOutcome.UnknownItem;
        }

        if (_journal is not null)
        {
            TrackDurably(JournalRecordKind.Event, userId, item, type, timestamp.UtcTicks);
        }
        else
        {
            Accept(userId, item, type, timestamp.UtcTicks);
        }

        return TrackOutcome.Accepted;
    }

    /// <summary>Takes one event of a visitor without an id (such as a signed-out shopper): it counts toward trending only. Thread-safe,
    /// O(1) and lock-free.</summary>
    /// <param name="itemId">The caller's item id; an id outside <see cref="Items"/> is counted in <see cref="GetReport"/>, never thrown.</param>
    /// <param name="eventType">The event type, one of <see cref="EventTrackerOptions.EventWeights"/> (ignoring case); another is counted in
    /// <see cref="GetReport"/>, never thrown.</param>
    /// <param name="timestamp">When it happened; later than <see cref="DateTimeOffset.MinValue"/>, as for <see cref="Track"/>.</param>
    /// <returns>Whether the event was accepted, or why not.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is <see cref="DateTimeOffset.MinValue"/>.</exception>
    /// <exception cref="IOException">With a journal: the record could not be written (the event is not applied), or with
    /// <see cref="JournalFlushPolicy.EveryRecord"/> not flushed to disk (the event is applied, but a restart may not replay it); either
    /// way the journal accepts no more events until the tracker is created again.</exception>
    /// <exception cref="ObjectDisposedException">With a journal: the tracker was disposed.</exception>
    public TrackOutcome TrackAnonymous(string itemId, string eventType, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentNullException.ThrowIfNull(eventType);
        CheckTimestamp(timestamp);
        int type = EventTypeIndex(eventType);
        if (type < 0)
        {
            _unknownEventTypes.Add(eventType);
            return TrackOutcome.UnknownEventType;
        }

        if (!Items.TryGetIndex(itemId, out int item))
        {
            _unknownItems.Add(itemId);
            return TrackOutcome.UnknownItem;
        }

        if (_journal is not null)
        {
            TrackDurably(JournalRecordKind.Anonymous, null, item, type, timestamp.UtcTicks);
            return TrackOutcome.Accepted;
        }

        CountForTrending(item, timestamp.UtcTicks);
        _accepted.Increment();
        return TrackOutcome.Accepted;
    }

    /// <summary>Replays a log through the tracker, in time order, as if each row had been tracked: the way to seed it from history.</summary>
    /// <param name="log">The log; it needs timestamps and event types. Its item ids are matched to <see cref="Items"/> by id.</param>
    /// <param name="until">Only rows at or before this instant are replayed; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the replay (checked every 65,536 rows); rows already replayed stay.</param>
    /// <returns>How many rows were replayed (accepted or counted as unknown).</returns>
    /// <exception cref="ArgumentException">The log has no timestamps or no event types, or has a row at 0001-01-01T00:00:00Z
    /// (<see cref="DateTimeOffset.MinValue"/>, which the tracker keeps to mean "never"); nothing is replayed then.</exception>
    /// <exception cref="OperationCanceledException">The replay was cancelled.</exception>
    /// <exception cref="IOException">With a journal: the record could not be written (the event is not applied), or with
    /// <see cref="JournalFlushPolicy.EveryRecord"/> not flushed to disk (the event is applied, but a restart may not replay it); either
    /// way the journal accepts no more events until the tracker is created again.</exception>
    /// <exception cref="ObjectDisposedException">With a journal: the tracker was disposed.</exception>
    /// <remarks>With a quantity column, a purchase row of quantity 0 (a cancelled line) is not an order: it is counted in
    /// <see cref="TrackingReport.CancelledPurchases"/> and not applied. With <see cref="EventTrackerOptions.Journal"/>, every accepted
    /// row is journaled (flushed once, at the end, with <see cref="JournalFlushPolicy.EveryRecord"/>): seed a journaled tracker from
    /// history once, not at every start.</remarks>
    public long Replay(InteractionLog log, DateTimeOffset? until = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.HasTimestamps && log.Count > 0)
        {
            throw new ArgumentException("The log has no timestamps, so it cannot be replayed in time order; read it with a time column.", nameof(log));
        }

        if (log.EventTypes is null && log.Count > 0)
        {
            throw new ArgumentException("The log has no event types; the tracker needs them to tell views from purchases. Read it with an event column.",
                nameof(log));
        }

        int[] itemMap = new int[log.Items.Count];
        for (int i = 0; i < itemMap.Length; i++)
        {
            itemMap[i] = Items.TryGetIndex(log.Items.GetId(i), out int mine) ? mine : -1;
        }

        EventWeights? logTypes = log.EventTypes;
        int[] typeMap = new int[logTypes?.Count ?? 0];
        for (int e = 0; e < typeMap.Length; e++)
        {
            typeMap[e] = EventTypeIndex(logTypes!.Names[e]);
        }

        ReadOnlySpan<long> times = log.Timestamps;
        int[] order = TimeOrder(times);
        if (order.Length > 0 && times[order[0]] <= NeverSeconds)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"The log's row from line {log.GetLineNumber(order[0])} is at 0001-01-01T00:00:00Z, the earliest instant, which the tracker keeps to mean \"never\"; nothing was replayed."),
                nameof(log));
        }

        // Timestamps are whole Unix seconds: a row is at or before `until` when its second is at or before floor(until).
        long limit = until is { } end ? FloorSeconds(end.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) : long.MaxValue;

        ReadOnlySpan<int> userIndices = log.UserIndices;
        ReadOnlySpan<int> itemIndices = log.ItemIndices;
        ReadOnlySpan<byte> eventIndices = log.EventTypeIndices;
        ReadOnlySpan<float> quantities = log.Quantities;   // empty without a quantity column
        long replayed = 0;
        long journaled = 0;
        foreach (int row in order)
        {
            if (times[row] > limit)
            {
                break;
            }

            if ((replayed & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            replayed++;
            int type = typeMap[eventIndices[row]];
            if (type < 0)
            {
                _unknownEventTypes.Add(logTypes!.Names[eventIndices[row]]);
                continue;
            }

            int item = itemMap[itemIndices[row]];
            if (item < 0)
            {
                _unknownItems.Add(log.Items.GetId(itemIndices[row]));
                continue;
            }

            if (type == _purchaseType && !quantities.IsEmpty && !(quantities[row] > 0))
            {
                // A purchase of no units is a cancelled line, not an order.
                Interlocked.Increment(ref _cancelledPurchases);
                continue;
            }

            string userId = log.Users.GetId(userIndices[row]);
            long ticks = DateTimeOffset.UnixEpoch.UtcTicks + times[row] * TimeSpan.TicksPerSecond;
            if (_journal is not null)
            {
                journaled = AppendAndApply(JournalRecordKind.Event, userId, item, type, ticks, null);
            }
            else
            {
                Accept(userId, item, type, ticks);
            }
        }

        if (journaled > 0)
        {
            AfterAppend(journaled);
        }

        return replayed;
    }

    /// <summary>Gets what the tracker has received: accepted events, and unknown items and event types with their counts.</summary>
    /// <returns>A snapshot.</returns>
    public TrackingReport GetReport()
    {
        var (itemIds, everyItem) = _unknownItems.Snapshot();
        var (typeNames, _) = _unknownEventTypes.Snapshot();
        return new TrackingReport(_accepted.Read(), _unknownItems.Total, _unknownEventTypes.Total, itemIds, typeNames, everyItem, _users.Count,
            Interlocked.Read(ref _evictedUsers), Interlocked.Read(ref _evictedUserItems), JournalReport())
        {
            CancelledPurchases = Interlocked.Read(ref _cancelledPurchases),
        };
    }

    /// <summary>Gets whether the user has interacted with the item: in the model's training data (when the tracker was built over a model) or
    /// in a tracked or replayed event.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="itemId">The item.</param>
    /// <returns><see langword="true"/> when seen; <see langword="false"/> for unknown users and items.</returns>
    public bool HasSeen(string userId, string itemId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(itemId);
        if (!Items.TryGetIndex(itemId, out int item))
        {
            return false;
        }

        if (_model is not null && _model.Users.TryGetIndex(userId, out int modelUser) && _model.GetSeenItems(modelUser).Contains(item))
        {
            return true;
        }

        if (!_users.TryGetValue(userId, out UserActivity? user))
        {
            return false;
        }

        lock (user)
        {
            return user.HasSeen(item);
        }
    }

    /// <summary>Folds in a user from their training history (if the model knows them) and the events this tracker holds for them: the
    /// user the home page's "for you" shelf is scored for, as a <see cref="FoldedUser"/> to explain
    /// (<see cref="Recommender.Explain(FoldedUser, string, int)"/>), recommend for, or pass as
    /// <see cref="RecommendationRequest.FoldedUser"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="recommender">The recommender of the model this tracker follows (made over it, or moved to it with
    /// <see cref="MoveTo(FactorModel)"/>).</param>
    /// <returns>The folded-in user: each item this tracker holds for the user counts once, with its events' summed weights
    /// (<see cref="EventTrackerOptions.EventWeights"/>); on an item of a known user's training history, only the weight beyond the
    /// training weight counts. <see cref="FoldedUser.EventCount"/> is the number of items that count. With none (a user the tracker does
    /// not hold, or evicted, or whose tracked events are their training history), a known user is their training history and another
    /// user has no item.</returns>
    /// <remarks>
    /// <para>With <see cref="EventTrackerOptions.Journal"/> the events survive a restart, so the folded user does too; the list form,
    /// <see cref="Recommender.FoldIn(string?, IEnumerable{Interaction}, EventWeights?)"/>, needs the caller to keep them. Each call solves
    /// the user afresh (one Cholesky factorization of a factors × factors matrix).</para>
    /// <para>A tracker is often seeded (<see cref="Replay"/>) with the log the model was trained on, for recently viewed, buy again and
    /// trending. Those events are already in the model, so on an item of the user's training history the larger of the training weight
    /// and the tracker's counts (not their sum), here and for the home page's "for you" shelf alike: a seeded user with no event since
    /// keeps their trained list. A tracker that holds live events only adds nothing on a training item until its events there outweigh
    /// the training ones; new items count in full. (A model trained with time decay keeps smaller weights than the tracker's undecayed
    /// sums, so there the history counts at the tracker's weight.)</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The recommender's model has other items than this tracker follows, or the same items in
    /// another order.</exception>
    /// <exception cref="InvalidOperationException">The recommender's model was trained on ratings (<see cref="FactorModelKind.Explicit"/>).</exception>
    public FoldedUser FoldIn(string userId, Recommender recommender)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(recommender);
        IdMap modelItems = recommender.Model.Items;
        if (!ReferenceEquals(modelItems, Items) && (modelItems.Count != Items.Count || modelItems.Fingerprint != Items.Fingerprint))
        {
            throw new ArgumentException(
                $"The tracker follows {Items.Count} items but the recommender's model has {recommender.Model.Items.Count}, or the same number in another order; fold in with the recommender of the model the tracker follows, or move the tracker to it with MoveTo.",
                nameof(recommender));
        }

        if (recommender.Model.Kind == FactorModelKind.Explicit)
        {
            throw new InvalidOperationException(
                "The recommender's model was trained on ratings, and the tracker's events (views, purchases) are not ratings; fold a user of a rating model in from their ratings with Recommender.FoldIn.");
        }

        int[] items = new int[16];
        float[] weights = new float[16];
        int written;
        while ((written = CopyRecentInteractions(userId, items, weights)) < 0)
        {
            items = new int[-written];   // the user's items did not fit: as many as they now have
            weights = new float[-written];
        }

        int n = recommender.BeyondTraining(userId, items.AsSpan(0, written), weights.AsSpan(0, written));
        return recommender.FoldInPairs(userId, items.AsSpan(0, n), weights.AsSpan(0, n));
    }

    /// <summary>Gets whether the tracker holds a purchase of the item by the user (<see cref="EventTrackerOptions.PurchaseEventType"/>, of
    /// one or more units): tracked live or replayed, from the journal after a restart too, and not forgotten while the user is held
    /// (an evicted user's purchases go with them).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="itemId">The item.</param>
    /// <returns><see langword="true"/> when bought; <see langword="false"/> for unknown users and items.</returns>
    public bool HasBought(string userId, string itemId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(itemId);
        if (!Items.TryGetIndex(itemId, out int item) || !_users.TryGetValue(userId, out UserActivity? user))
        {
            return false;
        }

        lock (user)
        {
            return user.Purchases?.ContainsKey(item) == true;
        }
    }

    /// <summary>Copies the items a user has seen in tracked events (beyond the model's training data) into a span, for excluding them from
    /// recommendations. Returns how many were written; when the span is too short, the count needed is returned as a negative number.</summary>
    internal int CopySeenAdditions(string userId, Span<int> destination)
    {
        if (!_users.TryGetValue(userId, out UserActivity? user))
        {
            return 0;
        }

        lock (user)
        {
            if (user.ItemCount > destination.Length)
            {
                return -user.ItemCount;
            }

            int written = 0;
            foreach (UserActivity.Entry entry in user.Entries)
            {
                if (entry.Key != 0)
                {
                    destination[written++] = entry.Key - 1;
                }
            }

            return written;
        }
    }

    /// <summary>
    /// Copies a user's tracked interactions as distinct (item index, summed event weight) pairs, the weights from
    /// <see cref="EventTrackerOptions.EventWeights"/>: the input of fold-in. Returns how many pairs were written; when the spans are too
    /// short, the count needed is returned as a negative number.
    /// </summary>
    internal int CopyRecentInteractions(string userId, Span<int> itemIndices, Span<float> weights)
    {
        if (itemIndices.Length != weights.Length)
        {
            ThrowHelper.WeightBufferLengthMismatch(itemIndices.Length, weights.Length);
        }

        if (!_users.TryGetValue(userId, out UserActivity? user))
        {
            return 0;
        }

        lock (user)
        {
            return CopyRecentInteractions(user, itemIndices, weights);
        }
    }

    /// <summary>
    /// The single place where a user's folded-in vector is computed and refreshed: when the user has events the vector has not seen yet,
    /// <see cref="VectorFoldIn"/> solves it again from <see cref="CopyRecentInteractions(string, Span{int}, Span{float})"/>; otherwise the cached
    /// vector is copied. Returns false when no solver is wired, the user is unknown or has no events, or the solver declines.
    /// </summary>
    internal bool TryGetFoldedUserVector(string userId, Span<float> destination)
    {
        UserVectorFoldIn? solver = VectorFoldIn;
        if (solver is null || NumberOfFactors == 0 || destination.Length != NumberOfFactors || !_users.TryGetValue(userId, out UserActivity? user))
        {
            return false;
        }

        lock (user)
        {
            if (user.FoldedVersion != user.Version)
            {
                int capacity = Math.Max(1, user.ItemCount);
                int[] items = System.Buffers.ArrayPool<int>.Shared.Rent(capacity);
                float[] weights = System.Buffers.ArrayPool<float>.Shared.Rent(capacity);
                try
                {
                    int n = CopyRecentInteractions(user, items.AsSpan(0, capacity), weights.AsSpan(0, capacity));
                    float[] vector = user.FoldedVector ?? new float[NumberOfFactors];
                    if (n <= 0 || !solver(userId, items.AsSpan(0, n), weights.AsSpan(0, n), vector))
                    {
                        return false;
                    }

                    user.FoldedVector = vector;
                    user.FoldedVersion = user.Version;
                }
                finally
                {
                    System.Buffers.ArrayPool<int>.Shared.Return(items);
                    System.Buffers.ArrayPool<float>.Shared.Return(weights);
                }
            }

            user.FoldedVector.AsSpan().CopyTo(destination);
            return true;
        }
    }

    private static int CopyRecentInteractions(UserActivity user, Span<int> itemIndices, Span<float> weights)
    {
        if (user.ItemCount > itemIndices.Length)
        {
            return -user.ItemCount;
        }

        int written = 0;
        foreach (UserActivity.Entry entry in user.Entries)
        {
            if (entry.Key != 0)
            {
                itemIndices[written] = entry.Key - 1;
                weights[written] = entry.Weight;
                written++;
            }
        }

        return written;
    }

    private void CountForTrending(int item, long ticks)
    {
        double seconds = DecayedCounter.Seconds(ticks);
        DecayedCounter.Add(ref _trend[2 * item], seconds / _shortSeconds, 1f);
        DecayedCounter.Add(ref _trend[(2 * item) + 1], seconds / _baselineSeconds, 1f);
    }

    /// <summary>The Unix seconds of <see cref="DateTimeOffset.MinValue"/>: time 0 in ticks, the tracker's "never".</summary>
    private static readonly long NeverSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();

    private static void CheckTimestamp(DateTimeOffset timestamp)
    {
        if (timestamp.UtcTicks == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp,
                "The timestamp is DateTimeOffset.MinValue (perhaps a default value), which the tracker keeps to mean \"never\"; give the time the event happened.");
        }
    }

    /// <summary>Refuses a user id that is not valid Unicode text (a lone UTF-16 surrogate): the journal and snapshots keep ids as UTF-8,
    /// where every such id becomes the same replacement character, so two users would become one (and a snapshot listing both, unreadable).</summary>
    private static void CheckUserId(string userId)
    {
        for (int i = 0; i < userId.Length; i++)
        {
            char c = userId[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < userId.Length && char.IsLowSurrogate(userId[i + 1]))
            {
                i++;   // a pair: one character outside the Basic Multilingual Plane
                continue;
            }

            throw new ArgumentException($"The user id has a lone UTF-16 surrogate at position {i}, so it is not valid Unicode text; the tracker keeps ids as UTF-8 and could not tell it from other such ids.", nameof(userId));
        }
    }

    private void Accept(string userId, int item, int type, long ticks)
    {
        CountForTrending(item, ticks);
        UserActivity user = LockUser(userId);
        try
        {
            user.Record(item, _eventWeights[type], type == _viewType ? ticks : 0);
            if (type == _purchaseType)
            {
                RecordPurchase(user, item, ticks);
            }

            BoundItems(user);
        }
        finally
        {
            Monitor.Exit(user);
        }

        _accepted.Increment();
    }

    private void RecordPurchase(UserActivity user, int item, long ticks)
    {
        PurchaseChange change = user.RecordPurchase(item, ticks, _sameOrderTicks, out long interval);
        if (change == PurchaseChange.SameOrder)
        {
            return;
        }

        double logInterval = change == PurchaseChange.FirstOrder ? 0 : Math.Log(Math.Max(interval, _sameOrderTicks) / (double)TimeSpan.TicksPerDay);
        lock (_purchaseLocks[item & (PurchaseStripes - 1)])
        {
            _purchaseStats[item].Add(change, logInterval);
        }

        int category = _itemCategory is null ? -1 : _itemCategory[item];
        if (category >= 0)
        {
            lock (_categoryLock)
            {
                _categoryStats[category].Add(change, logInterval);
            }
        }
    }

    private int EventTypeIndex(string eventType)
    {
        string[] names = _eventNames;
        for (int e = 0; e < names.Length; e++)
        {
            if (ReferenceEquals(names[e], eventType))
            {
                return e;
            }
        }

        for (int e = 0; e < names.Length; e++)
        {
            if (string.Equals(names[e], eventType, StringComparison.OrdinalIgnoreCase))
            {
                return e;
            }
        }

        return Options.EventWeights.IndexOf(eventType);   // trims, as the readers do
    }

    private static long FloorSeconds(long ticks) =>
        ticks >= 0 ? ticks / TimeSpan.TicksPerSecond : -((-ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);

    private static int[] TimeOrder(ReadOnlySpan<long> times)
    {
        var order = new int[times.Length];
        bool sorted = true;
        for (int r = 0; r < order.Length; r++)
        {
            order[r] = r;
            sorted &= r == 0 || times[r - 1] <= times[r];
        }

        if (!sorted)
        {
            long[] keys = times.ToArray();
            Array.Sort(keys, order);
            // Array.Sort is not stable: put rows with equal timestamps back in file order.
            int start = 0;
            while (start < order.Length)
            {
                int end = start + 1;
                while (end < order.Length && keys[end] == keys[start])
                {
                    end++;
                }

                Array.Sort(order, start, end - start);
                start = end;
            }
        }

        return order;
    }
}
