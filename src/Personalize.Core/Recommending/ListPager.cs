using System.Numerics;

namespace Personalize.Core.Recommending;

/// <summary>Picks one page of a list in its total order, after a cursor position, without sorting the whole list: O(n log page).</summary>
internal static class ListPager
{
    /// <summary>Selects a page.</summary>
    /// <param name="eligible">The items that may appear (bitset over item indices).</param>
    /// <param name="relevance">Each item's relevance (personalized score or popularity), by index.</param>
    /// <param name="primary">Each item's signed sort value by index, or null when the order is by relevance alone.</param>
    /// <param name="poolSize">When positive, the list is first cut to the best <paramref name="poolSize"/> items by relevance, then
    /// ordered by <paramref name="primary"/> (a personalized list sorted by price sorts its best candidates, not the whole catalogue).</param>
    /// <param name="after">The last item of the previous page, or null for the first page.</param>
    /// <param name="pageSize">The page size.</param>
    public static Selection Select(ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> relevance, double[]? primary, int poolSize, OrderKey? after, int pageSize)
    {
        int total = 0;
        foreach (ulong word in eligible)
        {
            total += BitOperations.PopCount(word);
        }

        int[]? pool = null;
        if (poolSize > 0 && primary is not null && total > poolSize)
        {
            var best = new PriorityQueue<int, OrderKey>(poolSize + 1, OrderKey.Descending);
            for (int w = 0; w < eligible.Length; w++)
            {
                ulong word = eligible[w];
                while (word != 0)
                {
                    int item = (w << 6) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    var key = new OrderKey(0, relevance[item], item);
                    if (best.Count < poolSize)
                    {
                        best.Enqueue(item, key);
                    }
                    else if (best.TryPeek(out _, out OrderKey worst) && OrderKey.Compare(key, worst) < 0)
                    {
                        best.DequeueEnqueue(item, key);
                    }
                }
            }
            pool = new int[best.Count];
            for (int i = 0; best.TryDequeue(out int item, out _); i++)
            {
                pool[i] = item;
            }

            total = pool.Length;
        }

        var page = new PriorityQueue<int, OrderKey>(pageSize + 1, OrderKey.Descending);
        int afterCursor = 0;
        void Consider(int item, ReadOnlySpan<float> relevance)
        {
            var key = new OrderKey(primary is null ? 0 : primary[item], relevance[item], item);
            if (after is { } a && OrderKey.Compare(key, a) <= 0)
            {
                return;
            }

            afterCursor++;
            if (page.Count < pageSize)
            {
                page.Enqueue(item, key);
            }
            else if (page.TryPeek(out _, out OrderKey worst) && OrderKey.Compare(key, worst) < 0)
            {
                page.DequeueEnqueue(item, key);
            }
        }

        if (pool is not null)
        {
            foreach (int item in pool)
            {
                Consider(item, relevance);
            }
        }
        else
        {
            for (int w = 0; w < eligible.Length; w++)
            {
                ulong word = eligible[w];
                while (word != 0)
                {
                    Consider((w << 6) + BitOperations.TrailingZeroCount(word), relevance);
                    word &= word - 1;
                }
            }
        }

        var keys = new OrderKey[page.Count];
        for (int i = keys.Length - 1; page.TryDequeue(out _, out OrderKey key); i--)
        {
            keys[i] = key;
        }

        return new Selection(keys, total, afterCursor - keys.Length, pool);
    }

    /// <summary>Selects a page of a short list given item by item (such as a search's eligible matches): the same page as
    /// <see cref="Select"/> over a bitset of those items without a pool, in O(n log page) for the n listed items.</summary>
    /// <param name="items">The items that may appear, each once, in any order.</param>
    /// <param name="relevance">Each listed item's relevance, by position in <paramref name="items"/>.</param>
    /// <param name="primary">Each listed item's signed sort value by position, or empty when the order is by relevance alone.</param>
    /// <param name="after">The last item of the previous page, or null for the first page.</param>
    /// <param name="pageSize">The page size.</param>
    /// <param name="positions">Set to each page entry's position in <paramref name="items"/>.</param>
    public static Selection SelectFrom(ReadOnlySpan<int> items, ReadOnlySpan<float> relevance, ReadOnlySpan<double> primary, OrderKey? after, int pageSize,
        out int[] positions)
    {
        var page = new PriorityQueue<int, OrderKey>(pageSize + 1, OrderKey.Descending);
        int afterCursor = 0;
        bool sorted = !primary.IsEmpty;
        for (int i = 0; i < items.Length; i++)
        {
            var key = new OrderKey(sorted ? primary[i] : 0, relevance[i], items[i]);
            if (after is { } a && OrderKey.Compare(key, a) <= 0)
            {
                continue;
            }

            afterCursor++;
            if (page.Count < pageSize)
            {
                page.Enqueue(i, key);
            }
            else if (page.TryPeek(out _, out OrderKey worst) && OrderKey.Compare(key, worst) < 0)
            {
                page.DequeueEnqueue(i, key);
            }
        }

        var keys = new OrderKey[page.Count];
        positions = new int[page.Count];
        for (int i = keys.Length - 1; page.TryDequeue(out int position, out OrderKey key); i--)
        {
            keys[i] = key;
            positions[i] = position;
        }

        return new Selection(keys, items.Length, afterCursor - keys.Length, null);
    }

    /// <summary>A page: its keys in order, how many items the whole list holds, how many come after the page, and the candidate pool
    /// when the list is one (null when the list is every eligible item).</summary>
    internal readonly record struct Selection(OrderKey[] Page, int Total, int Remaining, int[]? Pool);
}
