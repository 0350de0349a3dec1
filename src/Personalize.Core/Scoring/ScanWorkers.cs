namespace Personalize.Core.Scoring;

/// <summary>
/// Dedicated threads that score parts of the item range for one query at a time, so a single query can use several cores without
/// allocating: the job and each worker's heap live in fields that are reused. Queries that find the workers busy scan alone.
/// </summary>
/// <remarks>
/// The range is cut into chunks (about eight per thread, whole cache lines of factors) that the calling thread and the workers take
/// in turn from a shared counter, so a thread that runs slower (a core shared with other work, a worker that wakes late) takes fewer
/// chunks instead of holding the query up with a fixed half. Every chunk merges into its thread's heap, and the heaps merge at the
/// end; ties go to the lower item index in every heap, so the result does not depend on which thread scored which chunk.
/// </remarks>
internal sealed class ScanWorkers : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    // A semaphore each worker releases once, not a CountdownEvent: CountdownEvent's ManualResetEventSlim allocates its lock object (24 B)
    // on the waiting thread the first time a wait has to block, which made the hot path's allocation depend on timing.
    private readonly SemaphoreSlim _done;
    private readonly float[][] _scores;
    private readonly int[][] _items;
    private readonly int[] _kept;
    private readonly object _gate = new();
    private volatile bool _disposed;
    private int _disposeStarted;

    // The current job; written by the query thread before the workers are released.
    private float[] _userFactors = [];
    private int _userOffset;
    private int _rank;
    private ArraySegment<float> _itemFactors;
    private int[] _excluded = [];
    private int _excludedOffset;
    private int _excludedLength;
    private float[]? _itemBias;
    private Int8ItemFactors? _compact;
    private int _k;
    private int _itemCount;
    private int _chunkItems;
    private int _nextChunk;

    public ScanWorkers(int extraThreads, int maxK)
    {
        MaxK = maxK;
        _threads = new Thread[extraThreads];
        _start = new SemaphoreSlim[extraThreads];
        _done = new SemaphoreSlim(0);
        _scores = new float[extraThreads][];
        _items = new int[extraThreads][];
        _kept = new int[extraThreads];
        for (int w = 0; w < extraThreads; w++)
        {
            _scores[w] = new float[maxK];
            _items[w] = new int[maxK];
            _start[w] = new SemaphoreSlim(0);
            int worker = w;
            _threads[w] = new Thread(() => Run(worker)) { IsBackground = true, Name = $"Personalize scan worker {w + 1}" };
            _threads[w].Start();
        }
    }

    /// <summary>Gets the largest k a parallel scan supports.</summary>
    public int MaxK { get; }

    /// <summary>
    /// Scans all items with the workers and the calling thread, merging every part's best into the caller's heap.
    /// Returns false, doing nothing, when the workers are busy with another query or k is too large. With <paramref name="compact"/>,
    /// each chunk runs the int8 pre-scan and re-scores its own candidates (<see cref="TopKScorer.ScanInt8"/>); the merge is the same.
    /// </summary>
    public bool TryScan(float[] userFactors, int userOffset, int rank, ArraySegment<float> itemFactors, int[] excluded, int excludedOffset, int excludedLength,
        float[]? itemBias, Span<float> bestScores, Span<int> bestItems, ref int kept, Int8ItemFactors? compact = null)
    {
        if (bestScores.Length > MaxK || _disposed || !Monitor.TryEnter(_gate))
        {
            return false;
        }

        try
        {
            // Dispose may have run between the check above and taking the gate; its workers are then gone and would never signal.
            if (_disposed)
            {
                return false;
            }

            _userFactors = userFactors;
            _userOffset = userOffset;
            _rank = rank;
            _itemFactors = itemFactors;
            _excluded = excluded;
            _excludedOffset = excludedOffset;
            _excludedLength = excludedLength;
            _itemBias = itemBias;
            _compact = compact;
            _k = bestScores.Length;
            _itemCount = itemFactors.Count / rank;
            _chunkItems = ChunkItems(_itemCount, _threads.Length + 1);
            if (compact is not null)
            {
                // Each chunk runs its own int8 pre-scan, which hands a range of fewer than 16 items per wanted result to the fp32 scan and
                // re-scores at least k candidates: 64 items per result or more keep the pre-scan worth its while.
                _chunkItems = (int)Math.Min(int.MaxValue & ~63L, Math.Max(_chunkItems, ((long)_k * 64 + 63) & ~63L));
            }

            _nextChunk = 0;
            for (int w = 0; w < _threads.Length; w++)
            {
                _start[w].Release();
            }

            // The calling thread takes chunks too.
            ScanChunks(bestScores, bestItems, ref kept);
            for (int w = 0; w < _threads.Length; w++)
            {
                _done.Wait();
            }

            for (int w = 0; w < _threads.Length; w++)
            {
                for (int j = 0; j < _kept[w]; j++)
                {
                    MinHeap.Offer(bestScores, bestItems, ref kept, _scores[w][j], _items[w][j]);
                }
            }

            return true;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    private static void ScanPart(ReadOnlySpan<float> user, ReadOnlySpan<float> itemFactors, Int8ItemFactors? compact, int start, int end, ReadOnlySpan<int> excluded,
        float[]? itemBias, Span<float> bestScores, Span<int> bestItems, ref int kept)
    {
        if (compact is null)
        {
            TopKScorer.Scan(user, itemFactors, start, end, excluded, default, itemBias, bestScores, bestItems, ref kept);
        }
        else
        {
            TopKScorer.ScanInt8(user, itemFactors, compact, start, end, excluded, default, itemBias, bestScores, bestItems, ref kept);
        }
    }

    /// <summary>Items per chunk: about eight chunks per thread, at least 4,096 items, a multiple of 64 items, so that no two threads
    /// share a cache line of factors and each chunk is long enough for the kernel's prefetch to run ahead of its loads.</summary>
    internal static int ChunkItems(int itemCount, int threads)
    {
        long per = ((long)itemCount + 8L * threads - 1) / (8L * threads);
        per = Math.Max(per, MinimumChunkItems);
        return (int)Math.Min(int.MaxValue & ~63L, (per + 63) & ~63L);
    }

    /// <summary>The fewest items in a chunk.</summary>
    internal const int MinimumChunkItems = 4096;

    /// <summary>Takes chunks from the shared counter until none is left, merging each into the given heap.</summary>
    private void ScanChunks(Span<float> bestScores, Span<int> bestItems, ref int kept)
    {
        ReadOnlySpan<float> user = _userFactors.AsSpan(_userOffset, _rank);
        ReadOnlySpan<int> excluded = _excluded.AsSpan(_excludedOffset, _excludedLength);
        while (true)
        {
            long start = (long)(Interlocked.Increment(ref _nextChunk) - 1) * _chunkItems;
            if (start >= _itemCount)
            {
                return;
            }

            int end = (int)Math.Min(_itemCount, start + _chunkItems);
            ScanPart(user, _itemFactors, _compact, (int)start, end, excluded, _itemBias, bestScores, bestItems, ref kept);
        }
    }

    private void Run(int worker)
    {
        while (true)
        {
            _start[worker].Wait();
            if (_disposed)
            {
                return;
            }

            int kept = 0;
            try
            {
                ScanChunks(_scores[worker].AsSpan(0, _k), _items[worker].AsSpan(0, _k), ref kept);
            }
            finally
            {
                _kept[worker] = kept;
                _done.Release();
            }
        }
    }

    public void Dispose()
    {
        // Only the first caller disposes; concurrent callers return at once.
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _disposed = true;
            foreach (SemaphoreSlim start in _start)
            {
                start.Release();
            }
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        foreach (SemaphoreSlim start in _start)
        {
            start.Dispose();
        }

        _done.Dispose();
    }
}
