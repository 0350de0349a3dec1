namespace Personalize.Search;

/// <summary>One generation of a <see cref="SearchIndexStore"/>: the opened index and the search over it, with a reference count. The
/// store holds one reference while the generation is current, each lease one more; the last release closes the index and deletes its
/// folder.</summary>
internal sealed class SearchIndexSnapshot
{
    private int _references = 1;

    public SearchIndexSnapshot(CatalogSearchIndex index, ProductSearch search, long version, string path)
    {
        Index = index;
        Search = search;
        Version = version;
        Path = path;
    }

    public CatalogSearchIndex Index { get; }

    public ProductSearch Search { get; }

    public long Version { get; }

    public string Path { get; }

    /// <summary>Whether the folder is deleted when the last reference ends (set for a generation the store replaced).</summary>
    public bool DeleteWhenReleased { get; set; }

    public bool IsReleased => Volatile.Read(ref _references) == 0;

    public bool TryAddReference()
    {
        int references = Volatile.Read(ref _references);
        while (references > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
            {
                return true;
            }

            references = seen;
        }

        return false;
    }

    public void Release()
    {
        int references = Interlocked.Decrement(ref _references);
        if (references == 0)
        {
            Index.Dispose();
            if (DeleteWhenReleased)
            {
                SearchIndexStore.TryDeleteFolder(Path);
            }
        }
        else if (references < 0)
        {
            throw new InvalidOperationException("A search index generation was released more often than it was referenced.");
        }
    }
}
