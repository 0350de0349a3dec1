using Personalize.Core.Internal;

namespace Personalize.Core.Tests.Training;

/// <summary>The kernels' own vector helpers against plain scalar loops, on every length from 0 to 257 (all vector widths and tails).</summary>
public sealed class AlsKernelsVectorTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 257; n++)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_matches_a_scalar_sum_of_products(int length)
    {
        (float[] x, float[] y) = (Random(length, 1), Random(length, 2));
        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < length; i++)
        {
            expected += (double)x[i] * y[i];
            magnitude += Math.Abs((double)x[i] * y[i]);
        }

        float actual = AlsKernels.Dot(x, y);

        Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, magnitude), $"n = {length}: {actual} vs {expected}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd_Add_and_Negate_match_scalar_loops_also_in_place(int length)
    {
        (float[] x, float[] a) = (Random(length, 3), Random(length, 4));
        var destination = new float[length];
        float[] inPlace = (float[])a.Clone();

        AlsKernels.MultiplyAdd(x, 0.75f, a, destination);
        AlsKernels.MultiplyAdd(x, 0.75f, inPlace, inPlace);

        for (int i = 0; i < length; i++)
        {
            float expected = x[i] * 0.75f + a[i];
            Assert.True(Math.Abs(destination[i] - expected) <= 1e-6f * Math.Max(1f, Math.Abs(expected)), $"n = {length}, i = {i}");
            Assert.Equal(destination[i], inPlace[i]);
        }

        var sum = new float[length];
        AlsKernels.Add(x, a, sum);
        float[] negated = (float[])x.Clone();
        AlsKernels.Negate(negated, negated);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(x[i] + a[i], sum[i]);
            Assert.Equal(-x[i], negated[i]);
        }
    }

    [Fact]
    public void Helpers_reject_spans_of_different_lengths()
    {
        Assert.Throws<ArgumentException>(() => AlsKernels.Dot(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => AlsKernels.MultiplyAdd(new float[3], 1f, new float[3], new float[2]));
    }

    [Fact]
    public void SumOfSquares_is_exact_enough_over_a_large_array()
    {
        float[] values = Random(100_003, 5);
        double expected = values.Sum(v => (double)v * v);

        Assert.Equal(expected, AlsKernels.SumOfSquares(values), expected * 1e-6);
    }

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed * 1000 + length);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
