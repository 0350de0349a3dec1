using System.Buffers;
using Personalize.Core.Filtering;
using Personalize.Core.Scoring;

namespace Personalize.Core.Tracking;

public sealed partial class EventTracker
{
    private const int StackLimit = 128;

    /// <summary>Gets the items a user bought before that they are likely to buy again now: consumables that are due rise, one-off purchases
    /// do not appear.</summary>
    /// <param name="userId">The user; an unknown user, or one who bought nothing, gets an empty list.</param>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass it (such as in stock), compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <returns>Up to min(<paramref name="count"/>, eligible) items, best first.</returns>
    /// <remarks>
    /// <para>For an item i the user bought, at time now (n_i buyers of i, r_i of them bought it again in a separate order; purchases of
    /// one item by one user less than a minute apart are one order):</para>
    /// <list type="bullet">
    /// <item><description>repeat rate p_i = (r_i + 5 p_c) / (n_i + 5), where p_c = r_c / (n_c + 5) is the same share over the item's
    /// category when the tracker has a catalogue, else 0: an item with few buyers looks like its category (a new coffee is likely
    /// re-bought, a new television is not) until its own buyers outweigh that.</description></item>
    /// <item><description>typical interval I = the geometric mean of the observed gaps between two consecutive orders of i (any user), with
    /// the category's geometric mean counted as 5 more gaps; when this user ordered i more than once, the geometric mean of that and the
    /// user's own average gap.</description></item>
    /// <item><description>due(d) = exp(−(log₂ d)² / 2) with d = (now − the user's last order of i) / I: 1 when exactly due, 0.61 at half
    /// or twice the interval, near 0 just after an order.</description></item>
    /// <item><description>score = p_i × (0.2 + 0.8 × due(d)).</description></item>
    /// </list>
    /// <para>Items with p_i below <see cref="EventTrackerOptions.BuyAgainMinimumRepeatRate"/> (one-off purchases such as a television), or
    /// with no observed gap at all, are left out. An item that is not due keeps a fifth of its score, so what people reliably re-buy stays
    /// on the list between orders, above items that are rarely re-bought even when those are due.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for other items, or has <c>not seen</c>.</exception>
    public IReadOnlyList<BuyAgainItem> BuyAgain(string userId, int count, CompiledFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(userId);
        int bought = 0;
        if (_users.TryGetValue(userId, out UserActivity? user))
        {
            lock (user)
            {
                bought = user.Purchases?.Count ?? 0;
            }
        }

        var buffer = new BuyAgainItem[Math.Min(count, bought)];
        int written = BuyAgain(userId, buffer, filter);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Writes a user's buy-again items into a caller-owned buffer, best first, without allocating.</summary>
    /// <param name="userId">The user; an unknown user, or one who bought nothing, gets nothing.</param>
    /// <param name="destination">Receives the items; its length is how many are wanted.</param>
    /// <param name="filter">Only items that pass it, compiled for <see cref="Items"/>; <see langword="null"/> for all.</param>
    /// <returns>How many items were written.</returns>
    /// <remarks>The score is described at <see cref="BuyAgain(string, int, CompiledFilter?)"/>.</remarks>
    /// <exception cref="ArgumentException">The filter was compiled for other items, or has <c>not seen</c>.</exception>
    public int BuyAgain(string userId, Span<BuyAgainItem> destination, CompiledFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        CheckFilter(filter, "buy again");
        int k = destination.Length;
        if (k == 0 || !_users.TryGetValue(userId, out UserActivity? user))
        {
            return 0;
        }

        long now = _time.GetUtcNow().UtcTicks;
        float[]? rentedScores = null;
        int[]? rentedItems = null;
        Span<float> scores = k <= StackLimit ? stackalloc float[StackLimit] : (rentedScores = ArrayPool<float>.Shared.Rent(k));
        Span<int> items = k <= StackLimit ? stackalloc int[StackLimit] : (rentedItems = ArrayPool<int>.Shared.Rent(k));
        scores = scores[..k];
        items = items[..k];
        try
        {
            lock (user)
            {
                if (user.Purchases is not { } purchases)
                {
                    return 0;
                }

                int kept = 0;
                foreach (var (item, history) in purchases)
                {
                    if (filter is not null && !filter.IsEligible(item))
                    {
                        continue;
                    }

                    var (score, _, _) = ScoreBuyAgain(item, history, now);
                    if (score > 0)
                    {
                        MinHeap.Offer(scores, items, ref kept, score, item);
                    }
                }

                MinHeap.SortDescending(scores, items, kept);
                string[] ids = Items.RawIds;
                for (int r = 0; r < kept; r++)
                {
                    int item = items[r];
                    PurchaseHistory history = purchases[item];
                    var (score, interval, rate) = ScoreBuyAgain(item, history, now);
                    destination[r] = new BuyAgainItem(ids[item], item, score, history.Orders, new DateTimeOffset(history.LastTicks, TimeSpan.Zero),
                        interval, rate);
                }

                return kept;
            }
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

    /// <summary>The buy-again score of one item for one user (see <see cref="BuyAgain(string, int, CompiledFilter?)"/>); 0 when left out.</summary>
    private (float Score, TimeSpan Interval, float RepeatRate) ScoreBuyAgain(int item, PurchaseHistory history, long nowTicks)
    {
        const double S = EventTrackerDefaults.PriorBuyers;
        ItemPurchaseStats stats;
        lock (_purchaseLocks[item & (PurchaseStripes - 1)])
        {
            stats = _purchaseStats[item];
        }

        ItemPurchaseStats category = default;
        int categoryIndex = _itemCategory is null ? -1 : _itemCategory[item];
        if (categoryIndex >= 0)
        {
            lock (_categoryLock)
            {
                category = _categoryStats[categoryIndex];
            }
        }

        double categoryRate = category.RepeatBuyers / (category.Buyers + S);
        double rate = (stats.RepeatBuyers + (S * categoryRate)) / (stats.Buyers + S);
        double priorIntervals = category.Intervals > 0 ? S : 0;
        double intervals = stats.Intervals + priorIntervals;
        if (rate < Options.BuyAgainMinimumRepeatRate || rate <= 0 || intervals == 0)
        {
            return (0f, TimeSpan.Zero, (float)rate);
        }

        double logInterval = (stats.SumLogIntervalDays + (priorIntervals == 0 ? 0 : S * category.SumLogIntervalDays / category.Intervals)) / intervals;
        if (history.Orders >= 2)
        {
            double own = (history.LastTicks - history.FirstTicks) / (double)TimeSpan.TicksPerDay / (history.Orders - 1);
            logInterval = (logInterval + Math.Log(Math.Max(own, EventTrackerDefaults.SameOrderWindow.TotalDays))) / 2;
        }

        double intervalDays = Math.Exp(logInterval);
        double elapsedDays = (nowTicks - history.LastTicks) / (double)TimeSpan.TicksPerDay;
        double due = 0;
        if (elapsedDays > 0)
        {
            double halvings = Math.Log2(elapsedDays / intervalDays);
            due = Math.Exp(-0.5 * halvings * halvings);
        }

        double score = rate * (EventTrackerDefaults.DueFloor + ((1 - EventTrackerDefaults.DueFloor) * due));
        // The interval to the whole second: the logarithm's round trip leaves exp(ln 7) a hair under 7 days, which would show an
        // item due one second before the exact interval.
        return ((float)score, TimeSpan.FromSeconds(Math.Round(intervalDays * 86_400)), (float)rate);
    }
}
