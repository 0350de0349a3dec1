using System.Buffers;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Internal;
using Personalize.Core.Scoring;

namespace Personalize.Core.Tracking;

public sealed partial class EventTracker
{
    /// <summary>Gets the items whose event rate right now is high against their own usual rate, best first, over all items or one category.</summary>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <param name="category">Only items in this category or under it (<c>Kitchen</c> holds <c>Kitchen/Coffee</c>); needs a catalogue.
    /// <see langword="null"/> for all categories.</param>
    /// <returns>Up to min(<paramref name="count"/>, eligible) items that are busier than usual (score above 1), best first; empty when
    /// nothing is trending, for example long after the last event.</returns>
    /// <remarks>
    /// <para>Every event counts once in two exponentially decayed counts per item, one with <see cref="EventTrackerOptions.ShortHalfLife"/>
    /// H_s and one with <see cref="EventTrackerOptions.BaselineHalfLife"/> H_b: at a steady rate λ they settle at λ·H/ln 2, so</para>
    /// <list type="bullet">
    /// <item><description>recent = the short count now (about the events of the last 1.44 H_s);</description></item>
    /// <item><description>expected = the baseline count now × H_s / H_b: what recent would be at the item's usual rate;</description></item>
    /// <item><description>score = (recent + m) / (expected + m), m = <see cref="EventTrackerOptions.TrendingSmoothing"/>.</description></item>
    /// </list>
    /// <para>A score above 1 means busier than usual, and only such items are listed: an item as busy as usual or quieter (1 or less,
    /// as every item is once its events have faded from both counts) is not trending. The m pseudo-events keep one event on a cold item (score 1.2 with m = 5) below a real
    /// surge, and an item's own baseline keeps always-popular items at about 1. Counters decay lazily (see the tracker's remarks), so a
    /// query costs one pass over the items' counters (or the category's) with no exponentials, and the span overload allocates nothing.
    /// Ties go to the lower item index.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for other items or has <c>not seen</c>, or the category is not in the
    /// catalogue (the message lists those it has).</exception>
    /// <exception cref="InvalidOperationException">A category was given but the tracker has no catalogue.</exception>
    public IReadOnlyList<TrendingItem> TrendingNow(int count, CompiledFilter? filter = null, string? category = null) =>
        Trending(count, _time.GetUtcNow(), filter, category);

    /// <summary>Gets the items trending as of a given time instead of the tracker's <see cref="TimeProvider"/> (what
    /// <c>personalize trending --as-of</c> does); see <see cref="TrendingNow(int, CompiledFilter?, string?)"/>.</summary>
    /// <param name="count">How many items at most.</param>
    /// <param name="asOf">The time the counts are read at, usually that of the last event replayed or later. Events tracked with a later
    /// timestamp count as if they had already happened.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <param name="category">Only items in this category or under it; needs a catalogue. <see langword="null"/> for all.</param>
    /// <returns>Up to min(<paramref name="count"/>, eligible) items busier than usual at <paramref name="asOf"/>, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for other items or has <c>not seen</c>, or the category is unknown.</exception>
    /// <exception cref="InvalidOperationException">A category was given but the tracker has no catalogue.</exception>
    public IReadOnlyList<TrendingItem> TrendingNow(int count, DateTimeOffset asOf, CompiledFilter? filter = null, string? category = null) =>
        Trending(count, asOf, filter, category);

    /// <summary>Writes the items trending as of a given time into a caller-owned buffer, best first, without allocating.</summary>
    /// <param name="destination">Receives the items; its length is how many are wanted.</param>
    /// <param name="asOf">The time the counts are read at (see <see cref="TrendingNow(int, DateTimeOffset, CompiledFilter?, string?)"/>).</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <param name="category">Only items in this category or under it; needs a catalogue. <see langword="null"/> for all.</param>
    /// <returns>How many items were written.</returns>
    /// <exception cref="ArgumentException">The filter was compiled for other items or has <c>not seen</c>, or the category is unknown.</exception>
    /// <exception cref="InvalidOperationException">A category was given but the tracker has no catalogue.</exception>
    public int TrendingNow(Span<TrendingItem> destination, DateTimeOffset asOf, CompiledFilter? filter = null, string? category = null) =>
        Trending(destination, asOf.UtcTicks, filter, category);

    private TrendingItem[] Trending(int count, DateTimeOffset asOf, CompiledFilter? filter, string? category)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var buffer = new TrendingItem[Math.Min(count, Items.Count)];
        int written = Trending(buffer, asOf.UtcTicks, filter, category);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Writes the trending items into a caller-owned buffer, best first, without allocating.</summary>
    /// <param name="destination">Receives the items; its length is how many are wanted.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <param name="category">Only items in this category or under it; needs a catalogue. <see langword="null"/> for all.</param>
    /// <returns>How many items were written.</returns>
    /// <remarks>The score is described at <see cref="TrendingNow(int, CompiledFilter?, string?)"/>.</remarks>
    /// <exception cref="ArgumentException">The filter was compiled for other items or has <c>not seen</c>, or the category is unknown.</exception>
    /// <exception cref="InvalidOperationException">A category was given but the tracker has no catalogue.</exception>
    public int TrendingNow(Span<TrendingItem> destination, CompiledFilter? filter = null, string? category = null) =>
        Trending(destination, _time.GetUtcNow().UtcTicks, filter, category);

    private int Trending(Span<TrendingItem> destination, long utcTicks, CompiledFilter? filter, string? category)
    {
        CheckFilter(filter, "trending now");
        int[]? candidates = category is null ? null : CategoryItems(category);
        int k = Math.Min(destination.Length, Items.Count);
        if (k == 0)
        {
            return 0;
        }

        double now = DecayedCounter.Seconds(utcTicks);
        var scan = new TrendingScan(new DecayedCounter.Reader(now / _shortSeconds), new DecayedCounter.Reader(now / _baselineSeconds),
            _shortSeconds / _baselineSeconds, Options.TrendingSmoothing);
        float[]? rentedScores = null;
        int[]? rentedItems = null;
        Span<float> scores = k <= StackLimit ? stackalloc float[StackLimit] : (rentedScores = ArrayPool<float>.Shared.Rent(k));
        Span<int> items = k <= StackLimit ? stackalloc int[StackLimit] : (rentedItems = ArrayPool<int>.Shared.Rent(k));
        scores = scores[..k];
        items = items[..k];
        try
        {
            long[] trend = _trend;
            int kept = 0;
            if (candidates is not null)
            {
                foreach (int item in candidates)
                {
                    if (filter is null || filter.IsEligible(item))
                    {
                        scan.Offer(trend, item, scores, items, ref kept);
                    }
                }
            }
            else if (filter is not null)
            {
                // Walk the filter's set bits: a selective filter costs only its eligible items.
                ReadOnlySpan<ulong> bits = filter.Bits;
                for (int word = 0; word < bits.Length; word++)
                {
                    for (ulong set = bits[word]; set != 0; set &= set - 1)
                    {
                        scan.Offer(trend, (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(set), scores, items, ref kept);
                    }
                }
            }
            else
            {
                for (int item = 0; item < Items.Count; item++)
                {
                    scan.Offer(trend, item, scores, items, ref kept);
                }
            }

            MinHeap.SortDescending(scores, items, kept);
            string[] ids = Items.RawIds;
            for (int r = 0; r < kept; r++)
            {
                int item = items[r];
                var (recent, expected) = scan.Counts(trend, item);
                destination[r] = new TrendingItem(ids[item], item, scores[r], (float)recent, (float)expected);
            }

            return kept;
        }
        finally
        {
            if (rentedScores is not null)
            {
                ArrayPool<float>.Shared.Return(rentedScores);
            }

            if (rentedItems is not null)
            {
                ArrayPool<int>.Shared.Return(rentedItems);
            }
        }
    }

    /// <summary>One trending query: reads both counters of an item at the query time and offers its score to the top-k heap.</summary>
    private readonly struct TrendingScan(DecayedCounter.Reader recent, DecayedCounter.Reader baseline, double toShort, double smoothing)
    {
        public (double Recent, double Expected) Counts(long[] trend, int item) =>
            (recent.Read(Volatile.Read(ref trend[2 * item])), baseline.Read(Volatile.Read(ref trend[(2 * item) + 1])) * toShort);

        public void Offer(long[] trend, int item, Span<float> scores, Span<int> items, ref int kept)
        {
            long baselineCounter = Volatile.Read(ref trend[(2 * item) + 1]);
            if (baselineCounter == 0)
            {
                return;   // no event yet
            }

            double expected = baseline.Read(baselineCounter) * toShort;
            if (expected <= 0)
            {
                return;   // nothing left within the baseline's memory
            }

            float score = (float)((recent.Read(Volatile.Read(ref trend[2 * item])) + smoothing) / (expected + smoothing));
            if (!(score > 1f))
            {
                return;   // as busy as usual or quieter: not trending
            }

            if (kept < scores.Length || score > scores[0])
            {
                MinHeap.Offer(scores, items, ref kept, score, item);
            }
        }
    }

    /// <summary>Gets the categories trending per category can be asked for: every category path of the catalogue and every parent of one.</summary>
    /// <returns>The category paths, in ordinal order; empty without a catalogue.</returns>
    public IReadOnlyList<string> GetCategories() =>
        _categoryItems is null ? [] : [.. _categoryItems.Keys.Order(StringComparer.Ordinal)];

    private int[] CategoryItems(string category)
    {
        if (_categoryItems is null)
        {
            ThrowHelper.NoCatalog();
        }

        if (!_categoryItems.TryGetValue(category, out int[]? items) && !_categoryItems.TryGetValue(NormalizeCategory(category), out items))
        {
            ThrowHelper.UnknownCategory(category, _categoryItems.Keys);
        }

        return items;
    }

    private static string NormalizeCategory(string path) =>
        string.Join('/', path.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Maps every category path, and every parent path of one, to the tracker's items under it, in index order.</summary>
    /// <remarks>Also gives each item's own (leaf) category as an index, for the repeat statistics of buy again.</remarks>
    private static Dictionary<string, int[]> CategoryIndex(IdMap items, ItemCatalog catalog, string attribute, out int[] itemCategory,
        out string[] categoryNames)
    {
        if (!catalog.Schema.TryGetType(attribute, out _))
        {
            throw new ArgumentException(
                $"The catalogue has no attribute '{attribute}' for trending per category; it has: {string.Join(", ", catalog.Schema.Names)}. "
                + "Set EventTrackerOptions.CategoryAttribute.", nameof(catalog));
        }

        var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var leaves = new Dictionary<string, int>(StringComparer.Ordinal);
        itemCategory = new int[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            itemCategory[i] = -1;
            int c = catalog.GetIndex(items.GetId(i));
            if (c < 0 || catalog.GetText(c, attribute) is not { Length: > 0 } path)
            {
                continue;
            }

            string normalized = NormalizeCategory(path);
            if (normalized.Length == 0)
            {
                continue;
            }

            if (!leaves.TryGetValue(normalized, out int leaf))
            {
                leaves[normalized] = leaf = leaves.Count;
            }

            itemCategory[i] = leaf;
            for (int cut = normalized.Length; cut > 0; cut = normalized.LastIndexOf('/', cut - 1))
            {
                string prefix = normalized[..cut];
                if (!lists.TryGetValue(prefix, out List<int>? list))
                {
                    lists[prefix] = list = [];
                }

                list.Add(i);
            }
        }

        categoryNames = new string[leaves.Count];
        foreach (var (name, leaf) in leaves)
        {
            categoryNames[leaf] = name;
        }

        var index = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (path, list) in lists)
        {
            index[path] = [.. list];
        }

        return index;
    }
}
