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
    private readonly int _maxCount;
    private readonly ItemCatalog? _catalog;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly PersonalizeMetrics _metrics;
    private readonly EventTrackerOptions _tracking;
    private FilterCache? _filters;

    /// <summary>Loads the model (and catalogue) of validated options.</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="ModelFormatException">The model file is invalid, empty or of another kind than <see cref="PersonalizeOptions.ExpectedKind"/>.</exception>
    /// <exception cref="InteractionDataException">The catalogue has a bad row.</exception>
    public RecommendationService(PersonalizeOptions options, ILogger logger, TimeProvider timeProvider, IMeterFactory? meterFactory,
        bool watchFileSystem = true)
    {
        _modelPath = options.ModelPath ?? throw new ArgumentException("PersonalizeOptions.ModelPath is required.", nameof(options));
        _maxCount = options.MaxCount;
        _tracking = options.EffectiveTracking();
        _logger = logger;
        _timeProvider = timeProvider;
        _catalog = options.CatalogPath is null ? null : ItemCatalog.ReadCsv(options.CatalogPath);
        _store = ModelStore.Open(_modelPath, new ModelStoreOptions { ExpectedKind = options.ExpectedKind, Recommender = options.Recommender });
        FactorModel model = _store.Model;
        Log.ModelLoaded(_logger, _modelPath, model.Kind, model.Users.Count, model.Items.Count, model.NumberOfFactors, _store.Version);
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

    /// <summary>Creates the event tracker over the items of the model served now (the catalogue gives it categories when it has
    /// <see cref="EventTrackerOptions.CategoryAttribute"/>); with a journal, this replays it. Events for items a later model adds are
    /// counted as unknown until the tracker is created again (at the next start), since the tracker keeps its item map.</summary>
    internal EventTracker CreateTracker()
    {
        ItemCatalog? catalog = _catalog is not null && _catalog.Schema.TryGetType(_tracking.CategoryAttribute, out _) ? _catalog : null;
        var tracker = new EventTracker(_store.Model, _tracking, catalog, _timeProvider);
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
        _store.Dispose();
        _metrics.Dispose();
    }

    private ModelSwapResult Report(ModelSwapResult result)
    {
        _metrics.Swap(result.Accepted);
        if (result.Model is { } model)
        {
            Log.SwapAccepted(_logger, result.Source, result.Version, model.Kind, model.Users.Count, model.Items.Count, model.NumberOfFactors);
        }
        else
        {
            Log.SwapRejected(_logger, result.Reason ?? "rejected.", result.Source, result.Version, _store.Source);
        }

        return result;
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
