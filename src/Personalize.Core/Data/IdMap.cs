namespace Personalize.Core.Data;

/// <summary>
/// Maps the caller's string ids (user or item keys) to dense 0-based indices and back.
/// </summary>
/// <remarks>
/// An <em>id</em> is the caller's key; an <em>index</em> is the position of that key in every array of a model.
/// Indices are assigned in the order ids are first seen, so the same input gives the same map.
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class IdMap
{
    private readonly string[] _ids;
    private readonly Dictionary<string, int> _indices;

    private IdMap(string[] ids, Dictionary<string, int> indices)
    {
        _fingerprint = new Lazy<ulong>(ComputeFingerprint, LazyThreadSafetyMode.PublicationOnly);
        _ids = ids;
        _indices = indices;
    }

    /// <summary>Gets how many distinct ids the map holds.</summary>
    public int Count => _ids.Length;

    /// <summary>A hash of the ids in index order, computed once: two maps with the same ids in the same order have the same one, so an
    /// object built for one map's numbering (a compiled filter, co-occurrence counts, a paging cursor) can be checked against another in
    /// constant time.</summary>
    internal ulong Fingerprint => _fingerprint.Value;

    private readonly Lazy<ulong> _fingerprint;

    private ulong ComputeFingerprint()
    {
        var hash = new System.IO.Hashing.XxHash3();
        Span<byte> length = stackalloc byte[4];
        foreach (string id in _ids)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, id.Length);
            hash.Append(length);
            hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(id.AsSpan()));
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Gets the ids in index order: <c>Ids[i]</c> is the id of index <c>i</c>.</summary>
    public IReadOnlyList<string> Ids => field ??= Array.AsReadOnly(_ids);   // read-only: the map's own array stays as it was built

    /// <summary>Creates a map from ids listed in index order.</summary>
    /// <param name="ids">The ids; the first gets index 0. Each must be non-null and distinct.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">An id appears twice.</exception>
    public static IdMap FromIds(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = new List<string>();
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string id in ids)
        {
            if (id is null)
            {
                throw new ArgumentNullException(nameof(ids), $"The id at index {list.Count} is null; every id must be a non-null string.");
            }

            if (!indices.TryAdd(id, list.Count))
            {
                throw new ArgumentException($"The id '{id}' appears at index {indices[id]} and again at index {list.Count}; ids must be distinct.", nameof(ids));
            }

            list.Add(id);
        }

        return new IdMap([.. list], indices);
    }

    /// <summary>Gets the index of an id.</summary>
    /// <param name="id">The caller's id.</param>
    /// <returns>The dense index.</returns>
    /// <exception cref="KeyNotFoundException">The map does not contain <paramref name="id"/>.</exception>
    public int GetIndex(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_indices.TryGetValue(id, out int index))
        {
            return index;
        }

        throw new KeyNotFoundException($"The id '{id}' is not in this map of {Count} ids.");
    }

    /// <summary>Tries to get the index of an id.</summary>
    /// <param name="id">The caller's id.</param>
    /// <param name="index">The dense index, or -1 when the id is unknown.</param>
    /// <returns><see langword="true"/> when the id is known.</returns>
    public bool TryGetIndex(string id, out int index)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_indices.TryGetValue(id, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Tries to get the index of an id given as characters, without allocating a string.</summary>
    /// <param name="id">The caller's id.</param>
    /// <param name="index">The dense index, or -1 when the id is unknown.</param>
    /// <returns><see langword="true"/> when the id is known.</returns>
    public bool TryGetIndex(ReadOnlySpan<char> id, out int index)
    {
        if (_indices.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Gets the id of an index.</summary>
    /// <param name="index">A dense index from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The caller's id.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the map.</exception>
    public string GetId(int index)
    {
        if ((uint)index >= (uint)_ids.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be between 0 and {_ids.Length - 1}.");
        }

        return _ids[index];
    }

    /// <summary>Creates a map from ids known to be distinct and non-null (the reader's interned ids), without checking them.</summary>
    /// <param name="ids">The ids in index order; the map keeps this array.</param>
    /// <returns>The map.</returns>
    internal static IdMap FromDistinctIds(string[] ids)
    {
        var indices = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            indices.Add(ids[i], i);
        }

        return new IdMap(ids, indices);
    }

    /// <summary>Builds an <see cref="IdMap"/> while ids are read. Not thread-safe.</summary>
    internal sealed class Builder
    {
        private readonly List<string> _ids = [];
        private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);
        private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Builder()
        {
            _lookup = _indices.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public int Count => _ids.Count;

        /// <summary>Finds the index of an id already added, or -1, without adding it.</summary>
        public bool TryGetIndex(ReadOnlySpan<char> id, out int index)
        {
            if (_lookup.TryGetValue(id, out index))
            {
                return true;
            }

            index = -1;
            return false;
        }

        public int GetOrAdd(ReadOnlySpan<char> id)
        {
            if (_lookup.TryGetValue(id, out int index))
            {
                return index;
            }

            string text = id.ToString();
            index = _ids.Count;
            _indices.Add(text, index);
            _ids.Add(text);
            return index;
        }

        public IdMap Build() => new([.. _ids], new Dictionary<string, int>(_indices, StringComparer.Ordinal));
    }

    /// <summary>Returns the backing arrays for serialization without copying.</summary>
    internal string[] RawIds => _ids;
}
