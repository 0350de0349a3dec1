using Personalize.Core.Scoring;

namespace Personalize.Core.Tests.Scoring;

/// <summary>
/// <see cref="TopKScorer.ScanBlock"/> against one <see cref="TopKScorer.Scan"/> per user: the same items and the same scores, bit for
/// bit, with continuous (not grid) factors, so any change in the order of the arithmetic would show. Ranks 8-15 take the AVX2 kernel on
/// any machine that has it, 16 and up the AVX-512 one where the machine has it; 3 takes the scan per user.
/// </summary>
public sealed class ScanBlockTests
{
    [Theory]
    [InlineData(3, 5, 40, 10)]
    [InlineData(8, 16, 257, 10)]
    [InlineData(13, 7, 100, 10)]
    [InlineData(16, 16, 300, 10)]
    [InlineData(37, 11, 129, 5)]
    [InlineData(64, 16, 1000, 10)]
    [InlineData(100, 2, 61, 64)]
    [InlineData(384, 9, 203, 10)]
    [InlineData(64, 1, 500, 10)]
    [InlineData(64, 16, 6, 10)]
    public void A_block_gives_each_user_what_a_scan_of_their_own_gives(int rank, int users, int items, int k)
    {
        var random = new Random(rank * 1000 + users * 10 + items);
        float[] factors = Continuous(random, users * rank);
        float[] itemFactors = Continuous(random, items * rank);
        float[] bias = Continuous(random, items);
        var excluded = new List<int>();
        var ranges = new (int Start, int Length)[users];
        for (int v = 0; v < users; v++)
        {
            int start = excluded.Count;
            // A different share of each user's items excluded, none for the first.
            excluded.AddRange(Enumerable.Range(0, items).Where(i => v > 0 && random.Next(users + 2) < v));
            ranges[v] = (start, excluded.Count - start);
        }

        foreach (float[] itemBias in new[] { bias, [] })
        {
            var scores = new float[users * k];
            var best = new int[users * k];
            var kept = new int[users];
            TopKScorer.ScanBlock(factors, rank, itemFactors, excluded.ToArray(), ranges, itemBias, scores, best, kept);

            for (int v = 0; v < users; v++)
            {
                var alone = new float[k];
                var aloneItems = new int[k];
                int aloneKept = 0;
                TopKScorer.Scan(factors.AsSpan(v * rank, rank), itemFactors, 0, items, excluded.ToArray().AsSpan(ranges[v].Start, ranges[v].Length),
                    default, itemBias, alone, aloneItems, ref aloneKept);
                MinHeap.SortDescending(alone, aloneItems, aloneKept);
                Span<float> blockScores = scores.AsSpan(v * k, k);
                Span<int> blockItems = best.AsSpan(v * k, k);
                MinHeap.SortDescending(blockScores, blockItems, kept[v]);

                Assert.Equal(aloneKept, kept[v]);
                Assert.Equal(aloneItems.AsSpan(0, aloneKept).ToArray(), blockItems[..kept[v]].ToArray());
                Assert.Equal(alone.AsSpan(0, aloneKept).ToArray(), blockScores[..kept[v]].ToArray());
                Assert.Equal(Math.Min(k, items - ranges[v].Length), kept[v]);
            }
        }
    }

    [Fact]
    public void A_block_continues_heaps_that_already_hold_items_as_a_scan_does()
    {
        // Users whose heaps were filled by an earlier range keep the better of both, as Scan into a non-empty heap does.
        var random = new Random(5);
        const int Rank = 24, Users = 4, Items = 90, K = 6;
        float[] factors = Continuous(random, Users * Rank);
        float[] itemFactors = Continuous(random, Items * Rank);
        var scores = new float[Users * K];
        var best = new int[Users * K];
        var kept = new int[Users];
        for (int v = 0; v < Users; v++)
        {
            // Item indices past the catalogue with scores around the real ones, offered first.
            for (int j = 0; j < K; j++)
            {
                MinHeap.Offer(scores.AsSpan(v * K, K), best.AsSpan(v * K, K), ref kept[v], (float)(random.NextDouble() * 4 - 2), Items + j);
            }
        }

        float[] before = (float[])scores.Clone();
        int[] beforeItems = (int[])best.Clone();
        TopKScorer.ScanBlock(factors, Rank, itemFactors, [], new (int, int)[Users], [], scores, best, kept);

        for (int v = 0; v < Users; v++)
        {
            float[] alone = before.AsSpan(v * K, K).ToArray();
            int[] aloneItems = beforeItems.AsSpan(v * K, K).ToArray();
            int aloneKept = K;
            TopKScorer.Scan(factors.AsSpan(v * Rank, Rank), itemFactors, 0, Items, [], default, [], alone, aloneItems, ref aloneKept);
            Assert.Equal(K, kept[v]);
            Assert.Equal(aloneItems.Order(), best.AsSpan(v * K, K).ToArray().Order());
        }
    }

    [Fact]
    public void A_block_rejects_more_users_than_it_takes_and_mismatched_buffers()
    {
        float[] items = new float[8 * 10];
        Assert.Throws<ArgumentException>(() => TopKScorer.ScanBlock(new float[17 * 8], 8, items, [], new (int, int)[17], [], new float[17], new int[17], new int[17]));
        Assert.Throws<ArgumentException>(() => TopKScorer.ScanBlock(new float[2 * 8], 8, items, [], new (int, int)[2], [], new float[4], new int[3], new int[2]));
        Assert.Throws<ArgumentException>(() => TopKScorer.ScanBlock(new float[2 * 8 + 1], 8, items, [], new (int, int)[2], [], new float[4], new int[4], new int[2]));
    }

    private static float[] Continuous(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
