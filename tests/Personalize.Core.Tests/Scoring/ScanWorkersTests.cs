using System.Reflection;
using Personalize.Core.Scoring;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Scoring;

public sealed class ScanWorkersTests
{
    // Up to 4,096 items the range is one chunk; the larger counts are cut into 2 to 18 chunks that the threads take in turn.
    private static readonly int[] ItemCounts = [0, 1, 3, 63, 64, 65, 127, 128, 129, 200, 257, 1000, 4097, 20_000, 70_001];

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 8)]
    [InlineData(3, 16)]
    [InlineData(2, 5)]
    [InlineData(7, 8)]
    public void TryScan_returns_exactly_what_one_scan_on_the_calling_thread_returns(int extraThreads, int rank)
    {
        int seed = 100 * extraThreads + rank;
        var random = new Random(seed);
        using var workers = new ScanWorkers(extraThreads, maxK: 64);
        foreach (int n in ItemCounts)
        {
            foreach (int k in new[] { 1, 5, 64 })
            {
                // Continuous factors: both sides must compute each item's score the same way, bit for bit.
                float[] users = TestModels.Values(random, 3 * rank, onGrid: false);
                float[] items = TestModels.Values(random, n * rank, onGrid: false);
                float[]? bias = random.Next(2) == 0 ? null : TestModels.Values(random, n, onGrid: false);
                // The user's seen items sit between other users' seen items, as in a model's CSR array.
                int[] seen = Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.2).ToArray();
                int[] others = Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.5).ToArray();
                int[] allSeen = [.. others, .. seen, .. others];
                string context = $"seed {seed}, {extraThreads} extra threads, rank {rank}, {n} items, k {k}";

                var expectedScores = new float[k];
                var expectedItems = new int[k];
                int expectedKept = 0;
                TopKScorer.Scan(users.AsSpan(rank, rank), items, 0, n, seen, default, bias, expectedScores, expectedItems,
                    ref expectedKept);
                MinHeap.SortDescending(expectedScores, expectedItems, expectedKept);

                var scores = new float[k];
                var itemsKept = new int[k];
                int kept = 0;
                bool scanned = workers.TryScan(users, rank, rank, items, allSeen, others.Length, seen.Length, bias, scores, itemsKept, ref kept);
                MinHeap.SortDescending(scores, itemsKept, kept);

                Assert.True(scanned, $"{context}: TryScan declined an idle scan.");
                Assert.True(expectedItems.AsSpan(0, expectedKept).SequenceEqual(itemsKept.AsSpan(0, kept)),
                    $"{context}: expected [{string.Join(", ", expectedItems[..expectedKept])}] but got [{string.Join(", ", itemsKept[..kept])}]");
                Assert.True(expectedScores.AsSpan(0, expectedKept).SequenceEqual(scores.AsSpan(0, kept)), $"{context}: the scores differ.");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Ties_across_chunks_go_to_the_lower_item_index_whichever_thread_scored_them(int extraThreads)
    {
        // Six items share the best factors, in six different chunks, so their scores tie; one is seen. The top 4 must be the four
        // lowest of the other five, whichever threads scored their chunks and in whatever order the heaps merged.
        const int Rank = 8, Count = 50_000;
        float[] user = [1, 2, 3, 4, 5, 6, 7, 8];
        float[] items = new float[Count * Rank];
        int[] best = [40_000, 30_000, 20_000, 10_000, 4_100, 5];
        for (int i = 0; i < Count; i++)
        {
            float value = best.Contains(i) ? 1f : 0.5f;
            items.AsSpan(i * Rank, Rank).Fill(value);
        }

        int[] seen = [7, 4_100, 12_000];
        using var workers = new ScanWorkers(extraThreads, maxK: 16);
        Assert.True(ScanWorkers.ChunkItems(Count, extraThreads + 1) <= 4_096 * 2, "the best items lie in different chunks");
        for (int round = 0; round < 20; round++)
        {
            var scores = new float[4];
            var kept = new int[4];
            int count = 0;

            Assert.True(workers.TryScan(user, 0, Rank, items, seen, 0, seen.Length, null, scores, kept, ref count));

            MinHeap.SortDescending(scores, kept, count);
            Assert.Equal([5, 10_000, 20_000, 30_000], kept);
        }
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(4_096, 2)]
    [InlineData(100_000, 2)]
    [InlineData(1_000_000, 2)]
    [InlineData(1_000_000, 8)]
    [InlineData(int.MaxValue, 2)]
    public void Chunks_are_whole_cache_lines_of_at_least_4096_items_and_about_eight_per_thread(int itemCount, int threads)
    {
        int chunk = ScanWorkers.ChunkItems(itemCount, threads);
        long chunks = ((long)itemCount + chunk - 1) / chunk;

        Assert.Equal(0, chunk % 64);
        Assert.True(chunk >= ScanWorkers.MinimumChunkItems, $"{chunk} items per chunk");
        Assert.True(chunks <= 8L * threads, $"{chunks} chunks for {threads} threads");
        if ((long)itemCount >= 2L * ScanWorkers.MinimumChunkItems * 8 * threads)
        {
            Assert.True(chunks >= 8L * threads - 1, $"{chunks} chunks for {threads} threads over {itemCount} items");
        }
    }

    [Fact]
    public void TryScan_declines_a_k_larger_than_MaxK_and_leaves_the_heap_alone()
    {
        using var workers = new ScanWorkers(2, maxK: 4);
        float[] user = [1, 2];
        float[] items = TestModels.Values(new Random(1), 200);
        var scores = new float[5];
        var itemsKept = new int[5];
        int kept = 0;

        bool scanned = workers.TryScan(user, 0, 2, items, [], 0, 0, null, scores, itemsKept, ref kept);

        Assert.False(scanned);
        Assert.Equal(0, kept);
        Assert.Equal(4, workers.MaxK);
    }

    [Fact]
    public void Dispose_stops_every_worker_thread_and_later_scans_are_declined()
    {
        var workers = new ScanWorkers(3, maxK: 8);
        float[] user = [1, 2];
        float[] items = TestModels.Values(new Random(2), 400);
        var scores = new float[8];
        var itemsKept = new int[8];
        int kept = 0;
        Assert.True(workers.TryScan(user, 0, 2, items, [], 0, 0, null, scores, itemsKept, ref kept));
        Thread[] threads = WorkerThreads(workers);

        workers.Dispose();

        Assert.Equal(3, threads.Length);
        Assert.All(threads, thread => Assert.False(thread.IsAlive, $"{thread.Name} is still running after Dispose."));
        kept = 0;
        Assert.False(workers.TryScan(user, 0, 2, items, [], 0, 0, null, scores, itemsKept, ref kept));
        Assert.Equal(0, kept);
    }

    [Fact]
    public void Dispose_twice_is_harmless()
    {
        var workers = new ScanWorkers(2, maxK: 8);
        workers.Dispose();

        Exception? error = Record.Exception(workers.Dispose);

        Assert.Null(error);
        Assert.All(WorkerThreads(workers), thread => Assert.False(thread.IsAlive));
    }

    /// <summary>The worker threads, read from the private field: the only way to check that Dispose really ended them.</summary>
    private static Thread[] WorkerThreads(ScanWorkers workers) =>
        (Thread[])typeof(ScanWorkers).GetField("_threads", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(workers)!;
}
