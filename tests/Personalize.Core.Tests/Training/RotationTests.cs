using Personalize.Core.Internal;

namespace Personalize.Core.Tests.Training;

/// <summary><see cref="Rotation.Polar"/>: the orthogonal factor of a square matrix.</summary>
public sealed class RotationTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(8, 3)]
    [InlineData(33, 4)]
    public void The_polar_factor_of_a_rotation_times_a_positive_definite_matrix_is_that_rotation(int n, int seed)
    {
        var random = new Random(seed);
        double[] rotation = RandomRotation(n, random);
        // H = B Bᵀ + I: symmetric positive definite, far from a multiple of the identity.
        double[] b = [.. Enumerable.Range(0, n * n).Select(_ => (random.NextDouble() * 4) - 2)];
        var h = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                h[(r * n) + c] = (r == c ? 1 : 0) + Enumerable.Range(0, n).Sum(t => b[(r * n) + t] * b[(c * n) + t]);
            }
        }

        double[] m = Multiply(rotation, h, n);

        double[]? polar = Rotation.Polar(m, n);

        Assert.NotNull(polar);
        Assert.Equal(rotation, polar, (x, y) => Math.Abs(x - y) < 1e-9);
    }

    [Fact]
    public void A_singular_matrix_has_no_rotation()
    {
        double[] m = [1, 2, 3, 2, 4, 6, 0, 1, 1];

        Assert.Null(Rotation.Polar(m, 3));
        Assert.Null(Rotation.Polar(new double[4], 2));
    }

    /// <summary>A random orthogonal n × n matrix (Gram-Schmidt on Gaussian-ish columns), row-major.</summary>
    internal static double[] RandomRotation(int n, Random random)
    {
        var q = new double[n * n];
        for (int c = 0; c < n; c++)
        {
            var v = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            for (int p = 0; p < c; p++)
            {
                double dot = Enumerable.Range(0, n).Sum(r => v[r] * q[(r * n) + p]);
                for (int r = 0; r < n; r++)
                {
                    v[r] -= dot * q[(r * n) + p];
                }
            }

            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int r = 0; r < n; r++)
            {
                q[(r * n) + c] = v[r] / norm;
            }
        }

        return q;
    }

    private static double[] Multiply(double[] a, double[] b, int n)
    {
        var product = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                product[(r * n) + c] = Enumerable.Range(0, n).Sum(t => a[(r * n) + t] * b[(t * n) + c]);
            }
        }

        return product;
    }
}
