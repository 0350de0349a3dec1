using Personalize.Core.Scoring;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Scoring;

/// <summary>
/// <see cref="TopKScorer.Scan"/> against the plain reference (<see cref="ReferenceTopK"/>) on every item count from 0 to 257, for ranks
/// that take the SIMD path (multiples of 8) and ranks that take the scalar path. Factors are on the 1/64 grid unless a test says
/// otherwise, so every score is exact and item indices can be compared exactly, ties included.
/// </summary>
public sealed class TopKScorerTests
{
    private const int MaxItemCount = 257;

    private static readonly int[] Ranks = [1, 3, 8, 16, 64, 65];

    public static TheoryData<int, int> RanksAndKs
    {
        get
        {
            var data = new TheoryData<int, int>();
            foreach (int rank in Ranks)
            {
                foreach (int k in new[] { 1, 5, 10 })
                {
                    data.Add(rank, k);
                }
            }

            return data;
        }
    }

    public static TheoryData<int> AllRanks => new(Ranks);

    [Theory, MemberData(nameof(RanksAndKs))]
    public void Scan_matches_the_reference_for_every_item_count(int rank, int k)
    {
        int seed = 1000 * rank + k;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, k);

            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, k), bestItems, bestScores, $"seed {seed}, rank {rank}, k {k}, {n} items");
        }
    }

    [Theory, MemberData(nameof(RanksAndKs))]
    public void Scan_is_within_a_relative_tolerance_of_the_reference_for_continuous_factors(int rank, int k)
    {
        int seed = 2000 * rank + k;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            // Non-negative factors: no cancellation, so a relative tolerance bounds the rounding of every score, even the smallest.
            float[] user = Positive(TestModels.Values(random, rank, onGrid: false));
            float[] items = Positive(TestModels.Values(random, n * rank, onGrid: false));

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, k);

            // Rounding may swap two items whose scores are within the tolerance, so compare the score at each rank, and each
            // returned item's score with that item's own reference score.
            (int Item, double Score)[] expected = ReferenceTopK.Select(user, items, k);
            Assert.Equal(expected.Length, bestItems.Length);
            for (int r = 0; r < expected.Length; r++)
            {
                string context = $"seed {seed}, rank {rank}, k {k}, {n} items, rank {r}";
                ReferenceTopK.AssertClose(expected[r].Score, bestScores[r], 1e-5, context);
                ReferenceTopK.AssertClose(ReferenceTopK.Score(user, items, bestItems[r], null), bestScores[r], 1e-5, context + $" (item {bestItems[r]})");
            }
        }
    }

    [Theory, MemberData(nameof(AllRanks))]
    public void Scan_adds_each_items_bias_to_its_score(int rank)
    {
        int seed = 3000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);
            float[] bias = TestModels.Values(random, n);

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, 5, itemBias: bias);

            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 5, itemBias: bias), bestItems, bestScores, $"seed {seed}, rank {rank}, {n} items");
        }
    }

    [Theory, MemberData(nameof(AllRanks))]
    public void Scan_never_returns_an_excluded_item(int rank)
    {
        int seed = 4000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);
            // Exclude about a third of the items, and most of the best ones, so exclusion decides the answer.
            var best = ReferenceTopK.Select(user, items, 10).Select(e => e.Item).ToHashSet();
            int[] excluded = Enumerable.Range(0, n).Where(i => random.NextDouble() < (best.Contains(i) ? 0.8 : 0.3)).ToArray();

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, 10, excluded: excluded);

            string context = $"seed {seed}, rank {rank}, {n} items";
            Assert.True(!bestItems.Intersect(excluded).Any(), $"{context}: returned excluded items {string.Join(", ", bestItems.Intersect(excluded))}");
            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 10, i => Array.BinarySearch(excluded, i) < 0), bestItems, bestScores, context);
        }
    }

    [Theory, MemberData(nameof(AllRanks))]
    public void Scan_returns_only_items_in_the_eligibility_bitset(int rank)
    {
        int seed = 5000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);
            // One spare word with every bit set: bits past the last item must not matter.
            var eligible = new ulong[(n + 63) / 64 + 1];
            Array.Fill(eligible, ulong.MaxValue);
            for (int i = 0; i < n; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    eligible[i >> 6] &= ~(1UL << (i & 63));
                }
            }

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, 10, eligible: eligible);

            string context = $"seed {seed}, rank {rank}, {n} items";
            Assert.True(bestItems.All(i => IsSet(eligible, i)), $"{context}: returned an item outside the bitset");
            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 10, i => IsSet(eligible, i)), bestItems, bestScores, context);
        }
    }

    [Theory, MemberData(nameof(AllRanks))]
    public void Scan_combines_eligibility_exclusions_and_biases(int rank)
    {
        int seed = 6000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);
            float[] bias = TestModels.Values(random, n);
            int[] excluded = Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.3).ToArray();
            var eligible = new ulong[(n + 63) / 64];
            for (int i = 0; i < n; i++)
            {
                if (random.NextDouble() < 0.7)
                {
                    eligible[i >> 6] |= 1UL << (i & 63);
                }
            }

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, 7, excluded, eligible, bias);

            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 7, i => IsSet(eligible, i) && Array.BinarySearch(excluded, i) < 0, bias),
                bestItems, bestScores, $"seed {seed}, rank {rank}, {n} items");
        }
    }

    [Theory]
    [InlineData(1, 100, 10)]
    [InlineData(8, 100, 10)]
    [InlineData(8, 7, 10)]
    [InlineData(16, 257, 64)]
    [InlineData(65, 30, 5)]
    public void Scan_breaks_ties_by_the_lower_item_index(int rank, int n, int k)
    {
        float[] user = Enumerable.Repeat(0.5f, rank).ToArray();
        float[] items = Enumerable.Repeat(0.25f, n * rank).ToArray();

        (int[] bestItems, _) = ScanAll(user, items, k);

        Assert.Equal(Enumerable.Range(0, Math.Min(n, k)), bestItems);
    }

    [Fact]
    public void Scan_prefers_a_lower_index_among_equal_scores_behind_a_better_item()
    {
        // Scores by item: 1, 3, 2, 3, 2, 3, 2 (rank 8, SIMD path): the top 3 are items 1, 3, 5 and the next 2 are items 2, 4.
        float[] pattern = [1, 3, 2, 3, 2, 3, 2];
        float[] user = [1, 0, 0, 0, 0, 0, 0, 0];
        float[] items = pattern.SelectMany(s => new[] { s, 9, 9, 9, 9, 9, 9, 9 }).ToArray();

        (int[] bestItems, float[] bestScores) = ScanAll(user, items, 5);

        Assert.Equal([1, 3, 5, 2, 4], bestItems);
        Assert.Equal([3f, 3f, 3f, 2f, 2f], bestScores);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(64)]
    public void Scan_never_returns_an_item_whose_score_is_NaN(int rank)
    {
        int seed = 7000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);
            var poisoned = new HashSet<int>();
            for (int i = 0; i < n; i++)
            {
                if (random.NextDouble() < 0.5)
                {
                    items[i * rank + random.Next(rank)] = float.NaN;
                    poisoned.Add(i);
                }
            }

            (int[] bestItems, float[] bestScores) = ScanAll(user, items, 10);

            string context = $"seed {seed}, rank {rank}, {n} items";
            Assert.True(!bestItems.Any(poisoned.Contains), $"{context}: returned an item whose score is NaN");
            Assert.True(!bestScores.Any(float.IsNaN), $"{context}: returned a NaN score");
            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 10), bestItems, bestScores, context);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void Scan_returns_nothing_for_a_user_whose_factors_are_NaN(int rank)
    {
        float[] user = Enumerable.Repeat(float.NaN, rank).ToArray();
        float[] items = TestModels.Values(new Random(8000), 50 * rank);

        (int[] bestItems, _) = ScanAll(user, items, 10);

        Assert.Empty(bestItems);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    public void Scan_over_consecutive_ranges_into_one_heap_equals_one_scan_over_all(int rank)
    {
        int seed = 9000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            float[] user = TestModels.Values(random, rank);
            float[] items = TestModels.Values(random, n * rank);
            float[] bias = TestModels.Values(random, n);
            int[] excluded = Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.2).ToArray();
            int[] cuts = Cuts(random, n);
            var scores = new float[10];
            var itemsKept = new int[10];
            int kept = 0;

            for (int c = 0; c + 1 < cuts.Length; c++)
            {
                TopKScorer.Scan(user, items, cuts[c], cuts[c + 1], excluded, default, bias, scores, itemsKept, ref kept);
            }

            MinHeap.SortDescending(scores, itemsKept, kept);
            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 10, i => Array.BinarySearch(excluded, i) < 0, bias), itemsKept[..kept],
                scores[..kept], $"seed {seed}, rank {rank}, {n} items, cuts [{string.Join(", ", cuts)}]");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    public void Scan_over_ranges_in_reverse_order_into_one_heap_equals_one_scan_over_all(int rank)
    {
        // Scan offers every eligible item to the heap, so the order of the ranges must not change the answer, ties included.
        int seed = 10_000 + rank;
        var random = new Random(seed);
        for (int n = 0; n <= MaxItemCount; n++)
        {
            // Factors in {-1, 0, 1}: scores take few values, so most of the best k tie with another item.
            float[] user = Enumerable.Range(0, rank).Select(_ => (float)random.Next(-1, 2)).ToArray();
            float[] items = Enumerable.Range(0, n * rank).Select(_ => (float)random.Next(-1, 2)).ToArray();
            int[] cuts = Cuts(random, n);
            var scores = new float[10];
            var itemsKept = new int[10];
            int kept = 0;

            for (int c = cuts.Length - 2; c >= 0; c--)
            {
                TopKScorer.Scan(user, items, cuts[c], cuts[c + 1], default, default, default, scores, itemsKept, ref kept);
            }

            MinHeap.SortDescending(scores, itemsKept, kept);
            ReferenceTopK.AssertSame(ReferenceTopK.Select(user, items, 10), itemsKept[..kept], scores[..kept],
                $"seed {seed}, rank {rank}, {n} items, cuts [{string.Join(", ", cuts)}]");
        }
    }

    [Fact]
    public void Scan_of_an_empty_range_or_into_a_heap_of_length_zero_keeps_nothing()
    {
        float[] user = [1, 2, 3];
        float[] items = TestModels.Values(new Random(11_000), 30);
        int kept = 0;

        TopKScorer.Scan(user, items, 4, 4, default, default, default, new float[5], new int[5], ref kept);
        TopKScorer.Scan(user, items, 0, 10, default, default, default, [], [], ref kept);

        Assert.Equal(0, kept);
    }

    public static TheoryData<string, int, int, int, int, int, int, int> InvalidArguments => new()
    {
        // case, rank, item values, start, end, eligible words, heap scores length, heap items length
        { "rank 0", 0, 0, 0, 0, 0, 5, 5 },
        { "rank 0 with item values", 0, 8, 0, 0, 0, 5, 5 },
        { "item values not a whole number of vectors", 3, 10, 0, 3, 0, 5, 5 },
        { "heap buffers of different lengths", 2, 20, 0, 10, 0, 5, 4 },
        { "heap buffers of different lengths, one empty", 2, 20, 0, 10, 0, 0, 3 },
        { "eligibility too short for 65 items", 1, 65, 0, 65, 1, 5, 5 },
        { "eligibility too short for 129 items", 2, 258, 0, 10, 2, 5, 5 },
        { "start after end", 2, 20, 6, 5, 0, 5, 5 },
        { "negative start", 2, 20, -1, 5, 0, 5, 5 },
        { "end past the items", 2, 20, 0, 11, 0, 5, 5 },
    };

    [Theory, MemberData(nameof(InvalidArguments))]
    public void Scan_rejects_invalid_arguments_before_scanning(string @case, int rank, int values, int start, int end, int words, int scoresLength,
        int itemsLength)
    {
        float[] user = Enumerable.Repeat(1f, rank).ToArray();
        float[] items = Enumerable.Repeat(1f, values).ToArray();
        ulong[] eligible = Enumerable.Repeat(ulong.MaxValue, words).ToArray();
        var scores = new float[scoresLength];
        var itemsKept = new int[itemsLength];
        int kept = 0;

        Exception? error = Record.Exception(() => TopKScorer.Scan(user, items, start, end, default, eligible, default, scores, itemsKept, ref kept));

        Assert.True(error is ArgumentException, $"{@case}: expected an ArgumentException but got {error?.GetType().Name ?? "none"}");
        Assert.Equal(0, kept);
    }

    [Theory]
    [InlineData(8, 40, 39)]
    [InlineData(8, 40, 1)]
    [InlineData(8, 40, 41)]
    [InlineData(3, 40, 39)]
    [InlineData(3, 40, 41)]
    public void Scan_rejects_an_item_bias_that_does_not_have_one_value_per_item(int rank, int n, int biasLength)
    {
        float[] user = TestModels.Values(new Random(12_000), rank);
        float[] items = TestModels.Values(new Random(12_001), n * rank);
        float[] bias = TestModels.Values(new Random(12_002), biasLength);
        var scores = new float[5];
        var itemsKept = new int[5];
        int kept = 0;

        Exception? error = Record.Exception(() => TopKScorer.Scan(user, items, 0, n, default, default, bias, scores, itemsKept, ref kept));

        Assert.True(error is ArgumentException, $"expected an ArgumentException but got {error?.GetType().Name ?? "none"}");
        Assert.Equal(0, kept);
    }

    private static (int[] Items, float[] Scores) ScanAll(float[] user, float[] items, int k, int[]? excluded = null, ulong[]? eligible = null,
        float[]? itemBias = null)
    {
        var scores = new float[k];
        var itemsKept = new int[k];
        int kept = 0;
        int itemCount = items.Length / user.Length;
        TopKScorer.Scan(user, items, 0, itemCount, excluded, eligible, itemBias, scores, itemsKept, ref kept);
        MinHeap.SortDescending(scores, itemsKept, kept);
        return (itemsKept[..kept], scores[..kept]);
    }

    /// <summary>0, a few random cut points (some of them equal, so some ranges are empty), n.</summary>
    private static int[] Cuts(Random random, int n)
    {
        int count = random.Next(0, 6);
        return [0, .. Enumerable.Range(0, count).Select(_ => random.Next(0, n + 1)).Order(), n];
    }

    private static float[] Positive(float[] values) => values.Select(MathF.Abs).ToArray();

    private static bool IsSet(ulong[] bits, int i) => (bits[i >> 6] & (1UL << (i & 63))) != 0;

    [Fact]
    public void The_processor_vendor_that_picks_the_prefetch_is_the_one_the_system_reports()
    {
        // The scan prefetches non-temporally on AMD processors only; the vendor comes from cpuid, checked here against Linux's own reading.
        const string CpuInfo = "/proc/cpuinfo";
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            Assert.Equal("", TopKScorer.CpuVendor());
            Assert.False(TopKScorer.IsAmd());
            return;
        }

        if (!OperatingSystem.IsLinux() || !File.Exists(CpuInfo))
        {
            return;   // Linux's /proc/cpuinfo is the reference; CI runs there
        }

        string? line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal));
        Assert.NotNull(line);
        string vendor = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        Assert.Equal(vendor, TopKScorer.CpuVendor());
        Assert.Equal(vendor == "AuthenticAMD", TopKScorer.IsAmd());
    }
}
