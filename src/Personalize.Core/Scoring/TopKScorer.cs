using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Personalize.Core.Internal;
using System.Runtime.Intrinsics.X86;

namespace Personalize.Core.Scoring;

/// <summary>
/// The scoring hot path: scans a contiguous item-major factor matrix, scores each eligible item with a SIMD dot product and keeps the
/// best k in a bounded min-heap. Allocates nothing; the caller owns every buffer.
/// </summary>
internal static partial class TopKScorer
{
    /// <summary>How far ahead (in floats: 8 KiB, 32 items at 64 factors) the x86 kernels prefetch; each step asks for every cache line of
    /// its 8 items' rows. Measured on a quiet 2-core EPYC at 1M and 100k items × 64 factors, variants alternating in one process:
    /// prefetcht0 4-8 KiB ahead scans at the streaming-read roofline; 32 KiB ahead was 1.3-1.4× slower, no prefetch 1.3×. The kernels
    /// are compiled fully optimized at once (<see cref="MethodImplOptions.AggressiveOptimization"/>): with tiered PGO the same loop
    /// measured about 10 % slower.</summary>
    private const int PrefetchFloats = 2048;

    /// <summary>
    /// Scores items <c>[start, end)</c> against <paramref name="user"/> and offers each eligible one to the heap
    /// (<paramref name="bestScores"/>, <paramref name="bestItems"/>, <paramref name="kept"/>).
    /// </summary>
    /// <param name="user">The user's factors, of length rank.</param>
    /// <param name="items">All item factors, item-major.</param>
    /// <param name="start">The first item to score.</param>
    /// <param name="end">One past the last item to score.</param>
    /// <param name="excludedSorted">Item indices to skip, ascending (such as the user's seen items).</param>
    /// <param name="eligible">A bitset of the items allowed, or empty for all.</param>
    /// <param name="itemBias">A bias per item added to its score (one value per item), or empty for none.</param>
    /// <param name="bestScores">The heap's scores; its length is k.</param>
    /// <param name="bestItems">The heap's items; its length is k.</param>
    /// <param name="kept">How many heap slots are in use; updated.</param>
    public static void Scan(ReadOnlySpan<float> user, ReadOnlySpan<float> items, int start, int end, ReadOnlySpan<int> excludedSorted,
        ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems, ref int kept) =>
        ScanWith(DotKernel.LaneWidth(user.Length), user, items, start, end, excludedSorted, eligible, itemBias, bestScores, bestItems, ref kept);

    /// <summary>
    /// <see cref="Scan"/> with the kernel of <paramref name="width"/> lanes (16, 8, 4 or 1; see <see cref="DotKernel"/>), which the caller
    /// has checked with <see cref="DotKernel.Supports"/>. Tests use it to run every kernel the machine has.
    /// </summary>
    internal static void ScanWith(int width, ReadOnlySpan<float> user, ReadOnlySpan<float> items, int start, int end, ReadOnlySpan<int> excludedSorted,
        ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems, ref int kept)
    {
        int rank = user.Length;
        int itemCount = CheckArguments(user, items, eligible, itemBias, bestScores, bestItems);
        if ((uint)start > (uint)end || end > itemCount)
        {
            ThrowHelper.RangeOutside(start, end, itemCount);
        }

        if (bestScores.Length == 0)
        {
            return;
        }

        int excludedPosition = LowerBound(excludedSorted, start);
        float threshold = kept == bestScores.Length ? bestScores[0] : float.NegativeInfinity;
        bool hasBias = !itemBias.IsEmpty;
        int item = start;
        switch (width)
        {
            case 16:
                item = ScanAvx512(user, items, item, end, excludedSorted, ref excludedPosition, eligible, itemBias, bestScores, bestItems, ref kept, ref threshold);
                break;
            case 8:
                item = ScanAvx2(user, items, item, end, excludedSorted, ref excludedPosition, eligible, itemBias, bestScores, bestItems, ref kept, ref threshold);
                break;
            case 4:
                item = ScanVector128(user, items, item, end, excludedSorted, ref excludedPosition, eligible, itemBias, bestScores, bestItems, ref kept, ref threshold);
                break;
        }

        // The last items of the range (fewer than a group) with the same arithmetic, one at a time.
        ref float f = ref MemoryMarshal.GetReference(items);
        for (; item < end; item++)
        {
            float score = DotKernel.Score(user, ref Unsafe.Add(ref f, (nint)item * rank), width);
            if (hasBias)
            {
                score += itemBias[item];
            }

            Consider(score, item, excludedSorted, ref excludedPosition, eligible, bestScores, bestItems, ref kept, ref threshold);
        }
    }

    /// <summary>
    /// Scores only the items whose bit is set in <paramref name="eligible"/> (walking the set bits), for selective filters where a
    /// full scan would mostly score items that are then thrown away. Same contract as <see cref="Scan"/> over all items.
    /// </summary>
    public static void ScanEligible(ReadOnlySpan<float> user, ReadOnlySpan<float> items, ReadOnlySpan<int> excludedSorted, ReadOnlySpan<ulong> eligible,
        ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems, ref int kept)
    {
        int rank = user.Length;
        int itemCount = CheckArguments(user, items, eligible, itemBias, bestScores, bestItems);
        if (eligible.Length < (itemCount + 63) / 64)
        {
            ThrowHelper.EligibilityTooShort(itemCount, eligible.Length);
        }

        if (bestScores.Length == 0)
        {
            return;
        }

        float threshold = kept == bestScores.Length ? bestScores[0] : float.NegativeInfinity;
        int excludedPosition = 0;
        int width = DotKernel.LaneWidth(rank);
        ref float f = ref MemoryMarshal.GetReference(items);
        int words = (itemCount + 63) / 64;
        for (int w = 0; w < words; w++)
        {
            ulong bits = eligible[w];
            while (bits != 0)
            {
                int item = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (item >= itemCount)
                {
                    break;
                }

                float score = DotKernel.Score(user, ref Unsafe.Add(ref f, (nint)item * rank), width);
                if (!itemBias.IsEmpty)
                {
                    score += itemBias[item];
                }

                Consider(score, item, excludedSorted, ref excludedPosition, default, bestScores, bestItems, ref kept, ref threshold);
            }
        }
    }

    /// <summary>The checks both scans share; returns the number of items.</summary>
    private static int CheckArguments(ReadOnlySpan<float> user, ReadOnlySpan<float> items, ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias,
        Span<float> bestScores, Span<int> bestItems)
    {
        int rank = user.Length;
        if (rank == 0 || items.Length % rank != 0)
        {
            ThrowHelper.FactorShapeMismatch(rank, items.Length);
        }

        int itemCount = items.Length / rank;
        if (!eligible.IsEmpty && eligible.Length < (itemCount + 63) / 64)
        {
            ThrowHelper.EligibilityTooShort(itemCount, eligible.Length);
        }

        if (!itemBias.IsEmpty && itemBias.Length != itemCount)
        {
            ThrowHelper.BiasLengthMismatch(itemCount, itemBias.Length);
        }

        if (bestItems.Length != bestScores.Length)
        {
            ThrowHelper.ScoreBufferLengthMismatch(bestItems.Length, bestScores.Length);
        }

        return itemCount;
    }

    /// <summary>Counts the set bits of an eligibility bitset (the number of eligible items).</summary>
    public static int CountEligible(ReadOnlySpan<ulong> eligible)
    {
        int count = 0;
        foreach (ulong word in eligible)
        {
            count += System.Numerics.BitOperations.PopCount(word);
        }

        return count;
    }

    /// <summary>
    /// The AVX-512 kernel: eight items per step, each with its own 16-lane accumulator, folded to 8 lanes and reduced together by a
    /// horizontal-add transpose into one vector of eight scores, so the reduction costs about one instruction per item. A rank that is not
    /// a multiple of 16 ends with one overlapping load per item (see <see cref="DotKernel"/>). Returns the first item it did not score.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int ScanAvx512(ReadOnlySpan<float> user, ReadOnlySpan<float> items, int item, int end, ReadOnlySpan<int> excludedSorted,
        ref int excludedPosition, ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems,
        ref int kept, ref float threshold)
    {
        int rank = user.Length;
        int whole = rank & ~15;
        bool hasTail = whole != rank;
        Vector512<float> userTail = hasTail ? DotKernel.Tail512(user) : default;
        bool hasBias = !itemBias.IsEmpty;
        ref float u = ref MemoryMarshal.GetReference(user);
        ref float f = ref MemoryMarshal.GetReference(items);
        ref float bias = ref MemoryMarshal.GetReference(itemBias);
        nint stride = rank;
        for (; item + 8 <= end; item += 8)
        {
            ref float row = ref Unsafe.Add(ref f, (nint)item * rank);
            if (((long)item + 8) * rank + PrefetchFloats <= (long)end * rank)
            {
                Prefetch(ref Unsafe.Add(ref row, PrefetchFloats), 8 * rank * sizeof(float));
            }

            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int d = 0; d < whole; d += 16)
            {
                Vector512<float> uv = Vector512.LoadUnsafe(ref u, (nuint)d);
                ref float r = ref Unsafe.Add(ref row, d);
                a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r), uv, a0);
                a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, stride)), uv, a1);
                a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 2 * stride)), uv, a2);
                a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 3 * stride)), uv, a3);
                a4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 4 * stride)), uv, a4);
                a5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 5 * stride)), uv, a5);
                a6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 6 * stride)), uv, a6);
                a7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 7 * stride)), uv, a7);
            }

            if (hasTail)
            {
                ref float r = ref Unsafe.Add(ref row, rank - 16);
                a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r), userTail, a0);
                a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, stride)), userTail, a1);
                a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 2 * stride)), userTail, a2);
                a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 3 * stride)), userTail, a3);
                a4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 4 * stride)), userTail, a4);
                a5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 5 * stride)), userTail, a5);
                a6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 6 * stride)), userTail, a6);
                a7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref r, 7 * stride)), userTail, a7);
            }

            Vector256<float> scores = DotKernel.Transpose8(Fold(a0), Fold(a1), Fold(a2), Fold(a3), Fold(a4), Fold(a5), Fold(a6), Fold(a7));
            if (hasBias)
            {
                scores = Avx.Add(scores, Vector256.LoadUnsafe(ref bias, (nuint)item));
            }

            if (kept < bestScores.Length || Vector256.GreaterThanOrEqualAny(scores, Vector256.Create(threshold)))
            {
                for (int j = 0; j < 8; j++)
                {
                    Consider(scores.GetElement(j), item + j, excludedSorted, ref excludedPosition, eligible, bestScores, bestItems, ref kept, ref threshold);
                }
            }
        }

        return item;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> a) => Avx.Add(a.GetLower(), a.GetUpper());

    /// <summary>Asks for <paramref name="bytes"/> bytes from <paramref name="start"/> one cache line at a time, so DRAM latency overlaps
    /// the arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref float start, int bytes)
    {
        ref byte ahead = ref Unsafe.As<float, byte>(ref start);
        for (int line = 0; line < bytes; line += 64)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref ahead, line)));
        }
    }

    /// <summary>
    /// The AVX2 + FMA kernel: eight items per step, each with its own accumulator, reduced together by a horizontal-add transpose into one
    /// vector of eight scores. A rank that is not a multiple of 8 ends with one overlapping load per item. Returns the first item it did
    /// not score.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int ScanAvx2(ReadOnlySpan<float> user, ReadOnlySpan<float> items, int item, int end, ReadOnlySpan<int> excludedSorted,
        ref int excludedPosition, ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems,
        ref int kept, ref float threshold)
    {
        int rank = user.Length;
        int whole = rank & ~7;
        bool hasTail = whole != rank;
        Vector256<float> userTail = hasTail ? DotKernel.Tail256(user) : default;
        bool hasBias = !itemBias.IsEmpty;
        ref float u = ref MemoryMarshal.GetReference(user);
        ref float f = ref MemoryMarshal.GetReference(items);
        ref float bias = ref MemoryMarshal.GetReference(itemBias);
        nint stride = rank;
        for (; item + 8 <= end; item += 8)
        {
            ref float row = ref Unsafe.Add(ref f, (nint)item * rank);
            if (((long)item + 8) * rank + PrefetchFloats <= (long)end * rank)
            {
                Prefetch(ref Unsafe.Add(ref row, PrefetchFloats), 8 * rank * sizeof(float));
            }

            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int d = 0; d < whole; d += 8)
            {
                Vector256<float> uv = Vector256.LoadUnsafe(ref u, (nuint)d);
                ref float r = ref Unsafe.Add(ref row, d);
                a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r), uv, a0);
                a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, stride)), uv, a1);
                a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 2 * stride)), uv, a2);
                a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 3 * stride)), uv, a3);
                a4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 4 * stride)), uv, a4);
                a5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 5 * stride)), uv, a5);
                a6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 6 * stride)), uv, a6);
                a7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 7 * stride)), uv, a7);
            }

            if (hasTail)
            {
                ref float r = ref Unsafe.Add(ref row, rank - 8);
                a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r), userTail, a0);
                a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, stride)), userTail, a1);
                a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 2 * stride)), userTail, a2);
                a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 3 * stride)), userTail, a3);
                a4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 4 * stride)), userTail, a4);
                a5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 5 * stride)), userTail, a5);
                a6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 6 * stride)), userTail, a6);
                a7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 7 * stride)), userTail, a7);
            }

            Vector256<float> scores = DotKernel.Transpose8(a0, a1, a2, a3, a4, a5, a6, a7);
            if (hasBias)
            {
                scores = Avx.Add(scores, Vector256.LoadUnsafe(ref bias, (nuint)item));
            }

            if (kept < bestScores.Length || Vector256.GreaterThanOrEqualAny(scores, Vector256.Create(threshold)))
            {
                for (int j = 0; j < 8; j++)
                {
                    Consider(scores.GetElement(j), item + j, excludedSorted, ref excludedPosition, eligible, bestScores, bestItems, ref kept, ref threshold);
                }
            }
        }

        return item;
    }

    /// <summary>
    /// The portable kernel (128-bit vectors, any CPU that accelerates them): four items per step, each reduced with the 4-lane tree.
    /// Returns the first item it did not score.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScanVector128(ReadOnlySpan<float> user, ReadOnlySpan<float> items, int item, int end, ReadOnlySpan<int> excludedSorted,
        ref int excludedPosition, ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems,
        ref int kept, ref float threshold)
    {
        int rank = user.Length;
        int whole = rank & ~3;
        bool hasTail = whole != rank;
        Vector128<float> userTail = hasTail ? DotKernel.Tail128(user) : default;
        bool hasBias = !itemBias.IsEmpty;
        ref float u = ref MemoryMarshal.GetReference(user);
        ref float f = ref MemoryMarshal.GetReference(items);
        nint stride = rank;
        for (; item + 4 <= end; item += 4)
        {
            ref float row = ref Unsafe.Add(ref f, (nint)item * rank);
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < whole; d += 4)
            {
                Vector128<float> uv = Vector128.LoadUnsafe(ref u, (nuint)d);
                ref float r = ref Unsafe.Add(ref row, d);
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref r), uv, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref Unsafe.Add(ref r, stride)), uv, a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref Unsafe.Add(ref r, 2 * stride)), uv, a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref Unsafe.Add(ref r, 3 * stride)), uv, a3);
            }

            if (hasTail)
            {
                ref float r = ref Unsafe.Add(ref row, rank - 4);
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref r), userTail, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref Unsafe.Add(ref r, stride)), userTail, a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref Unsafe.Add(ref r, 2 * stride)), userTail, a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref Unsafe.Add(ref r, 3 * stride)), userTail, a3);
            }

            Vector128<float> scores = Vector128.Create(DotKernel.Reduce4(a0), DotKernel.Reduce4(a1), DotKernel.Reduce4(a2), DotKernel.Reduce4(a3));
            if (hasBias)
            {
                scores += Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(itemBias), (nuint)item);
            }

            if (kept < bestScores.Length || Vector128.GreaterThanOrEqualAny(scores, Vector128.Create(threshold)))
            {
                for (int j = 0; j < 4; j++)
                {
                    Consider(scores.GetElement(j), item + j, excludedSorted, ref excludedPosition, eligible, bestScores, bestItems, ref kept, ref threshold);
                }
            }
        }

        return item;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Consider(float score, int item, ReadOnlySpan<int> excludedSorted, ref int excludedPosition, ReadOnlySpan<ulong> eligible,
        Span<float> bestScores, Span<int> bestItems, ref int kept, ref float threshold)
    {
        // A score equal to the root's can still beat it on a lower item index (when the heap holds items from a later range), so
        // only strictly lower scores are skipped here; MinHeap.Offer breaks the tie.
        if (!(score >= threshold) && kept == bestScores.Length)
        {
            return;
        }

        if (!eligible.IsEmpty && (eligible[item >> 6] & (1UL << (item & 63))) == 0)
        {
            return;
        }

        while (excludedPosition < excludedSorted.Length && excludedSorted[excludedPosition] < item)
        {
            excludedPosition++;
        }

        if (excludedPosition < excludedSorted.Length && excludedSorted[excludedPosition] == item)
        {
            return;
        }

        if (float.IsNaN(score))
        {
            return;
        }

        MinHeap.Offer(bestScores, bestItems, ref kept, score, item);
        if (kept == bestScores.Length)
        {
            threshold = bestScores[0];
        }
    }

    private static int LowerBound(ReadOnlySpan<int> sorted, int value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
