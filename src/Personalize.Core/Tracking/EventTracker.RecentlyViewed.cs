using Personalize.Core.Filtering;

namespace Personalize.Core.Tracking;

public sealed partial class EventTracker
{
    /// <summary>Gets the items a user viewed last, newest first, each once, optionally only those that pass a filter (such as in stock).</summary>
    /// <param name="userId">The user; an unknown user has viewed nothing.</param>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <returns>Up to min(<paramref name="count"/>, eligible kept views) items; the tracker keeps the latest
    /// <see cref="EventTrackerOptions.RecentViewCapacity"/> distinct views per user.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for other items, or has <c>not seen</c>.</exception>
    public IReadOnlyList<ViewedItem> RecentlyViewed(string userId, int count, CompiledFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var buffer = new ViewedItem[Math.Min(count, Options.RecentViewCapacity)];
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

        string[] ids = Items.RawIds;
        int written = 0;
        lock (user.Gate)
        {
            ReadOnlySpan<int> items = user.ViewItems;
            ReadOnlySpan<long> ticks = user.ViewTicks;
            for (int v = items.Length - 1; v >= 0 && written < destination.Length; v--)
            {
                int item = items[v];
                if (filter is null || filter.IsEligible(item))
                {
                    destination[written++] = new ViewedItem(ids[item], item, new DateTimeOffset(ticks[v], TimeSpan.Zero));
                }
            }
        }

        return written;
    }

    private void CheckFilter(CompiledFilter? filter, string surface)
    {
        if (filter is null)
        {
            return;
        }

        if (filter.ItemCount != Items.Count)
        {
            ThrowHelper.FilterForOtherItems(filter.ItemCount, Items.Count);
        }

        if (filter.ExcludesSeen)
        {
            ThrowHelper.FilterExcludesSeen(surface);
        }
    }
}
