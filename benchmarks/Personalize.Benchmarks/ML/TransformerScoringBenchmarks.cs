using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.ML;
using Personalize.Core.Models;

namespace Personalize.Benchmarks.ML;

/// <summary>
/// Scoring rows of an ML.NET data view with <see cref="FactorModelTransformer"/> (key columns mapped through their key values, one
/// lookup and one 64-factor dot product per row) against the same predictions made directly on the model by index.
/// </summary>
[MemoryDiagnoser]
public class TransformerScoringBenchmarks
{
    private sealed class Row
    {
        public string UserId { get; set; } = "";

        public string ItemId { get; set; } = "";

        public float Label { get; set; }
    }

    [Params(100_000)]
    public int Rows { get; set; }

    private FactorModel _model = null!;
    private FactorModelTransformer _transformer = null!;
    private IDataView _keyed = null!;
    private int[] _users = [];
    private int[] _items = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var ml = new MLContext(seed: 1);
        var seen = new HashSet<(int, int)>();
        var rows = new List<Row>(Rows);
        while (rows.Count < Rows)
        {
            int u = random.Next(5_000), i = random.Next(2_000);
            if (seen.Add((u, i)))
            {
                rows.Add(new Row { UserId = "u" + u, ItemId = "i" + i, Label = 1 + random.Next(5) });
            }
        }

        IDataView raw = ml.Data.LoadFromEnumerable(rows);
        ITransformer keys = ml.Transforms.Conversion.MapValueToKey("user_key", "UserId").Append(ml.Transforms.Conversion.MapValueToKey("item_key", "ItemId")).Fit(raw);
        _keyed = ml.Data.Cache(keys.Transform(raw));
        _transformer = ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "user_key", "item_key", numberOfFactors: 64, numberOfIterations: 1).Fit(_keyed);
        _model = _transformer.Model;
        _users = [.. rows.Select(r => _model.Users.GetIndex(r.UserId))];
        _items = [.. rows.Select(r => _model.Items.GetIndex(r.ItemId))];
        _ = Transformer();   // fills ML.NET's cache before measuring
    }

    [Benchmark(Baseline = true, Description = "model.PredictRating by index, loop")]
    public double Direct()
    {
        double sum = 0;
        for (int r = 0; r < _users.Length; r++)
        {
            sum += _model.PredictRating(_users[r], _items[r]);
        }

        return sum;
    }

    [Benchmark(Description = "FactorModelTransformer.Transform + cursor over Score")]
    public double Transformer()
    {
        IDataView scored = _transformer.Transform(_keyed);
        DataViewSchema.Column score = scored.Schema[FactorModelTransformer.ScoreColumnName];
        using DataViewRowCursor cursor = scored.GetRowCursor([score]);
        ValueGetter<float> getter = cursor.GetGetter<float>(score);
        double sum = 0;
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            sum += value;
        }

        return sum;
    }
}
