using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Recommending;

/// <summary>
/// Fold-in of a 20-event anonymous session (the ALS least-squares step against fixed item factors), against a plain scalar reference
/// that builds the same system and solves it with scalar loops (the baseline); also a known user's history plus 20 new events, and the
/// whole "first clicks to top-10" path over 100k items.
/// </summary>
[MemoryDiagnoser]
public class FoldInBenchmarks
{
    private Recommender _recommender = null!;
    private FactorModel _model = null!;
    private readonly int[] _items = new int[20];
    private readonly float[] _weights = new float[20];
    private float[] _vector = [];
    private float[] _gram = [];
    private float[] _a = [];
    private readonly Recommendation[] _destination = new Recommendation[10];
    private int[] _sessionSorted = [];

    [Params(64, 128)]
    public int Rank { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        FactorModel model = Synthetic.Model(random, users: 1, items: 100_000, rank: Rank, seenPerUser: 50);
        _model = model;
        _recommender = new Recommender(model);
        float[] eventWeights = [1f, 4f, 10f];
        for (int e = 0; e < _items.Length; e++)
        {
            _items[e] = random.Next(100_000);
            _weights[e] = eventWeights[random.Next(3)];
        }

        _sessionSorted = [.. _items.Distinct().Order()];
        _vector = new float[Rank];
        _a = new float[Rank * Rank];
        _gram = new float[Rank * Rank];
        ReadOnlySpan<float> factors = model.ItemFactors;
        for (int i = 0; i < 100_000; i++)
        {
            ReadOnlySpan<float> y = factors.Slice(i * Rank, Rank);
            for (int r = 0; r < Rank; r++)
            {
                TensorPrimitives.MultiplyAdd(y, y[r], _gram.AsSpan(r * Rank, Rank), _gram.AsSpan(r * Rank, Rank));
            }
        }

        _recommender.FoldIn(null, _items, _weights, _vector);   // first use computes YᵀY once; not measured
    }

    [GlobalCleanup]
    public void Cleanup() => _recommender.Dispose();

    [Benchmark(Baseline = true, Description = "scalar reference: build A and b, Cholesky")]
    public float ScalarReference()
    {
        // The same system with plain loops: A = G + Σ c' y yᵀ + λ_u I, b = Σ (1 + c') y, then a textbook Cholesky solve.
        int n = Rank;
        const float Alpha = 40f, Lambda = 0.075f;
        Array.Copy(_gram, _a, _gram.Length);
        Span<float> b = stackalloc float[n];
        b.Clear();
        double total = 100_000;
        ReadOnlySpan<float> factors = _model.ItemFactors;
        for (int e = 0; e < _items.Length; e++)
        {
            float c = Alpha * _weights[e];
            total += c;
            int offset = _items[e] * n;
            for (int r = 0; r < n; r++)
            {
                b[r] += (1 + c) * factors[offset + r];
                for (int col = 0; col <= r; col++)
                {
                    _a[r * n + col] += c * factors[offset + r] * factors[offset + col];
                }
            }
        }

        float lambda = (float)(Lambda * total);
        for (int d = 0; d < n; d++)
        {
            _a[d * n + d] += lambda;
        }

        for (int j = 0; j < n; j++)
        {
            float sum = _a[j * n + j];
            for (int k = 0; k < j; k++)
            {
                sum -= _a[j * n + k] * _a[j * n + k];
            }

            float pivot = MathF.Sqrt(sum);
            _a[j * n + j] = pivot;
            for (int i = j + 1; i < n; i++)
            {
                float s = _a[i * n + j];
                for (int k = 0; k < j; k++)
                {
                    s -= _a[i * n + k] * _a[j * n + k];
                }

                _a[i * n + j] = s / pivot;
            }
        }

        for (int i = 0; i < n; i++)
        {
            float s = b[i];
            for (int k = 0; k < i; k++)
            {
                s -= _a[i * n + k] * b[k];
            }

            b[i] = s / _a[i * n + i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            float s = b[i];
            for (int k = i + 1; k < n; k++)
            {
                s -= _a[k * n + i] * b[k];
            }

            b[i] = s / _a[i * n + i];
        }

        return b[0];
    }

    [Benchmark(Description = "FoldIn, 20-event session")]
    public float Session() => _recommender.FoldIn(null, _items, _weights, _vector);

    [Benchmark(Description = "FoldIn, known user (50 in training) + 20 new events")]
    public float KnownUser() => _recommender.FoldIn("u0", _items, _weights, _vector);

    [Benchmark(Description = "FoldIn + ForUser top-10 over 100k items")]
    public int SessionToTop10()
    {
        _recommender.FoldIn(null, _items, _weights, _vector);
        return _recommender.ForUser(_vector, 0f, _sessionSorted, null, _destination);
    }
}
