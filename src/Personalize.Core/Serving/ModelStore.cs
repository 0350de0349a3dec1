using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Serving;

/// <summary>
/// Serves one model at a time and replaces it atomically (hot swap): new queries see the new model at once, queries in flight finish on
/// the model they started with, and a model file that is corrupted or does not fit is rejected while the old model keeps serving.
/// </summary>
/// <remarks>
/// <para>The current (model, recommender) pair is one immutable snapshot behind one reference, swapped with a single atomic exchange,
/// so a reader can never see the model of one version with the recommender of another. <see cref="Acquire"/> leases the current
/// snapshot for one query; a replaced snapshot's <see cref="Recommender"/> is disposed when its last lease ends.</para>
/// <para><see cref="TryLoad"/> reads a file completely and checks it (<see cref="ModelFile.Read"/>: magic, version, checksums and every
/// field) and then its fit (at least one user and one item, the expected <see cref="FactorModelKind"/>) before anything changes;
/// <see cref="TrySwap"/> does the same for a model retrained in memory. Swaps are serialized; readers never wait for them.</para>
/// <para>All members are thread-safe. Write replacement files with <see cref="ModelFile.Save"/>, which renames a finished file over the
/// target, so a reader never meets a half-written file.</para>
/// </remarks>
/// <example>
/// <code>
/// using var store = ModelStore.Open("shop.pzm");
/// using (ModelLease lease = store.Acquire())
/// {
///     RecommendationList list = lease.Recommender.ForUser("U0042", 10);
/// }
/// ModelSwapResult swap = store.TryLoad("shop-retrained.pzm");   // never throws for a bad file: see swap.Accepted and swap.Reason
/// </code>
/// </example>
public sealed class ModelStore : IDisposable
{
    private readonly object _swapLock = new();
    private ModelSnapshot? _current;
    private bool _disposed;

    /// <summary>Creates a store serving a model.</summary>
    /// <param name="model">The first model to serve.</param>
    /// <param name="source">Where the model came from, for results and logs (a file path, or a description such as "retrained").</param>
    /// <param name="options">How to check and serve models; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The model has no users or no items, holds a value that is not a finite number (its training
    /// diverged), or is not of <see cref="ModelStoreOptions.ExpectedKind"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public ModelStore(FactorModel model, string source, ModelStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Options = options ?? new ModelStoreOptions();
        OptionsValidation.ThrowIfInvalid(Options, nameof(ModelStoreOptions));
        ExpectedKind = Options.ExpectedKind ?? model.Kind;
        if (Incompatibility(model, source) is { } reason)
        {
            throw new ArgumentException(reason, nameof(model));
        }

        _current = new ModelSnapshot(model, new Recommender(model, Options.Recommender), 1, source);
    }

    /// <summary>Gets how the store checks and serves models.</summary>
    public ModelStoreOptions Options { get; }

    /// <summary>Gets the kind of model the store serves: <see cref="ModelStoreOptions.ExpectedKind"/>, or the first model's kind.</summary>
    public FactorModelKind ExpectedKind { get; }

    /// <summary>Gets the current model. It may be replaced right after this returns; use <see cref="Acquire"/> for a consistent pair.</summary>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public FactorModel Model => Current.Model;

    /// <summary>Gets the version of the current model: 1 for the first, one more for every accepted swap.</summary>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public long Version => Current.Version;

    /// <summary>Gets where the current model came from.</summary>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public string Source => Current.Source;

    private ModelSnapshot Current => Volatile.Read(ref _current) ?? throw new ObjectDisposedException(nameof(ModelStore));

    /// <summary>Opens a store serving a model file.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="options">How to check and serve models; <see langword="null"/> for the defaults.</param>
    /// <returns>The store.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid model file, or the model has no users or no items or is not of
    /// <see cref="ModelStoreOptions.ExpectedKind"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static ModelStore Open(string path, ModelStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FactorModel model = ModelFile.Load(path);
        FactorModelKind expected = options?.ExpectedKind ?? model.Kind;
        if (Incompatibility(model, expected) is { } reason)
        {
            throw new ModelFormatException(path, null, reason);
        }

        return new ModelStore(model, path, options);
    }

    /// <summary>Leases the current model and its recommender for one query.</summary>
    /// <returns>The lease; dispose it when the query is answered.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public ModelLease Acquire()
    {
        while (true)
        {
            ModelSnapshot snapshot = Current;
            if (snapshot.TryAddReference())
            {
                return new ModelLease(snapshot);
            }

            // That snapshot was replaced and released between the read and the reference: its successor is already current.
        }
    }

    /// <summary>Loads a model file and, if it is valid and fits, makes it the current model.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>Whether the model was accepted, and if not, why (naming the file and what was wrong). A rejected file changes nothing.</returns>
    /// <remarks>The file is read completely and checked before the swap, outside the swap lock. Missing, unreadable, truncated,
    /// corrupted, foreign and newer-format files are rejected, and so are models without users or items or of another kind.</remarks>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public ModelSwapResult TryLoad(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        FactorModel model;
        try
        {
            model = ModelFile.Load(path);
        }
        catch (Exception exception) when (exception is ModelFormatException or IOException or UnauthorizedAccessException)
        {
            return ModelSwapResult.Reject(path, exception.Message, Version, exception);
        }

        return TrySwap(model, path);
    }

    /// <summary>Makes a model (for example, one just retrained) the current model, if it fits.</summary>
    /// <param name="model">The model.</param>
    /// <param name="source">Where the model came from, for results and logs.</param>
    /// <returns>Whether the model was accepted, and if not, why.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public ModelSwapResult TrySwap(FactorModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (Incompatibility(model, source) is { } reason)
        {
            return ModelSwapResult.Reject(source, reason, Version, null);
        }

        var recommender = new Recommender(model, Options.Recommender);
        lock (_swapLock)
        {
            if (_disposed)
            {
                recommender.Dispose();
                throw new ObjectDisposedException(nameof(ModelStore));
            }

            ModelSnapshot previous = _current!;
            var next = new ModelSnapshot(model, recommender, previous.Version + 1, source);
            Volatile.Write(ref _current, next);
            previous.Release();
            return ModelSwapResult.Accept(source, next.Version, model);
        }
    }

    /// <summary>Stops serving: new leases throw, and the current recommender is disposed when its last lease ends.</summary>
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

    /// <summary>The current snapshot, for tests that check when replaced recommenders are released.</summary>
    internal ModelSnapshot? CurrentSnapshot => Volatile.Read(ref _current);

    private string? Incompatibility(FactorModel model, string source) =>
        Incompatibility(model, ExpectedKind) is { } reason ? $"{(Path.IsPathFullyQualified(source) ? Path.GetFileName(source) : source)}: {reason}" : null;   // a swap's source is a description, such as "nightly retrain 2024/05/01"

    private static string? Incompatibility(FactorModel model, FactorModelKind expected)
    {
        if (model.Users.Count == 0 || model.Items.Count == 0)
        {
            return $"the model has {model.Users.Count} users and {model.Items.Count} items; a served model needs at least one of each.";
        }

        if (ModelFile.NotFinite(model) is { } where)
        {
            return $"the model holds a value that is not a finite number ({where}): its training diverged, and it would serve empty lists.";
        }

        if (model.Kind != expected)
        {
            return $"the model is {model.Kind}, but this store serves {expected} models (ModelStoreOptions.ExpectedKind); "
                + "serve it from a store of its own kind.";
        }

        return null;
    }
}
