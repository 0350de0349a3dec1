using Personalize.Core.Data;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

public sealed class BuyAgainTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>Each of <paramref name="buyers"/> users buys the item <paramref name="orders"/> times, <paramref name="every"/> apart.</summary>
    private static void Buyers(TrackerFixture f, string item, int buyers, int orders, TimeSpan every, TimeSpan start)
    {
        for (int b = 0; b < buyers; b++)
        {
            for (int o = 0; o < orders; o++)
            {
                f.Track($"{item}-buyer{b}", item, "purchase", start + (o * every));
            }
        }
    }

    [Fact]
    public void Scores_repeat_rate_times_how_due_the_item_is_as_documented()
    {
        var f = new TrackerFixture();
        Buyers(f, "i1", buyers: 2, orders: 3, every: 10 * Day, start: -60 * Day);
        f.Track("u", "i1", "purchase", -20 * Day);
        f.Track("u", "i1", "purchase", -10 * Day);

        BuyAgainItem item = Assert.Single(f.Tracker.BuyAgain("u", 5));

        // 3 buyers, all 3 re-bought, no catalogue: p = 3 / (3 + 5). Every gap is 10 days, and 10 days have passed: due(1) = 1.
        Assert.Equal(0.375f, item.RepeatRate, 5);
        Assert.Equal(10 * Day, item.TypicalInterval);
        Assert.Equal(0.375f, item.Score, 5);
        Assert.Equal(2, item.TimesBought);
        Assert.Equal(TrackerFixture.Start - (10 * Day), item.LastBought);
        Assert.Equal(TrackerFixture.Start, item.DueAt);

        f.Clock.Advance(10 * Day);   // twice the interval: due = exp(-1/2)
        Assert.Equal(0.375 * (0.2 + (0.8 * Math.Exp(-0.5))), f.Tracker.BuyAgain("u", 5)[0].Score, 5);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(3)]
    [InlineData(30)]
    public void An_item_re_bought_at_an_exact_interval_is_due_exactly_that_interval_after_the_last_order(int days)
    {
        // ln and exp do not round-trip exactly (exp(ln 7) is a hair under 7): the interval must not show the item due a second early.
        var f = new TrackerFixture();
        TimeSpan every = days * Day;
        Buyers(f, "i1", buyers: 3, orders: 3, every: every, start: -10 * every);
        f.Track("u", "i1", "purchase", -2 * every);
        f.Track("u", "i1", "purchase", -every);

        BuyAgainItem item = Assert.Single(f.Tracker.BuyAgain("u", 5));

        Assert.Equal(every, item.TypicalInterval);
        Assert.Equal(TrackerFixture.Start, item.DueAt);
    }

    [Fact]
    public void Consumables_rise_and_one_off_purchases_do_not_appear()
    {
        var f = new TrackerFixture();
        Buyers(f, "i1", buyers: 10, orders: 4, every: 14 * Day, start: -90 * Day);   // coffee: re-bought every 2 weeks
        Buyers(f, "i2", buyers: 10, orders: 1, every: Day, start: -90 * Day);        // television: bought once
        f.Track("u", "i2", "purchase", -15 * Day);
        f.Track("u", "i1", "purchase", -14 * Day);

        IReadOnlyList<BuyAgainItem> list = f.Tracker.BuyAgain("u", 5);

        Assert.Equal(["i1"], list.Select(i => i.ItemId));
    }

    [Fact]
    public void A_due_consumable_ranks_above_one_bought_recently_and_a_recent_consumable_above_a_rarely_rebought_item()
    {
        var f = new TrackerFixture(options: new EventTrackerOptions { BuyAgainMinimumRepeatRate = 0.05 });
        Buyers(f, "i1", buyers: 10, orders: 4, every: 10 * Day, start: -90 * Day);   // due every 10 days
        Buyers(f, "i2", buyers: 10, orders: 4, every: 30 * Day, start: -150 * Day);  // due every 30 days
        Buyers(f, "i3", buyers: 10, orders: 1, every: Day, start: -200 * Day);       // a kettle: 1 of 12 buyers came back
        f.Track("kettle-fan", "i3", "purchase", -300 * Day);
        f.Track("kettle-fan", "i3", "purchase", -100 * Day);
        f.Track("u", "i3", "purchase", -300 * Day);
        f.Track("u", "i1", "purchase", -10 * Day);
        f.Track("u", "i2", "purchase", -10 * Day);

        Assert.Equal(["i1", "i2", "i3"], f.Tracker.BuyAgain("u", 5).Select(i => i.ItemId));

        f.Track("u", "i1", "purchase");   // just bought again: i1 is not due, but still above the kettle
        Assert.Equal(["i2", "i1", "i3"], f.Tracker.BuyAgain("u", 5).Select(i => i.ItemId));
    }

    [Fact]
    public void Purchases_less_than_a_minute_apart_are_one_order()
    {
        var f = new TrackerFixture();
        Buyers(f, "i1", buyers: 3, orders: 1, every: Day, start: -5 * Day);
        f.Track("u", "i1", "purchase", -Day);
        f.Track("u", "i1", "purchase", -Day + TimeSpan.FromSeconds(20));   // the same checkout, two rows

        Assert.Empty(f.Tracker.BuyAgain("u", 5));   // nobody re-bought it
    }

    [Fact]
    public void Rows_each_less_than_a_minute_after_the_last_are_one_order_however_long_it_stretches()
    {
        var f = new TrackerFixture();
        Buyers(f, "i1", buyers: 3, orders: 1, every: Day, start: -5 * Day);
        f.Track("u", "i1", "purchase", -Day);
        f.Track("u", "i1", "purchase", -Day + TimeSpan.FromSeconds(50));
        f.Track("u", "i1", "purchase", -Day + TimeSpan.FromSeconds(100));   // 100 s after the first row, 50 s after the one before

        Assert.Empty(f.Tracker.BuyAgain("u", 5));   // one order: nobody re-bought it

        f.Track("u", "i1", "purchase", -Day + TimeSpan.FromSeconds(200));   // 100 s after the last row: a second order
        Assert.Equal(2, Assert.Single(f.Tracker.BuyAgain("u", 5)).TimesBought);
    }

    [Fact]
    public void A_replayed_purchase_of_no_units_is_a_cancellation_not_an_order()
    {
        var f = new TrackerFixture();
        Buyers(f, "i1", buyers: 3, orders: 1, every: Day, start: -5 * Day);
        DateTimeOffset start = TrackerFixture.Start;
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u", "i1", "purchase", start - (3 * Day), Quantity: 2),
            new Interaction("u", "i1", "purchase", start - (2 * Day), Quantity: 0),
            new Interaction("u", "i1", "purchase", start - Day, Quantity: 0),
        ], EventWeights.Default);

        long replayed = f.Tracker.Replay(log);

        Assert.Equal(3, replayed);
        Assert.Empty(f.Tracker.BuyAgain("u", 5));   // one order only
        TrackingReport report = f.Tracker.GetReport();
        Assert.Equal(2, report.CancelledPurchases);
        Assert.Equal(report.Accepted + report.UnknownItems + report.UnknownEventTypes + report.CancelledPurchases, report.Received);
    }

    [Fact]
    public void A_filter_applies_before_ranking_and_count_is_honoured()
    {
        var f = new TrackerFixture();
        for (int i = 1; i <= 6; i++)
        {
            Buyers(f, $"i{i}", buyers: 3, orders: 3, every: i * Day, start: -60 * Day);
            f.Track("u", $"i{i}", "purchase", -3 * Day);
        }

        IReadOnlyList<BuyAgainItem> all = f.Tracker.BuyAgain("u", 10);
        IReadOnlyList<BuyAgainItem> filtered = f.Tracker.BuyAgain("u", 2, f.Only(1, 2, 5, 6));

        Assert.Equal(6, all.Count);
        Assert.Equal("i3", all[0].ItemId);   // 3 days since the last order, and i3 is due every 3 days
        Assert.Equal(all.Where(i => i.ItemId is "i1" or "i2" or "i5" or "i6").Take(2), filtered);
        Assert.Empty(f.Tracker.BuyAgain("nobody", 5));
        Assert.Empty(f.Tracker.BuyAgain("u", 0));
    }

    [Fact]
    public void Views_and_carts_are_not_purchases()
    {
        var f = new TrackerFixture();
        Buyers(f, "i1", buyers: 3, orders: 3, every: 5 * Day, start: -30 * Day);
        f.Track("u", "i1", "view", -5 * Day);
        f.Track("u", "i1", "cart", -5 * Day);

        Assert.Empty(f.Tracker.BuyAgain("u", 5));
    }

    [Fact]
    public void With_a_catalogue_an_item_with_few_buyers_takes_its_category_repeat_rate()
    {
        using var folder = new TestSupport.TempDirectory();
        var catalog = Personalize.Core.Data.ItemCatalog.ReadCsv(folder.Write("items.csv",
            "item_id,category\ni0,Grocery/Coffee\ni1,Grocery/Coffee\ni2,Electronics/TV\ni3,Electronics/TV\n"));
        var f = new TrackerFixture(itemCount: 4, catalog: catalog);
        Buyers(f, "i0", buyers: 20, orders: 3, every: 14 * Day, start: -60 * Day);   // a coffee everybody re-buys
        Buyers(f, "i2", buyers: 20, orders: 1, every: Day, start: -60 * Day);        // a television nobody re-buys
        f.Track("u", "i1", "purchase", -14 * Day);   // a new coffee: nobody has bought it twice yet
        f.Track("u", "i3", "purchase", -14 * Day);   // a new television

        BuyAgainItem newCoffee = Assert.Single(f.Tracker.BuyAgain("u", 5));

        // The category has 21 buyers (u too), 20 came back: p_c = 20 / (21 + 5); p = (0 + 5 p_c) / (1 + 5). The interval is the
        // category's (14 days), and 14 days have passed.
        double rate = 5 * (20.0 / 26) / 6;
        Assert.Equal("i1", newCoffee.ItemId);
        Assert.Equal(rate, newCoffee.RepeatRate, 5);
        Assert.Equal(14.0, newCoffee.TypicalInterval.TotalDays, 5);
        Assert.Equal(rate, newCoffee.Score, 5);
    }

    [Fact]
    public void A_minimum_repeat_rate_of_zero_keeps_rarely_rebought_items()
    {
        var strict = new TrackerFixture();
        var lenient = new TrackerFixture(options: new EventTrackerOptions { BuyAgainMinimumRepeatRate = 0 });
        foreach (TrackerFixture f in new[] { strict, lenient })
        {
            Buyers(f, "i1", buyers: 30, orders: 1, every: Day, start: -90 * Day);
            f.Track("fan", "i1", "purchase", -80 * Day);
            f.Track("fan", "i1", "purchase", -20 * Day);
            f.Track("u", "i1", "purchase", -60 * Day);
        }

        Assert.Empty(strict.Tracker.BuyAgain("u", 5));   // p = 1 / (32 + 5), below the default 0.1
        Assert.Equal(1.0 / 37, Assert.Single(lenient.Tracker.BuyAgain("u", 5)).RepeatRate, 5);
    }
}
