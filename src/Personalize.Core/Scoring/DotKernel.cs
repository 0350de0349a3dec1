using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Personalize.Core.Scoring;

/// <summary>
/// The one definition of an item's fp32 score that every scan shares, so that a score does not depend on which kernel, which thread or
/// which position in a group of items computed it (the int8 pre-scan re-scores its candidates with it and must get the full scan's
/// numbers bit for bit).
/// </summary>
/// <remarks>
/// <para>A score is computed on <c>W</c> lanes (<see cref="LaneWidth"/>): 16 with AVX-512, 8 with AVX2 + FMA, 4 with any other
/// accelerated 128-bit vectors, 1 otherwise or when the rank is smaller than 4. Lane <c>j</c> accumulates
/// <c>fma(item[cW + j], user[cW + j], acc)</c> over the whole chunks <c>c</c>; a rank that is not a multiple of <c>W</c> adds one last
/// chunk loaded from <c>[rank − W, rank)</c> (inside the row, so no read past it) against the user's factors with the lanes the whole
/// chunks already counted set to 0. The lanes are then added in one fixed tree: with 16 lanes, <c>b[j] = acc[j] + acc[j + 8]</c>; with
/// 8, <c>((b0 + b1) + (b2 + b3)) + ((b4 + b5) + (b6 + b7))</c>; with 4, <c>(b0 + b1) + (b2 + b3)</c>.</para>
/// <para>The width is chosen once per process (from the CPU) and per rank; results may differ in the last bits between machines with
/// different vector widths, as with <c>TensorPrimitives</c>.</para>
/// </remarks>
internal static class DotKernel
{
    /// <summary>Whether the 16-lane AVX-512 kernel is available.</summary>
    public static readonly bool HasAvx512 = Avx512F.IsSupported;

    /// <summary>Whether the 8-lane AVX2 + FMA kernel is available.</summary>
    public static readonly bool HasAvx2 = Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether the 4-lane portable kernel is available.</summary>
    public static readonly bool HasVector128 = Vector128.IsHardwareAccelerated;

    /// <summary>The widest lane count this CPU supports for <paramref name="rank"/> factors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LaneWidth(int rank) =>
        HasAvx512 && rank >= 16 ? 16 : HasAvx2 && rank >= 8 ? 8 : HasVector128 && rank >= 4 ? 4 : 1;

    /// <summary>Whether this CPU can run the kernel of <paramref name="width"/> lanes for <paramref name="rank"/> factors (for tests that
    /// run every kernel the machine has).</summary>
    public static bool Supports(int width, int rank) => rank >= width && width switch
    {
        16 => HasAvx512,
        8 => HasAvx2,
        4 => HasVector128,
        1 => true,
        _ => false,
    };

    /// <summary>Scores one item with the kernel of <see cref="LaneWidth"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Score(ReadOnlySpan<float> user, ref float row) => Score(user, ref row, LaneWidth(user.Length));

    /// <summary>Scores one item with the kernel of <paramref name="width"/> lanes (see the class remarks for the exact arithmetic).</summary>
    public static float Score(ReadOnlySpan<float> user, ref float row, int width)
    {
        int rank = user.Length;
        ref float u = ref MemoryMarshal.GetReference(user);
        switch (width)
        {
            case 16:
            {
                Vector512<float> acc = Vector512<float>.Zero;
                int d = 0;
                for (; d + 16 <= rank; d += 16)
                {
                    acc = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)d), Vector512.LoadUnsafe(ref u, (nuint)d), acc);
                }

                if (d < rank)
                {
                    acc = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(rank - 16)), Tail512(user), acc);
                }

                return Reduce8(Vector512.GetLower(acc) + Vector512.GetUpper(acc));
            }

            case 8:
            {
                Vector256<float> acc = Vector256<float>.Zero;
                int d = 0;
                for (; d + 8 <= rank; d += 8)
                {
                    acc = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)d), Vector256.LoadUnsafe(ref u, (nuint)d), acc);
                }

                if (d < rank)
                {
                    acc = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(rank - 8)), Tail256(user), acc);
                }

                return Reduce8(acc);
            }

            case 4:
            {
                Vector128<float> acc = Vector128<float>.Zero;
                int d = 0;
                for (; d + 4 <= rank; d += 4)
                {
                    acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)d), Vector128.LoadUnsafe(ref u, (nuint)d), acc);
                }

                if (d < rank)
                {
                    acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)(rank - 4)), Tail128(user), acc);
                }

                return Reduce4(acc);
            }

            default:
            {
                float acc = 0;
                for (int d = 0; d < rank; d++)
                {
                    acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref row, d), Unsafe.Add(ref u, d), acc);
                }

                return acc;
            }
        }
    }

    /// <summary>The user's last <c>16</c> factors with the lanes that the whole chunks already counted set to 0 (for a rank that is not a
    /// multiple of 16; at least 16).</summary>
    public static Vector512<float> Tail512(ReadOnlySpan<float> user)
    {
        int rank = user.Length;
        int counted = 16 - rank % 16;   // lanes [0, counted) of the last load overlap the previous chunk
        Vector512<float> values = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(user), (nuint)(rank - 16));
        Vector512<int> keep = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(counted));
        return Vector512.ConditionalSelect(keep.AsSingle(), values, Vector512<float>.Zero);
    }

    /// <summary>As <see cref="Tail512"/>, for 8 lanes.</summary>
    public static Vector256<float> Tail256(ReadOnlySpan<float> user)
    {
        int rank = user.Length;
        int counted = 8 - rank % 8;
        Vector256<float> values = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(user), (nuint)(rank - 8));
        Vector256<int> keep = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(counted));
        return Vector256.ConditionalSelect(keep.AsSingle(), values, Vector256<float>.Zero);
    }

    /// <summary>As <see cref="Tail512"/>, for 4 lanes.</summary>
    public static Vector128<float> Tail128(ReadOnlySpan<float> user)
    {
        int rank = user.Length;
        int counted = 4 - rank % 4;
        Vector128<float> values = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(user), (nuint)(rank - 4));
        Vector128<int> keep = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(counted));
        return Vector128.ConditionalSelect(keep.AsSingle(), values, Vector128<float>.Zero);
    }

    /// <summary>The 8-lane tree: <c>((b0 + b1) + (b2 + b3)) + ((b4 + b5) + (b6 + b7))</c>, the order the AVX horizontal-add transpose
    /// of the group kernels computes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Reduce8(Vector256<float> b) =>
        ((b.GetElement(0) + b.GetElement(1)) + (b.GetElement(2) + b.GetElement(3)))
        + ((b.GetElement(4) + b.GetElement(5)) + (b.GetElement(6) + b.GetElement(7)));

    /// <summary>The 4-lane tree: <c>(b0 + b1) + (b2 + b3)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Reduce4(Vector128<float> b) => (b.GetElement(0) + b.GetElement(1)) + (b.GetElement(2) + b.GetElement(3));

    /// <summary>
    /// Reduces eight 8-lane accumulators (one per item) to one vector of eight scores, each with the tree of <see cref="Reduce8"/>:
    /// two levels of horizontal adds and one cross-lane add, about one instruction per item.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Transpose8(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        // [a0 01, a0 23, a1 01, a1 23 | a0 45, a0 67, a1 45, a1 67] and so on, then one more level and a cross-lane add.
        Vector256<float> h0123 = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        Vector256<float> h4567 = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
        return Avx.Add(Avx.Permute2x128(h0123, h4567, 0x20), Avx.Permute2x128(h0123, h4567, 0x31));
    }
}
