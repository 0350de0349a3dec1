using System.Buffers;
using Personalize.Core.Filtering;
using Personalize.Core.Internal;

namespace Personalize.Core.Tracking;

public sealed partial class EventTracker
{
    /// <summary>Gets the items a user viewed last, newest first, each once, optionally only those that pass a filter (such as in stock).</summary>
    /// <param name="userId">The user; an unknown user has viewed nothing.</param>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <returns>Up to min(<paramref name="count"/>, eligible viewed items) items, each with the time of its latest view. Views at the same
    /// instant are ordered by item index.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for other items, or has <c>not seen</c>.</exception>
    public IReadOnlyList<ViewedItem> RecentlyViewed(string userId, int count, CompiledFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(userId);
        int viewed = 0;
        if (_users.TryGetValue(userId, out UserActivity? user))
        {
            lock (user)
            {
                viewed = user.ItemCount;
            }
        }

        var buffer = new ViewedItem[Math.Min(count, viewed)];
        int written = RecentlyViewed(userId, buffer, filter);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Writes the items a user viewed last into a caller-owned buffer, newest first, without allocating.</summary>
    /// <param name="userId">The user; an unknown user has viewed nothing.</param>
    /// <param name="destination">Receives the items; its length is how many are wanted.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <returns>How many items were written.</returns>
    /// <exception cref="ArgumentException">The filter was compiled for other items, or has <c>not seen</c>.</exception>
    public int RecentlyViewed(string userId, Span<ViewedItem> destination, CompiledFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        CheckFilter(filter, "recently viewed");
        if (destination.IsEmpty || !_users.TryGetValue(userId, out UserActivity? user))
        {
            return 0;
        }

        int k = destination.Length;
        long[]? rentedTicks = null;
        int[]? rentedItems = null;
        Span<long> ticks = k <= StackLimit ? stackalloc long[StackLimit] : (rentedTicks = ArrayPool<long>.Shared.Rent(k));
        Span<int> items = k <= StackLimit ? stackalloc int[StackLimit] : (rentedItems = ArrayPool<int>.Shared.Rent(k));
        try
        {
            int kept = 0;
            lock (user)
            {
                // Keep the k latest views, newest first, by insertion: k is small and most users have viewed few items.
                foreach (UserActivity.Entry entry in user.Entries)
                {
                    long at = entry.LastViewTicks;
                    int item = entry.Key - 1;
                    if (at == 0 || (kept == k && !Later(at, item, ticks[k - 1], items[k - 1])) || (filter is not null && !filter.IsEligible(item)))
                    {
                        continue;
                    }

                    int place = kept < k ? kept++ : k - 1;
                    while (place > 0 && Later(at, item, ticks[place - 1], items[place - 1]))
                    {
                        ticks[place] = ticks[place - 1];
                        items[place] = items[place - 1];
                        place--;
                    }

                    ticks[place] = at;
                    items[place] = item;
                }
            }

            string[] ids = Items.RawIds;
            for (int r = 0; r < kept; r++)
            {
                destination[r] = new ViewedItem(ids[items[r]], items[r], new DateTimeOffset(ticks[r], TimeSpan.Zero));
            }

            return kept;
        }
        finally
        {
            if (rentedTicks is not null)
            {
                ArrayPool<long>.Shared.Return(rentedTicks);
            }

            if (rentedItems is not null)
            {
                ArrayPool<int>.Shared.Return(rentedItems);
            }
        }
    }

    /// <summary>Newest first; at the same instant, the lower item index first.</summary>
    private static bool Later(long ticks, int item, long otherTicks, int otherItem) =>
        ticks > otherTicks || (ticks == otherTicks && item < otherItem);

    private void CheckFilter(CompiledFilter? filter, string surface)
    {
        if (filter is null)
        {
            return;
        }

        if (!filter.Fits(Items))
        {
            ThrowHelper.FilterForOtherTrackerItems(filter.ItemCount, Items.Count);
        }

        if (filter.ExcludesSeen || filter.ExcludesBought)
        {
            ThrowHelper.FilterHasUserRule(surface, filter.ExcludesSeen ? "not seen" : "not bought");
        }
    }
}
