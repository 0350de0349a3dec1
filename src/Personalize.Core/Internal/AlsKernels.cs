using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Personalize.Core.Internal;

/// <summary>
/// The numerical kernels of alternating least squares, compiled fully optimized at first use (tiered compilation would run the first
/// epoch in unoptimized code, 4× slower). Every kernel works on one entity (user or item) at a time and reads the other
/// side's factors only, so the result for an entity does not depend on how entities are spread over threads.
/// </summary>
internal static class AlsKernels
{
    /// <summary>Entities per block of the Gram sum; fixed so that the summation order never depends on the thread count.</summary>
    private const int GramBlockSize = 512;

    /// <summary>Computes <c>G = Σ_i f_i f_iᵀ</c> over <paramref name="count"/> factor rows of length <paramref name="rank"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void Gram(float[] factors, int count, int rank, float[] gram, ParallelOptions parallel)
    {
        int blocks = (count + GramBlockSize - 1) / GramBlockSize;
        int groups = Math.Min(blocks, 64);
        int blocksPerGroup = groups == 0 ? 0 : (blocks + groups - 1) / groups;
        var partial = new float[Math.Max(groups, 1) * rank * rank];
        Parallel.For(0, groups, parallel, group =>
        {
            Span<float> g = partial.AsSpan(group * rank * rank, rank * rank);
            int start = group * blocksPerGroup * GramBlockSize;
            int end = Math.Min(count, start + blocksPerGroup * GramBlockSize);
            for (int i = start; i < end; i++)
            {
                ReadOnlySpan<float> f = factors.AsSpan(i * rank, rank);
                for (int a = 0; a < rank; a++)
                {
                    float fa = f[a];
                    if (fa != 0)
                    {
                        Span<float> row = g.Slice(a * rank, rank);
                        TensorPrimitives.MultiplyAdd(f, fa, row, row);
                    }
                }
            }
        });

        Array.Clear(gram);
        for (int group = 0; group < groups; group++)
        {
            TensorPrimitives.Add(gram, partial.AsSpan(group * rank * rank, rank * rank), gram);
        }
    }

    /// <summary>Computes <c>destination = G v</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void MultiplyGram(ReadOnlySpan<float> gram, ReadOnlySpan<float> v, Span<float> destination)
    {
        int rank = v.Length;
        for (int a = 0; a < rank; a++)
        {
            destination[a] = TensorPrimitives.Dot(gram.Slice(a * rank, rank), v);
        }
    }

    /// <summary>
    /// Improves <paramref name="x"/> towards the solution of <c>(G + λI + Σ c'_j y_j y_jᵀ) x = Σ (1 + c'_j) y_j</c> with a few steps of
    /// conjugate gradient, starting from its current value.
    /// </summary>
    /// <param name="gram">G, the Gram matrix of the other side.</param>
    /// <param name="other">All factors of the other side.</param>
    /// <param name="indices">The entity's observed partners.</param>
    /// <param name="confidence">c' = confidence − 1 of each partner.</param>
    /// <param name="regularization">λ for this entity.</param>
    /// <param name="x">The factors, improved in place.</param>
    /// <param name="steps">The number of CG steps.</param>
    /// <param name="scratch">3 × rank floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void SolveConjugateGradient(ReadOnlySpan<float> gram, ReadOnlySpan<float> other, ReadOnlySpan<int> indices,
        ReadOnlySpan<float> confidence, float regularization, Span<float> x, int steps, Span<float> scratch)
    {
        int rank = x.Length;
        Span<float> r = scratch[..rank];
        Span<float> p = scratch.Slice(rank, rank);
        Span<float> ap = scratch.Slice(2 * rank, rank);

        // r = b - A x
        MultiplyGram(gram, x, r);
        TensorPrimitives.MultiplyAdd(x, regularization, r, r);
        TensorPrimitives.Negate(r, r);
        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> y = other.Slice(indices[j] * rank, rank);
            float c = confidence[j];
            float s = TensorPrimitives.Dot(y, x);
            TensorPrimitives.MultiplyAdd(y, 1f + c - c * s, r, r);
        }

        r.CopyTo(p);
        float rsOld = TensorPrimitives.Dot(r, r);
        for (int step = 0; step < steps; step++)
        {
            if (rsOld < 1e-20f)
            {
                break;
            }

            // ap = A p
            MultiplyGram(gram, p, ap);
            TensorPrimitives.MultiplyAdd(p, regularization, ap, ap);
            for (int j = 0; j < indices.Length; j++)
            {
                ReadOnlySpan<float> y = other.Slice(indices[j] * rank, rank);
                float c = confidence[j];
                TensorPrimitives.MultiplyAdd(y, c * TensorPrimitives.Dot(y, p), ap, ap);
            }

            float pAp = TensorPrimitives.Dot(p, ap);
            if (!(pAp > 0))
            {
                break;
            }

            float alpha = rsOld / pAp;
            TensorPrimitives.MultiplyAdd(p, alpha, x, x);
            TensorPrimitives.MultiplyAdd(ap, -alpha, r, r);
            float rsNew = TensorPrimitives.Dot(r, r);
            TensorPrimitives.MultiplyAdd(p, rsNew / rsOld, r, p);
            rsOld = rsNew;
        }
    }

    /// <summary>Solves the same system exactly with a Cholesky factorization.</summary>
    /// <remarks>The arguments are those of <see cref="SolveConjugateGradient"/>; the scratch holds rank × rank + rank floats.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void SolveCholesky(ReadOnlySpan<float> gram, ReadOnlySpan<float> other, ReadOnlySpan<int> indices,
        ReadOnlySpan<float> confidence, float regularization, Span<float> x, Span<float> scratch)
    {
        int rank = x.Length;
        Span<float> a = scratch[..(rank * rank)];
        Span<float> b = scratch.Slice(rank * rank, rank);
        gram.CopyTo(a);
        b.Clear();
        for (int d = 0; d < rank; d++)
        {
            a[d * rank + d] += regularization;
        }

        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> y = other.Slice(indices[j] * rank, rank);
            float c = confidence[j];
            TensorPrimitives.MultiplyAdd(y, 1f + c, b, b);
            for (int row = 0; row < rank; row++)
            {
                float cy = c * y[row];
                if (cy != 0)
                {
                    Span<float> aRow = a.Slice(row * rank, rank);
                    TensorPrimitives.MultiplyAdd(y, cy, aRow, aRow);
                }
            }
        }

        CholeskySolve(a, b, rank);
        b.CopyTo(x);
    }

    /// <summary>Solves <c>A x = b</c> for a symmetric positive definite A in place: A becomes its Cholesky factor and b the solution.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void CholeskySolve(Span<float> a, Span<float> b, int rank)
    {
        for (int j = 0; j < rank; j++)
        {
            Span<float> rowJ = a.Slice(j * rank, rank);
            float diagonal = rowJ[j] - TensorPrimitives.Dot(rowJ[..j], rowJ[..j]);
            float pivot = MathF.Sqrt(MathF.Max(diagonal, 1e-12f));
            rowJ[j] = pivot;
            for (int i = j + 1; i < rank; i++)
            {
                Span<float> rowI = a.Slice(i * rank, rank);
                rowI[j] = (rowI[j] - TensorPrimitives.Dot(rowI[..j], rowJ[..j])) / pivot;
            }
        }

        // Forward: L z = b.
        for (int i = 0; i < rank; i++)
        {
            ReadOnlySpan<float> rowI = a.Slice(i * rank, rank);
            b[i] = (b[i] - TensorPrimitives.Dot(rowI[..i], b[..i])) / rowI[i];
        }

        // Backward: Lᵀ x = z.
        for (int i = rank - 1; i >= 0; i--)
        {
            float sum = b[i];
            for (int k = i + 1; k < rank; k++)
            {
                sum -= a[k * rank + i] * b[k];
            }

            b[i] = sum / a[i * rank + i];
        }
    }

    /// <summary>
    /// The part of the objective that involves one entity with the other side fixed:
    /// <c>xᵀGx + Σ_j [(1 + c'_j)(1 − s_j)² − s_j²] + λ‖x‖²</c>, with <c>s_j = y_j · x</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static double Loss(ReadOnlySpan<float> gram, ReadOnlySpan<float> other, ReadOnlySpan<int> indices, ReadOnlySpan<float> confidence,
        float regularization, ReadOnlySpan<float> x, Span<float> scratch)
    {
        int rank = x.Length;
        Span<float> gx = scratch[..rank];
        MultiplyGram(gram, x, gx);
        double loss = TensorPrimitives.Dot(x, gx) + regularization * (double)TensorPrimitives.Dot(x, x);
        for (int j = 0; j < indices.Length; j++)
        {
            double s = TensorPrimitives.Dot(other.Slice(indices[j] * rank, rank), x);
            loss += (1 + confidence[j]) * (1 - s) * (1 - s) - s * s;
        }

        return loss;
    }
}
