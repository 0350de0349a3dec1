using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Pages;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.Pages;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Recommending;

/// <summary><see cref="RecommendationRequest.FoldedUser"/> from <see cref="EventTracker.FoldIn"/>: a paged, customized list follows the
/// events tracked since training as the home page's "for you" shelf does.</summary>
public sealed class LiveRecommendationRequestTests : IClassFixture<HomePageTests.Shop>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly HomePageTests.Shop _shop;

    public LiveRecommendationRequestTests(HomePageTests.Shop shop) => _shop = shop;

    /// <summary>The most popular items that <paramref name="userId"/> had not seen in training and that their list does not show.</summary>
    private string[] NewItems(string userId, int count)
    {
        HashSet<string> listed = [.. _shop.Recommender.Recommend(new RecommendationRequest(userId) { PageSize = 50 }).Select(r => r.ItemId)];
        HashSet<int> seen = _shop.Model.Users.TryGetIndex(userId, out int u) ? [.. _shop.Model.GetSeenItems(u).ToArray()] : [];
        return [.. Enumerable.Range(0, _shop.Model.Items.Count).Where(i => !seen.Contains(i))
            .OrderByDescending(i => _shop.Model.ItemPopularity[i]).ThenBy(i => i)
            .Select(_shop.Model.Items.GetId).Where(id => !listed.Contains(id)).Take(count)];
    }

    private static string[] Ids(RecommendationPage page) => [.. page.Select(r => r.ItemId)];

    private static string[] ForYou(HomePageBuilder builder, string userId, int count) =>
        [.. builder.Build(new HomePageRequest(userId, [new("for-you", ShelfKind.ForYou, count)]))["for-you"].Items.Select(i => i.ItemId)];

    private RecommendationRequest Live(EventTracker tracker, string userId, int pageSize) =>
        new(userId) { PageSize = pageSize, FoldedUser = tracker.FoldIn(userId, _shop.Recommender) };

    [Fact]
    public void A_known_users_list_follows_their_live_purchases_as_their_for_you_shelf_does()
    {
        string user = _shop.Model.Users.Ids[11];
        var tracker = new EventTracker(_shop.Recommender);
        string[] trained = Ids(_shop.Recommender.Recommend(new RecommendationRequest(user) { PageSize = 20 }));
        RecommendationRequest quiet = Live(tracker, user, 20);
        Assert.Equal(0, quiet.FoldedUser!.EventCount);
        Assert.Equal(trained, Ids(_shop.Recommender.Recommend(quiet)));   // no event yet: the trained list

        string[] bought = NewItems(user, 5);
        foreach (string item in bought)
        {
            Assert.Equal(TrackOutcome.Accepted, tracker.Track(user, item, "purchase", Now));
        }

        RecommendationRequest request = Live(tracker, user, 20);
        Assert.Equal(5, request.FoldedUser!.EventCount);
        RecommendationPage after = _shop.Recommender.Recommend(request);
        Assert.Equal(RecommendationSource.Personalized, after.Source);
        Assert.NotEqual(trained, Ids(after));
        Assert.DoesNotContain(Ids(after), bought.Contains);   // what they just bought is seen now
        Assert.Equal(ForYou(new HomePageBuilder(_shop.Recommender, tracker), user, 20), Ids(after));
        Assert.All(bought, item => Assert.True(tracker.HasBought(user, item)));
        Assert.False(tracker.HasBought(user, trained[0]));
    }

    [Fact]
    public void A_visitor_the_model_does_not_know_is_personalized_from_tracked_events_and_pages_without_repeats()
    {
        const string visitor = "visitor-live-1";
        var tracker = new EventTracker(_shop.Recommender);
        RecommendationPage cold = _shop.Recommender.Recommend(Live(tracker, visitor, 10));
        Assert.Equal(RecommendationSource.PopularFallback, cold.Source);

        string[] viewed = NewItems(visitor, 4);
        foreach (string item in viewed)
        {
            tracker.Track(visitor, item, "view", Now);
        }

        RecommendationRequest request = Live(tracker, visitor, 10);
        RecommendationPage first = _shop.Recommender.Recommend(request);
        Assert.Equal(RecommendationSource.Personalized, first.Source);
        Assert.DoesNotContain(Ids(first), viewed.Contains);
        RecommendationPage second = _shop.Recommender.Recommend(request with { Cursor = first.NextCursor });
        string[] both = [.. Ids(first), .. Ids(second)];
        Assert.Equal(20, both.Distinct().Count());
        Assert.Equal(ForYou(new HomePageBuilder(_shop.Recommender, tracker), visitor, 20), both);
        Assert.False(tracker.HasBought(visitor, viewed[0]));   // viewed, not bought
    }

    [Fact]
    public void Not_seen_leaves_out_live_items_even_when_the_list_is_not_personal()
    {
        string user = _shop.Model.Users.Ids[3];
        var tracker = new EventTracker(_shop.Recommender);
        var request = new RecommendationRequest(user) { PageSize = 30, Personalize = false, Filter = FilterText.Parse("not seen").Value };
        string[] before = Ids(_shop.Recommender.Recommend(request));
        string viewed = before[0];
        tracker.Track(user, viewed, "view", Now);

        RecommendationPage after = _shop.Recommender.Recommend(request with { FoldedUser = tracker.FoldIn(user, _shop.Recommender) });
        Assert.Equal(RecommendationSource.NonPersonal, after.Source);
        Assert.DoesNotContain(viewed, Ids(after));
        Assert.Equal(before[1..], Ids(after)[..^1]);   // popularity order, one item fewer at the top
        Assert.Contains(viewed, Ids(_shop.Recommender.Recommend(request with { Filter = null, FoldedUser = tracker.FoldIn(user, _shop.Recommender) })));
    }

    [Fact]
    public void A_folded_user_of_another_model_or_user_and_a_tracker_over_other_items_are_refused_with_what_to_do()
    {
        string user = _shop.Model.Users.Ids[0];
        var other = new EventTracker(IdMap.FromIds(["a", "b", "c"]));
        var wrongItems = Assert.Throws<ArgumentException>(() => other.FoldIn(user, _shop.Recommender));
        Assert.Contains("follows 3 items", wrongItems.Message, StringComparison.Ordinal);
        Assert.Contains("MoveTo", wrongItems.Message, StringComparison.Ordinal);

        var tracker = new EventTracker(_shop.Recommender);
        var wrongUser = Assert.Throws<ArgumentException>(() =>
            _shop.Recommender.Recommend(new RecommendationRequest(user) { FoldedUser = tracker.FoldIn(_shop.Model.Users.Ids[1], _shop.Recommender) }));
        Assert.Contains($"is user '{_shop.Model.Users.Ids[1]}'", wrongUser.Message, StringComparison.Ordinal);

        var anonymous = Assert.Throws<ArgumentException>(() =>
            _shop.Recommender.Recommend(new RecommendationRequest(user) { FoldedUser = _shop.Recommender.FoldIn(null, [new Interaction("", _shop.Model.Items.Ids[0])]) }));
        Assert.Contains("anonymous session", anonymous.Message, StringComparison.Ordinal);

        var reordered = new EventTracker(IdMap.FromIds(_shop.Model.Items.Ids.Reverse()));
        Assert.Contains("another order", Assert.Throws<ArgumentException>(() => reordered.FoldIn(user, _shop.Recommender)).Message, StringComparison.Ordinal);
        Assert.Equal(0, new EventTracker(IdMap.FromIds(_shop.Model.Items.Ids)).FoldIn(user, _shop.Recommender).EventCount);   // equal ids, another map: fine

        var otherRecommender = new Recommender(_shop.Model.WithItemPopularity(new float[_shop.Model.Items.Count]));
        var wrongModel = Assert.Throws<ArgumentException>(() =>
            _shop.Recommender.Recommend(new RecommendationRequest(user) { FoldedUser = tracker.FoldIn(user, otherRecommender) }));
        Assert.Contains("another model", wrongModel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_belongs_to_the_fold_it_paged_so_new_events_between_pages_start_the_list_again()
    {
        string user = _shop.Model.Users.Ids[21];
        var tracker = new EventTracker(_shop.Recommender);
        tracker.Track(user, NewItems(user, 1)[0], "view", Now);
        RecommendationPage first = _shop.Recommender.Recommend(Live(tracker, user, 10));
        Assert.NotNull(first.NextCursor);
        Assert.Equal(10, _shop.Recommender.Recommend(Live(tracker, user, 10) with { Cursor = first.NextCursor }).Count);   // same fold: pages on

        tracker.Track(user, first[0].ItemId, "view", Now.AddMinutes(1));   // a click on the first page
        var stale = Assert.Throws<ArgumentException>(() => _shop.Recommender.Recommend(Live(tracker, user, 10) with { Cursor = first.NextCursor }));
        Assert.Contains("cursor", stale.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_rating_model_does_not_take_the_trackers_events_as_ratings()
    {
        InteractionLog ratings = InteractionLog.ReadCsv(Path.Combine(SampleData.Folder, "ratings.csv"));
        var recommender = new Recommender(new BiasedMatrixFactorizationTrainer(new() { NumberOfFactors = 4, NumberOfIterations = 2 }).Fit(RatingMatrix.FromLog(ratings)));
        var tracker = new EventTracker(recommender.Model);
        string user = recommender.Model.Users.Ids[0];
        var refused = Assert.Throws<InvalidOperationException>(() => tracker.FoldIn(user, recommender));
        Assert.Contains("not ratings", refused.Message, StringComparison.Ordinal);

        // The home page keeps the rating model's own list (a purchase weighs 10, far outside 1-5 stars, and is no rating at all).
        Assert.Equal(TrackOutcome.Accepted, tracker.Track(user, recommender.Model.Items.Ids[^1], "purchase", Now));
        Assert.Equal(recommender.ForUser(user, 10).Select(r => r.ItemId), ForYou(new HomePageBuilder(recommender, tracker), user, 10));
    }

    [Fact]
    public void A_tracker_seeded_with_the_training_log_does_not_count_it_twice()
    {
        // The fixture's tracker replayed the very log the model was trained on: nothing in it is new.
        foreach (string user in _shop.Model.Users.Ids.Take(40))
        {
            FoldedUser folded = _shop.Tracker.FoldIn(user, _shop.Recommender);
            Assert.Equal(0, folded.EventCount);
            string[] trained = Ids(_shop.Recommender.Recommend(new RecommendationRequest(user) { PageSize = 10 }));
            Assert.Equal(trained, Ids(_shop.Recommender.Recommend(new RecommendationRequest(user) { PageSize = 10, FoldedUser = folded })));
            Assert.Equal(_shop.Recommender.ForUser(user, 10).Select(r => r.ItemId), ForYou(_shop.Builder, user, 10));   // the home page too
        }
    }

    [Fact]
    public void On_a_training_item_the_larger_of_the_training_and_the_tracked_weight_counts()
    {
        string user = _shop.Model.Users.Ids[5];
        int u = _shop.Model.Users.GetIndex(user);
        int trainedItem = _shop.Model.GetSeenItems(u)[0];
        float trainedWeight = _shop.Model.GetSeenWeights(u)[0];
        string itemId = _shop.Model.Items.GetId(trainedItem);
        var tracker = new EventTracker(_shop.Recommender);

        // Events up to the training weight are what the model already has (a tracker seeded with the training log holds them).
        float tracked = 0;
        while (tracked + 1f <= trainedWeight)
        {
            tracker.Track(user, itemId, "view", Now);
            tracked += 1f;
        }

        Assert.Equal(0, tracker.FoldIn(user, _shop.Recommender).EventCount);

        // Beyond it they count: the item then weighs what the tracker holds, not the training weight plus it.
        tracker.Track(user, itemId, "purchase", Now.AddMinutes(1));
        tracked += 10f;
        FoldedUser folded = tracker.FoldIn(user, _shop.Recommender);
        Assert.Equal(1, folded.EventCount);
        Assert.Equal(tracked, folded.ItemWeights[folded.ItemIndices.IndexOf(trainedItem)], 3);
        Assert.Equal(_shop.Model.GetSeenItems(u).Length, folded.ItemIndices.Length);
    }
}
