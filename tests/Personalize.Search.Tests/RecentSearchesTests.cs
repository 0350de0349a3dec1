using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;

namespace Personalize.Search.Tests;

public sealed class RecentSearchesTests : IClassFixture<SampleShop>
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SampleShop _shop;

    public RecentSearchesTests(SampleShop shop) => _shop = shop;

    private string HeavyUser => _shop.Model.Users.GetId(Enumerable.Range(0, _shop.Model.Users.Count).MaxBy(u => _shop.Model.GetSeenItems(u).Length));

    /// <summary>The unseen results of one query in the user's search order: what each turn of the list draws from.</summary>
    private List<string> Unseen(ProductSearch search, EventTracker tracker, string user, string query, Filter? filter = null, UserPreferences? preferences = null) =>
        [.. search.Search(new SearchRequest(query) { UserId = user, Filter = filter, PageSize = 10_000 }, preferences).Page
            .Select(r => r.ItemId).Where(id => !tracker.HasSeen(user, id))];

    [Fact]
    public void New_for_recent_searches_alternates_between_the_newest_searches_and_leaves_out_seen_items()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        var tracker = new EventTracker(_shop.Recommender);
        string user = HeavyUser;
        tracker.TrackSearch(user, "headphones", Start);
        tracker.TrackSearch(user, "espresso", Start.AddMinutes(1));
        string firstEspresso = search.Search(new SearchRequest("espresso") { UserId = user }).Page[0].ItemId;
        tracker.Track(user, firstEspresso, "view", Start.AddMinutes(2));   // seen now: it must not be suggested

        IReadOnlyList<RecentSearchItem> items = search.NewForRecentSearches(tracker, new RecentSearchesRequest(user) { Count = 6 });

        List<string> espresso = Unseen(search, tracker, user, "espresso"), headphones = Unseen(search, tracker, user, "headphones");
        Assert.DoesNotContain(firstEspresso, espresso);
        Assert.Equal([espresso[0], headphones[0], espresso[1], headphones[1], espresso[2], headphones[2]], items.Select(i => i.ItemId));
        Assert.Equal(["espresso", "headphones", "espresso", "headphones", "espresso", "headphones"], items.Select(i => i.Query));
        Assert.All(items, i => Assert.False(tracker.HasSeen(user, i.ItemId)));
        Assert.All(items, i => Assert.Equal(i.ItemId, _shop.Catalog.Items.GetId(i.ItemIndex)));

        // Only the newest search.
        Assert.Equal(espresso.Take(3), search.NewForRecentSearches(tracker, new RecentSearchesRequest(user) { Count = 3, Searches = 1 }).Select(i => i.ItemId));

        // A user who never searched gets nothing.
        Assert.Empty(search.NewForRecentSearches(tracker, new RecentSearchesRequest("never-searched")));
    }

    [Fact]
    public void New_for_recent_searches_honours_the_filter_and_saved_blocks()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        var tracker = new EventTracker(_shop.Recommender);
        string user = HeavyUser;
        tracker.TrackSearch(user, "espresso", Start);
        Filter filter = FilterText.Parse("price <= 100", _shop.Catalog.Schema).Value;
        string brand = _shop.Catalog.GetText(_shop.Catalog.GetIndex(Unseen(search, tracker, user, "espresso")[0]), "brand")!;
        var preferences = new UserPreferences { BlockedBrands = [brand] };

        IReadOnlyList<RecentSearchItem> items = search.NewForRecentSearches(tracker, new RecentSearchesRequest(user) { Count = 5, Filter = filter }, preferences);

        Assert.Equal(Unseen(search, tracker, user, "espresso", filter, preferences).Take(5), items.Select(i => i.ItemId));
        Assert.Equal(5, items.Count);
        Assert.All(items, i =>
        {
            Assert.True(_shop.Catalog.GetValue(i.ItemIndex, "price") is decimal p && p <= 100);
            Assert.NotEqual(brand, _shop.Catalog.GetText(i.ItemIndex, "brand"));
        });
    }

    [Fact]
    public async Task The_async_overload_reads_the_users_saved_blocks_from_the_store_the_search_was_built_with()
    {
        var store = new InMemoryPreferenceStore();
        var search = new ProductSearch(_shop.Index, _shop.Recommender, store);
        var tracker = new EventTracker(_shop.Recommender);
        string user = HeavyUser;
        tracker.TrackSearch(user, "espresso", Start);
        IReadOnlyList<RecentSearchItem> open = await search.NewForRecentSearchesAsync(tracker, new RecentSearchesRequest(user) { Count = 5 });
        string brand = _shop.Catalog.GetText(open[0].ItemIndex, "brand")!;
        await store.SaveAsync(user, new UserPreferences { BlockedBrands = [brand] });

        IReadOnlyList<RecentSearchItem> blocked = await search.NewForRecentSearchesAsync(tracker, new RecentSearchesRequest(user) { Count = 5 });

        Assert.Equal(search.NewForRecentSearches(tracker, new RecentSearchesRequest(user) { Count = 5 }).Select(i => i.ItemId), open.Select(i => i.ItemId));
        Assert.NotEmpty(blocked);
        Assert.DoesNotContain(blocked, i => _shop.Catalog.GetText(i.ItemIndex, "brand") == brand);
        Assert.Equal(search.NewForRecentSearches(tracker, new RecentSearchesRequest(user) { Count = 5 }, new UserPreferences { BlockedBrands = [brand] })
            .Select(i => i.ItemId), blocked.Select(i => i.ItemId));
    }

    [Fact]
    public void An_invalid_request_is_refused()
    {
        var search = new ProductSearch(_shop.Index, _shop.Recommender);
        var tracker = new EventTracker(_shop.Recommender);

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            search.NewForRecentSearches(tracker, new RecentSearchesRequest("u") { Count = 0, Searches = 101 }));
        Assert.Contains("Count", error.Message, StringComparison.Ordinal);
        Assert.Contains("Searches", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RecentSearchesRequest(""));
    }
}
