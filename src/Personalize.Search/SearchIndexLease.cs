namespace Personalize.Search;

/// <summary>
/// One generation of a <see cref="SearchIndexStore"/>'s index, kept open until the lease is disposed even if the store swaps in a
/// rebuilt index meanwhile.
/// </summary>
/// <remarks>
/// Take a lease per query (<c>using var lease = store.Acquire();</c>) and dispose it when the answer is built: a query that started on
/// an index finishes on it, and the store closes a replaced index (and deletes its folder) only after its last lease ends. Disposing
/// twice is harmless; the members throw <see cref="ObjectDisposedException"/> after disposal. A lease may be used from any thread, but
/// dispose it only once its users are done.
/// </remarks>
public sealed class SearchIndexLease : IDisposable
{
    private SearchIndexSnapshot? _snapshot;

    internal SearchIndexLease(SearchIndexSnapshot snapshot) => _snapshot = snapshot;

    /// <summary>Gets the leased index.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public CatalogSearchIndex Index => Snapshot.Index;

    /// <summary>Gets the product search over <see cref="Index"/> (with the store's recommender and preference store).</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public ProductSearch Search => Snapshot.Search;

    /// <summary>Gets the store's version number of the leased index: 1 for the index the store opened, one more for every rebuild.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public long Version => Snapshot.Version;

    /// <summary>Gets the folder the leased index was read from.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public string Path => Snapshot.Path;

    private SearchIndexSnapshot Snapshot => Volatile.Read(ref _snapshot) ?? throw new ObjectDisposedException(nameof(SearchIndexLease));

    /// <summary>Ends the lease; the last lease on a replaced index closes it and deletes its folder.</summary>
    public void Dispose() => Interlocked.Exchange(ref _snapshot, null)?.Release();
}
