using Personalize.Core.Filtering;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

public sealed class RecentlyViewedTests
{
    [Fact]
    public void Lists_distinct_viewed_items_newest_first()
    {
        var f = new TrackerFixture();
        f.Track("u", "i1", "view", TimeSpan.FromMinutes(1));
        f.Track("u", "i2", "view", TimeSpan.FromMinutes(2));
        f.Track("u", "i3", "cart", TimeSpan.FromMinutes(3));   // not a view
        f.Track("u", "i1", "view", TimeSpan.FromMinutes(4));   // viewed again: moves to the front
        f.Track("u", "i4", "view", TimeSpan.FromMinutes(5));

        IReadOnlyList<ViewedItem> viewed = f.Tracker.RecentlyViewed("u", 10);

        Assert.Equal(["i4", "i1", "i2"], viewed.Select(v => v.ItemId));
        Assert.Equal(TrackerFixture.Start.AddMinutes(4), viewed[1].ViewedAt);
        Assert.Equal(f.Items.GetIndex("i1"), viewed[1].ItemIndex);
        Assert.Empty(f.Tracker.RecentlyViewed("someone-else", 10));
    }

    [Fact]
    public void A_late_view_takes_its_place_in_time_order()
    {
        var f = new TrackerFixture();
        f.Track("u", "i1", "view", TimeSpan.FromMinutes(10));
        f.Track("u", "i2", "view", TimeSpan.FromMinutes(1));   // arrives late
        f.Track("u", "i1", "view", TimeSpan.FromMinutes(5));   // older than the kept view of i1: no change

        Assert.Equal(["i1", "i2"], f.Tracker.RecentlyViewed("u", 10).Select(v => v.ItemId));
        Assert.Equal(TrackerFixture.Start.AddMinutes(10), f.Tracker.RecentlyViewed("u", 1)[0].ViewedAt);
    }

    [Fact]
    public void Lists_the_latest_views_of_a_user_who_viewed_many_items_and_breaks_ties_by_item_index()
    {
        var f = new TrackerFixture(itemCount: 300);
        var random = new Random(11);
        int[] order = [.. Enumerable.Range(0, 300).OrderBy(_ => random.Next())];
        for (int v = 0; v < order.Length; v++)
        {
            f.Track("u", $"i{order[v]}", "view", TimeSpan.FromMinutes(v));
        }

        f.Track("u", "i7", "view", TimeSpan.FromMinutes(1000));
        f.Track("u", "i3", "view", TimeSpan.FromMinutes(1000));   // the same instant as i7

        Assert.Equal(["i3", "i7", $"i{order[299]}", $"i{order[298]}"], f.Tracker.RecentlyViewed("u", 4).Select(v => v.ItemId));
        Assert.Equal(300, f.Tracker.RecentlyViewed("u", 1000).Count);
        Assert.Equal(300, f.Tracker.RecentlyViewed("u", new ViewedItem[500]));   // more than the stack scratch: pooled
    }

    [Fact]
    public void A_filter_leaves_out_items_but_never_costs_results_while_enough_pass()
    {
        var f = new TrackerFixture();
        for (int i = 0; i < 10; i++)
        {
            f.Track("u", $"i{i}", "view", TimeSpan.FromMinutes(i));
        }

        CompiledFilter inStock = f.Only(1, 3, 4, 8);

        Assert.Equal(["i8", "i4", "i3"], f.Tracker.RecentlyViewed("u", 3, inStock).Select(v => v.ItemId));
        Assert.Equal(["i8", "i4", "i3", "i1"], f.Tracker.RecentlyViewed("u", 10, inStock).Select(v => v.ItemId));
    }

    [Fact]
    public void A_filter_for_other_items_or_with_not_seen_is_refused()
    {
        var f = new TrackerFixture();
        var other = new TrackerFixture(itemCount: 5);
        using var folder = new TestSupport.TempDirectory();
        var catalog = Personalize.Core.Data.ItemCatalog.ReadCsv(folder.Write("items.csv", "item_id,in_stock\ni1,true\n"));
        CompiledFilter notSeen = FilterCompiler.Compile(Filter.NotSeen, catalog, f.Items);

        Assert.Contains("compiled for 5 items", Assert.Throws<ArgumentException>(() => f.Tracker.RecentlyViewed("u", 3, other.Only(1))).Message);
        Assert.StartsWith("The filter has 'not seen', which recently viewed cannot apply",
            Assert.Throws<ArgumentException>(() => f.Tracker.RecentlyViewed("u", 3, notSeen)).Message);
        CompiledFilter notBought = FilterCompiler.Compile(Filter.NotBought, catalog, f.Items);
        Assert.StartsWith("The filter has 'not bought', which trending now cannot apply",
            Assert.Throws<ArgumentException>(() => f.Tracker.TrendingNow(3, notBought)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Tracker.RecentlyViewed("u", -1));
    }
}
