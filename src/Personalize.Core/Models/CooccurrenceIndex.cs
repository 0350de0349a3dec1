using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Personalize.Core.Data;
using Personalize.Core.Internal;

namespace Personalize.Core.Models;

/// <summary>
/// Which items the same users interacted with: for every item, its most similar co-occurring items ("customers who viewed this also
/// viewed"), with how many users had both.
/// </summary>
/// <remarks>
/// <para>The similarity of items <c>i</c> and <c>j</c> is the cosine of their user sets, <c>c_ij / √(n_i · n_j)</c>, where
/// <c>c_ij</c> is how many users had both and <c>n_i</c> how many users had <c>i</c>; it lies in [0, 1] and, unlike the raw count, does
/// not favour the best sellers. Each user counts once per pair, whatever their weights; a user with more than
/// <see cref="CooccurrenceOptions.MaxItemsPerUser"/> items counts only their heaviest ones. Pairs seen fewer than
/// <see cref="CooccurrenceOptions.MinimumCount"/> times are dropped, and each item keeps its
/// <see cref="CooccurrenceOptions.NumberOfNeighbors"/> most similar neighbours.</para>
/// <para>Build it with <see cref="Build"/>, attach it to a model with <see cref="FactorModel.WithCooccurrence"/>, and
/// <see cref="ModelFile"/> saves it with the model. The index is immutable and thread-safe.</para>
/// </remarks>
public sealed class CooccurrenceIndex
{
    private const int HeaderInts = 5;

    private readonly int[] _userCounts;
    private readonly int[] _offsets;
    private readonly int[] _neighbors;
    private readonly int[] _counts;
    private readonly float[] _similarities;

    private CooccurrenceIndex(CooccurrenceOptions options, int[] userCounts, int[] offsets, int[] neighbors, int[] counts, long unmatchedEntries)
    {
        Options = options;
        _userCounts = userCounts;
        _offsets = offsets;
        _neighbors = neighbors;
        _counts = counts;
        UnmatchedEntryCount = unmatchedEntries;
        _similarities = new float[neighbors.Length];
        for (int i = 0; i < userCounts.Length; i++)
        {
            for (int e = offsets[i]; e < offsets[i + 1]; e++)
            {
                _similarities[e] = Similarity(counts[e], userCounts[i], userCounts[neighbors[e]]);
            }
        }
    }

    /// <summary>Gets the options the index was built with (<see cref="CooccurrenceOptions.NumberOfThreads"/> is not kept in a file).</summary>
    public CooccurrenceOptions Options { get; }

    /// <summary>Gets how many items the index covers (the target item map's count).</summary>
    public int ItemCount => _userCounts.Length;

    /// <summary>The <see cref="IdMap.Fingerprint"/> of the item map the counts are numbered by, or null when unknown (an index read from
    /// a model file, numbered by that model's items): a model with the same number of other items would show other items' counts.</summary>
    internal ulong? ItemsFingerprint { get; private init; }

    /// <summary>Gets how many (item, neighbour) entries the index holds; each pair appears once per side that kept it.</summary>
    public int NumberOfEntries => _neighbors.Length;

    /// <summary>Gets how many (user, item) entries of the data were left out because the target item map does not have the item
    /// (0 when every item matched, and for an index loaded from a file).</summary>
    public long UnmatchedEntryCount { get; }

    /// <summary>Gets how many users were counted for an item (after the per-user cap): the <c>n_i</c> of the similarity.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The count.</returns>
    public int GetUserCount(int itemIndex) => _userCounts[itemIndex];

    /// <summary>Gets an item's neighbours, in ascending index order.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The neighbours' indices.</returns>
    public ReadOnlySpan<int> GetNeighbors(int itemIndex) => _neighbors.AsSpan(_offsets[itemIndex], _offsets[itemIndex + 1] - _offsets[itemIndex]);

    /// <summary>Gets how many users had both the item and each neighbour, aligned with <see cref="GetNeighbors"/>.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The counts.</returns>
    public ReadOnlySpan<int> GetCounts(int itemIndex) => _counts.AsSpan(_offsets[itemIndex], _offsets[itemIndex + 1] - _offsets[itemIndex]);

    /// <summary>Gets the similarity of the item to each neighbour, aligned with <see cref="GetNeighbors"/>.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The similarities, each in (0, 1].</returns>
    public ReadOnlySpan<float> GetSimilarities(int itemIndex) =>
        _similarities.AsSpan(_offsets[itemIndex], _offsets[itemIndex + 1] - _offsets[itemIndex]);

    /// <summary>Counts which items co-occur in users' histories.</summary>
    /// <param name="data">The feedback (which items each user has).</param>
    /// <param name="options">How to build; <see langword="null"/> for the defaults.</param>
    /// <param name="items">The item map the index is for, such as a model's <see cref="FactorModel.Items"/>: the data's items are
    /// matched to it by id, and entries whose item it lacks are counted in <see cref="UnmatchedEntryCount"/>. <see langword="null"/> for
    /// the data's own item map.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The index.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    public static CooccurrenceIndex Build(FeedbackMatrix data, CooccurrenceOptions? options = null, IdMap? items = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new CooccurrenceOptions();
        OptionsValidation.ThrowIfInvalid(options, nameof(CooccurrenceOptions));
        int itemCount = items?.Count ?? data.NumberOfItems;
        int[] toTarget = TargetMap(data.Items, items);
        (int[] rowOffsets, int[] rowItems, long unmatched) = CappedRows(data, toTarget, options.MaxItemsPerUser);
        (int[] columnOffsets, int[] columnUsers) = Transpose(rowOffsets, rowItems, itemCount);
        var userCounts = new int[itemCount];
        for (int i = 0; i < itemCount; i++)
        {
            userCounts[i] = columnOffsets[i + 1] - columnOffsets[i];
        }

        var perItemNeighbors = new int[itemCount][];
        var perItemCounts = new int[itemCount][];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.NumberOfThreads ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        const int BlockSize = 64;
        int blocks = (itemCount + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocks, parallel, () => new Scratch(itemCount), (block, _, scratch) =>
        {
            int end = Math.Min(itemCount, (block + 1) * BlockSize);
            for (int i = block * BlockSize; i < end; i++)
            {
                (perItemNeighbors[i], perItemCounts[i]) = Neighbors(i, rowOffsets, rowItems, columnOffsets, columnUsers, userCounts, options, scratch);
            }

            return scratch;
        }, static _ => { });

        var offsets = new int[itemCount + 1];
        for (int i = 0; i < itemCount; i++)
        {
            offsets[i + 1] = checked(offsets[i] + perItemNeighbors[i].Length);
        }

        var neighbors = new int[offsets[itemCount]];
        var counts = new int[offsets[itemCount]];
        for (int i = 0; i < itemCount; i++)
        {
            perItemNeighbors[i].CopyTo(neighbors, offsets[i]);
            perItemCounts[i].CopyTo(counts, offsets[i]);
        }

        return new CooccurrenceIndex(options with { NumberOfThreads = null }, userCounts, offsets, neighbors, counts, unmatched)
        {
            ItemsFingerprint = (items ?? data.Items).Fingerprint,
        };
    }

    private static float Similarity(int count, int usersOfItem, int usersOfNeighbor) =>
        (float)(count / Math.Sqrt((double)usersOfItem * usersOfNeighbor));

    private static int[] TargetMap(IdMap dataItems, IdMap? target)
    {
        var map = new int[dataItems.Count];
        string[] ids = dataItems.RawIds;
        for (int d = 0; d < map.Length; d++)
        {
            map[d] = target is null ? d : target.TryGetIndex(ids[d], out int index) ? index : -1;
        }

        return map;
    }

    /// <summary>Each user's items in target indices, ascending, at most <paramref name="cap"/> of the heaviest.</summary>
    private static (int[] Offsets, int[] Items, long Unmatched) CappedRows(FeedbackMatrix data, int[] toTarget, int cap)
    {
        int users = data.NumberOfUsers;
        int[] offsets = data.UserOffsets, entries = data.UserItems;
        float[] weights = data.UserWeights;
        var rowOffsets = new int[users + 1];
        long unmatched = 0;
        int longest = 0;
        for (int u = 0; u < users; u++)
        {
            int matched = 0;
            for (int e = offsets[u]; e < offsets[u + 1]; e++)
            {
                if (toTarget[entries[e]] >= 0)
                {
                    matched++;
                }
            }

            unmatched += offsets[u + 1] - offsets[u] - matched;
            longest = Math.Max(longest, matched);
            rowOffsets[u + 1] = checked(rowOffsets[u] + Math.Min(matched, cap));
        }

        var rowItems = new int[rowOffsets[users]];
        var scratch = new (float Weight, int Item)[longest];
        for (int u = 0; u < users; u++)
        {
            int n = 0;
            for (int e = offsets[u]; e < offsets[u + 1]; e++)
            {
                int target = toTarget[entries[e]];
                if (target >= 0)
                {
                    scratch[n++] = (weights[e], target);
                }
            }

            Span<(float Weight, int Item)> row = scratch.AsSpan(0, n);
            if (n > cap)
            {
                row.Sort(static (a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : a.Item.CompareTo(b.Item));
                row = row[..cap];
            }

            Span<int> destination = rowItems.AsSpan(rowOffsets[u], row.Length);
            for (int k = 0; k < row.Length; k++)
            {
                destination[k] = row[k].Item;
            }

            destination.Sort();
        }

        return (rowOffsets, rowItems, unmatched);
    }

    private static (int[] Offsets, int[] Users) Transpose(int[] rowOffsets, int[] rowItems, int itemCount)
    {
        var offsets = new int[itemCount + 1];
        foreach (int item in rowItems)
        {
            offsets[item + 1]++;
        }

        for (int i = 0; i < itemCount; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        int[] next = offsets[..^1];
        var users = new int[rowItems.Length];
        for (int u = 0; u + 1 < rowOffsets.Length; u++)
        {
            for (int e = rowOffsets[u]; e < rowOffsets[u + 1]; e++)
            {
                users[next[rowItems[e]]++] = u;
            }
        }

        return (offsets, users);
    }

    /// <summary>Counts item <paramref name="item"/>'s co-occurrences and keeps its most similar neighbours, ascending by index.</summary>
    private static (int[] Neighbors, int[] Counts) Neighbors(int item, int[] rowOffsets, int[] rowItems, int[] columnOffsets, int[] columnUsers,
        int[] userCounts, CooccurrenceOptions options, Scratch scratch)
    {
        int[] counts = scratch.Counts, touched = scratch.Touched;
        int touchedCount = 0;
        for (int e = columnOffsets[item]; e < columnOffsets[item + 1]; e++)
        {
            int user = columnUsers[e];
            for (int f = rowOffsets[user]; f < rowOffsets[user + 1]; f++)
            {
                int other = rowItems[f];
                if (other != item && counts[other]++ == 0)
                {
                    touched[touchedCount++] = other;
                }
            }
        }

        Span<Candidate> candidates = scratch.Candidates;
        int kept = 0;
        for (int t = 0; t < touchedCount; t++)
        {
            int other = touched[t];
            int count = counts[other];
            counts[other] = 0;
            if (count >= options.MinimumCount)
            {
                candidates[kept++] = new Candidate(Similarity(count, userCounts[item], userCounts[other]), other, count);
            }
        }

        Span<Candidate> chosen = candidates[..kept];
        if (kept > options.NumberOfNeighbors)
        {
            chosen.Sort(static (a, b) => a.Similarity != b.Similarity ? b.Similarity.CompareTo(a.Similarity) : a.Item.CompareTo(b.Item));
            chosen = chosen[..options.NumberOfNeighbors];
        }

        chosen.Sort(static (a, b) => a.Item.CompareTo(b.Item));
        var neighbors = new int[chosen.Length];
        var pairCounts = new int[chosen.Length];
        for (int k = 0; k < chosen.Length; k++)
        {
            neighbors[k] = chosen[k].Item;
            pairCounts[k] = chosen[k].Count;
        }

        return (neighbors, pairCounts);
    }

    /// <summary>The payload of the model file's COOC section (see <see cref="ModelFile"/>).</summary>
    internal byte[] ToBytes()
    {
        int items = ItemCount, entries = NumberOfEntries;
        var payload = new byte[checked(4 * (HeaderInts + items + items + 1 + 2 * entries))];
        int[] header = [items, Options.NumberOfNeighbors, Options.MinimumCount, Options.MaxItemsPerUser, entries];
        Span<byte> rest = payload;
        foreach (int[] part in new[] { header, _userCounts, _offsets, _neighbors, _counts })
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(part.AsSpan());
            bytes.CopyTo(rest);
            rest = rest[bytes.Length..];
        }

        return payload;
    }

    /// <summary>Reads and checks a COOC payload for a model of <paramref name="itemCount"/> items.</summary>
    internal static CooccurrenceIndex FromBytes(byte[] payload, int itemCount, string sourceName)
    {
        const string Tag = "COOC";
        if (payload.Length < 4 * HeaderInts)
        {
            throw new ModelFormatException(sourceName, Tag, "the section is shorter than its header.");
        }

        int Int(int position) => BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4 * position, 4));
        int items = Int(0), neighborsPerItem = Int(1), minimumCount = Int(2), maxItemsPerUser = Int(3), entries = Int(4);
        if (items != itemCount)
        {
            throw new ModelFormatException(sourceName, Tag, $"the index covers {items} items, but the model has {itemCount}.");
        }

        if (neighborsPerItem < 1 || minimumCount < 1 || maxItemsPerUser < 2 || entries < 0
            || (long)payload.Length != 4L * (HeaderInts + 2L * items + 1 + 2L * entries))
        {
            throw new ModelFormatException(sourceName, Tag,
                $"the header's values are out of range or do not match the section's {payload.Length} bytes ({neighborsPerItem} neighbours per item, minimum count {minimumCount}, {entries} entries).");
        }

        int[] Ints(int start, int count) => MemoryMarshal.Cast<byte, int>(payload.AsSpan(4 * start, 4 * count)).ToArray();
        int[] userCounts = Ints(HeaderInts, items);
        int[] offsets = Ints(HeaderInts + items, items + 1);
        int[] neighbors = Ints(HeaderInts + 2 * items + 1, entries);
        int[] counts = Ints(HeaderInts + 2 * items + 1 + entries, entries);
        if (offsets[0] != 0 || offsets[items] != entries)
        {
            throw new ModelFormatException(sourceName, Tag, "the neighbour offsets do not span the entries.");
        }

        for (int i = 0; i < items; i++)
        {
            if (userCounts[i] < 0 || offsets[i + 1] < offsets[i] || offsets[i + 1] - offsets[i] > neighborsPerItem)
            {
                throw new ModelFormatException(sourceName, Tag, $"item index {i} has an invalid user count or neighbour range.");
            }

            for (int e = offsets[i]; e < offsets[i + 1]; e++)
            {
                int j = neighbors[e];
                if ((uint)j >= (uint)items || j == i || (e > offsets[i] && j <= neighbors[e - 1])
                    || counts[e] < minimumCount || counts[e] > Math.Min(userCounts[i], userCounts[j]))
                {
                    throw new ModelFormatException(sourceName, Tag,
                        $"item index {i} has an invalid neighbour {j} (count {counts[e]}); neighbours must be other items in ascending order, each seen with it by {minimumCount} to min(n_i, n_j) users.");
                }
            }
        }

        var options = new CooccurrenceOptions { NumberOfNeighbors = neighborsPerItem, MinimumCount = minimumCount, MaxItemsPerUser = maxItemsPerUser };
        return new CooccurrenceIndex(options, userCounts, offsets, neighbors, counts, unmatchedEntries: 0);
    }

    internal int[] RawOffsets => _offsets;

    internal int[] RawNeighbors => _neighbors;

    internal int[] RawCounts => _counts;

    internal float[] RawSimilarities => _similarities;

    private readonly record struct Candidate(float Similarity, int Item, int Count);

    /// <summary>One thread's buffers, as long as the item count.</summary>
    private sealed class Scratch(int itemCount)
    {
        public int[] Counts { get; } = new int[itemCount];

        public int[] Touched { get; } = new int[itemCount];

        public Candidate[] Candidates { get; } = new Candidate[itemCount];
    }
}
