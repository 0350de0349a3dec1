using System.Globalization;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.TestSupport;

/// <summary>
/// The fold-in systems written out plainly in double, from the trainers' documented conventions, and solved by Gauss-Jordan
/// elimination: the reference the library's float Cholesky path is checked against.
/// </summary>
internal static class ReferenceFoldIn
{
    /// <summary>Implicit ALS: A = YᵀY + Σ c'_j y_j y_jᵀ + λ(items + Σ c')^ν I, b = Σ (1 + c'_j) y_j; c' = α g(w) / mean g(training weight), with
    /// g(w) = ln(1 + w) for models trained with logarithmic weighting (property <c>weighting=log</c>) and g(w) = w otherwise.</summary>
    public static (double[,] A, double[] B, double[] Coefficients) Implicit(FactorModel model, int[] items, double[] weights)
    {
        int rank = model.NumberOfFactors, n = model.Items.Count;
        double alpha = Property(model, "alpha", 40), lambda = Property(model, "regularization", 0.075), nu = Property(model, "regularization_exponent", 1);
        bool log = model.Properties.TryGetValue("weighting", out string? weighting) && weighting == "log";
        double G(double w) => log ? Math.Log(1 + Math.Max(0, w)) : w;
        double mean = 0;
        int entries = 0;
        for (int u = 0; u < model.Users.Count; u++)
        {
            foreach (float w in model.GetSeenWeights(u))
            {
                mean += G(w);
                entries++;
            }
        }

        mean = entries == 0 ? 1 : mean / entries;
        var a = new double[rank, rank];
        for (int i = 0; i < n; i++)
        {
            AddOuter(a, model.GetItemFactors(i), 1);
        }

        var b = new double[rank];
        var coefficients = new double[items.Length];
        double total = n;
        for (int k = 0; k < items.Length; k++)
        {
            double c = alpha * G(weights[k]) / mean;
            total += c;
            AddOuter(a, model.GetItemFactors(items[k]), c);
            coefficients[k] = 1 + c;
            for (int d = 0; d < rank; d++)
            {
                b[d] += (1 + c) * model.GetItemFactors(items[k])[d];
            }
        }

        double regularization = lambda * Math.Pow(total, nu);
        for (int d = 0; d < rank; d++)
        {
            a[d, d] += regularization;
        }

        return (a, b, coefficients);
    }

    /// <summary>Explicit: ridge regression of r − μ − b_i on [y_i; 1], with λ_f + n λ_r on the factors (n rated items) and λ_b on the
    /// bias.</summary>
    public static (double[,] A, double[] B, double[] Coefficients) Explicit(FactorModel model, int[] items, double[] ratings)
    {
        int rank = model.NumberOfFactors, n = rank + 1;
        double lambdaF = Property(model, "factor_regularization", 3) + Property(model, "rating_regularization", 0) * items.Distinct().Count();
        double lambdaB = Property(model, "bias_regularization", 7);
        var a = new double[n, n];
        var b = new double[n];
        var coefficients = new double[items.Length];
        for (int k = 0; k < items.Length; k++)
        {
            double[] f = Features(model, items[k], explicitModel: true);
            double residual = ratings[k] - model.GlobalBias - model.GetItemBias(items[k]);
            coefficients[k] = residual;
            for (int r = 0; r < n; r++)
            {
                b[r] += residual * f[r];
                for (int c = 0; c < n; c++)
                {
                    a[r, c] += f[r] * f[c];
                }
            }
        }

        for (int d = 0; d < rank; d++)
        {
            a[d, d] += lambdaF;
        }

        a[rank, rank] += lambdaB;
        return (a, b, coefficients);
    }

    public static double[] Features(FactorModel model, int item, bool explicitModel)
    {
        var f = new double[model.NumberOfFactors + (explicitModel ? 1 : 0)];
        for (int d = 0; d < model.NumberOfFactors; d++)
        {
            f[d] = model.GetItemFactors(item)[d];
        }

        if (explicitModel)
        {
            f[^1] = 1;
        }

        return f;
    }

    /// <summary>Solves A x = b by Gauss-Jordan elimination with partial pivoting (A and b are not changed).</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = new double[n, n + 1];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                m[r, c] = a[r, c];
            }

            m[r, n] = b[r];
        }

        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (int c = 0; c <= n; c++)
            {
                (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }

            for (int r = 0; r < n; r++)
            {
                if (r != col)
                {
                    double factor = m[r, col] / m[col, col];
                    for (int c = col; c <= n; c++)
                    {
                        m[r, c] -= factor * m[col, c];
                    }
                }
            }
        }

        var x = new double[n];
        for (int r = 0; r < n; r++)
        {
            x[r] = m[r, n] / m[r, r];
        }

        return x;
    }

    public static double Dot(double[] a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int d = 0; d < b.Length; d++)
        {
            sum += a[d] * b[d];
        }

        return sum;
    }

    /// <summary>Asserts that two vectors agree: ‖a − e‖ ≤ tolerance · ‖e‖.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        double error = 0, norm = 0;
        for (int d = 0; d < expected.Length; d++)
        {
            error += (expected[d] - actual[d]) * (expected[d] - actual[d]);
            norm += expected[d] * expected[d];
        }

        Assert.True(Math.Sqrt(error) <= tolerance * Math.Sqrt(norm),
            $"{context}: relative error {Math.Sqrt(error / Math.Max(norm, double.Epsilon)):E2} exceeds {tolerance:E0}.");
    }

    private static void AddOuter(double[,] a, ReadOnlySpan<float> y, double scale)
    {
        for (int r = 0; r < y.Length; r++)
        {
            for (int c = 0; c < y.Length; c++)
            {
                a[r, c] += scale * y[r] * y[c];
            }
        }
    }

    private static double Property(FactorModel model, string key, double fallback) =>
        model.Properties.TryGetValue(key, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
