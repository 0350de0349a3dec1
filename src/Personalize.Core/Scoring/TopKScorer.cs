using System.Numerics.Tensors;
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
internal static class TopKScorer
{
    /// <summary>How many items ahead the x86 kernel prefetches.</summary>
    private const int PrefetchItems = 64;

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

        if (Avx.IsSupported && Fma.IsSupported && rank % Vector256<float>.Count == 0)
        {
            item = ScanAvx(user, items, item, end, excludedSorted, ref excludedPosition, eligible, itemBias, bestScores, bestItems, ref kept, ref threshold);
        }
        else if (Vector256.IsHardwareAccelerated && rank % Vector256<float>.Count == 0)
        {
            ref float u = ref MemoryMarshal.GetReference(user);
            ref float f = ref MemoryMarshal.GetReference(items);
            for (; item + 4 <= end; item += 4)
            {
                Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                nint baseOffset = (nint)item * rank;
                for (int d = 0; d < rank; d += Vector256<float>.Count)
                {
                    Vector256<float> uv = Vector256.LoadUnsafe(ref u, (nuint)d);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref f, (nuint)(baseOffset + d)), uv, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref f, (nuint)(baseOffset + rank + d)), uv, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref f, (nuint)(baseOffset + 2 * rank + d)), uv, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref f, (nuint)(baseOffset + 3 * rank + d)), uv, a3);
                }

                Vector128<float> scores = Vector128.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
                if (hasBias)
                {
                    scores += Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(itemBias), (nuint)item);
                }

                if (Vector128.GreaterThanOrEqualAny(scores, Vector128.Create(threshold)) || kept < bestScores.Length)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        Consider(scores.GetElement(j), item + j, excludedSorted, ref excludedPosition, eligible, bestScores, bestItems, ref kept, ref threshold);
                    }
                }
            }
        }

        for (; item < end; item++)
        {
            float score = TensorPrimitives.Dot(user, items.Slice(item * rank, rank));
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

                float score = TensorPrimitives.Dot(user, items.Slice(item * rank, rank));
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
    /// The x86 kernel: eight items per step, each with its own accumulator, reduced together by a horizontal-add transpose into one
    /// vector of eight scores, so the reduction costs about one instruction per item. Returns the first item it did not score.
    /// </summary>
    private static unsafe int ScanAvx(ReadOnlySpan<float> user, ReadOnlySpan<float> items, int item, int end, ReadOnlySpan<int> excludedSorted,
        ref int excludedPosition, ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems,
        ref int kept, ref float threshold)
    {
        int rank = user.Length;
        bool hasBias = !itemBias.IsEmpty;
        ref float u = ref MemoryMarshal.GetReference(user);
        ref float f = ref MemoryMarshal.GetReference(items);
        ref float bias = ref MemoryMarshal.GetReference(itemBias);
        for (; item + 8 <= end; item += 8)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            ref float row = ref Unsafe.Add(ref f, (nint)item * rank);
            if (item + PrefetchItems + 8 <= end)
            {
                // Ask for the group PrefetchItems ahead, one cache line at a time, so DRAM latency overlaps the arithmetic.
                ref byte ahead = ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row, PrefetchItems * rank));
                for (int line = 0; line < 8 * rank * sizeof(float); line += 64)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref ahead, line)));
                }
            }

            for (int d = 0; d < rank; d += 8)
            {
                Vector256<float> uv = Vector256.LoadUnsafe(ref u, (nuint)d);
                ref float r = ref Unsafe.Add(ref row, d);
                a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r), uv, a0);
                a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)rank), uv, a1);
                a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)(2 * rank)), uv, a2);
                a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)(3 * rank)), uv, a3);
                a4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)(4 * rank)), uv, a4);
                a5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)(5 * rank)), uv, a5);
                a6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)(6 * rank)), uv, a6);
                a7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)(7 * rank)), uv, a7);
            }

            // [a0 01, a0 23, a1 01, a1 23 | a0 45, a0 67, a1 45, a1 67] and so on, then one more level and a cross-lane add.
            Vector256<float> h0123 = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
            Vector256<float> h4567 = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
            Vector256<float> scores = Avx.Add(Avx.Permute2x128(h0123, h4567, 0x20), Avx.Permute2x128(h0123, h4567, 0x31));
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
