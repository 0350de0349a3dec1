namespace Personalize.Core.Internal;

/// <summary>
/// The orthogonal factor of a small square matrix (its polar decomposition M = R H, R orthogonal, H symmetric positive semi-definite):
/// the rotation R that maximizes trace(Rᵀ M), which is the rotation that brings one set of vectors X closest to another S when M = Xᵀ S.
/// </summary>
internal static class Rotation
{
    /// <summary>The most Newton steps taken; a well-conditioned 32 × 32 matrix converges in 6-10.</summary>
    private const int MaximumSteps = 50;

    /// <summary>Returns the orthogonal polar factor of <paramref name="m"/> (n × n, row-major), by the scaled Newton iteration
    /// R ← (γ R + R⁻ᵀ / γ) / 2 with γ = (‖R⁻¹‖ / ‖R‖)^½ (Higham, "Computing the polar decomposition — with applications", 1986), or null
    /// when <paramref name="m"/> is singular or nearly so, where the rotation is not determined.</summary>
    public static double[]? Polar(ReadOnlySpan<double> m, int n)
    {
        var r = m[..(n * n)].ToArray();
        var inverse = new double[n * n];
        var work = new double[n * n];
        for (int step = 0; step < MaximumSteps; step++)
        {
            if (!TryInvert(r, inverse, work, n))
            {
                return null;
            }

            double normR = 0, normInverse = 0;
            for (int x = 0; x < n * n; x++)
            {
                normR += r[x] * r[x];
                normInverse += inverse[x] * inverse[x];
            }

            double gamma = Math.Sqrt(Math.Sqrt(normInverse / normR)), change = 0, size = 0;
            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b < n; b++)
                {
                    double next = 0.5 * ((gamma * r[(a * n) + b]) + (inverse[(b * n) + a] / gamma));
                    change += Math.Abs(next - r[(a * n) + b]);
                    size += Math.Abs(next);
                    work[(a * n) + b] = next;
                }
            }

            (r, work) = (work, r);
            if (change <= 1e-13 * size)
            {
                break;
            }
        }

        return r;
    }

    /// <summary>Gauss-Jordan elimination with partial pivoting; false when a pivot falls below 1e-12 of the largest entry.</summary>
    private static bool TryInvert(double[] source, double[] inverse, double[] work, int n)
    {
        source.AsSpan(0, n * n).CopyTo(work);
        Array.Clear(inverse);
        double largest = 0;
        for (int x = 0; x < n * n; x++)
        {
            largest = Math.Max(largest, Math.Abs(work[x]));
        }

        if (largest == 0 || !double.IsFinite(largest))
        {
            return false;
        }

        for (int a = 0; a < n; a++)
        {
            inverse[(a * n) + a] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(work[(r * n) + c]) > Math.Abs(work[(pivot * n) + c]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(work[(pivot * n) + c]) <= 1e-12 * largest)
            {
                return false;
            }

            if (pivot != c)
            {
                for (int t = 0; t < n; t++)
                {
                    (work[(c * n) + t], work[(pivot * n) + t]) = (work[(pivot * n) + t], work[(c * n) + t]);
                    (inverse[(c * n) + t], inverse[(pivot * n) + t]) = (inverse[(pivot * n) + t], inverse[(c * n) + t]);
                }
            }

            double scale = 1 / work[(c * n) + c];
            for (int t = 0; t < n; t++)
            {
                work[(c * n) + t] *= scale;
                inverse[(c * n) + t] *= scale;
            }

            for (int r = 0; r < n; r++)
            {
                double f = work[(r * n) + c];
                if (r == c || f == 0)
                {
                    continue;
                }

                for (int t = 0; t < n; t++)
                {
                    work[(r * n) + t] -= f * work[(c * n) + t];
                    inverse[(r * n) + t] -= f * inverse[(c * n) + t];
                }
            }
        }

        return true;
    }
}
