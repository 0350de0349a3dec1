using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tracking;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>
/// The <see cref="IRecommendationService"/> registered by <see cref="PersonalizeServiceCollectionExtensions.AddPersonalize"/>: a
/// <see cref="ModelStore"/> with logging, metrics, a filter cache and an optional file watcher.
/// </summary>
internal sealed class RecommendationService : IRecommendationService, IDisposable
{
    private const int FilterCacheSize = 256;
    private readonly ModelStore _store;
    private readonly string _modelPath;
    private readonly string? _lastGoodPath;
    private readonly Lock _lastGoodLock = new();
    private readonly Lock _liveLock = new();
    private long _lastGoodVersion;
    private ModelFallback? _fallback;
    private LiveTracker? _live;
    private readonly int _maxCount;
    private readonly ItemCatalog? _catalog;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly PersonalizeMetrics _metrics;
    private readonly EventTrackerOptions _tracking;
    private FilterCache? _filters;

    /// <summary>Loads the model (and catalogue) of validated options; when the model file fails its checks and a last-good copy is
    /// configured, serves that copy instead.</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="ModelFormatException">The model file is invalid, empty or of another kind than <see cref="PersonalizeOptions.ExpectedKind"/>,
    /// and no last-good copy could serve instead (the message says why).</exception>
    /// <exception cref="InteractionDataException">The catalogue has a bad row.</exception>
    public RecommendationService(PersonalizeOptions options, ILogger logger, TimeProvider timeProvider, IMeterFactory? meterFactory,
        bool watchFileSystem = true)
    {
        _modelPath = options.ModelPath ?? throw new ArgumentException("PersonalizeOptions.ModelPath is required.", nameof(options));
        _lastGoodPath = string.IsNullOrWhiteSpace(options.LastGoodModelPath) ? null : Path.GetFullPath(options.LastGoodModelPath);
        _maxCount = options.MaxCount;
        _tracking = options.EffectiveTracking();
        _logger = logger;
        _timeProvider = timeProvider;
        _catalog = string.IsNullOrWhiteSpace(options.CatalogPath) ? null : ItemCatalog.ReadCsv(options.CatalogPath, options.Catalog);
        _store = Open(new ModelStoreOptions { ExpectedKind = options.ExpectedKind, Recommender = options.Recommender });
        FactorModel model = _store.Model;
        Log.ModelLoaded(_logger, _store.Source, model.Kind, model.Users.Count, model.Items.Count, model.NumberOfFactors, _store.Version);
        if (_fallback is null)
        {
            SaveLastGood(model, _store.Version);
        }

        _metrics = new PersonalizeMetrics(meterFactory, () => _store.Version);
        if (options.WatchForChanges)
        {
            Watcher = new ModelFileWatcher(_modelPath, options.ReloadDelay, timeProvider, () => Reload(), logger, watchFileSystem);
        }
    }

    /// <inheritdoc />
    public long ModelVersion => _store.Version;

    /// <inheritdoc />
    public string ModelSource => _store.Source;

    /// <inheritdoc />
    public FactorModel Model => _store.Model;

    /// <inheritdoc />
    public ModelFallback? Fallback => Volatile.Read(ref _fallback);

    /// <summary>Gets the live tracker that follows the served model, created (and, with a journal, replayed) on first use.</summary>
    internal LiveTracker Live
    {
        get
        {
            LiveTracker? live = Volatile.Read(ref _live);
            if (live is not null)
            {
                return live;
            }

            lock (_liveLock)
            {
                return _live ??= new LiveTracker(this, CreateTracker, _logger);
            }
        }
    }

    /// <summary>Creates an event tracker over a model's items (the catalogue gives it categories when it has
    /// <see cref="EventTrackerOptions.CategoryAttribute"/>); with a journal, this replays it.</summary>
    private EventTracker CreateTracker(FactorModel model)
    {
        ItemCatalog? catalog = _catalog is not null && _catalog.Schema.TryGetType(_tracking.CategoryAttribute, out _) ? _catalog : null;
        var tracker = new EventTracker(model, _tracking, catalog, _timeProvider);
        if (tracker.GetReport().Journal is { } journal)
        {
            if (journal.RecordsDropped > 0)
            {
                Log.JournalTailDropped(_logger, journal.Directory, journal.RecordsDropped, journal.BytesDropped, journal.DroppedReason ?? "");
            }

            Log.JournalReplayed(_logger, journal.Directory, journal.SnapshotSequence, journal.RecordsReplayed, tracker.GetReport().Users);
        }

        return tracker;
    }

    /// <summary>Gets the file watcher, when <see cref="PersonalizeOptions.WatchForChanges"/> is set.</summary>
    internal ModelFileWatcher? Watcher { get; }

    /// <inheritdoc />
    public ModelLease Acquire() => _store.Acquire();

    /// <inheritdoc />
    public RecommendationList ForUser(string userId, int count, string? filter = null) => Recommend(userId, count, filter).List;

    /// <inheritdoc />
    public ServedRecommendations Recommend(string userId, int count, string? filter = null) =>
        Serve(userId, count, string.IsNullOrWhiteSpace(filter) ? null : filter, null);

    /// <inheritdoc />
    public ServedRecommendations Recommend(string userId, int count, Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Serve(userId, count, FilterText.Format(filter), filter);
    }

    /// <summary>One query on one leased model: the filter (text, and the built filter when there is one) compiled for that model.</summary>
    private ServedRecommendations Serve(string userId, int count, string? filterText, Filter? built)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if ((uint)count > (uint)_maxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The count must be between 0 and PersonalizeOptions.MaxCount ({_maxCount}).");
        }

        long started = _timeProvider.GetTimestamp();
        bool filtered = filterText is not null;
        ServedRecommendations served;
        using (ModelLease lease = _store.Acquire())
        {
            RecommendationList list = lease.Recommender.ForUser(userId, count, filtered ? Compile(filterText!, built, lease.Model) : null);
            served = new ServedRecommendations(list, lease.Version, lease.Source);
        }

        _metrics.Query(served.List.Source, filtered, _timeProvider.GetElapsedTime(started));
        return served;
    }

    /// <inheritdoc />
    public ModelSwapResult Reload() => TryLoad(_modelPath);

    /// <inheritdoc />
    public ModelSwapResult TryLoad(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Report(_store.TryLoad(path));
    }

    /// <inheritdoc />
    public ModelSwapResult TrySwap(FactorModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(source);
        return Report(_store.TrySwap(model, source));
    }

    public void Dispose()
    {
        Watcher?.Dispose();
        Volatile.Read(ref _live)?.Dispose();
        _store.Dispose();
        _metrics.Dispose();
    }

    private ModelSwapResult Report(ModelSwapResult result)
    {
        _metrics.Swap(result.Accepted);
        if (result.Model is { } model)
        {
            Log.SwapAccepted(_logger, result.Source, result.Version, model.Kind, model.Users.Count, model.Items.Count, model.NumberOfFactors);
            Volatile.Write(ref _fallback, null);
            SaveLastGood(model, result.Version);
            try
            {
                Volatile.Read(ref _live)?.Sync();   // the live state moves to the new model's items now, not at the next event
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EventJournalException)
            {
                // Logged by the tracker; the next tracking call tries the move again.
            }
        }
        else
        {
            Log.SwapRejected(_logger, result.Reason ?? "rejected.", result.Source, result.Version, _store.Source);
        }

        return result;
    }

    /// <summary>Opens the store on the model file or, when that fails its checks, on the last-good copy (setting <see cref="Fallback"/>).</summary>
    private ModelStore Open(ModelStoreOptions storeOptions)
    {
        try
        {
            return ModelStore.Open(_modelPath, storeOptions);
        }
        catch (Exception failure) when (_lastGoodPath is not null && failure is ModelFormatException or IOException or UnauthorizedAccessException)
        {
            string why;
            if (!File.Exists(_lastGoodPath))
            {
                why = $"the last-good copy {_lastGoodPath} does not exist yet (it is written once a model has loaded and passed its checks)";
            }
            else
            {
                try
                {
                    ModelStore store = ModelStore.Open(_lastGoodPath, storeOptions);
                    DateTimeOffset savedAt = File.GetLastWriteTimeUtc(_lastGoodPath);
                    _fallback = new ModelFallback(_modelPath, _lastGoodPath, failure.Message, store.Version, savedAt);
                    _lastGoodVersion = store.Version;   // the copy is what serves: nothing to write
                    Log.ServingLastGood(_logger, failure, _modelPath, _lastGoodPath, savedAt, failure.Message);
                    return store;
                }
                catch (Exception copyFailure) when (copyFailure is ModelFormatException or IOException or UnauthorizedAccessException)
                {
                    why = $"the last-good copy {_lastGoodPath} failed its checks too ({copyFailure.Message})";
                }
            }

            Log.NoLastGood(_logger, _modelPath, why);
            if (failure is ModelFormatException format)
            {
                throw new ModelFormatException(format.FilePath, format.Section, $"{format.Reason} No model could serve instead: {why}.");
            }

            throw;
        }
    }

    /// <summary>Writes a model that has started serving to the last-good copy (atomically, by <see cref="ModelFile.Save"/>); a newer
    /// version written first wins. A copy that cannot be written is logged and serving goes on.</summary>
    private void SaveLastGood(FactorModel model, long version)
    {
        if (_lastGoodPath is null)
        {
            return;
        }

        lock (_lastGoodLock)
        {
            if (version <= _lastGoodVersion)
            {
                return;
            }

            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_lastGoodPath)!);
                ModelFile.Save(model, _lastGoodPath);
                _lastGoodVersion = version;
                Log.LastGoodSaved(_logger, _lastGoodPath, version);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // InvalidOperationException: the model holds what the format cannot keep (an id that is not valid UTF-16); it serves anyway.
                Log.LastGoodNotSaved(_logger, exception, _lastGoodPath, version);
            }
        }
    }

    /// <summary>Parses (unless built) and compiles a filter for a model's items, cached per model and filter text.</summary>
    private CompiledFilter Compile(string text, Filter? built, FactorModel model)
    {
        if (_catalog is null)
        {
            throw new InvalidOperationException(
                "A filter needs an item catalogue: set PersonalizeOptions.CatalogPath to the items CSV whose attributes filters read.");
        }

        FilterCache? cache = Volatile.Read(ref _filters);
        if (cache is null || !ReferenceEquals(cache.Model, model))
        {
            cache = new FilterCache(model);
            Volatile.Write(ref _filters, cache);
        }

        if (cache.Compiled.TryGetValue(text, out CompiledFilter? compiled))
        {
            return compiled;
        }

        Filter filter = built ?? FilterText.Parse(text, _catalog.Schema).Value;   // Value throws the FilterSyntaxException
        compiled = FilterCompiler.Compile(filter, _catalog, model.Items);
        if (compiled.ExcludesBought)
        {
            // The recommender's own advice names RecommendationRequest, which this service's methods do not take.
            throw new ArgumentException($"The filter '{text}' has 'not bought', which needs the user's purchases, and the service has none: leave the "
                + "rule out (or use 'not seen'), or take a lease (Acquire) and call lease.Recommender.Recommend with RecommendationRequest.PurchasedItems.",
                nameof(filter));
        }
        if (cache.Compiled.Count < FilterCacheSize)
        {
            cache.Compiled.TryAdd(text, compiled);
        }

        return compiled;
    }

    private sealed class FilterCache(FactorModel model)
    {
        public FactorModel Model { get; } = model;

        public ConcurrentDictionary<string, CompiledFilter> Compiled { get; } = new(StringComparer.Ordinal);
    }
}
