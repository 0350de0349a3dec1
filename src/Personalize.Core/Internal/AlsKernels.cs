using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Personalize.Core.Internal;

/// <summary>
/// The numerical kernels of alternating least squares, compiled fully optimized at first use (tiered compilation would run the first
/// epoch in unoptimized code, 4× slower). Every kernel works on one entity (user or item) at a time and reads the other
/// side's factors only, so the result for an entity does not depend on how entities are spread over threads.
/// </summary>
/// <remarks>
/// The vector helpers at the end (<see cref="Dot"/>, <see cref="MultiplyAdd"/>, ...) stand in for <c>TensorPrimitives</c> here on
/// purpose. <c>System.Numerics.Tensors</c> ships as IL, so its generic SIMD bodies are first compiled at tier 0, where every
/// <c>Vector512</c> operation is a call: <c>AggressiveOptimization</c> on a kernel does not reach into them. The first epoch of a
/// 350k-pair fit then cost 3-4× a later one (10-13× in issue 16), and with tiered compilation off it cost the same as a later one.
/// These helpers are inlined into the fully optimized kernels instead, so the first epoch runs optimized code throughout.
/// </remarks>
internal static class AlsKernels
{
    /// <summary>Entities per block of the Gram sum; fixed so that the summation order never depends on the thread count.</summary>
    private const int GramBlockSize = 512;

    /// <summary>Computes <c>G = Σ_i f_i f_iᵀ</c> over <paramref name="count"/> factor rows of length <paramref name="rank"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void Gram(ArraySegment<float> factors, int count, int rank, float[] gram, ParallelOptions parallel)
    {
        int blocks = (count + GramBlockSize - 1) / GramBlockSize;
        int groups = Math.Min(blocks, 64);
        int blocksPerGroup = groups == 0 ? 0 : (blocks + groups - 1) / groups;
        var partial = new float[Math.Max(groups, 1) * rank * rank];
        Parallel.For(0, groups, parallel, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int group) =>
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
                        MultiplyAdd(f, fa, row, row);
                    }
                }
            }
        });

        Array.Clear(gram);
        for (int group = 0; group < groups; group++)
        {
            Add(gram, partial.AsSpan(group * rank * rank, rank * rank), gram);
        }
    }

    /// <summary>Computes <c>destination = G v</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public static void MultiplyGram(ReadOnlySpan<float> gram, ReadOnlySpan<float> v, Span<float> destination)
    {
        int rank = v.Length;
        for (int a = 0; a < rank; a++)
        {
            destination[a] = Dot(gram.Slice(a * rank, rank), v);
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
        MultiplyAdd(x, regularization, r, r);
        Negate(r, r);
        for (int j = 0; j < indices.Length; j++)
        {
            ReadOnlySpan<float> y = other.Slice(indices[j] * rank, rank);
            float c = confidence[j];
            float s = Dot(y, x);
            MultiplyAdd(y, 1f + c - c * s, r, r);
        }

        r.CopyTo(p);
        float rsOld = Dot(r, r);
        for (int step = 0; step < steps; step++)
        {
            if (rsOld < 1e-20f)
            {
                break;
            }

            // ap = A p
            MultiplyGram(gram, p, ap);
            MultiplyAdd(p, regularization, ap, ap);
            for (int j = 0; j < indices.Length; j++)
            {
                ReadOnlySpan<float> y = other.Slice(indices[j] * rank, rank);
                float c = confidence[j];
                MultiplyAdd(y, c * Dot(y, p), ap, ap);
            }

            float pAp = Dot(p, ap);
            if (!(pAp > 0))
            {
                break;
            }

            float alpha = rsOld / pAp;
            MultiplyAdd(p, alpha, x, x);
            MultiplyAdd(ap, -alpha, r, r);
            float rsNew = Dot(r, r);
            MultiplyAdd(p, rsNew / rsOld, r, p);
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
            MultiplyAdd(y, 1f + c, b, b);
            for (int row = 0; row < rank; row++)
            {
                float cy = c * y[row];
                if (cy != 0)
                {
                    Span<float> aRow = a.Slice(row * rank, rank);
                    MultiplyAdd(y, cy, aRow, aRow);
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
            float diagonal = rowJ[j] - Dot(rowJ[..j], rowJ[..j]);
            float pivot = MathF.Sqrt(MathF.Max(diagonal, 1e-12f));
            rowJ[j] = pivot;
            for (int i = j + 1; i < rank; i++)
            {
                Span<float> rowI = a.Slice(i * rank, rank);
                rowI[j] = (rowI[j] - Dot(rowI[..j], rowJ[..j])) / pivot;
            }
        }

        // Forward: L z = b.
        for (int i = 0; i < rank; i++)
        {
            ReadOnlySpan<float> rowI = a.Slice(i * rank, rank);
            b[i] = (b[i] - Dot(rowI[..i], b[..i])) / rowI[i];
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
        double loss = Dot(x, gx) + regularization * (double)Dot(x, x);
        for (int j = 0; j < indices.Length; j++)
        {
            double s = Dot(other.Slice(indices[j] * rank, rank), x);
            loss += (1 + confidence[j]) * (1 - s) * (1 - s) - s * s;
        }

        return loss;
    }

    /// <summary>Returns <c>Σ x[i]·y[i]</c>; the spans have the same length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLengthMismatch();
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                acc = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), acc);
            }

            sum = Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && n - i >= Vector256<float>.Count)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), acc);
            }

            sum += Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref px, i) * Unsafe.Add(ref py, i);
        }

        return sum;
    }

    /// <summary>Computes <c>destination[i] = x[i]·scale + addend[i]</c>; the spans have the same length and may be the same span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd(ReadOnlySpan<float> x, float scale, ReadOnlySpan<float> addend, Span<float> destination)
    {
        if (x.Length != addend.Length || x.Length != destination.Length)
        {
            ThrowLengthMismatch();
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pa = ref MemoryMarshal.GetReference(addend);
        ref float pd = ref MemoryMarshal.GetReference(destination);
        int n = x.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(scale);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref px, (nuint)i), s, Vector512.LoadUnsafe(ref pa, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(scale);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref px, (nuint)i), s, Vector256.LoadUnsafe(ref pa, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref px, i), scale, Unsafe.Add(ref pa, i));
        }
    }

    /// <summary>Computes <c>destination[i] = x[i] + y[i]</c>; the spans have the same length and may be the same span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => MultiplyAdd(y, 1f, x, destination);

    /// <summary>Computes <c>destination[i] = -x[i]</c>; the spans have the same length and may be the same span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Negate(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (x.Length != destination.Length)
        {
            ThrowLengthMismatch();
        }

        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = -x[i];
        }
    }

    /// <summary>Multiplies every value by <paramref name="scale"/> in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Scale(Span<float> values, float scale)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= scale;
        }
    }

    /// <summary>Returns <c>Σ x[i]²</c> over a whole array, in double, fully optimized from the first call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double total = 0;
        const int Chunk = 4096;
        for (int start = 0; start < values.Length; start += Chunk)
        {
            ReadOnlySpan<float> chunk = values.Slice(start, Math.Min(Chunk, values.Length - start));
            total += Dot(chunk, chunk);
        }

        return total;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLengthMismatch() => throw new ArgumentException("The spans must have the same length.");
}
