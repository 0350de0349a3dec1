using BenchmarkDotNet.Attributes;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Scoring;

/// <summary>
/// Top-10 for one user over all items against the roofline measured in the same run (the baseline): a streaming read of the same
/// item-factor bytes on the same number of threads, as fast as this machine allows (<see cref="StreamingRead"/>). Ratio = time / roofline,
/// so the scan's Ratio column is how far it is from the memory wall. Also in the run: the same query with the int8 copy
/// (<see cref="ItemFactorCompression.Int8"/>: a pre-scan of rank + 8 bytes per item, then an exact re-score of the few candidates), a
/// streaming read of the int8 copy's bytes (its own roofline), and a plain scalar scorer (the previous reference).
/// Effective GB/s = items × rank × 4 bytes / time.
/// </summary>
[MemoryDiagnoser]
public class TopKScanBenchmarks
{
    private FactorModel _model = null!;
    private Recommender _recommender = null!;
    private Recommender? _compactRecommender;
    private byte[] _compactBytes = [];
    private StreamingRead _roofline = null!;
    private readonly Recommendation[] _destination = new Recommendation[10];
    private float[] _user = [];
    private ArraySegment<float> _items;

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
        _roofline = new StreamingRead(Threads);
        _compactBytes = new byte[ItemCount * (Rank + 2 * sizeof(float))];   // the int8 copy's size: codes, scale and Σ|q| per item
        Console.WriteLine($"// AVX-512F: {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}, AVX-VNNI: {System.Runtime.Intrinsics.X86.AvxVnni.IsSupported}");
        _user = _model.GetUserFactors(0).ToArray();
        // The roofline reads the model's own item factors (pinned, from a 64-byte boundary): the same bytes at the same physical
        // addresses as the scan, so neither gains from where its pages happen to lie.
        _items = _model.RawItemFactors;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _recommender.Dispose();
        _compactRecommender?.Dispose();
        _roofline.Dispose();
    }

    [Benchmark(Baseline = true, Description = "roofline: streaming read of the fp32 factors")]
    public float Roofline() => _roofline.Read(_items);

    [Benchmark(Description = "Recommender.ForUser top-10")]
    public int ForUser() => _recommender.ForUser("u0", null, _destination, out _);

    [Benchmark(Description = "ForUser top-10, int8 copy + exact re-score")]
    public int ForUserInt8() => (_compactRecommender ??= new Recommender(_model, new RecommenderOptions { NumberOfThreads = Threads, ItemFactorCompression = ItemFactorCompression.Int8 })).ForUser("u0", null, _destination, out _);

    [Benchmark(Description = "streaming read of the int8 copy's bytes")]
    public float RooflineInt8() => _roofline.Read(_compactBytes, _compactBytes.Length);

    [Benchmark(Description = "scalar reference, 1 thread")]
    public int ScalarReference()
    {
        // Plain loops, one thread: score every item, keep the best 10 by insertion.
        Span<float> best = stackalloc float[10];
        Span<int> bestItems = stackalloc int[10];
        best.Fill(float.NegativeInfinity);
        float[] items = _items.Array!;
        int offset = _items.Offset;
        int rank = Rank;
        for (int i = 0; i < ItemCount; i++)
        {
            float score = 0;
            for (int d = 0; d < rank; d++)
            {
                score += _user[d] * items[offset + i * rank + d];
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
}
