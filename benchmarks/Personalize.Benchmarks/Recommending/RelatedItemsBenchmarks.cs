using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Recommending;

/// <summary>
/// Related items (top-10) over 100k items × 64 factors: one item and a basket of 5, with the co-occurrence index blended in and with
/// the factors alone, against a plain scalar cosine scan (the baseline). The co-occurrence index is counted in setup from 2M synthetic
/// interactions (100 neighbours per item), as <c>personalize train</c> does.
/// </summary>
[MemoryDiagnoser]
public class RelatedItemsBenchmarks
{
    private Recommender _blended = null!;
    private Recommender _factorsOnly = null!;
    private readonly RelatedItem[] _destination = new RelatedItem[10];
    private readonly int[] _one = [4_242];
    private readonly int[] _basket = [4_242, 17, 55_555, 99_000, 31_337];
    private float[] _items = [];
    private float[] _inverseNorms = [];

    [Params(100_000)]
    public int ItemCount { get; set; }

    [Params(64)]
    public int Rank { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        FactorModel model = Synthetic.Model(random, users: 1, items: ItemCount, rank: Rank, seenPerUser: 20);
        FeedbackMatrix feedback = Synthetic.Feedback(seed: 7, users: 100_000, items: ItemCount, interactions: 2_000_000);
        CooccurrenceIndex index = CooccurrenceIndex.Build(feedback, items: model.Items);
        _blended = new Recommender(model.WithCooccurrence(index));
        _factorsOnly = new Recommender(model);
        _items = model.ItemFactors.ToArray();
        _inverseNorms = new float[ItemCount];
        for (int i = 0; i < ItemCount; i++)
        {
            _inverseNorms[i] = 1f / System.Numerics.Tensors.TensorPrimitives.Norm(_items.AsSpan(i * Rank, Rank));
        }

        // First use builds the unit-length item factors; that one-time cost is not what is measured.
        _blended.RelatedTo(_one, null, _destination);
        _factorsOnly.RelatedTo(_one, null, _destination);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _blended.Dispose();
        _factorsOnly.Dispose();
    }

    [Benchmark(Baseline = true, Description = "scalar reference: cosine scan, one item")]
    public int ScalarReference()
    {
        // Plain loops, one thread: the cosine of every other item with the input (norms precomputed), best 10 by insertion.
        Span<float> best = stackalloc float[10];
        Span<int> bestItems = stackalloc int[10];
        best.Fill(float.NegativeInfinity);
        int rank = Rank, input = _one[0];
        for (int i = 0; i < ItemCount; i++)
        {
            if (i == input)
            {
                continue;
            }

            float dot = 0;
            for (int d = 0; d < rank; d++)
            {
                dot += _items[input * rank + d] * _items[i * rank + d];
            }

            float score = dot * _inverseNorms[i] * _inverseNorms[input];
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

    [Benchmark(Description = "RelatedTo one item, factors only")]
    public int OneItemFactorsOnly() => _factorsOnly.RelatedTo(_one, null, _destination);

    [Benchmark(Description = "RelatedTo one item, factors + co-occurrence")]
    public int OneItemBlended() => _blended.RelatedTo(_one, null, _destination);

    [Benchmark(Description = "RelatedTo basket of 5, factors + co-occurrence")]
    public int BasketBlended() => _blended.RelatedTo(_basket, null, _destination);
}
