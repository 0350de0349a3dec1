using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// Replays the bundled sample shop: the tracker is seeded with every event before the planted 3-day trend, then the last 3 days go
/// through <see cref="EventTracker.Track"/> one event at a time, and each surface must change as the shop changed.
/// </summary>
/// <remarks>The sample has a few events per item per day, so trending uses 6-hour / 7-day half-lives (1 hour holds mostly noise there).</remarks>
public sealed class SampleReplayTests
{
    private static readonly DateTimeOffset TrendStart = new(2026, 10, 28, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 10, 31, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] SurgeItems = ["I0291", "I0624", "I1181", "I1288", "I1315"];
    private static readonly string[] Consumables = ["Grocery/Coffee", "Grocery/Tea", "Household/Cleaning"];

    private static readonly Lazy<Shop> Replayed = new(() => new Shop());

    private sealed class Shop
    {
        public Shop()
        {
            Log = InteractionLog.ReadCsv(SampleData.Events);
            Catalog = ItemCatalog.ReadCsv(Path.Combine(SampleData.Folder, "items.csv"));
            Clock = new ManualTimeProvider(TrendStart);
            Tracker = new EventTracker(Log.Items, new EventTrackerOptions
            {
                ShortHalfLife = TimeSpan.FromHours(6),
                BaselineHalfLife = TimeSpan.FromDays(7),
            }, Catalog, Clock);
            Seeded = Tracker.Replay(Log, until: TrendStart.AddSeconds(-1));
            TrendingBefore = Tracker.TrendingNow(10);

            // The last 3 days, live: one Track call per row, with the clock following the events.
            for (int row = 0; row < Log.Count; row++)
            {
                DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(Log.Timestamps[row]);
                if (at < TrendStart)
                {
                    continue;
                }

                Clock.Now = at;
                Tail.Add((Log.Users.GetId(Log.UserIndices[row]), Log.Items.GetId(Log.ItemIndices[row]),
                    Log.EventTypes!.Names[Log.EventTypeIndices[row]], at));
                Assert.Equal(TrackOutcome.Accepted, Tracker.Track(Tail[^1].User, Tail[^1].Item, Tail[^1].Type, at));
            }

            Clock.Now = End;
        }

        public InteractionLog Log { get; }

        public ItemCatalog Catalog { get; }

        public ManualTimeProvider Clock { get; }

        public EventTracker Tracker { get; }

        public long Seeded { get; }

        public IReadOnlyList<TrendingItem> TrendingBefore { get; }

        public List<(string User, string Item, string Type, DateTimeOffset At)> Tail { get; } = [];

        public string Category(string itemId) => Catalog.GetText(Catalog.GetIndex(itemId), "category")!;

        public bool IsConsumable(string itemId) => Consumables.Contains(Category(itemId));
    }

    [Fact]
    public void Every_event_is_accepted_or_counted()
    {
        Shop shop = Replayed.Value;
        TrackingReport report = shop.Tracker.GetReport();

        Assert.Equal(shop.Log.Count, report.Received);
        Assert.Equal(shop.Log.Count, shop.Seeded + shop.Tail.Count);
        Assert.Equal(report.Received, report.Accepted);
        Assert.Equal(5000, report.Users);
    }

    [Fact]
    public void The_surge_items_become_the_trending_items()
    {
        Shop shop = Replayed.Value;

        IReadOnlyList<TrendingItem> now = shop.Tracker.TrendingNow(10);

        Assert.Empty(shop.TrendingBefore.Select(t => t.ItemId).Intersect(SurgeItems));
        Assert.Equal(SurgeItems, now.Take(5).Select(t => t.ItemId).Order(StringComparer.Ordinal));
        Assert.True(now[4].Score > 1.5 * now[5].Score, $"the surge should stand out: {now[4]} vs {now[5]}");
    }

    [Fact]
    public void A_surge_item_tops_its_own_category()
    {
        Shop shop = Replayed.Value;

        foreach (string surge in SurgeItems)
        {
            string category = shop.Category(surge);
            IReadOnlyList<TrendingItem> list = shop.Tracker.TrendingNow(3, category: category);
            Assert.Equal(surge, list[0].ItemId);
            Assert.All(list, t => Assert.Equal(category, shop.Category(t.ItemId)));
        }
    }

    [Fact]
    public void A_viewed_item_appears_in_recently_viewed_and_an_in_stock_filter_still_fills_the_list()
    {
        Shop shop = Replayed.Value;
        var lastView = shop.Tail.Last(e => e.Type == "view");

        ViewedItem newest = shop.Tracker.RecentlyViewed(lastView.User, 1)[0];

        Assert.Equal((lastView.Item, lastView.At), (newest.ItemId, newest.ViewedAt));

        CompiledFilter inStock = FilterCompiler.Compile(Filter.Where("in_stock").IsTrue(), shop.Catalog, shop.Tracker.Items);
        int checkedUsers = 0;
        foreach (string user in shop.Tail.Select(e => e.User).Distinct())
        {
            IReadOnlyList<ViewedItem> all = shop.Tracker.RecentlyViewed(user, 50);
            if (all.All(v => inStock.IsEligible(v.ItemIndex)))
            {
                continue;
            }

            ViewedItem[] expected = [.. all.Where(v => inStock.IsEligible(v.ItemIndex)).Take(5)];
            Assert.Equal(expected, shop.Tracker.RecentlyViewed(user, 5, inStock));
            checkedUsers++;
        }

        Assert.True(checkedUsers >= 20, $"only {checkedUsers} users viewed an item that is out of stock");
    }

    [Fact]
    public void Consumables_rise_in_buy_again_above_one_off_purchases()
    {
        Shop shop = Replayed.Value;
        int lists = 0, withConsumable = 0, consumableOnTop = 0, consumableFirst = 0, oneOffFirst = 0, consumablesListed = 0, oneOffsListed = 0;
        foreach (string user in shop.Log.Users.Ids)
        {
            IReadOnlyList<BuyAgainItem> list = shop.Tracker.BuyAgain(user, 10);
            if (list.Count == 0)
            {
                continue;
            }

            lists++;
            withConsumable += list.Any(i => shop.IsConsumable(i.ItemId)) ? 1 : 0;
            consumableOnTop += shop.IsConsumable(list[0].ItemId) ? 1 : 0;
            for (int a = 0; a < list.Count; a++)
            {
                bool first = shop.IsConsumable(list[a].ItemId);
                _ = first ? consumablesListed++ : oneOffsListed++;
                for (int b = a + 1; b < list.Count; b++)
                {
                    bool second = shop.IsConsumable(list[b].ItemId);
                    consumableFirst += first && !second ? 1 : 0;
                    oneOffFirst += !first && second ? 1 : 0;
                }
            }
        }

        string counts = $"{lists} lists, {withConsumable} with a consumable, consumable on top {consumableOnTop}, consumable before a one-off {consumableFirst} vs after {oneOffFirst}, "
            + $"listed {consumablesListed} consumables and {oneOffsListed} others";
        Assert.True(lists > 1000, counts);
        Assert.True(consumableOnTop > 0.95 * withConsumable, counts);
        Assert.True(consumableFirst > 20 * oneOffFirst, counts);
        Assert.True(consumablesListed > 4 * oneOffsListed, counts);
    }

    [Fact]
    public void A_repeat_order_in_the_live_days_updates_the_users_buy_again_entry()
    {
        Shop shop = Replayed.Value;
        var repeat = shop.Tail.Last(e => e.Type == "purchase" && shop.IsConsumable(e.Item)
            && shop.Tail.Count(o => o.User == e.User && o.Item == e.Item && o.Type == "purchase") == 1
            && shop.Tracker.BuyAgain(e.User, 50).Any(b => b.ItemId == e.Item && b.TimesBought >= 2));

        BuyAgainItem entry = shop.Tracker.BuyAgain(repeat.User, 50).Single(b => b.ItemId == repeat.Item);

        Assert.Equal(repeat.At, entry.LastBought);
        Assert.True(entry.DueAt > End, $"bought again on {repeat.At:u}: not due before {entry.DueAt:u}");
    }

    [Fact]
    public void The_fold_in_input_holds_the_users_live_events()
    {
        Shop shop = Replayed.Value;
        var last = shop.Tail[^1];
        var items = new int[100];
        var weights = new float[100];

        int n = shop.Tracker.CopyRecentInteractions(last.User, items, weights);

        Assert.Contains(shop.Tracker.Items.GetIndex(last.Item), items[..n]);
        Assert.All(weights[..n], w => Assert.True(w >= 1));
    }
}
