using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

public sealed class TrendingNowTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Steady traffic: item i gets <c>rate(i)</c> events per hour for <paramref name="hours"/> hours before now.</summary>
    private static void Steady(TrackerFixture f, Func<int, int> rate, int hours, int items)
    {
        for (int h = hours; h > 0; h--)
        {
            for (int i = 0; i < items; i++)
            {
                for (int e = 0; e < rate(i); e++)
                {
                    f.Track($"u{e}", $"i{i}", "view", -(h * Hour) + TimeSpan.FromMinutes(60.0 * e / rate(i)));
                }
            }
        }
    }

    [Fact]
    public void A_surge_against_the_item_own_baseline_tops_the_list_and_busy_steady_items_do_not()
    {
        var f = new TrackerFixture();
        Steady(f, i => i < 5 ? 20 : 2, hours: 72, items: 10);   // i0–i4 are always busy
        for (int e = 0; e < 30; e++)
        {
            f.Track($"s{e}", "i7", "view", -TimeSpan.FromMinutes(2 * e));   // i7 surges: 30 events in the last hour
        }

        IReadOnlyList<TrendingItem> trending = f.Tracker.TrendingNow(3);

        Assert.Equal("i7", trending[0].ItemId);
        Assert.True(trending[0].Score > 2, $"score {trending[0].Score}");
        Assert.True(trending[0].RecentEvents > 3 * trending[0].ExpectedEvents, $"{trending[0]}");
        foreach (TrendingItem busy in f.Tracker.TrendingNow(10).Where(t => t.ItemIndex < 5))
        {
            Assert.InRange(busy.Score, 0.8f, 1.2f);   // busy as usual
        }
    }

    [Fact]
    public void One_event_on_a_cold_item_does_not_top_the_chart()
    {
        var f = new TrackerFixture();
        Steady(f, i => 2, hours: 48, items: 10);
        for (int e = 0; e < 12; e++)
        {
            f.Track($"s{e}", "i3", "view", -TimeSpan.FromMinutes(5 * e));   // i3: 12 events in the last hour against 2 an hour
        }

        f.Track("someone", "i15", "purchase", -TimeSpan.FromMinutes(1));   // i15 had no events before

        IReadOnlyList<TrendingItem> trending = f.Tracker.TrendingNow(3);

        Assert.Equal("i3", trending[0].ItemId);
        double recent = Math.Pow(2, -1.0 / 60), expected = Math.Pow(2, -1.0 / (24 * 60)) / 24;   // one event a minute ago
        Assert.Equal((recent + 5) / (expected + 5), f.Tracker.TrendingNow(20).Single(t => t.ItemId == "i15").Score, 4);   // about 1.19
    }

    [Fact]
    public void A_surge_fades_as_time_passes_without_events()
    {
        var f = new TrackerFixture();
        Steady(f, i => 2, hours: 48, items: 4);
        for (int e = 0; e < 30; e++)
        {
            f.Track($"s{e}", "i2", "view", -TimeSpan.FromMinutes(2 * e));
        }

        float before = f.Tracker.TrendingNow(4).Single(t => t.ItemId == "i2").Score;
        f.Clock.Advance(6 * Hour);

        Assert.True(before > 2, $"before {before}");
        Assert.DoesNotContain(f.Tracker.TrendingNow(4), t => t.ItemId == "i2");   // quieter than usual now: not trending
    }

    [Fact]
    public void Nothing_is_trending_a_month_after_the_last_event()
    {
        var f = new TrackerFixture();
        Steady(f, i => 1 + i, hours: 72, items: 10);
        for (int e = 0; e < 30; e++)
        {
            f.Track($"s{e}", "i7", "view", -TimeSpan.FromMinutes(2 * e));
        }

        Assert.NotEmpty(f.Tracker.TrendingNow(5));
        f.Clock.Advance(TimeSpan.FromDays(30));

        Assert.Empty(f.Tracker.TrendingNow(5));
        Assert.Equal(0, f.Tracker.TrendingNow(new TrendingItem[5]));
    }

    [Fact]
    public void Every_item_listed_is_busier_than_usual()
    {
        var f = new TrackerFixture();
        Steady(f, i => 2 + (i % 3), hours: 48, items: 12);
        for (int e = 0; e < 10; e++)
        {
            f.Track($"s{e}", "i4", "view", -TimeSpan.FromMinutes(3 * e));
        }

        IReadOnlyList<TrendingItem> trending = f.Tracker.TrendingNow(20);

        Assert.Contains(trending, t => t.ItemId == "i4");
        Assert.All(trending, t => Assert.True(t.Score > 1 && t.RecentEvents > t.ExpectedEvents, $"{t}"));
    }

    [Fact]
    public void An_as_of_time_reads_the_counts_at_that_time_without_a_time_provider()
    {
        var f = new TrackerFixture();
        Steady(f, i => 2, hours: 48, items: 4);
        for (int e = 0; e < 30; e++)
        {
            f.Track($"s{e}", "i2", "view", -TimeSpan.FromMinutes(2 * e));
        }

        DateTimeOffset now = f.Clock.GetUtcNow();
        IReadOnlyList<TrendingItem> atTheSurge = f.Tracker.TrendingNow(4, now);
        IReadOnlyList<TrendingItem> monthLater = f.Tracker.TrendingNow(4, now.AddDays(30));
        var buffer = new TrendingItem[4];
        int written = f.Tracker.TrendingNow(buffer, now);

        Assert.Equal(f.Tracker.TrendingNow(4).Select(t => (t.ItemId, t.Score)), atTheSurge.Select(t => (t.ItemId, t.Score)));
        Assert.Equal("i2", atTheSurge[0].ItemId);
        Assert.Empty(monthLater);
        Assert.Equal(atTheSurge.Select(t => t.ItemId), buffer[..written].Select(t => t.ItemId));
        Assert.Equal(now, f.Clock.GetUtcNow());   // the tracker's clock was not needed
    }

    [Fact]
    public void Counts_decay_with_the_configured_half_lives()
    {
        var f = new TrackerFixture(options: new EventTrackerOptions
        {
            ShortHalfLife = TimeSpan.FromHours(2),
            BaselineHalfLife = TimeSpan.FromHours(8),
            TrendingSmoothing = 0,
        });
        f.Track("u", "i1", "view");
        f.Track("u", "i1", "view", -2 * Hour);

        TrendingItem item = Assert.Single(f.Tracker.TrendingNow(5));

        Assert.Equal(1.5f, item.RecentEvents, 5);                                           // 1 + 2^(-2/2)
        Assert.Equal((1 + Math.Pow(2, -2.0 / 8)) * 2 / 8, item.ExpectedEvents, 5);         // (1 + 2^(-2/8)) × 2h/8h
        Assert.Equal(item.RecentEvents / item.ExpectedEvents, item.Score, 4);
    }

    [Fact]
    public void Only_items_with_events_are_listed_and_filters_apply_before_ranking()
    {
        var f = new TrackerFixture();
        for (int i = 0; i < 8; i++)
        {
            for (int e = 0; e <= i; e++)
            {
                f.Track($"u{e}", $"i{i}", "view", -TimeSpan.FromMinutes(e));
            }
        }

        Assert.Equal(8, f.Tracker.TrendingNow(20).Count);   // i8–i19 never had an event
        Assert.Equal(["i7", "i6", "i5"], f.Tracker.TrendingNow(3).Select(t => t.ItemId));
        Assert.Equal(["i4", "i2", "i1"], f.Tracker.TrendingNow(3, f.Only(1, 2, 4, 12)).Select(t => t.ItemId));
        Assert.Empty(f.Tracker.TrendingNow(0));
    }

    [Fact]
    public void Trending_per_category_ranks_only_the_items_under_it()
    {
        using var folder = new TempDirectory();
        ItemCatalog catalog = ItemCatalog.ReadCsv(folder.Write("items.csv", "item_id,category\n"
            + "i0,Kitchen/Coffee\ni1,Kitchen/Coffee\ni2,Kitchen/Knives\ni3,Outdoor/Camping\ni4,Outdoor/Camping\n"));
        var f = new TrackerFixture(itemCount: 6, catalog: catalog);
        int[] events = [3, 1, 2, 9, 4, 7];   // i5 is not in the catalogue
        for (int i = 0; i < events.Length; i++)
        {
            for (int e = 0; e < events[i]; e++)
            {
                f.Track($"u{e}", $"i{i}", "view", -TimeSpan.FromMinutes(e));
            }
        }

        Assert.True(f.Tracker.HasCategories);
        Assert.Equal(["i0", "i2", "i1"], f.Tracker.TrendingNow(5, category: "Kitchen").Select(t => t.ItemId));
        Assert.Equal(["i0", "i1"], f.Tracker.TrendingNow(5, category: " Kitchen / Coffee ").Select(t => t.ItemId));
        Assert.Equal(["i3", "i4"], f.Tracker.TrendingNow(5, category: "Outdoor").Select(t => t.ItemId));
        Assert.Equal(["i3", "i5", "i4"], f.Tracker.TrendingNow(3).Select(t => t.ItemId));
        Assert.Equal(["Kitchen", "Kitchen/Coffee", "Kitchen/Knives", "Outdoor", "Outdoor/Camping"], f.Tracker.GetCategories());
        var unknown = Assert.Throws<ArgumentException>(() => f.Tracker.TrendingNow(5, category: "Garden"));
        Assert.StartsWith("The category 'Garden' is not in the catalogue; it has: Kitchen, Kitchen/Coffee,", unknown.Message);
    }

    [Fact]
    public void A_category_without_a_catalogue_or_a_catalogue_without_categories_is_refused()
    {
        var f = new TrackerFixture();
        using var folder = new TempDirectory();
        ItemCatalog noCategory = ItemCatalog.ReadCsv(folder.Write("items.csv", "item_id,brand\ni0,Acme\n"));

        Assert.Contains("needs a catalogue", Assert.Throws<InvalidOperationException>(() => f.Tracker.TrendingNow(3, category: "Kitchen")).Message);
        var error = Assert.Throws<ArgumentException>(() => new EventTracker(f.Items, catalog: noCategory));
        Assert.Contains("has no attribute 'category' for trending per category; it has: ", error.Message);
        Assert.Contains("brand", error.Message);
    }
}
