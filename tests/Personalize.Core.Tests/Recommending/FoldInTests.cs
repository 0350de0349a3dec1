using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Recommending;

/// <summary>Fold-in (<see cref="Recommender.FoldIn(string?, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/> and friends) against the
/// trainers' own least-squares step, written out in double.</summary>
public sealed class FoldInTests
{
    internal static FactorModel ImplicitModel(int seed, ImplicitAlsSolver solver = ImplicitAlsSolver.ConjugateGradient, int epochs = 8) =>
        new ImplicitAlsTrainer(new() { NumberOfFactors = 8, NumberOfIterations = epochs, Solver = solver, NumberOfThreads = 1, Regularization = 0.05f })
            .Fit(CooccurrenceIndexTests.Feedback(seed, users: 120, items: 40, perUser: 10));

    internal static FactorModel ExplicitModel(int seed, BiasedMatrixFactorizationTrainer.Options? options = null)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < 60; u++)
        {
            foreach (int i in Enumerable.Range(0, 30).OrderBy(_ => random.Next()).Take(12))
            {
                rows.Add(new Interaction($"u{u}", $"i{i}", Rating: 1 + random.Next(9) / 2f));
            }
        }

        return new BiasedMatrixFactorizationTrainer(options ?? new() { NumberOfFactors = 6, NumberOfIterations = 20, NumberOfThreads = 1 })
            .Fit(RatingMatrix.FromLog(InteractionLog.Create(rows)));
    }

    [Fact]
    public void FoldIn_solves_the_implicit_trainers_least_squares_step_with_repeated_items_adding_up()
    {
        FactorModel model = ImplicitModel(seed: 71);
        using var recommender = new Recommender(model);
        var vector = new float[model.NumberOfFactors];

        float bias = recommender.FoldIn(null, [3, 7, 3, 12], [1f, 4f, 10f, 1f], vector);

        var (a, b, _) = ReferenceFoldIn.Implicit(model, [3, 7, 12], [11, 4, 1]);
        ReferenceFoldIn.AssertClose(ReferenceFoldIn.Solve(a, b), vector, 1e-4, "implicit fold-in");
        Assert.Equal(0f, bias);
    }

    [Fact]
    public void FoldIn_of_a_repeated_item_equals_one_event_with_the_summed_weight()
    {
        FactorModel model = ImplicitModel(seed: 72);
        using var recommender = new Recommender(model);
        var twice = new float[model.NumberOfFactors];
        var once = new float[model.NumberOfFactors];

        recommender.FoldIn(null, [5, 9, 5], [1f, 4f, 3f], twice);
        recommender.FoldIn(null, [9, 5], [4f, 4f], once);

        Assert.Equal(once, twice);
    }

    [Fact]
    public void FoldIn_of_a_trained_users_own_history_lands_on_their_trained_vector()
    {
        FactorModel model = ImplicitModel(seed: 73, epochs: 15);
        using var recommender = new Recommender(model);
        var vector = new float[model.NumberOfFactors];
        var cosines = new List<float>();

        for (int u = 0; u < model.Users.Count; u++)
        {
            recommender.FoldIn(model.Users.GetId(u), [], [], vector);
            cosines.Add(TensorPrimitives.CosineSimilarity(model.GetUserFactors(u), vector));
        }

        cosines.Sort();
        Assert.True(cosines[0] > 0.99f, $"the worst user's folded-in vector has cosine {cosines[0]:F4} with the trained one (median {cosines[cosines.Count / 2]:F4})");
    }

    [Fact]
    public void FoldIn_of_a_known_user_adds_the_new_events_to_their_training_history()
    {
        FactorModel model = ImplicitModel(seed: 74);
        using var recommender = new Recommender(model);
        int user = 5;
        int[] history = model.GetSeenItems(user).ToArray();
        float[] historyWeights = model.GetSeenWeights(user).ToArray();
        int[] newItems = [history[0], 39, 38];
        float[] newWeights = [10f, 1f, 4f];
        var known = new float[model.NumberOfFactors];
        var anonymous = new float[model.NumberOfFactors];

        recommender.FoldIn(model.Users.GetId(user), newItems, newWeights, known);
        recommender.FoldIn(null, [.. history, .. newItems], [.. historyWeights, .. newWeights], anonymous);

        Assert.Equal(anonymous, known);
        Assert.False(model.GetSeenItems(user).Contains(39) && model.GetSeenItems(user).Contains(38), "the test needs new items");
    }

    [Fact]
    public void FoldIn_of_a_user_the_model_does_not_know_uses_the_new_events_alone()
    {
        FactorModel model = ImplicitModel(seed: 75);
        using var recommender = new Recommender(model);
        var stranger = new float[model.NumberOfFactors];
        var session = new float[model.NumberOfFactors];

        recommender.FoldIn("nobody", [1, 2], [1f, 10f], stranger);
        recommender.FoldIn(null, [1, 2], [1f, 10f], session);

        Assert.Equal(session, stranger);
    }

    [Fact]
    public void FoldIn_from_events_weighs_each_event_by_its_type_times_its_value_and_reports_unknown_items()
    {
        FactorModel model = ImplicitModel(seed: 76);
        using var recommender = new Recommender(model);
        Interaction[] events =
        [
            new("anyone", "i3", "view"), new("anyone", "gone", "view"), new("anyone", "i7", "purchase", Value: 2),
            new("anyone", "gone", "cart"), new("anyone", "also-gone", "view"),
        ];
        var expected = new float[model.NumberOfFactors];
        recommender.FoldIn(null, [model.Items.GetIndex("i3"), model.Items.GetIndex("i7")], [1f, 20f], expected);

        FoldedUser user = recommender.FoldIn(null, events);

        Assert.Equal(expected, user.Factors.ToArray());
        Assert.Null(user.UserId);
        Assert.False(user.IsKnownUser);
        Assert.Equal(2, user.EventCount);
        Assert.Equal(3, user.UnknownEventCount);
        Assert.Equal(["gone", "also-gone"], user.UnknownItemIds);
        Assert.Equal(new[] { model.Items.GetIndex("i3"), model.Items.GetIndex("i7") }.Order(), user.ItemIndices.ToArray());
    }

    [Fact]
    public void FoldIn_from_new_events_of_a_known_user_keeps_their_history_and_id()
    {
        FactorModel model = ImplicitModel(seed: 77);
        using var recommender = new Recommender(model);
        string id = model.Users.GetId(3);

        FoldedUser user = recommender.FoldIn(id, [new Interaction(id, "i0", "cart")]);

        Assert.Equal(id, user.UserId);
        Assert.True(user.IsKnownUser);
        Assert.Equal(model.GetSeenItems(3).ToArray().Union([model.Items.GetIndex("i0")]).Order(), user.ItemIndices.ToArray());
    }

    [Fact]
    public void FoldIn_for_an_explicit_model_solves_the_ridge_regression_with_a_user_bias_and_the_last_rating_wins()
    {
        FactorModel model = ExplicitModel(seed: 78);
        using var recommender = new Recommender(model);
        var vector = new float[model.NumberOfFactors];

        float bias = recommender.FoldIn(null, [2, 9, 2, 20], [1f, 4.5f, 5f, 3f], vector);

        var (a, b, _) = ReferenceFoldIn.Explicit(model, [2, 9, 20], [5, 4.5, 3]);
        double[] expected = ReferenceFoldIn.Solve(a, b);
        ReferenceFoldIn.AssertClose(expected[..^1], vector, 1e-4, "explicit fold-in factors");
        ReferenceTopK.AssertClose(expected[^1], bias, 1e-4, "explicit fold-in bias");
    }

    [Fact]
    public void FoldIn_of_an_explicit_model_from_events_needs_ratings()
    {
        FactorModel model = ExplicitModel(seed: 79);
        using var recommender = new Recommender(model);

        var error = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [new Interaction("x", "i1", "view")]));

        Assert.Contains("has no rating; an explicit model folds in ratings", error.Message);
    }

    public static TheoryData<string> NotOneRidgeStep => new() { "average of 3", "bayesian" };

    [Theory]
    [MemberData(nameof(NotOneRidgeStep))]
    public void A_known_user_of_an_explicit_model_that_is_not_one_ridge_step_folds_in_as_the_trained_vector_plus_the_new_events_change(string trainer)
    {
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 6, NumberOfIterations = 20, NumberOfThreads = 1 };
        FactorModel model = ExplicitModel(seed: 80, trainer == "bayesian" ? options with { UseBayesianSampling = true } : options with { NumberOfModels = 3 });
        using var recommender = new Recommender(model);
        int user = model.Users.GetIndex("u7");
        string unseen = model.Items.Ids.First(id => !model.GetSeenItems(user).Contains(model.Items.GetIndex(id)));

        FoldedUser same = recommender.FoldIn("u7", []);
        FoldedUser loved = recommender.FoldIn("u7", [new Interaction("u7", unseen, Rating: 5)]);
        float before = model.Score(user, model.Items.GetIndex(unseen));
        float after = loved.Bias + model.GlobalBias + model.GetItemBias(model.Items.GetIndex(unseen))
            + TensorPrimitives.Dot(loved.Factors, model.GetItemFactors(model.Items.GetIndex(unseen)));
        ScoreExplanation why = recommender.Explain(loved, model.Items.GetId(0), 40);

        // With no new event, the trained vector itself (the ridge solution of the history alone was a fifth of a star away on such models).
        Assert.Equal(model.GetUserFactors(user).ToArray(), same.Factors.ToArray());
        Assert.Equal(model.GetUserBias(user), same.Bias);
        Assert.True(after > before, $"a 5 for {unseen} raises its score ({before} -> {after})");
        Assert.Equal(why.Score, why.BaseScore + why.Contributions.Sum(c => c.Value) + why.OtherContributions, 3);
    }

    [Fact]
    public void FoldIn_of_an_explicit_model_refuses_a_rating_outside_the_range_it_was_trained_on()
    {
        FactorModel model = ExplicitModel(seed: 79);   // ratings 1 to 5
        using var recommender = new Recommender(model);

        FoldedUser edge = recommender.FoldIn(null, [new Interaction("x", "i1", Rating: 5), new Interaction("x", "i2", Rating: 1)]);
        var above = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [new Interaction("x", "i1", Rating: 99)]));
        var below = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [new Interaction("x", "i2", Rating: 4), new Interaction("x", "i1", Rating: -5)]));

        Assert.Equal(2, edge.EventCount);
        Assert.Contains("The event at position 0 (item 'i1') has the rating 99, far outside the ratings the model was trained on (1 to 5)", above.Message);
        Assert.Contains("The event at position 1 (item 'i1') has the rating -5, far outside the ratings the model was trained on (1 to 5)", below.Message);
        var spans = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [model.Items.GetIndex("i1")], [99f], new float[model.NumberOfFactors]));
        Assert.Contains("The rating at position 0 is 99, far outside the ratings the model was trained on (1 to 5)", spans.Message);
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "click", "the event type 'click', which the event weights do not know (known: view, cart, purchase)" },
        { "negative", "has the value -1; values must be finite and 0 or more" },
    };

    [Theory, MemberData(nameof(BadEvents))]
    public void FoldIn_from_events_rejects_an_unknown_event_type_or_a_bad_value_naming_the_event(string kind, string expected)
    {
        FactorModel model = ImplicitModel(seed: 80);
        using var recommender = new Recommender(model);
        Interaction bad = kind == "click" ? new("x", "i2", "click") : new("x", "i2", "view", Value: -1);

        var error = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [new Interaction("x", "i1", "view"), bad]));

        Assert.Contains("The event at position 1 (item 'i2')", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void FoldIn_into_spans_rejects_mismatched_lengths_indices_outside_the_model_and_negative_weights()
    {
        FactorModel model = ImplicitModel(seed: 81);
        using var recommender = new Recommender(model);
        var vector = new float[model.NumberOfFactors];

        var lengths = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [1, 2], [1f], vector));
        var destination = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [1], [1f], new float[3]));
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => recommender.FoldIn(null, [1, 40], [1f, 1f], vector));
        var negative = Assert.Throws<ArgumentException>(() => recommender.FoldIn(null, [1, 2], [1f, -2f], vector));

        Assert.Contains("1 values; 2 are needed (one weight per item index)", lengths.Message);
        Assert.Contains("3 values; 8 are needed (one per factor)", destination.Message);
        Assert.Contains("item index 40 is not in the model, whose indices run from 0 to 39", outside.Message);
        Assert.Contains("weight at position 1 is -2", negative.Message);
    }

    [Fact]
    public void ForUser_of_a_folded_user_ranks_like_the_reference_and_leaves_out_its_items()
    {
        FactorModel model = ImplicitModel(seed: 82);
        using var recommender = new Recommender(model);
        FoldedUser user = recommender.FoldIn(null, [new Interaction("x", "i4", "purchase"), new Interaction("x", "i5", "view"), new Interaction("x", "i6", "cart")]);
        int[] history = user.ItemIndices.ToArray();

        RecommendationList list = recommender.ForUser(user, 10);

        var expected = ReferenceTopK.Select(user.Factors.ToArray(), model.ItemFactors.ToArray(), 10, i => !history.Contains(i));
        ReferenceTopK.AssertSame(expected, list.Select(r => r.ItemIndex).ToArray(), list.Select(r => r.Score).ToArray(), "folded user");
        Assert.Equal(RecommendationSource.Personalized, list.Source);
        Assert.Equal("", list.UserId);
    }

    [Fact]
    public void ForUser_of_a_folded_user_honours_a_filter_and_its_not_seen_rule_whatever_the_recommenders_setting()
    {
        using var folder = new TempDirectory();
        FactorModel model = ImplicitModel(seed: 83);
        string csv = folder.Write("items.csv", "item_id,bucket\n" + string.Join('\n', Enumerable.Range(0, 40).Select(i => $"i{i},{i % 4}")) + "\n");
        ItemCatalog catalog = ItemCatalog.ReadCsv(csv);
        CompiledFilter filter = FilterCompiler.Compile(FilterText.Parse("bucket < 2 and not seen", catalog.Schema).Value!, catalog, model.Items);
        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = false });
        FoldedUser user = recommender.FoldIn(null, [new Interaction("x", "i0", "purchase"), new Interaction("x", "i1", "view")]);

        RecommendationList list = recommender.ForUser(user, 100, filter);

        Assert.Equal(20 - 2, list.Count);
        Assert.All(list, r => Assert.True(int.Parse(r.ItemId[1..]) % 4 < 2 && r.ItemId is not ("i0" or "i1"), r.ItemId));
    }

    [Fact]
    public void ForUser_of_a_folded_user_with_no_known_item_answers_with_the_cold_start_policy()
    {
        FactorModel model = ImplicitModel(seed: 84);
        using var recommender = new Recommender(model);
        FoldedUser user = recommender.FoldIn(null, [new Interaction("x", "unknown", "view")]);

        RecommendationList list = recommender.ForUser(user, 5);

        Assert.Equal(RecommendationSource.PopularFallback, list.Source);
        Assert.Equal(recommender.ForUser("nobody", 5).Select(r => r.ItemId), list.Select(r => r.ItemId));
        Assert.Equal(1, user.UnknownEventCount);
    }

    [Fact]
    public void A_folded_user_is_refused_by_a_recommender_of_another_model()
    {
        FactorModel model = ImplicitModel(seed: 85);
        using var one = new Recommender(model);
        using var other = new Recommender(ImplicitModel(seed: 86));
        FoldedUser user = one.FoldIn(null, [new Interaction("x", "i1", "view")]);

        var error = Assert.Throws<ArgumentException>(() => other.ForUser(user, 5));

        Assert.Contains("folded in by a recommender of another model", error.Message);
    }

    [Fact]
    public void FoldIn_and_ForUser_into_spans_allocate_nothing_after_a_warm_up()
    {
        FactorModel model = ImplicitModel(seed: 87);
        using var recommender = new Recommender(model);
        int[] items = [1, 5, 9, 5, 30];
        float[] weights = [1f, 4f, 10f, 1f, 1f];
        int[] excluded = [1, 5, 9, 30];
        var vector = new float[model.NumberOfFactors];
        var destination = new Recommendation[10];
        string known = model.Users.GetId(2);
        recommender.FoldIn(null, items, weights, vector);
        recommender.FoldIn(known, items, weights, vector);
        recommender.ForUser(vector, 0f, excluded, null, destination);

        long written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int call = 0; call < 100; call++)
            {
                items[0] = call % 40;
                recommender.FoldIn(null, items, weights, vector);
                recommender.FoldIn(known, items, weights, vector);
                written += recommender.ForUser(vector, 0f, excluded, null, destination);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(runs * 1000, written);
    }
}
