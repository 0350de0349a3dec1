using System.Numerics.Tensors;

namespace Personalize.Core.Internal;

/// <summary>
/// Cholesky factorization of a small symmetric positive definite matrix held row-major in a span, split into factor and solve so that
/// one factorization serves several right-hand sides (fold-in, then explanations). Only the lower triangle of the input is read.
/// </summary>
internal static class Cholesky
{
    /// <summary>Smallest pivot squared; keeps a numerically singular matrix from producing infinities.</summary>
    private const float MinimumPivot = 1e-12f;

    /// <summary>Replaces the lower triangle of <paramref name="a"/> (n × n, row-major) with L, where A = L Lᵀ.</summary>
    public static void Factor(Span<float> a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            Span<float> rowJ = a.Slice(j * n, n);
            float pivot = MathF.Sqrt(MathF.Max(rowJ[j] - TensorPrimitives.Dot(rowJ[..j], rowJ[..j]), MinimumPivot));
            rowJ[j] = pivot;
            float inverse = 1f / pivot;
            for (int i = j + 1; i < n; i++)
            {
                Span<float> rowI = a.Slice(i * n, n);
                rowI[j] = (rowI[j] - TensorPrimitives.Dot(rowI[..j], rowJ[..j])) * inverse;
            }
        }
    }

    /// <summary>Solves L Lᵀ x = b in place (<paramref name="b"/> becomes x), with L from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<float> factor, Span<float> b, int n)
    {
        // Forward: L z = b.
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> rowI = factor.Slice(i * n, n);
            b[i] = (b[i] - TensorPrimitives.Dot(rowI[..i], b[..i])) / rowI[i];
        }

        // Backward: Lᵀ x = z. Once x_i is known, its terms L[i][k] x_i leave the equations k < i: one contiguous row of L each.
        for (int i = n - 1; i >= 0; i--)
        {
            ReadOnlySpan<float> rowI = factor.Slice(i * n, n);
            float x = b[i] / rowI[i];
            b[i] = x;
            TensorPrimitives.MultiplyAdd(rowI[..i], -x, b[..i], b[..i]);
        }
    }
}
