using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Personalize.Core.Data;

/// <summary>
/// Interns ids given as UTF-8 bytes into dense indices, in first-seen order, for the CSV reader. Not thread-safe.
/// </summary>
/// <remarks>
/// Why not <c>Dictionary&lt;string, int&gt;</c>: on a log with hundreds of thousands of users and items, a lookup there costs three
/// cache misses (bucket, entry, the key string), about 650 ns per row for two ids, most of the reading time. Here a slot holds the
/// hash, the index and where the id's bytes are, so a lookup touches the slot and the bytes, and the reader can prefetch both for a
/// batch of rows before it resolves them (<see cref="Prefetch"/>), so the misses of a batch overlap. Open addressing with linear
/// probing; the hash is XxHash3 with a seed drawn per table, so crafted ids cannot force collisions. One string is allocated per
/// distinct id, for the <see cref="IdMap"/>.
/// </remarks>
internal sealed class Utf8IdTable
{
    private Slot[] _slots;
    private int _mask;
    private byte[] _bytes;
    private int _bytesUsed;
    private string[] _ids;
    private int _count;
    private readonly ulong _seed;

    /// <summary>Creates a table.</summary>
    /// <param name="expectedCount">How many distinct ids to size for (it grows past that).</param>
    public Utf8IdTable(int expectedCount = 1024)
    {
        int capacity = (int)Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, expectedCount * 2)));
        _slots = new Slot[capacity];
        _mask = capacity - 1;
        _bytes = new byte[Math.Max(256, expectedCount * 16)];
        _ids = new string[Math.Max(16, expectedCount)];
        _seed = (ulong)Random.Shared.NextInt64();
    }

    /// <summary>Gets how many distinct ids the table holds.</summary>
    public int Count => _count;

    /// <summary>Hashes an id for <see cref="Prefetch"/> and <see cref="GetOrAdd"/>.</summary>
    /// <param name="id">The id's UTF-8 bytes.</param>
    /// <returns>The hash.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Hash(ReadOnlySpan<byte> id) => XxHash3.HashToUInt64(id, (long)_seed);

    /// <summary>Asks the CPU to load the slot of a hash, so a later <see cref="GetOrAdd"/> finds it in cache.</summary>
    /// <param name="hash">From <see cref="Hash"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Home(hash)]));
        }
    }

    /// <summary>Asks the CPU to load the bytes of the id in the slot of a hash (when the slot is taken), for <see cref="GetOrAdd"/>.</summary>
    /// <param name="hash">From <see cref="Hash"/>, after <see cref="Prefetch"/> had time to load the slot.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchBytes(ulong hash)
    {
        if (Sse.IsSupported)
        {
            ref Slot slot = ref _slots[Home(hash)];
            if (slot.IndexPlusOne != 0 && (uint)slot.Offset < (uint)_bytes.Length)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref _bytes[slot.Offset]));
            }
        }
    }

    /// <summary>Finds the index of an id, or -1 when it is new, without adding it.</summary>
    /// <param name="id">The id's UTF-8 bytes.</param>
    /// <returns>The index, or -1.</returns>
    public int IndexOf(ReadOnlySpan<byte> id)
    {
        ulong hash = Hash(id);
        return Find(id, (uint)(hash >> 32), hash, out _);
    }

    /// <summary>Finds the index of an id, adding it when it is new.</summary>
    /// <param name="id">The id's UTF-8 bytes (valid UTF-8).</param>
    /// <param name="hash">From <see cref="Hash"/>.</param>
    /// <returns>The index.</returns>
    public int GetOrAdd(ReadOnlySpan<byte> id, ulong hash)
    {
        uint tag = (uint)(hash >> 32);
        int found = Find(id, tag, hash, out int position);
        if (found >= 0)
        {
            return found;
        }

        if (_bytesUsed + id.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _bytesUsed + id.Length));
        }

        if (_count == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
        }

        id.CopyTo(_bytes.AsSpan(_bytesUsed));
        int index = _count++;
        _ids[index] = Encoding.UTF8.GetString(id);
        _slots[position] = new Slot { Tag = tag, IndexPlusOne = index + 1, Offset = _bytesUsed, Length = id.Length };
        _bytesUsed += id.Length;
        if (_count * 2 > _slots.Length)
        {
            Grow();
        }

        return index;
    }

    /// <summary>Counts the ids that are another id with <c>.0</c> after it (<c>17850.0</c> beside <c>17850</c>: a spreadsheet that wrote
    /// a number column as decimals on some rows), and gives the first such pair.</summary>
    /// <param name="first">The first pair found (the id without, then with <c>.0</c>), or nulls.</param>
    /// <returns>How many ids have such a twin.</returns>
    public int CountDecimalTwins(out (string Plain, string Decimal)? first)
    {
        first = null;
        int count = 0;
        Span<byte> buffer = stackalloc byte[256];
        for (int i = 0; i < _count; i++)
        {
            string id = _ids[i];
            // Digits before the '.0' only: a customer number written as a decimal. Other ids ending in '.0' (v1.0 beside v1) are left
            // alone; a catalogue whose ids are version numbers (2 and 2.0) still gets the note, which says they are kept apart.
            if (id.Length < 3 || id.Length > buffer.Length || !id.EndsWith(".0", StringComparison.Ordinal) || id.AsSpan(0, id.Length - 2).IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                continue;
            }

            int length = Encoding.UTF8.GetBytes(id.AsSpan(0, id.Length - 2), buffer);
            if (IndexOf(buffer[..length]) >= 0)
            {
                first ??= (id[..^2], id);
                count++;
            }
        }

        return count;
    }

    /// <summary>Builds the <see cref="IdMap"/> of the ids added, in index order.</summary>
    /// <returns>The map.</returns>
    public IdMap Build() => IdMap.FromDistinctIds(_ids.AsSpan(0, _count).ToArray());

    /// <summary>The slot where a hash starts probing: the low bits of its upper half, which the slot keeps as its tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong hash) => (int)(uint)(hash >> 32) & _mask;

    private int Find(ReadOnlySpan<byte> id, uint tag, ulong hash, out int position)
    {
        Slot[] slots = _slots;
        int mask = _mask;
        int i = (int)tag & mask;
        while (true)
        {
            ref Slot slot = ref slots[i];
            if (slot.IndexPlusOne == 0)
            {
                position = i;
                return -1;
            }

            if (slot.Tag == tag && slot.Length == id.Length && _bytes.AsSpan(slot.Offset, slot.Length).SequenceEqual(id))
            {
                position = i;
                return slot.IndexPlusOne - 1;
            }

            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var slots = new Slot[_slots.Length * 2];
        int mask = slots.Length - 1;
        foreach (Slot slot in _slots)
        {
            if (slot.IndexPlusOne == 0)
            {
                continue;
            }

            // The tag holds the bits that place a slot, so growing reads no id bytes.
            int i = (int)slot.Tag & mask;
            while (slots[i].IndexPlusOne != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = slot;
        }

        _slots = slots;
        _mask = mask;
    }

    /// <summary>One slot: 16 bytes, so four share a cache line.</summary>
    private struct Slot
    {
        /// <summary>The upper half of the hash, compared before the bytes.</summary>
        public uint Tag;

        /// <summary>The id's index + 1; 0 marks an empty slot.</summary>
        public int IndexPlusOne;

        /// <summary>Where the id's bytes start in the byte store.</summary>
        public int Offset;

        /// <summary>How many bytes the id has.</summary>
        public int Length;
    }
}
