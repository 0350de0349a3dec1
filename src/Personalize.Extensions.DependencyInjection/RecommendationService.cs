using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;

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

    /// <summary>Gets the file watcher, when <see cref="PersonalizeOptions.WatchForChanges"/> is set.</summary>
    internal ModelFileWatcher? Watcher { get; }

    /// <inheritdoc />
    public ModelLease Acquire() => _store.Acquire();

    /// <inheritdoc />
    public RecommendationList ForUser(string userId, int count, string? filter = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if ((uint)count > (uint)_maxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The count must be between 0 and PersonalizeOptions.MaxCount ({_maxCount}).");
        }
        long started = _timeProvider.GetTimestamp();
        bool filtered = !string.IsNullOrWhiteSpace(filter);
        RecommendationList list;
        using (ModelLease lease = _store.Acquire())
        {
            list = filtered
                ? lease.Recommender.ForUser(userId, count, Compile(filter!, lease.Model))
                : lease.Recommender.ForUser(userId, count);
        }

        _metrics.Query(list.Source, filtered, _timeProvider.GetElapsedTime(started));
        return list;
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

    /// <summary>Parses and compiles a filter for a model's items, cached per model and filter text.</summary>
    private CompiledFilter Compile(string text, FactorModel model)
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

        FilterParseResult parsed = FilterText.Parse(text, _catalog.Schema);
        compiled = FilterCompiler.Compile(parsed.Value, _catalog, model.Items);   // Value throws the FilterSyntaxException
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
