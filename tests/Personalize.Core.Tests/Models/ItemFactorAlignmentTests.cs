using System.Runtime.CompilerServices;
using Personalize.Core.Data;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Models;

/// <summary>
/// A model's item factors start on a cache line however the model was made (from factors, trained, loaded), so that the top-K scan's
/// vector loads never straddle two lines, and the model's derived copies share that storage instead of copying it.
/// </summary>
public sealed class ItemFactorAlignmentTests
{
    private const int Rank = 64;

    [Theory]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void A_model_from_factors_holds_its_item_factors_on_a_cache_line_with_the_values_given(int itemCount)
    {
        float[] items = Values(itemCount * Rank, seed: itemCount);
        FactorModel model = FromFactors(items, itemCount);

        Assert.True(StartsOnCacheLine(model.ItemFactors), $"{itemCount} items: {Address(model.ItemFactors) % 64} bytes past a line");
        Assert.Equal(items, model.ItemFactors.ToArray());
        Assert.Equal(items.AsSpan(5 * Rank, Rank).ToArray(), model.GetItemFactors(5).ToArray());
    }

    [Fact]
    public void A_loaded_model_holds_its_item_factors_on_a_cache_line_with_the_values_written()
    {
        FactorModel model = FromFactors(Values(3000 * Rank, seed: 3), 3000);
        using var file = new MemoryStream();
        ModelFile.Write(model, file);
        file.Position = 0;

        FactorModel loaded = ModelFile.Read(file, "memory");

        Assert.True(StartsOnCacheLine(loaded.ItemFactors), $"{Address(loaded.ItemFactors) % 64} bytes past a line");
        Assert.Equal(model.ItemFactors.ToArray(), loaded.ItemFactors.ToArray());
    }

    [Fact]
    public void A_trained_model_holds_its_item_factors_on_a_cache_line()
    {
        var rows = new List<Interaction>();
        var random = new Random(5);
        for (int u = 0; u < 200; u++)
        {
            for (int j = 0; j < 10; j++)
            {
                rows.Add(new Interaction($"u{u}", $"i{random.Next(300)}"));
            }
        }

        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 16, NumberOfIterations = 2 })
            .Fit(FeedbackMatrix.FromLog(InteractionLog.Create(rows)));

        Assert.True(model.ItemFactors.Length >= 1024, "the test needs a table large enough to be aligned");
        Assert.True(StartsOnCacheLine(model.ItemFactors), $"{Address(model.ItemFactors) % 64} bytes past a line");
    }

    [Fact]
    public void Derived_models_share_the_item_factors_instead_of_copying_them()
    {
        FactorModel model = FromFactors(Values(2000 * Rank, seed: 9), 2000);

        FactorModel withProperties = model.WithProperties([new("note", "x")]);
        FactorModel withPopularity = withProperties.WithItemPopularity(new float[2000]);

        Assert.True(Unsafe.AreSame(in model.ItemFactors[0], in withProperties.ItemFactors[0]));
        Assert.True(Unsafe.AreSame(in model.ItemFactors[0], in withPopularity.ItemFactors[0]));
    }

    [Fact]
    public void The_scan_over_aligned_factors_ranks_like_a_scalar_dot_product()
    {
        const int itemCount = 5000;
        float[] items = Values(itemCount * Rank, seed: 21);
        FactorModel model = FromFactors(items, itemCount);
        using var recommender = new Recommender(model);
        float[] user = model.GetUserFactors(0).ToArray();

        string[] expected = Enumerable.Range(0, itemCount)
            .OrderByDescending(i => Enumerable.Range(0, Rank).Sum(d => (double)user[d] * items[i * Rank + d]))
            .Take(10).Select(i => $"i{i}").ToArray();

        Assert.Equal(expected, recommender.ForUser("u0", count: 10).Select(r => r.ItemId).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(1_000_003)]
    public void Allocate_returns_zeroed_values_of_the_length_asked_on_a_cache_line(int length)
    {
        ArraySegment<float> values = AlignedFloats.Allocate(length);

        Assert.Equal(length, values.Count);
        Assert.True(length < 1024 || AlignedFloats.IsAligned(values), $"{length}: {Address(values) % 64} bytes past a line");
        Assert.True(values.AsSpan().IndexOfAnyExcept(0f) < 0);
    }

    [Fact]
    public void Align_keeps_an_aligned_segment_and_copies_an_unaligned_one()
    {
        ArraySegment<float> aligned = AlignedFloats.Allocate(4096);
        aligned.AsSpan().Fill(2f);
        var unaligned = new ArraySegment<float>(aligned.Array!, aligned.Offset + 1, 4000);

        Assert.True(Unsafe.AreSame(ref aligned.AsSpan()[0], ref AlignedFloats.Align(aligned).AsSpan()[0]));
        ArraySegment<float> copy = AlignedFloats.Align(unaligned);
        Assert.True(AlignedFloats.IsAligned(copy));
        Assert.Equal(unaligned.ToArray(), copy.ToArray());
    }

    private static FactorModel FromFactors(float[] items, int itemCount) =>
        FactorModel.FromFactors(FactorModelKind.Implicit, IdMap.FromIds(["u0"]), IdMap.FromIds(Enumerable.Range(0, itemCount).Select(i => $"i{i}")),
            Rank, Values(Rank, seed: 1), items);

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    private static bool StartsOnCacheLine(ReadOnlySpan<float> values) => values.Length < 1024 || Address(values) % 64 == 0;

    private static unsafe ulong Address(ReadOnlySpan<float> values)
    {
        fixed (float* first = values)
        {
            return (ulong)first;
        }
    }
}
