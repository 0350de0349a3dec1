using Personalize.Core.Scoring;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Scoring;

/// <summary>
/// <see cref="TopKScorer.ScanInt8"/> returns exactly what <see cref="TopKScorer.Scan"/> returns (the same items in the same order and
/// bit-identical scores) on random factors, on ties, with filters, exclusions and biases, on zero and non-finite vectors, and for k larger
/// than the catalogue; with the VNNI integer sums and with the plain loops. Trained factors: <c>RecommenderInt8Tests</c>.
/// </summary>
public sealed class ScanInt8Tests
{
    public static TheoryData<int, int> RanksAndCounts
    {
        get
        {
            var data = new TheoryData<int, int>();
            foreach (int rank in new[] { 1, 3, 8, 17, 64, 65, 100 })
            {
                foreach (int count in new[] { 0, 1, 17, 160, 161, 3000 })
                {
                    data.Add(rank, count);
                }
            }

            return data;
        }
    }

    [Theory, MemberData(nameof(RanksAndCounts))]
    public void ScanInt8_matches_the_fp32_scan_on_random_factors(int rank, int itemCount)
    {
        int seed = 10_000 + 100 * rank + itemCount;
        var random = new Random(seed);
        float[] user = Gaussian(random, rank);
        float[] items = PopularityScaled(random, itemCount, rank);
        foreach (int k in new[] { 1, 10, 64 })
        {
            AssertSameAsScan(user, items, k, $"seed {seed}, rank {rank}, {itemCount} items, k {k}");
        }
    }

    [Fact]
    public void ScanInt8_rescores_only_a_small_candidate_set_on_random_factors()
    {
        // The exactness tests would pass if the pre-scan kept every item; this one fails if it stops pruning.
        var random = new Random(77);
        const int Rank = 64, ItemCount = 20_000;
        float[] user = Gaussian(random, Rank);
        float[] items = PopularityScaled(random, ItemCount, Rank);
        Int8ItemFactors compact = Int8ItemFactors.Build(items, Rank);
        var scores = new float[10];
        var best = new int[10];
        int kept = 0;

        int rescored = TopKScorer.ScanInt8(user, items, compact, 0, ItemCount, default, default, default, scores, best, ref kept);

        Assert.InRange(rescored, 10, ItemCount / 50);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(65)]
    public void ScanInt8_matches_the_fp32_scan_with_filters_exclusions_and_biases(int rank)
    {
        int seed = 20_000 + rank;
        var random = new Random(seed);
        const int ItemCount = 2000;
        float[] user = Gaussian(random, rank);
        float[] items = PopularityScaled(random, ItemCount, rank);
        float[] bias = Gaussian(random, ItemCount);
        var exclusionChances = new Func<int, double>[] { _ => 0.3, i => i % 3 == 0 ? 0.9 : 0.1 };
        foreach (Func<int, double> excludeChance in exclusionChances)
        {
            int[] excluded = Enumerable.Range(0, ItemCount).Where(i => random.NextDouble() < excludeChance(i)).ToArray();
            var eligible = new ulong[(ItemCount + 63) / 64];
            for (int i = 0; i < ItemCount; i++)
            {
                if (random.NextDouble() < 0.7)
                {
                    eligible[i >> 6] |= 1UL << (i & 63);
                }
            }

            AssertSameAsScan(user, items, 10, $"seed {seed}, rank {rank}, filter and exclusions", excluded, eligible);
            AssertSameAsScan(user, items, 10, $"seed {seed}, rank {rank}, biases", itemBias: bias);
            AssertSameAsScan(user, items, 25, $"seed {seed}, rank {rank}, all three", excluded, eligible, bias);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(33)]
    public void ScanInt8_breaks_ties_like_the_fp32_scan(int rank)
    {
        // 40 distinct vectors, each repeated 50 times in a shuffled order, on the 1/64 grid: many exact ties at the top.
        var random = new Random(30_000 + rank);
        float[][] distinct = Enumerable.Range(0, 40).Select(_ => TestModels.Values(random, rank)).ToArray();
        int[] order = Enumerable.Range(0, 2000).Select(i => i % 40).OrderBy(_ => random.Next()).ToArray();
        float[] items = order.SelectMany(i => distinct[i]).ToArray();
        float[] user = TestModels.Values(random, rank);

        foreach (int k in new[] { 1, 10, 60, 120 })
        {
            AssertSameAsScan(user, items, k, $"rank {rank}, k {k}");
        }
    }

    [Fact]
    public void ScanInt8_matches_the_fp32_scan_for_a_zero_user_and_zero_items()
    {
        var random = new Random(40_000);
        const int Rank = 24, ItemCount = 1000;
        float[] items = PopularityScaled(random, ItemCount, Rank);
        for (int i = 0; i < ItemCount; i += 7)
        {
            Array.Clear(items, i * Rank, Rank);   // every seventh item is a zero vector
        }

        float[] bias = Gaussian(random, ItemCount);

        AssertSameAsScan(new float[Rank], items, 10, "zero user");
        AssertSameAsScan(new float[Rank], items, 10, "zero user with biases", itemBias: bias);
        AssertSameAsScan(Gaussian(random, Rank), items, 10, "zero items");
        float[] negative = Gaussian(random, Rank).Select(v => -Math.Abs(v)).ToArray();
        float[] positiveItems = items.Select(Math.Abs).ToArray();
        AssertSameAsScan(negative, positiveItems, 10, "every score at most 0: the zero vectors win");
    }

    [Fact]
    public void ScanInt8_matches_the_fp32_scan_on_non_finite_and_tiny_factors()
    {
        var random = new Random(50_000);
        const int Rank = 20, ItemCount = 800;
        float[] items = PopularityScaled(random, ItemCount, Rank);
        items[5 * Rank + 3] = float.NaN;
        items[100 * Rank] = float.PositiveInfinity;
        items[200 * Rank + 7] = 1e-40f;             // a subnormal largest value: cannot be scaled to int8
        for (int d = 0; d < Rank; d++)
        {
            items[300 * Rank + d] = 1e-39f * (d + 1);
            items[400 * Rank + d] = 3e37f;          // huge but finite
        }

        float[] user = Gaussian(random, Rank);

        AssertSameAsScan(user, items, 10, "non-finite and tiny factors");
        AssertSameAsScan(user.Select(v => -v).ToArray(), items, 10, "the same, user negated");
        float[] nanUser = (float[])user.Clone();
        nanUser[2] = float.NaN;
        AssertSameAsScan(nanUser, items, 10, "a user with a NaN factor");
    }

    [Fact]
    public void ScanInt8_matches_the_fp32_scan_when_k_is_larger_than_the_catalogue()
    {
        var random = new Random(60_000);
        const int Rank = 32, ItemCount = 300;
        float[] items = PopularityScaled(random, ItemCount, Rank);
        float[] user = Gaussian(random, Rank);

        AssertSameAsScan(user, items, ItemCount + 50, "k = items + 50");
        AssertSameAsScan(user, items, ItemCount, "k = items");
    }

    [Fact]
    public void ScanInt8_matches_the_fp32_scan_on_sub_ranges_merged_into_one_heap()
    {
        // As the scan workers do it: parts that do not start on a block of 16, merged into a heap that is already full.
        var random = new Random(70_000);
        const int Rank = 64, ItemCount = 3000;
        float[] items = PopularityScaled(random, ItemCount, Rank);
        float[] user = Gaussian(random, Rank);
        Int8ItemFactors compact = Int8ItemFactors.Build(items, Rank);
        int[] cuts = [0, 5, 1003, 1777, 2999, 3000];
        var expectedScores = new float[10];
        var expectedItems = new int[10];
        var actualScores = new float[10];
        var actualItems = new int[10];
        int expectedKept = 0, actualKept = 0;
        for (int p = 0; p + 1 < cuts.Length; p++)
        {
            TopKScorer.Scan(user, items, cuts[p], cuts[p + 1], default, default, default, expectedScores, expectedItems, ref expectedKept);
            TopKScorer.ScanInt8(user, items, compact, cuts[p], cuts[p + 1], default, default, default, actualScores, actualItems, ref actualKept);
        }

        AssertSameHeap(expectedScores, expectedItems, expectedKept, actualScores, actualItems, actualKept, "parts 0-5-1003-1777-2999-3000");
    }

    private static void AssertSameAsScan(float[] user, float[] items, int k, string context, int[]? excluded = null, ulong[]? eligible = null,
        float[]? itemBias = null)
    {
        int rank = user.Length;
        int itemCount = items.Length / rank;
        var expectedScores = new float[k];
        var expectedItems = new int[k];
        int expectedKept = 0;
        TopKScorer.Scan(user, items, 0, itemCount, excluded, eligible, itemBias, expectedScores, expectedItems, ref expectedKept);

        Int8ItemFactors compact = Int8ItemFactors.Build(items, rank);
        foreach (bool vnni in new[] { true, false })
        {
            var actualScores = new float[k];
            var actualItems = new int[k];
            int actualKept = 0;
            TopKScorer.ScanInt8(user, items, compact, 0, itemCount, excluded, eligible, itemBias, actualScores, actualItems, ref actualKept, vnni);
            AssertSameHeap(expectedScores, expectedItems, expectedKept, actualScores, actualItems, actualKept, $"{context}, {(vnni ? "VNNI" : "plain")} sums");
        }
    }

    private static void AssertSameHeap(float[] expectedScores, int[] expectedItems, int expectedKept, float[] actualScores, int[] actualItems,
        int actualKept, string context)
    {
        string expected = Describe(expectedScores, expectedItems, expectedKept);
        string actual = Describe(actualScores, actualItems, actualKept);
        Assert.True(expected == actual, $"{context}:\n expected {expected}\n but got  {actual}");
    }

    /// <summary>The heap's pairs best first (sorted on a copy, so a heap can be described twice), scores as bits.</summary>
    private static string Describe(float[] heapScores, int[] heapItems, int kept)
    {
        float[] scores = (float[])heapScores.Clone();
        int[] items = (int[])heapItems.Clone();
        MinHeap.SortDescending(scores, items, kept);
        return string.Join(", ", Enumerable.Range(0, kept).Select(r => $"{items[r]}:{BitConverter.SingleToInt32Bits(scores[r]):X8}"));
    }

    /// <summary>Normal values (Box–Muller) from the seed.</summary>
    internal static float[] Gaussian(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }

    /// <summary>Normal item factors, each item's vector scaled by a factor from 0.1 to 3 (popular items have longer vectors in implicit
    /// models), so the per-item scales of the int8 copy differ.</summary>
    private static float[] PopularityScaled(Random random, int itemCount, int rank)
    {
        float[] items = Gaussian(random, itemCount * rank);
        for (int i = 0; i < itemCount; i++)
        {
            float length = (float)(0.1 + 2.9 * random.NextDouble() * random.NextDouble());
            for (int d = 0; d < rank; d++)
            {
                items[i * rank + d] *= length;
            }
        }

        return items;
    }
}
