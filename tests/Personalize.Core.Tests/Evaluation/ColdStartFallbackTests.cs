using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Newcomers: recency-weighted popularity (<see cref="PopularityCounter"/>), the fallback choice
/// (<see cref="AutoTuner.ChooseFallback"/>) and their evaluation (<see cref="RankingEvaluation.EvaluateNewUsers"/>).</summary>
public sealed class ColdStartFallbackTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>200 days; items i0–i9 sell in the first 100 days and i10–i19 in the last 100. Every day 6 users arrive and each buys 3 items
    /// of the current era, so "what sells now" is the right list for a newcomer and all-time popularity mixes both eras.</summary>
    private static InteractionLog Drifting(int seed = 9)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        int user = 0;
        for (int day = 0; day < 200; day++)
        {
            int era = day < 100 ? 0 : 10;
            for (int u = 0; u < 6; u++, user++)
            {
                for (int e = 0; e < 3; e++)
                {
                    int item = era + (int)(10 * Math.Pow(random.NextDouble(), 2));
                    rows.Add(new Interaction($"u{user}", $"i{item}", Timestamp: Start.AddDays(day).AddMinutes(random.Next(1440))));
                }
            }
        }

        return InteractionLog.Create(rows);
    }

    [Fact]
    public void Count_without_a_half_life_is_distinct_users_per_item()
    {
        InteractionLog log = InteractionLog.Create([new("a", "x"), new("a", "x"), new("b", "x"), new("b", "y")]);

        float[] counts = PopularityCounter.Count(log, log.Items);

        Assert.Equal([2f, 1f], counts);
    }

    [Fact]
    public void Count_with_a_half_life_weighs_each_pair_by_its_latest_row()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new("a", "x", Timestamp: Start), new("a", "x", Timestamp: Start.AddDays(10)),   // latest row: 0 days old
            new("b", "x", Timestamp: Start), new("b", "y", Timestamp: Start.AddDays(5)),    // 10 and 5 days old
        ]);

        float[] counts = PopularityCounter.Count(log, log.Items, TimeSpan.FromDays(5));

        Assert.Equal(1 + 0.25, counts[0], 1e-5);
        Assert.Equal(0.5, counts[1], 1e-5);
    }

    [Fact]
    public void Count_follows_the_given_item_map_and_checks_its_arguments()
    {
        InteractionLog log = InteractionLog.Create([new("a", "x", Timestamp: Start), new("b", "z", Timestamp: Start)]);
        IdMap items = InteractionLog.Create([new("u", "z"), new("u", "w"), new("u", "x")]).Items;

        Assert.Equal([1f, 0f, 1f], PopularityCounter.Count(log, items));
        Assert.Throws<ArgumentException>(() => PopularityCounter.Count(log, items, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => PopularityCounter.Count(InteractionLog.Create([new("a", "x")]), items, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void A_drifting_catalogue_gets_a_recency_weighted_fallback_that_serves_newcomers_better()
    {
        InteractionLog log = Drifting();

        FallbackChoice choice = AutoTuner.ChooseFallback(log);

        Assert.NotNull(choice.HalfLife);
        Assert.True(choice.Score >= 1.03 * choice.AllTimeScore, choice.Reason);
        Assert.True(choice.NewUsers >= 20, choice.Reason);
        Assert.StartsWith("popularity with a half-life of", choice.Reason);
    }

    [Fact]
    public void A_stable_catalogue_or_a_log_without_time_keeps_all_time_popularity()
    {
        var random = new Random(4);
        var rows = new List<Interaction>();
        for (int user = 0; user < 600; user++)
        {
            rows.Add(new Interaction($"u{user}", $"i{(int)(20 * Math.Pow(random.NextDouble(), 2))}", Timestamp: Start.AddHours(user)));
        }

        FallbackChoice stable = AutoTuner.ChooseFallback(InteractionLog.Create(rows));
        FallbackChoice timeless = AutoTuner.ChooseFallback(InteractionLog.Create([.. rows.Select(r => r with { Timestamp = null })]));

        Assert.Null(stable.HalfLife);
        Assert.StartsWith("all-time popularity", stable.Reason);
        Assert.Null(timeless.HalfLife);
        Assert.Contains("no timestamps", timeless.Reason);
    }

    [Fact]
    public void New_users_are_scored_on_the_recommenders_cold_start_list_and_known_users_are_skipped()
    {
        InteractionLog train = InteractionLog.Create([new("a", "x"), new("a", "y"), new("b", "x"), new("c", "z")]);
        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 2, NumberOfIterations = 2 }).Fit(FeedbackMatrix.FromLog(train));
        using var recommender = new Recommender(model);
        InteractionLog heldOut = InteractionLog.Create(
        [
            new("a", "z"),                           // known: skipped
            new("n1", "x"), new("n1", "unknown"),    // popular order is x (2 users), then y and z: a hit at rank 1
            new("n2", "z"),                          // a hit at rank 3 (y and z tie at 1 user; the lower index, y, comes first)
            new("n3", "unknown"),                    // nothing the model knows: skipped
        ]);

        RankingReport report = RankingEvaluation.EvaluateNewUsers(recommender, heldOut, 3);

        Assert.Equal(2, report.UsersEvaluated);
        Assert.Equal(2, report.UsersSkipped);
        Assert.Equal(2, report.UnknownItemsSkipped);   // (n1, unknown) and (n3, unknown)
        Assert.Equal((1.0 + 1 / Math.Log2(4)) / 2, report.Ndcg, 1e-9);
        Assert.Equal(1.0, report.Recall, 1e-9);
    }

    [Fact]
    public void With_item_popularity_replaces_what_the_cold_start_list_ranks_by()
    {
        InteractionLog train = InteractionLog.Create([new("a", "x"), new("b", "x"), new("c", "y")]);
        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 2, NumberOfIterations = 2 }).Fit(FeedbackMatrix.FromLog(train));

        FactorModel recent = model.WithItemPopularity([0.5f, 3f]);

        using var recommender = new Recommender(recent);
        Assert.Equal("y", recommender.ForUser("newcomer", 1)[0].ItemId);
        Assert.Equal(model.UserFactors.ToArray(), recent.UserFactors.ToArray());
        Assert.Throws<ArgumentException>(() => model.WithItemPopularity([1f]));
        Assert.Throws<ArgumentException>(() => model.WithItemPopularity([1f, float.NaN]));
        Assert.Throws<ArgumentException>(() => model.WithItemPopularity([1f, -1f]));
    }

    [Fact]
    public void With_properties_adds_and_replaces_and_keeps_the_rest()
    {
        InteractionLog train = InteractionLog.Create([new("a", "x"), new("b", "y")]);
        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 2, NumberOfIterations = 2 }).Fit(FeedbackMatrix.FromLog(train));

        FactorModel tagged = model.WithProperties([new("note", "hello"), new("factors", "changed")]);

        Assert.Equal("hello", tagged.Properties["note"]);
        Assert.Equal("changed", tagged.Properties["factors"]);
        Assert.Equal(model.Properties["trainer"], tagged.Properties["trainer"]);
        Assert.False(model.Properties.ContainsKey("note"));
    }
}
