using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

public sealed class RecommenderTests
{
    public static TheoryData<int, bool> RanksAndBiases => new()
    {
        { 8, false },
        { 8, true },
        { 5, false },
        { 16, true },
        { 65, false },
    };

    [Theory, MemberData(nameof(RanksAndBiases))]
    public void ForUser_returns_the_best_unseen_items_best_first(int rank, bool withBiases)
    {
        FactorModel model = TestModels.Create(seed: 200 + rank, userCount: 40, itemCount: 150, numberOfFactors: rank, withBiases: withBiases);
        using var recommender = new Recommender(model);

        foreach (int count in new[] { 1, 5, 10, 100 })
        {
            for (int user = 0; user < model.Users.Count; user++)
            {
                string userId = model.Users.GetId(user);

                RecommendationList list = recommender.ForUser(userId, count);

                Recommendation[] expected = ReferenceRecommendations.ForUser(model, user, count);
                Assert.True(expected.SequenceEqual(list), $"{userId}, count {count}: expected {ReferenceRecommendations.Describe(expected)} but got {ReferenceRecommendations.Describe(list)}");
                Assert.Equal(Math.Min(count, model.Items.Count - model.GetSeenItems(user).Length), list.Count);
                Assert.Equal(RecommendationSource.Personalized, list.Source);
                Assert.Equal(userId, list.UserId);
            }
        }
    }

    [Fact]
    public void ForUser_never_returns_an_item_the_user_has_seen()
    {
        FactorModel model = TestModels.Create(seed: 210, userCount: 40, itemCount: 60, seenFraction: 0.6);
        using var recommender = new Recommender(model);

        for (int user = 0; user < model.Users.Count; user++)
        {
            RecommendationList list = recommender.ForUser(model.Users.GetId(user), 60);

            Assert.Empty(list.Select(r => r.ItemIndex).Intersect(model.GetSeenItems(user).ToArray()));
            Assert.Equal(model.Items.Count - model.GetSeenItems(user).Length, list.Count);
        }
    }

    [Fact]
    public void ForUser_includes_seen_items_when_ExcludeSeen_is_false()
    {
        FactorModel model = TestModels.Create(seed: 211, userCount: 20, itemCount: 60, seenFraction: 0.5);
        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = false });

        for (int user = 0; user < model.Users.Count; user++)
        {
            RecommendationList list = recommender.ForUser(model.Users.GetId(user), 10);

            Recommendation[] expected = ReferenceRecommendations.ForUser(model, user, 10, excludeSeen: false);
            Assert.Equal(expected, list);
        }

        // Half of every user's items are seen, so some of the best are seen items that the default would have left out.
        Assert.Contains(Enumerable.Range(0, model.Users.Count),
            u => recommender.ForUser(model.Users.GetId(u), 10).Any(r => model.GetSeenItems(u).Contains(r.ItemIndex)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(1000)]
    public void ForUser_of_an_unknown_user_returns_the_most_popular_items_and_says_so(int count)
    {
        FactorModel model = TestModels.Create(seed: 212, userCount: 25, itemCount: 100, seenFraction: 0.1);
        using var recommender = new Recommender(model);

        RecommendationList list = recommender.ForUser("nobody", count);

        Assert.Equal(RecommendationSource.PopularFallback, list.Source);
        Assert.Equal("nobody", list.UserId);
        Assert.Equal(ReferenceRecommendations.Popular(model, count), list);
    }

    [Fact]
    public void ForUser_of_an_unknown_user_breaks_popularity_ties_by_the_lower_item_index_and_never_lists_items_of_popularity_0()
    {
        float[] popularity = [1, 3, 0, 3, 1, 3, 0, 2];
        var model = new FactorModel(FactorModelKind.Implicit, IdMap.FromIds(["u"]), IdMap.FromIds(popularity.Select((_, i) => $"p{i}")), 1, [1],
            new float[popularity.Length], [0, 0], [], popularity, new Dictionary<string, string>());
        using var recommender = new Recommender(model);

        RecommendationList list = recommender.ForUser("someone new", 8);

        Assert.Equal([1, 3, 5, 7, 0, 4], list.Select(r => r.ItemIndex));
        Assert.Equal([3f, 3f, 3f, 2f, 1f, 1f], list.Select(r => r.Score));
        Assert.Equal(RecommendationSource.PopularFallback, list.Source);
    }

    [Fact]
    public void A_model_without_popularity_gives_an_unknown_user_an_empty_list_not_arbitrary_items()
    {
        var model = new FactorModel(FactorModelKind.Explicit, IdMap.FromIds(["u"]), IdMap.FromIds(["a", "b", "c"]), 1, [1],
            new float[] { 0.3f, 0.2f, 0.1f }, [0, 0], [], new float[3], new Dictionary<string, string>());
        using var recommender = new Recommender(model);

        RecommendationList list = recommender.ForUser("someone new", 3);
        RecommendationPage page = recommender.Recommend(new RecommendationRequest("someone new"));

        Assert.Empty(list);
        Assert.Equal(RecommendationSource.Empty, list.Source);
        Assert.Empty(page);
        Assert.Equal(RecommendationSource.Empty, page.Source);
        Assert.Equal(3, recommender.ForUser("u", 3).Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("user-")]
    [InlineData("USER-0")]
    [InlineData("user-0 ")]
    public void ForUser_treats_any_id_the_model_does_not_know_as_unknown(string userId)
    {
        FactorModel model = TestModels.Create(seed: 213);
        using var recommender = new Recommender(model);

        RecommendationList list = recommender.ForUser(userId, 5);

        Assert.Equal(RecommendationSource.PopularFallback, list.Source);
        Assert.Equal(5, list.Count);
    }

    [Fact]
    public void ForUser_of_an_unknown_user_with_ColdStart_Empty_returns_an_empty_list()
    {
        FactorModel model = TestModels.Create(seed: 214);
        using var recommender = new Recommender(model, new RecommenderOptions { ColdStart = ColdStartPolicy.Empty });

        RecommendationList list = recommender.ForUser("nobody", 10);
        int written = recommender.ForUser("nobody", null, new Recommendation[10], out RecommendationSource source);

        Assert.Empty(list);
        Assert.Equal(RecommendationSource.Empty, list.Source);
        Assert.Equal(0, written);
        Assert.Equal(RecommendationSource.Empty, source);
    }

    [Fact]
    public void ForUser_with_ColdStart_Empty_still_personalizes_known_users()
    {
        FactorModel model = TestModels.Create(seed: 215);
        using var recommender = new Recommender(model, new RecommenderOptions { ColdStart = ColdStartPolicy.Empty });

        RecommendationList list = recommender.ForUser("user-3", 10);

        Assert.Equal(RecommendationSource.Personalized, list.Source);
        Assert.Equal(ReferenceRecommendations.ForUser(model, 3, 10), list);
    }

    [Fact]
    public void ForUser_with_count_0_returns_an_empty_list()
    {
        FactorModel model = TestModels.Create(seed: 216);
        using var recommender = new Recommender(model);

        RecommendationList list = recommender.ForUser("user-1", 0);

        Assert.Empty(list);
        Assert.Equal(RecommendationSource.Personalized, list.Source);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForUser_with_a_count_larger_than_the_catalogue_returns_every_eligible_item(bool excludeSeen)
    {
        FactorModel model = TestModels.Create(seed: 217, userCount: 10, itemCount: 37, seenFraction: 0.3);
        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = excludeSeen });

        for (int user = 0; user < model.Users.Count; user++)
        {
            RecommendationList list = recommender.ForUser(model.Users.GetId(user), 10_000);

            Assert.Equal(ReferenceRecommendations.ForUser(model, user, int.MaxValue, excludeSeen), list);
            Assert.Equal(excludeSeen ? 37 - model.GetSeenItems(user).Length : 37, list.Count);
        }
    }

    [Fact]
    public void ForUser_of_a_user_who_has_seen_every_item_returns_an_empty_personalized_list()
    {
        var model = new FactorModel(FactorModelKind.Implicit, IdMap.FromIds(["all", "none"]), IdMap.FromIds(["a", "b", "c"]), 2,
            [1, 0, 0, 1], new float[] { 1, 1, 2, 2, 3, 3 }, [0, 3, 3], [0, 1, 2], [1, 1, 1], new Dictionary<string, string>());
        using var recommender = new Recommender(model);

        RecommendationList seenAll = recommender.ForUser("all", 5);
        RecommendationList seenNone = recommender.ForUser("none", 5);

        Assert.Empty(seenAll);
        Assert.Equal(RecommendationSource.Personalized, seenAll.Source);
        Assert.Equal(["c", "b", "a"], seenNone.Select(r => r.ItemId));
    }

    [Fact]
    public void ForUser_over_an_empty_catalogue_returns_an_empty_list()
    {
        FactorModel model = TestModels.Create(seed: 218, userCount: 3, itemCount: 0);
        using var recommender = new Recommender(model);

        Assert.Empty(recommender.ForUser("user-0", 10));
        Assert.Empty(recommender.ForUser("nobody", 10));
    }

    [Fact]
    public void ForUser_into_a_span_writes_what_the_list_overload_returns_and_nothing_past_it()
    {
        FactorModel model = TestModels.Create(seed: 219, userCount: 10, itemCount: 30, seenFraction: 0.3);
        using var recommender = new Recommender(model);
        var sentinel = new Recommendation("untouched", -1, -1);

        foreach (string userId in new[] { "user-0", "user-9", "nobody" })
        {
            var destination = new Recommendation[40];
            Array.Fill(destination, sentinel);

            int written = recommender.ForUser(userId, null, destination, out RecommendationSource source);

            RecommendationList list = recommender.ForUser(userId, 40);
            Assert.Equal(list.Count, written);
            Assert.Equal(list, destination[..written]);
            Assert.Equal(list.Source, source);
            Assert.All(destination[written..], r => Assert.Equal(sentinel, r));
        }
    }

    [Fact]
    public void ForUser_rejects_a_negative_count_and_a_null_user()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 220));

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => recommender.ForUser("user-0", -1));
        Assert.Throws<ArgumentNullException>(() => recommender.ForUser((string)null!, 5));
        Assert.Throws<ArgumentNullException>(() => recommender.ForUser(null!, null, new Recommendation[5], out _));

        Assert.Equal("count", negative.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ForUsers_returns_what_ForUser_returns_for_each_user_in_the_given_order(int threads)
    {
        FactorModel model = TestModels.Create(seed: 221, userCount: 50, itemCount: 120, withBiases: true);
        using var recommender = new Recommender(model, new RecommenderOptions { NumberOfThreads = threads });
        string[] userIds = [.. Enumerable.Range(0, 50).Reverse().Select(u => $"user-{u}"), "nobody", "user-7", "", "user-7"];

        IReadOnlyList<RecommendationList> lists = recommender.ForUsers(userIds, 12);

        Assert.Equal(userIds, lists.Select(l => l.UserId));
        for (int i = 0; i < userIds.Length; i++)
        {
            RecommendationList single = recommender.ForUser(userIds[i], 12);
            Assert.Equal(single.Source, lists[i].Source);
            Assert.Equal(single, lists[i]);
        }
    }

    [Fact]
    public void ForUsers_of_no_users_returns_no_lists()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 222));

        Assert.Empty(recommender.ForUsers([], 10));
    }

    [Fact]
    public void ForUsers_stops_when_cancelled()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 223));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => recommender.ForUsers(["user-0", "user-1"], 5, cancellation.Token));
    }

    [Fact]
    public void ForUsers_rejects_a_negative_count()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 224));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => recommender.ForUsers(["user-0"], -1));

        Assert.Equal("count", error.ParamName);
    }

    [Fact]
    public void A_recommendation_list_indexes_and_enumerates_the_same_items()
    {
        using var recommender = new Recommender(TestModels.Create(seed: 225));

        RecommendationList list = recommender.ForUser("user-2", 6);

        Assert.Equal(6, list.Count);
        Assert.Equal(Enumerable.Range(0, list.Count).Select(i => list[i]), list);
        Assert.Equal(list.Select(r => r.ItemId), list.Select(r => recommender.Model.Items.GetId(r.ItemIndex)));
    }

    [Fact]
    public void A_recommender_serves_a_model_loaded_from_disk_like_the_model_it_was_saved_from()
    {
        using var folder = new TempDirectory();
        FactorModel model = TestModels.Create(seed: 226, withBiases: true, onGrid: false);
        string path = folder.File("model.pzm");
        ModelFile.Save(model, path);
        using var original = new Recommender(model);
        using var loaded = new Recommender(ModelFile.Load(path));

        for (int user = 0; user < model.Users.Count; user++)
        {
            Assert.Equal(original.ForUser(model.Users.GetId(user), 10), loaded.ForUser(model.Users.GetId(user), 10));
        }
    }
}
