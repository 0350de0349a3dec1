using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Serving;

/// <summary>
/// One consistent (model, recommender) pair taken from a <see cref="ModelStore"/>, kept alive until the lease is disposed even if the
/// store swaps in another model meanwhile.
/// </summary>
/// <remarks>
/// Take a lease per query (<c>using var lease = store.Acquire();</c>) and dispose it when the answer is built: a query that started on a
/// model finishes on it, and the store disposes a replaced model's <see cref="Recommending.Recommender"/> only after its last lease ends.
/// Disposing twice is harmless; the members throw <see cref="ObjectDisposedException"/> after disposal. A lease may be used from any
/// thread, but dispose it only once its users are done.
/// </remarks>
public sealed class ModelLease : IDisposable
{
    private ModelSnapshot? _snapshot;

    internal ModelLease(ModelSnapshot snapshot) => _snapshot = snapshot;

    /// <summary>Gets the leased model.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public FactorModel Model => Snapshot.Model;

    /// <summary>Gets the recommender over <see cref="Model"/>.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public Recommender Recommender => Snapshot.Recommender;

    /// <summary>Gets the store's version number of the leased model: 1 for the first model, one more for every accepted swap.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public long Version => Snapshot.Version;

    /// <summary>Gets where the leased model came from: its file path, or the description it was swapped in with.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public string Source => Snapshot.Source;

    private ModelSnapshot Snapshot => Volatile.Read(ref _snapshot) ?? throw new ObjectDisposedException(nameof(ModelLease));

    /// <summary>Ends the lease; the last lease on a replaced model disposes its recommender.</summary>
    public void Dispose() => Interlocked.Exchange(ref _snapshot, null)?.Release();
}
