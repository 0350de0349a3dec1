using Personalize.Core.Data;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

public sealed class RecommenderRankTests : IClassFixture<CustomShop>
{
    private readonly CustomShop _shop;

    public RecommenderRankTests(CustomShop shop) => _shop = shop;

    /// <summary>Random candidates from the model's and the catalogue's items, with random text scores on a coarse grid (so ties occur).</summary>
    private static List<RankCandidate> Candidates(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new RankCandidate(
            random.Next(5) == 0 ? $"extra-{random.Next(40)}" : $"item-{random.Next(300)}", random.Next(0, 8) * 1.5f))];
    }

    [Fact]
    public void Rank_blends_normalized_text_and_model_scores_with_the_documented_formula()
    {
        List<RankCandidate> candidates = Candidates(seed: 1, count: 60);
        var options = new RankOptions { PersonalizationWeight = 0.4f };
        int user = 5;

        RankedList ranked = _shop.Recommender.Rank($"user-{user}", candidates, options);

        // Reference: min-max both scores over the candidates; candidates unknown to the model get the mean normalized model score.
        float textMin = candidates.Min(c => c.Score), textMax = candidates.Max(c => c.Score);
        var known = candidates.Where(c => _shop.Model.Items.TryGetIndex(c.ItemId, out _)).Select(c => _shop.Model.Score(user, _shop.Model.Items.GetIndex(c.ItemId))).ToList();
        float modelMin = known.Min(), modelMax = known.Max();
        double meanTaste = known.Average(s => (s - modelMin) / (modelMax - modelMin));
        Assert.Equal(RecommendationSource.Personalized, ranked.Source);
        Assert.Equal(candidates.Count, ranked.Count);
        foreach (RankedItem item in ranked)
        {
            RankCandidate c = candidates[item.CandidateIndex];
            Assert.Equal(c.ItemId, item.ItemId);
            double text = (c.Score - textMin) / (textMax - textMin);
            double taste = _shop.Model.Items.TryGetIndex(c.ItemId, out int m) ? (_shop.Model.Score(user, m) - modelMin) / (modelMax - modelMin) : meanTaste;
            Assert.Equal((0.6 * text) + (0.4 * taste), item.Score, 1e-4);
        }

        Assert.True(ranked.Zip(ranked.Skip(1)).All(p => p.First.Score >= p.Second.Score), "not best first");
    }

    [Fact]
    public void Personalization_changes_the_order_and_weight_zero_keeps_the_text_order()
    {
        List<RankCandidate> candidates = Candidates(seed: 2, count: 80);

        RankedList personal = _shop.Recommender.Rank("user-3", candidates, new RankOptions { PersonalizationWeight = 0.9f });
        RankedList textOnly = _shop.Recommender.Rank("user-3", candidates, new RankOptions { PersonalizationWeight = 0f });

        Assert.NotEqual(textOnly.Select(r => r.CandidateIndex), personal.Select(r => r.CandidateIndex));
        Assert.True(textOnly.Zip(textOnly.Skip(1)).All(p => candidates[p.First.CandidateIndex].Score >= candidates[p.Second.CandidateIndex].Score));
    }

    [Theory]
    [InlineData("nobody", false, RecommendationSource.PopularFallback)]
    [InlineData("user-3", true, RecommendationSource.NonPersonal)]
    public void Unknown_and_opted_out_users_get_text_order_with_popularity_then_candidate_order_breaking_ties(string user, bool optOut, RecommendationSource expected)
    {
        List<RankCandidate> candidates = Candidates(seed: 3, count: 120);
        UserPreferences? preferences = optOut ? new UserPreferences { PersonalizationOptOut = true } : null;

        RankedList ranked = _shop.Recommender.Rank(user, candidates, preferences: preferences);

        float Popularity(string id) => _shop.Model.Items.TryGetIndex(id, out int m) ? _shop.Model.ItemPopularity[m] : 0;
        List<int> reference = [.. Enumerable.Range(0, candidates.Count).OrderByDescending(i => candidates[i].Score)
            .ThenByDescending(i => Popularity(candidates[i].ItemId)).ThenBy(i => i)];
        Assert.Equal(expected, ranked.Source);
        Assert.Equal(reference, ranked.Select(r => r.CandidateIndex));
    }

    [Fact]
    public void Seen_items_are_kept_and_every_candidate_appears_once_per_occurrence()
    {
        int user = 4;
        List<RankCandidate> candidates = [.. _shop.Model.GetSeenItems(user).ToArray().Select(i => new RankCandidate(_shop.Model.Items.GetId(i), 1f)),
            new RankCandidate("item-0", 2f), new RankCandidate("item-0", 2f)];

        RankedList ranked = _shop.Recommender.Rank($"user-{user}", candidates);

        Assert.Equal(Enumerable.Range(0, candidates.Count), ranked.Select(r => r.CandidateIndex).Order());
    }

    [Fact]
    public void Rank_refuses_non_finite_scores_and_null_ids_naming_the_candidate()
    {
        var nan = Assert.Throws<ArgumentException>(() => _shop.Recommender.Rank("user-1", [new("item-1", 1), new("item-2", float.NaN)]));
        var nullId = Assert.Throws<ArgumentException>(() => _shop.Recommender.Rank("user-1", [new(null!, 1)]));

        Assert.Contains("index 1 ('item-2')", nan.Message, StringComparison.Ordinal);
        Assert.Contains("index 0", nullId.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RankOptions_has_the_documented_defaults_and_rejects_a_weight_outside_0_to_1()
    {
        var defaults = new RankOptions();
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => _shop.Recommender.Rank("user-1", [], new RankOptions { PersonalizationWeight = 1.5f }));

        Assert.Equal((0.7f, true), (defaults.PersonalizationWeight, defaults.Personalize));
        Assert.Equal("RankOptions is invalid (1 error): PersonalizationWeight = 1.5: must be between 0 and 1.", error.Message);
    }

    [Fact]
    public void ByScore_orders_by_score_with_ties_in_candidate_order_and_says_non_personal()
    {
        List<RankCandidate> candidates = Candidates(seed: 4, count: 50);

        RankedList ranked = RankedList.ByScore(candidates);

        Assert.Equal(RecommendationSource.NonPersonal, ranked.Source);
        Assert.Equal(Enumerable.Range(0, 50).OrderByDescending(i => candidates[i].Score).ThenBy(i => i), ranked.Select(r => r.CandidateIndex));
        Assert.Equal(1f, ranked[0].Score);
    }

    [Fact]
    public void A_folded_user_is_ranked_by_the_folded_in_taste_and_one_with_nothing_new_as_their_id_is()
    {
        var candidates = Enumerable.Range(100, 40).Select(i => new RankCandidate($"item-{i}", 1f)).ToList();   // equal text: taste alone orders
        var tasteOnly = new RankOptions { PersonalizationWeight = 1f };

        // Nothing new: exactly the ranking by id, for a known user and for a visitor alike.
        FoldedUser quiet = _shop.Recommender.FoldIn("user-7", []);
        Assert.Equal(_shop.Recommender.Rank("user-7", candidates, tasteOnly).Select(r => r.ItemId), _shop.Recommender.Rank(quiet, candidates, tasteOnly).Select(r => r.ItemId));
        Assert.Equal(RecommendationSource.PopularFallback, _shop.Recommender.Rank(_shop.Recommender.FoldIn("visitor-9", []), candidates, tasteOnly).Source);

        // A visitor with a few clicks: personalized, in the order of their folded-in scores (ForUser over the same vector).
        FoldedUser visitor = _shop.Recommender.FoldIn("visitor-9", [new Interaction("visitor-9", "item-3", "view"), new Interaction("visitor-9", "item-17", "purchase")]);
        RankedList ranked = _shop.Recommender.Rank(visitor, candidates, tasteOnly);
        Assert.Equal(RecommendationSource.Personalized, ranked.Source);
        Assert.Equal("visitor-9", ranked.UserId);
        HashSet<string> ids = [.. candidates.Select(c => c.ItemId)];
        string[] byTaste = [.. _shop.Recommender.ForUser(visitor, _shop.Model.Items.Count).Where(r => ids.Contains(r.ItemId)).Select(r => r.ItemId)];
        Assert.Equal(byTaste, ranked.Select(r => r.ItemId));
        Assert.NotEqual(_shop.Recommender.Rank("visitor-9", candidates, tasteOnly).Select(r => r.ItemId), ranked.Select(r => r.ItemId));

        // Opted out or not personalized: the non-personal order; another model's fold is refused.
        Assert.Equal(RecommendationSource.NonPersonal, _shop.Recommender.Rank(visitor, candidates, tasteOnly, new UserPreferences { PersonalizationOptOut = true }).Source);
        Assert.Equal(RecommendationSource.NonPersonal, _shop.Recommender.Rank(visitor, candidates, tasteOnly with { Personalize = false }).Source);
        using var other = new Recommender(_shop.Model.WithItemPopularity(new float[_shop.Model.Items.Count]));
        Assert.Throws<ArgumentException>(() => other.Rank(visitor, candidates));
    }
}
