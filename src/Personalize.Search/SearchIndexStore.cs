using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Search;

/// <summary>
/// Serves an on-disk search index that is rebuilt when the catalogue changes, without stopping queries: a rebuild writes a new index
/// into a folder beside the current one, and only when it is complete does the store switch to it, in one reference exchange. Queries
/// take a <see cref="SearchIndexLease"/>; a replaced index is closed, and its folder deleted, when its last lease ends.
/// </summary>
/// <remarks>
/// <para>Layout of the root folder: one folder per generation (<c>index-000001</c>, <c>index-000002</c>, ...) and a file
/// <c>CURRENT</c> naming the complete generation to serve. <c>CURRENT</c> is replaced atomically (written beside it, then renamed
/// over it) only after the new generation is committed, so a build that stops (an exception, a cancellation, the process ending)
/// leaves <c>CURRENT</c> naming the old index, which <see cref="Open"/> serves; a generation folder without a commit is refused
/// (<see cref="CatalogSearchIndex.Open"/>). One process at a time should rebuild a root; any number may <see cref="Open"/> it.</para>
/// <para>Thread-safe: <see cref="Acquire"/> may run concurrently with <see cref="Rebuild"/>; rebuilds run one at a time.</para>
/// </remarks>
public sealed class SearchIndexStore : IDisposable
{
    /// <summary>The name of the file that names the generation to serve.</summary>
    public const string CurrentFileName = "CURRENT";

    private const string GenerationPrefix = "index-";
    private readonly object _rebuildLock = new();
    private readonly object _swapLock = new();
    private readonly CatalogSearchOptions? _options;
    private readonly Recommender? _recommender;
    private readonly IPreferenceStore? _preferences;
    private readonly RankOptions? _rankOptions;
    private SearchIndexSnapshot? _current;
    private bool _disposed;

    private SearchIndexStore(string root, CatalogSearchOptions? options, Recommender? recommender, IPreferenceStore? preferences, RankOptions? rankOptions)
    {
        Root = root;
        _options = options;
        _recommender = recommender;
        _preferences = preferences;
        _rankOptions = rankOptions;
    }

    /// <summary>Gets the root folder that holds the generations and <see cref="CurrentFileName"/>.</summary>
    public string Root { get; }

    /// <summary>Gets the version of the index now served: 1 for the index the store opened or built, one more for every rebuild.</summary>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public long Version => Current.Version;

    /// <summary>Gets the folder of the index now served.</summary>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public string IndexPath => Current.Path;

    private SearchIndexSnapshot Current => Volatile.Read(ref _current) ?? throw new ObjectDisposedException(nameof(SearchIndexStore));

    /// <summary>Indexes a catalogue as a new generation under a root folder (created when missing), makes it the one to serve, and
    /// opens it. Of the generations already there, the one served until now is kept (another process may still read it) and older ones
    /// are deleted, so building at every start leaves at most two.</summary>
    /// <param name="root">The root folder.</param>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="options">What to index and how to read queries; <see langword="null"/> for the defaults.</param>
    /// <param name="recommender">The recommender that personalizes <see cref="SearchIndexLease.Search"/>, or <see langword="null"/>.</param>
    /// <param name="preferences">Where users' saved preferences are read, or <see langword="null"/>.</param>
    /// <param name="rankOptions">How text and taste are blended; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives how many items are indexed, once per chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the build; the root is then left as it was.</param>
    /// <returns>The store, serving the new index.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A named field is not a text attribute of the catalogue.</exception>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    public static SearchIndexStore Build(string root, ItemCatalog catalog, CatalogSearchOptions? options = null, Recommender? recommender = null,
        IPreferenceStore? preferences = null, RankOptions? rankOptions = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(catalog);
        Directory.CreateDirectory(root);
        var store = new SearchIndexStore(root, options, recommender, preferences, rankOptions);
        store._current = store.BuildGeneration(catalog, 1, progress, cancellationToken, deleteOlder: true);
        return store;
    }

    /// <summary>Opens the generation a root folder's <see cref="CurrentFileName"/> names.</summary>
    /// <param name="root">The root folder, written by <see cref="Build"/>.</param>
    /// <param name="catalog">The catalogue (the one indexed, or a newer one: indexed items it lacks are never matched, and
    /// <see cref="CatalogSearchIndex.MatchesCatalog"/> says whether the index is out of date for it).</param>
    /// <param name="options">How to read queries; <see langword="null"/> for the fields and boosts the index was built with.</param>
    /// <param name="recommender">The recommender that personalizes <see cref="SearchIndexLease.Search"/>, or <see langword="null"/>.</param>
    /// <param name="preferences">Where users' saved preferences are read, or <see langword="null"/>.</param>
    /// <param name="rankOptions">How text and taste are blended; <see langword="null"/> for the defaults.</param>
    /// <returns>The store.</returns>
    /// <exception cref="FileNotFoundException">The root has no <see cref="CurrentFileName"/>, or the generation it names is missing.</exception>
    /// <exception cref="InvalidDataException"><see cref="CurrentFileName"/> does not name a generation, or the generation is not a
    /// complete Personalize search index.</exception>
    public static SearchIndexStore Open(string root, ItemCatalog catalog, CatalogSearchOptions? options = null, Recommender? recommender = null,
        IPreferenceStore? preferences = null, RankOptions? rankOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(catalog);
        string pointer = Path.Combine(root, CurrentFileName);
        if (!File.Exists(pointer))
        {
            throw new FileNotFoundException($"There is no search index store at '{root}': it has no {CurrentFileName} file. "
                + "Create one with SearchIndexStore.Build(root, catalog).", pointer);
        }

        string name = File.ReadAllText(pointer, Encoding.UTF8).Trim();
        if (GenerationNumber(name) < 1)
        {
            throw new InvalidDataException($"{pointer}:1:1: expected the name of a generation folder such as '{GenerationPrefix}000001', "
                + $"found '{Shorten(name)}'. Rebuild the store with SearchIndexStore.Build(root, catalog).");
        }

        var store = new SearchIndexStore(root, options, recommender, preferences, rankOptions);
        store._current = store.OpenGeneration(catalog, Path.Combine(root, name), 1);
        return store;
    }

    /// <summary>Takes a lease on the index now served; dispose it when the query's answer is built.</summary>
    /// <returns>The lease.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public SearchIndexLease Acquire()
    {
        while (true)
        {
            SearchIndexSnapshot snapshot = Current;
            if (snapshot.TryAddReference())
            {
                return new SearchIndexLease(snapshot);
            }

            // That generation was replaced and released between the read and the reference: its successor is already current.
        }
    }

    /// <summary>Indexes a (changed) catalogue into a new generation beside the current one and, once it is complete, serves it:
    /// queries that hold a lease finish on the old index, new leases get the new one.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="progress">Receives how many items are indexed, once per chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the build; the current index then serves on.</param>
    /// <returns>The new version.</returns>
    /// <remarks>If the build fails or is cancelled, the partial generation is deleted and the current index serves on; if the process
    /// ends during the build, <see cref="CurrentFileName"/> still names the old generation. Rebuilds run one at a time.</remarks>
    /// <exception cref="ArgumentException">A search field is not a text attribute of the catalogue.</exception>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public long Rebuild(ItemCatalog catalog, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        lock (_rebuildLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
            SearchIndexSnapshot next = BuildGeneration(catalog, Current.Version + 1, progress, cancellationToken);
            lock (_swapLock)
            {
                if (_disposed)
                {
                    next.Release();
                    throw new ObjectDisposedException(nameof(SearchIndexStore));
                }

                SearchIndexSnapshot previous = _current!;
                Volatile.Write(ref _current, next);
                previous.DeleteWhenReleased = true;
                previous.Release();
                return next.Version;
            }
        }
    }

    /// <summary>Stops serving: the current index closes when its last lease ends. The folders stay.</summary>
    public void Dispose()
    {
        lock (_swapLock)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            Interlocked.Exchange(ref _current, null)?.Release();
        }
    }

    internal static void TryDeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: a folder another process still reads is left for the next rebuild to find.
        }
    }

    /// <summary>Builds the next generation folder, points <see cref="CurrentFileName"/> at it and opens it. Generation folders numbered
    /// above the one <see cref="CurrentFileName"/> names are builds that never finished (the process ended during them: no one can
    /// serve them) and are deleted first, so crashed rebuilds do not pile up; older generations are left to their readers, unless
    /// <paramref name="deleteOlder"/> (a store just made, which holds none of them): then the generation served until now stays (another
    /// process, the one this start replaces, may still read it) and older ones, no one's to serve, go too, so a service that builds at
    /// every start does not leave one full index per start.</summary>
    private SearchIndexSnapshot BuildGeneration(ItemCatalog catalog, long version, IProgress<int>? progress, CancellationToken cancellationToken,
        bool deleteOlder = false)
    {
        long served = ServedGeneration();
        long number = 0;
        foreach (string folder in Directory.EnumerateDirectories(Root, GenerationPrefix + "*"))
        {
            long generation = GenerationNumber(Path.GetFileName(folder));
            if (generation > served || (deleteOlder && generation >= 1 && generation < served && served != long.MaxValue))
            {
                TryDeleteFolder(folder);
                generation = Directory.Exists(folder) ? generation : 0;   // one that could not be deleted keeps its number taken
            }

            number = Math.Max(number, generation);
        }

        string name = GenerationPrefix + (number + 1).ToString("D6", CultureInfo.InvariantCulture);
        string path = Path.Combine(Root, name);
        CatalogSearchIndex index;
        try
        {
            index = CatalogSearchIndex.Build(catalog, path, _options, progress, cancellationToken);
        }
        catch
        {
            TryDeleteFolder(path);
            throw;
        }

        try
        {
            WriteCurrent(name);
            return Snapshot(index, path, version);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    private SearchIndexSnapshot OpenGeneration(ItemCatalog catalog, string path, long version)
    {
        CatalogSearchIndex index = CatalogSearchIndex.Open(path, catalog, _options);
        try
        {
            return Snapshot(index, path, version);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    private SearchIndexSnapshot Snapshot(CatalogSearchIndex index, string path, long version) =>
        new(index, new ProductSearch(index, _recommender, _preferences, _rankOptions), version, path);

    /// <summary>Replaces <see cref="CurrentFileName"/> atomically: written and flushed beside it, then renamed over it.</summary>
    private void WriteCurrent(string name)
    {
        string pointer = Path.Combine(Root, CurrentFileName);
        string temporary = pointer + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(name + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, pointer, overwrite: true);
    }

    /// <summary>The number of the generation <see cref="CurrentFileName"/> names, or 0 when there is none (or it names none).</summary>
    private long ServedGeneration()
    {
        string pointer = Path.Combine(Root, CurrentFileName);
        try
        {
            return File.Exists(pointer) ? GenerationNumber(File.ReadAllText(pointer, Encoding.UTF8).Trim()) : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return long.MaxValue;   // unreadable: delete nothing
        }
    }

    /// <summary>The number of a generation folder name (<c>index-000042</c> → 42), or 0 when the name is not one.</summary>
    private static long GenerationNumber(string name)
    {
        if (!name.StartsWith(GenerationPrefix, StringComparison.Ordinal))
        {
            return 0;
        }

        ReadOnlySpan<char> digits = name.AsSpan(GenerationPrefix.Length);
        return digits.Length is > 0 and <= 18 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : 0;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
