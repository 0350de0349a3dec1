using Personalize.Core.Pages;
using Personalize.Core.Tests.Pages;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Recommending;

/// <summary>Events tracked live move a user's "for you" toward the new taste without retraining (the tracker folds the vector in).</summary>
public sealed class LiveFoldInTests : IClassFixture<HomePageTests.Shop>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly HomePageTests.Shop _shop;

    public LiveFoldInTests(HomePageTests.Shop shop) => _shop = shop;

    private double Share(HomePage page, string category) =>
        page["for-you"].Items.Count(i => ((string)_shop.Value(i.ItemId, "category")!).StartsWith(category, StringComparison.Ordinal)) / (double)page["for-you"].Items.Count;

    private (string Category, string[] Items) NewTaste(string userId)
    {
        // The top-level category the user's current list shows least, and its most popular items they have not seen.
        var builder = new HomePageBuilder(_shop.Recommender, new EventTracker(_shop.Recommender));
        HomePage before = builder.Build(new HomePageRequest(userId, [new("for-you", ShelfKind.ForYou, 20)]));
        string[] categories = [.. _shop.Model.Items.Ids.Select(id => ((string)_shop.Value(id, "category")!).Split('/')[0]).Distinct().Order(StringComparer.Ordinal)];
        string category = categories.OrderBy(c => Share(before, c)).First();
        HashSet<int> seen = _shop.Model.Users.TryGetIndex(userId, out int u) ? [.. _shop.Model.GetSeenItems(u).ToArray()] : [];
        string[] items = [.. Enumerable.Range(0, _shop.Model.Items.Count)
            .Where(i => !seen.Contains(i) && ((string)_shop.Value(_shop.Model.Items.GetId(i), "category")!).StartsWith(category, StringComparison.Ordinal))
            .OrderByDescending(i => _shop.Model.ItemPopularity[i]).Take(6).Select(_shop.Model.Items.GetId)];
        return (category, items);
    }

    [Fact]
    public void A_known_users_list_moves_toward_the_category_they_start_buying()
    {
        string user = _shop.Model.Users.Ids[7];
        (string category, string[] items) = NewTaste(user);
        var tracker = new EventTracker(_shop.Recommender);
        var builder = new HomePageBuilder(_shop.Recommender, tracker);
        var request = new HomePageRequest(user, [new("for-you", ShelfKind.ForYou, 20)]);
        double before = Share(builder.Build(request), category);

        foreach (string item in items)
        {
            tracker.Track(user, item, "view", Now);
            tracker.Track(user, item, "purchase", Now.AddMinutes(1));
        }

        HomePage after = builder.Build(request);
        double shareAfter = Share(after, category);
        Assert.True(shareAfter >= before + 0.2, $"'{category}' share went from {before:F2} to {shareAfter:F2}");
        Assert.DoesNotContain(after["for-you"].Items, i => items.Contains(i.ItemId));   // what they just bought is seen now
        Assert.Equal(RecommendationSource.Personalized, after["for-you"].Source);
    }

    [Fact]
    public void An_anonymous_visitor_is_personalized_from_their_first_clicks()
    {
        (string category, string[] items) = NewTaste("visitor-1");
        var tracker = new EventTracker(_shop.Recommender);
        var builder = new HomePageBuilder(_shop.Recommender, tracker);
        var request = new HomePageRequest("visitor-1", [new("for-you", ShelfKind.ForYou, 20)]);
        HomePage before = builder.Build(request);

        foreach (string item in items.Take(4))
        {
            tracker.Track("visitor-1", item, "view", Now);
        }

        HomePage after = builder.Build(request);
        Assert.Equal(RecommendationSource.PopularFallback, before["for-you"].Source);
        Assert.Equal(RecommendationSource.Personalized, after["for-you"].Source);
        Assert.True(Share(after, category) >= Share(before, category) + 0.3, $"'{category}' share went from {Share(before, category):F2} to {Share(after, category):F2}");
    }
}
