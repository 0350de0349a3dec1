using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Evaluation;

/// <summary>
/// <see cref="RankingEvaluation.Evaluate"/> over every user of a held-out log (what <c>personalize evaluate</c> does for the model's
/// row), against the way it worked until 2026-12-07, measured in the same run as the baseline: the same lists asked for one user at a
/// time on the calling thread, then counted by <see cref="RankingEvaluation.EvaluateLists"/>. Both give the same report.
/// </summary>
[MemoryDiagnoser]
public class RankingEvaluationBenchmarks
{
    private const int K = 10;
    private FactorModel _model = null!;
    private Recommender _recommender = null!;
    private InteractionLog _heldOut = null!;
    private readonly Recommendation[] _buffer = new Recommendation[K];

    /// <summary>Gets or sets the number of items (64 factors each).</summary>
    [Params(10_000, 50_000)]
    public int Items { get; set; }

    /// <summary>Builds a model of 5,000 users, 20 seen items each, and two held-out items per user.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        const int Users = 5_000;
        _model = Synthetic.Model(random, users: Users, items: Items, rank: 64, seenPerUser: 20);
        _recommender = new Recommender(_model);
        var rows = new List<Interaction>(2 * Users);
        for (int u = 0; u < Users; u++)
        {
            rows.Add(new Interaction("u" + u, "i" + random.Next(Items)));
            rows.Add(new Interaction("u" + u, "i" + random.Next(Items)));
        }

        _heldOut = InteractionLog.Create(rows);
        RankingReport expected = RankingEvaluation.EvaluateLists(_model, _heldOut, K, OneList);
        if (RankingEvaluation.Evaluate(_recommender, _heldOut, K) != expected)
        {
            throw new InvalidOperationException("The two ways of evaluating gave different reports.");
        }
    }

    /// <summary>Stops the recommender.</summary>
    [GlobalCleanup]
    public void Cleanup() => _recommender.Dispose();

    /// <summary>The lists one user at a time on this thread (the reference).</summary>
    /// <returns>The NDCG.</returns>
    [Benchmark(Baseline = true, Description = "one list at a time")]
    public double OneListAtATime() => RankingEvaluation.EvaluateLists(_model, _heldOut, K, OneList).Ndcg;

    /// <summary>One user's list, asked for on the calling thread.</summary>
    private int[] OneList(int user)
    {
        int written = _recommender.ForUserIndex(user, _buffer);
        var list = new int[written];
        for (int r = 0; r < written; r++)
        {
            list[r] = _buffer[r].ItemIndex;
        }

        return list;
    }

    /// <summary>RankingEvaluation.Evaluate: every list on every core, then counted in user order.</summary>
    /// <returns>The NDCG.</returns>
    [Benchmark(Description = "RankingEvaluation.Evaluate")]
    public double Evaluate() => RankingEvaluation.Evaluate(_recommender, _heldOut, K).Ndcg;
}
