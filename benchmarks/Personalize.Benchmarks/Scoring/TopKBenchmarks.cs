using BenchmarkDotNet.Attributes;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Scoring;

/// <summary>
/// Top-10 for one user over all items, against two references measured in the same run: a plain scalar scorer (the baseline) and the
/// memory-bandwidth bound, a sum over the same item-factor array on the same number of threads. Effective GB/s = items × rank × 4 bytes / time.
/// </summary>
[MemoryDiagnoser]
public class TopKBenchmarks
{
    private FactorModel _model = null!;
    private Recommender _recommender = null!;
    private readonly Recommendation[] _destination = new Recommendation[10];
    private float[] _user = [];
    private float[] _items = [];

    [Params(100_000, 1_000_000)]
    public int ItemCount { get; set; }

    [Params(64)]
    public int Rank { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _model = Synthetic.Model(random, users: 1, items: ItemCount, rank: Rank, seenPerUser: 20);
        _recommender = new Recommender(_model, new RecommenderOptions { NumberOfThreads = Threads });
        _user = _model.GetUserFactors(0).ToArray();
        _items = _model.ItemFactors.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _recommender.Dispose();

    [Benchmark(Baseline = true, Description = "scalar reference")]
    public int ScalarReference()
    {
        // Plain loops, one thread: score every item, keep the best 10 by insertion.
        Span<float> best = stackalloc float[10];
        Span<int> bestItems = stackalloc int[10];
        best.Fill(float.NegativeInfinity);
        int rank = Rank;
        for (int i = 0; i < ItemCount; i++)
        {
            float score = 0;
            for (int d = 0; d < rank; d++)
            {
                score += _user[d] * _items[i * rank + d];
            }

            if (score > best[9])
            {
                int slot = 9;
                while (slot > 0 && best[slot - 1] < score)
                {
                    best[slot] = best[slot - 1];
                    bestItems[slot] = bestItems[slot - 1];
                    slot--;
                }

                best[slot] = score;
                bestItems[slot] = i;
            }
        }

        return bestItems[0];
    }

    [Benchmark(Description = "Recommender.ForUser top-10")]
    public int ForUser() => _recommender.ForUser("u0", _destination, out _);

    [Benchmark(Description = "bandwidth bound: sum of the item array")]
    public float BandwidthSum()
    {
        if (Threads == 1)
        {
            return System.Numerics.Tensors.TensorPrimitives.Sum(_items);
        }

        int parts = Threads;
        var sums = new float[parts];
        int per = (_items.Length + parts - 1) / parts;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            int start = p * per;
            int length = Math.Min(per, _items.Length - start);
            sums[p] = System.Numerics.Tensors.TensorPrimitives.Sum(_items.AsSpan(start, length));
        });
        return sums.Sum();
    }
}
