using Personalize.Core.Evaluation;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>
/// Each ranking metric of <see cref="RankingEvaluation.EvaluateLists"/> against a small example computed by hand. Items are i0…i7; a user's
/// relevant set is their held-out items minus their seen items. Ranks in the comments are 1-based.
/// </summary>
public sealed class RankingMetricTests
{
    private const int Digits = 10;

    [Fact]
    public void Precision_is_hits_over_K_even_for_a_short_list()
    {
        RankingReport report = Evaluate(k: 4,
            ("u", Seen: [], HeldOut: ["i1", "i3"], List: ["i0", "i1", "i2", "i3"]),
            ("v", Seen: [], HeldOut: ["i0"], List: ["i0", "i3"]));

        // u: 2 hits / 4 = 0.5. v: 1 hit / 4 = 0.25 (a list of 2 still divides by K, not by 2). Mean (0.5 + 0.25) / 2 = 0.375.
        Assert.Equal(2, report.UsersEvaluated);
        Assert.Equal(0.375, report.Precision, Digits);
    }

    [Fact]
    public void Recall_is_hits_over_the_number_of_relevant_items()
    {
        RankingReport report = Evaluate(k: 2,
            ("u", Seen: [], HeldOut: ["i1", "i2", "i3"], List: ["i1", "i0"]),
            ("v", Seen: [], HeldOut: ["i0"], List: ["i0", "i1"]));

        // u: 1 hit / 3 relevant = 1/3. v: 1 / 1 = 1. Mean (1/3 + 1) / 2 = 2/3.
        Assert.Equal(2.0 / 3, report.Recall, Digits);
    }

    [Fact]
    public void Ndcg_with_fewer_relevant_items_than_K_takes_the_ideal_over_the_relevant_items()
    {
        RankingReport report = Evaluate(k: 3,
            ("u", Seen: [], HeldOut: ["i2"], List: ["i0", "i1", "i2"]),
            ("v", Seen: [], HeldOut: ["i0", "i1"], List: ["i1", "i5", "i0"]));

        // u: DCG = 1/log2(3 + 1) = 0.5; ideal over min(3, 1) = 1 hit = 1/log2(2) = 1; NDCG 0.5.
        // v: DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal over min(3, 2) = 2 hits = 1 + 1/log2(3) = 1.63093; NDCG 0.91972.
        // Mean (0.5 + 0.91972) / 2 = 0.70986.
        double expected = (0.5 + 1.5 / (1 + 1 / Math.Log2(3))) / 2;
        Assert.Equal(0.709860, expected, 6);
        Assert.Equal(expected, report.Ndcg, Digits);
    }

    [Fact]
    public void Ndcg_with_more_relevant_items_than_K_takes_the_ideal_over_K_hits()
    {
        RankingReport report = Evaluate(k: 2,
            ("u", Seen: [], HeldOut: ["i0", "i1", "i2"], List: ["i3", "i0"]));

        // DCG = 1/log2(2 + 1) = 0.63093. Ideal over min(2, 3) = 2 hits = 1 + 0.63093 = 1.63093. NDCG = 0.38685.
        // (An ideal over all 3 relevant items would give 0.63093 / 2.13093 = 0.29608.)
        Assert.Equal(0.386853, report.Ndcg, 6);
        Assert.Equal(1 / Math.Log2(3) / (1 + 1 / Math.Log2(3)), report.Ndcg, Digits);
    }

    [Fact]
    public void Ndcg_of_a_list_shorter_than_K_still_takes_the_ideal_over_min_of_K_and_the_relevant_items()
    {
        RankingReport report = Evaluate(k: 4,
            ("u", Seen: [], HeldOut: ["i0", "i1", "i2"], List: ["i0"]));

        // DCG = 1/log2(2) = 1. Ideal over min(4, 3) = 3 hits = 1 + 1/log2(3) + 1/log2(4) = 2.13093. NDCG = 0.469279.
        // (An ideal over the list's length would give 1.)
        Assert.Equal(0.469279, report.Ndcg, 6);
        Assert.Equal(1 / (1.5 + 1 / Math.Log2(3)), report.Ndcg, Digits);
    }

    [Fact]
    public void Mean_average_precision_divides_by_min_of_K_and_the_number_of_relevant_items()
    {
        RankingReport report = Evaluate(k: 4,
            ("u", Seen: [], HeldOut: ["i0", "i2", "i5"], List: ["i0", "i1", "i2", "i3"]),
            ("v", Seen: [], HeldOut: ["i1"], List: ["i0", "i2", "i3", "i1"]),
            ("w", Seen: [], HeldOut: ["i0", "i1", "i2", "i3", "i4"], List: ["i5", "i0", "i1", "i6"]));

        // u: hits at ranks 1 and 3: (1/1 + 2/3) / min(4, 3) = (5/3) / 3 = 5/9.
        // v: hit at rank 4: (1/4) / min(4, 1) = 1/4.
        // w: hits at ranks 2 and 3: (1/2 + 2/3) / min(4, 5) = (7/6) / 4 = 7/24.
        // MAP = (5/9 + 1/4 + 7/24) / 3 = (40 + 18 + 21) / 72 / 3 = 79/216 = 0.36574.
        Assert.Equal(79.0 / 216, report.MeanAveragePrecision, Digits);
    }

    [Fact]
    public void Mean_reciprocal_rank_uses_the_first_hit_within_K_only()
    {
        RankingReport report = Evaluate(k: 3,
            ("u", Seen: [], HeldOut: ["i2"], List: ["i0", "i1", "i2"]),
            ("v", Seen: [], HeldOut: ["i2"], List: ["i0", "i1", "i3", "i2"]),
            ("w", Seen: [], HeldOut: ["i0", "i1"], List: ["i0", "i1"]));

        // u: first hit at rank 3 → 1/3. v: its hit is at rank 4, beyond K = 3 → 0. w: first hit at rank 1 → 1.
        // MRR = (1/3 + 0 + 1) / 3 = 4/9.
        Assert.Equal(4.0 / 9, report.MeanReciprocalRank, Digits);
    }

    [Fact]
    public void Hit_rate_is_the_share_of_users_with_a_hit()
    {
        RankingReport report = Evaluate(k: 2,
            ("u", Seen: [], HeldOut: ["i1"], List: ["i0", "i1"]),
            ("v", Seen: [], HeldOut: ["i5"], List: ["i0", "i1"]),
            ("w", Seen: [], HeldOut: ["i0"], List: ["i0"]));

        // u and w have a hit, v has none: 2 / 3.
        Assert.Equal(2.0 / 3, report.HitRate, Digits);
    }

    [Fact]
    public void Coverage_counts_distinct_items_of_the_evaluated_users_over_the_catalogue()
    {
        RankingReport report = Evaluate(k: 3,
            ("u", Seen: [], HeldOut: ["i0"], List: ["i0", "i1", "i2"]),
            ("v", Seen: [], HeldOut: ["i0"], List: ["i2", "i3", "i4"]),
            ("x", Seen: ["i0"], HeldOut: ["i0"], List: ["i5", "i6", "i7"]));

        // x's only held-out item was seen in training, so x is skipped and its list never asked for.
        // Distinct items of u and v: {i0, i1, i2, i3, i4} = 5 of 8 items = 0.625.
        Assert.Equal((2, 1), (report.UsersEvaluated, report.UsersSkipped));
        Assert.Equal(5.0 / 8, report.Coverage, Digits);
    }

    [Fact]
    public void Seen_items_in_a_list_are_counted_and_are_never_hits()
    {
        RankingReport report = Evaluate(k: 3,
            ("u", Seen: ["i0", "i1"], HeldOut: ["i2", "i1"], List: ["i0", "i2", "i1"]),
            ("v", Seen: ["i3"], HeldOut: ["i4"], List: ["i4", "i5", "i6"]));

        // u: i0 and i1 were seen in training → 2 seen items; relevant {i2} (i1 was seen) → 1 hit, at rank 2.
        // v: no seen item in the list; 1 hit at rank 1. Seen total 2 + 0 = 2.
        // Precision (1/3 + 1/3) / 2 = 1/3; recall (1 + 1) / 2 = 1; MRR (1/2 + 1) / 2 = 3/4.
        Assert.Equal(2, report.SeenItemsRecommended);
        Assert.Equal(1.0 / 3, report.Precision, Digits);
        Assert.Equal(1.0, report.Recall, Digits);
        Assert.Equal(0.75, report.MeanReciprocalRank, Digits);
    }

    [Fact]
    public void All_metrics_of_one_run_match_the_hand_computed_values()
    {
        RankingReport report = Evaluate(k: 3,
            ("a", Seen: ["i0"], HeldOut: ["i1", "i2", "i3"], List: ["i2", "i4", "i1"]),
            ("b", Seen: ["i1"], HeldOut: ["i4"], List: ["i0", "i4", "i2"]),
            ("c", Seen: [], HeldOut: ["i0", "i2", "i3", "i4", "i5"], List: ["i1", "i0", "i2"]));

        // a: |R| = 3, hits at 1 and 3. P 2/3, R 2/3, DCG 1 + 1/2 = 1.5 over ideal 1 + 1/log2(3) + 1/2, AP (1 + 2/3) / 3 = 5/9, RR 1.
        // b: |R| = 1, hit at 2.        P 1/3, R 1,   DCG 1/log2(3) over ideal 1,                     AP (1/2) / 1 = 1/2,   RR 1/2.
        // c: |R| = 5, hits at 2 and 3. P 2/3, R 2/5, DCG 1/log2(3) + 1/2 over ideal as a's,          AP (1/2 + 2/3) / 3 = 7/18, RR 1/2.
        // Coverage {i0, i1, i2, i4} = 4 / 8. No seen item is listed.
        double g2 = 1 / Math.Log2(3), ideal3 = 1 + g2 + 0.5;
        var expected = new RankingReport(K: 3, UsersEvaluated: 3, UsersSkipped: 0,
            Precision: (2.0 / 3 + 1.0 / 3 + 2.0 / 3) / 3,
            Recall: (2.0 / 3 + 1 + 2.0 / 5) / 3,
            Ndcg: (1.5 / ideal3 + g2 + (g2 + 0.5) / ideal3) / 3,
            HitRate: 1,
            MeanAveragePrecision: (5.0 / 9 + 1.0 / 2 + 7.0 / 18) / 3,
            MeanReciprocalRank: (1 + 0.5 + 0.5) / 3,
            Coverage: 0.5,
            SeenItemsRecommended: 0,
            UnknownItemsSkipped: 0);
        Assert.Equal(Rounded(expected), Rounded(report));
        Assert.Equal(13.0 / 27, report.MeanAveragePrecision, Digits);
        Assert.Equal(5.0 / 9, report.Precision, Digits);
    }

    /// <summary>Builds a model over i0…i7 with the given users and seen items and evaluates the given lists against the held-out items.</summary>
    private static RankingReport Evaluate(int k, params (string User, string[] Seen, string[] HeldOut, string[] List)[] users)
    {
        FactorModel model = TinyModels.Create([.. users.Select(u => u.User)], TinyModels.Items(8), users.ToDictionary(u => u.User, u => u.Seen));
        var heldOut = TinyModels.HeldOut([.. users.SelectMany(u => u.HeldOut.Select(item => (u.User, item)))]);
        var lists = users.ToDictionary(u => u.User, u => u.List);
        var asked = new List<string>();
        RankingReport report = RankingEvaluation.EvaluateLists(model, heldOut, k, user =>
        {
            string id = model.Users.GetId(user);
            asked.Add(id);
            return [.. lists[id].Select(model.Items.GetIndex)];
        });

        Assert.Equal(report.UsersEvaluated, asked.Count);
        return report;
    }

    /// <summary>The report with its averages rounded, so a record comparison tolerates the last bits of the arithmetic.</summary>
    private static RankingReport Rounded(RankingReport report) => report with
    {
        Precision = Math.Round(report.Precision, Digits),
        Recall = Math.Round(report.Recall, Digits),
        Ndcg = Math.Round(report.Ndcg, Digits),
        HitRate = Math.Round(report.HitRate, Digits),
        MeanAveragePrecision = Math.Round(report.MeanAveragePrecision, Digits),
        MeanReciprocalRank = Math.Round(report.MeanReciprocalRank, Digits),
        Coverage = Math.Round(report.Coverage, Digits),
    };
}
