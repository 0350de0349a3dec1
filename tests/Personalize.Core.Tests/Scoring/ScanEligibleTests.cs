using Personalize.Core.Scoring;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Scoring;

public sealed class ScanEligibleTests
{
    public static TheoryData<int, int, double> Cases => new()
    {
        { 0, 8, 0.5 }, { 1, 8, 1.0 }, { 63, 16, 0.1 }, { 64, 16, 0.5 }, { 65, 3, 0.3 }, { 257, 64, 0.05 }, { 1000, 64, 0.01 }, { 1000, 65, 0.5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scoring_only_eligible_items_equals_the_reference_and_the_full_scan_with_the_bitset(int itemCount, int rank, double selectivity)
    {
        var random = new Random(itemCount * 31 + rank);
        float[] user = Enumerable.Range(0, rank).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] items = Enumerable.Range(0, itemCount * rank).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] bias = Enumerable.Range(0, itemCount).Select(_ => (float)(random.NextDouble() * 0.1)).ToArray();
        var eligible = new ulong[(itemCount + 63) / 64 + 1];
        for (int i = 0; i < itemCount; i++)
        {
            if (random.NextDouble() < selectivity)
            {
                eligible[i >> 6] |= 1UL << (i & 63);
            }
        }

        int[] excluded = Enumerable.Range(0, itemCount).Where(i => i % 7 == 3).ToArray();
        foreach (int k in new[] { 1, 5, 10 })
        {
            var expected = ReferenceTopK.Select(user, items, k, i => (eligible[i >> 6] & (1UL << (i & 63))) != 0 && i % 7 != 3, bias);
            float[] scores = new float[k], fullScores = new float[k];
            int[] best = new int[k], fullBest = new int[k];
            int kept = 0, fullKept = 0;

            TopKScorer.ScanEligible(user, items, excluded, eligible, bias, scores, best, ref kept);
            TopKScorer.Scan(user, items, 0, itemCount, excluded, eligible, bias, fullScores, fullBest, ref fullKept);
            MinHeap.SortDescending(scores, best, kept);
            MinHeap.SortDescending(fullScores, fullBest, fullKept);

            ReferenceTopK.AssertSame(expected, best.AsSpan(0, kept), scores.AsSpan(0, kept), $"{itemCount} items, rank {rank}, k {k}");
            Assert.Equal(best.AsSpan(0, kept).ToArray(), fullBest.AsSpan(0, fullKept).ToArray());
        }

        Assert.Equal(Enumerable.Range(0, itemCount).Count(i => (eligible[i >> 6] & (1UL << (i & 63))) != 0), TopKScorer.CountEligible(eligible));
    }

    [Fact]
    public void A_bitset_too_short_for_the_items_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
        {
            int kept = 0;
            TopKScorer.ScanEligible(new float[4], new float[4 * 130], default, new ulong[2], default, new float[3], new int[3], ref kept);
        });

        Assert.Contains("3 are needed for 130 items", exception.Message);
    }
}
