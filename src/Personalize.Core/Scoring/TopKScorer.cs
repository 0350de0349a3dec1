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
    /// <summary>How far ahead (in floats: 6 KiB, 24 items at 64 factors) the x86 kernels prefetch; each step asks for every cache line of
    /// its 8 items' rows with <c>prefetchnta</c>. Measured on a 2-core EPYC (AVX-512) at 1M and 100k items × 64 factors, variants
    /// alternating in one process, 6-12 processes each (2026-12-06), as a ratio to the streaming read of the benchmarks: with the rows
    /// read one at a time in address order, <c>prefetchnta</c> 6 KiB ahead took 0.82-0.89 at 1M and 0.97-1.03 at 100k; 4.5 KiB 0.84-0.89
    /// and 1.04-1.08; 8 KiB 0.86-1.10 and 0.91-1.12; 32 KiB was 1.1× slower (the lines leave L1 before they are used), no prefetch
    /// 1.05-1.3×. The previous kernel (the eight rows' chunks interleaved, <c>prefetcht0</c> 8 KiB ahead) took 1.0-1.6 at 1M. The kernels
    /// are compiled fully optimized at once (<see cref="MethodImplOptions.AggressiveOptimization"/>): with tiered PGO the same loop
    /// measured about 10 % slower.</summary>
    private const int PrefetchFloats = 1536;

    /// <summary>Whether the prefetch is <c>prefetchnta</c> (AMD processors, where it measured best, above) or <c>prefetcht0</c> (every
    /// other x86 processor). On a 2-core Intel Xeon (AVX-512, 2 MB L2 per core; 2026-12-07) <c>prefetchnta</c> made the one-thread scan
    /// 1.5-4.3 times slower than <c>prefetcht0</c>, most where the factors could stay in the caches between queries:
    /// <c>TopKScanBenchmarks</c> <c>ForUser</c> top-10 at 100k / 1M items × 64 factors 2.84 / 32.95 ms against 1.05 / 22.62 ms (1 thread)
    /// and 1.21 / 17.07 ms against 0.60 / 12.08 ms (2 threads); 5,000 users' lists one at a time over 10k / 50k / 200k items 1.74 / 10.58
    /// / 38.28 s against 0.50 / 2.45 / 10.14 s. Read once from <c>cpuid</c>; in the kernels (compiled at once, maybe before this class is
    /// initialized) it costs a load and a branch that always goes the same way.</summary>
    private static readonly bool NonTemporalPrefetch = IsAmd();

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

    /// <summary>
    /// The top k of several users over every item at once: for each user what <see cref="Scan"/> over all items gives (the same scores,
    /// bit for bit, so the same lists), with each group of 8 item rows read from memory once for the whole block and reused from L1 by
    /// every user of it, where a scan per user reads the whole item matrix once per user. For code that ranks many users against one
    /// model (the tuner's validation), where the scan is bound by memory. Without AVX2 (or below 8 factors) it scans user by user.
    /// </summary>
    /// <param name="users">The block's user factors, one row of <paramref name="rank"/> per user, user-major (at most
    /// <see cref="MaxBlock"/> users).</param>
    /// <param name="rank">The number of factors.</param>
    /// <param name="items">All item factors, item-major.</param>
    /// <param name="excluded">The items to skip, each user's ascending, at the ranges <paramref name="excludedRanges"/> gives.</param>
    /// <param name="excludedRanges">Per user, the start and length of its items to skip in <paramref name="excluded"/>.</param>
    /// <param name="itemBias">A bias per item added to its score, or empty for none.</param>
    /// <param name="bestScores">The users' heaps' scores, k per user, user-major.</param>
    /// <param name="bestItems">The users' heaps' items, k per user, user-major.</param>
    /// <param name="kept">Per user, how many heap slots are in use; updated.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScanBlock(ReadOnlySpan<float> users, int rank, ReadOnlySpan<float> items, ReadOnlySpan<int> excluded,
        ReadOnlySpan<(int Start, int Length)> excludedRanges, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems, Span<int> kept)
    {
        int count = kept.Length;
        if (count == 0)
        {
            return;
        }

        if (count > MaxBlock || users.Length != count * rank || excludedRanges.Length != count || bestScores.Length % count != 0
            || bestItems.Length != bestScores.Length)
        {
            ThrowHelper.BlockShapeMismatch(MaxBlock);
        }

        int k = bestScores.Length / count;
        int itemCount = CheckArguments(users[..rank], items, default, itemBias, bestScores[..k], bestItems[..k]);
        int width = DotKernel.LaneWidth(rank);
        if (width < 8 || count == 1 || k == 0)
        {
            for (int v = 0; v < count; v++)
            {
                ScanWith(width, users.Slice(v * rank, rank), items, 0, itemCount, excluded.Slice(excludedRanges[v].Start, excludedRanges[v].Length), default,
                    itemBias, bestScores.Slice(v * k, k), bestItems.Slice(v * k, k), ref kept[v]);
            }

            return;
        }

        Span<int> position = stackalloc int[MaxBlock];
        Span<float> threshold = stackalloc float[MaxBlock];
        Span<Vector512<float>> tails512 = stackalloc Vector512<float>[width == 16 ? MaxBlock : 0];
        Span<Vector256<float>> tails256 = stackalloc Vector256<float>[width == 8 ? MaxBlock : 0];
        int whole = width == 16 ? rank & ~15 : rank & ~7;
        for (int v = 0; v < count; v++)
        {
            ReadOnlySpan<float> user = users.Slice(v * rank, rank);
            position[v] = 0;
            threshold[v] = kept[v] == k ? bestScores[v * k] : float.NegativeInfinity;
            if (whole != rank)
            {
                if (width == 16)
                {
                    tails512[v] = DotKernel.Tail512(user);
                }
                else
                {
                    tails256[v] = DotKernel.Tail256(user);
                }
            }
        }

        bool hasBias = !itemBias.IsEmpty;
        ref float u0 = ref MemoryMarshal.GetReference(users);
        ref float f = ref MemoryMarshal.GetReference(items);
        ref float bias = ref MemoryMarshal.GetReference(itemBias);
        nint stride = rank;
        int item = 0;
        for (; item + 8 <= itemCount; item += 8)
        {
            ref float row = ref Unsafe.Add(ref f, (nint)item * rank);
            if (((long)item + 8) * rank + PrefetchFloats <= (long)itemCount * rank)
            {
                Prefetch(ref Unsafe.Add(ref row, PrefetchFloats), 8 * rank * sizeof(float));
            }

            Vector256<float> itemBiases = hasBias ? Vector256.LoadUnsafe(ref bias, (nuint)item) : default;
            for (int v = 0; v < count; v++)
            {
                ref float u = ref Unsafe.Add(ref u0, (nint)v * rank);
                Vector256<float> scores = width == 16
                    ? Group512(ref row, stride, ref u, rank, whole, whole != rank ? tails512[v] : default)
                    : Group256(ref row, stride, ref u, rank, whole, whole != rank ? tails256[v] : default);
                if (hasBias)
                {
                    scores = Avx.Add(scores, itemBiases);
                }

                if (kept[v] < k || Vector256.GreaterThanOrEqualAny(scores, Vector256.Create(threshold[v])))
                {
                    ReadOnlySpan<int> skip = excluded.Slice(excludedRanges[v].Start, excludedRanges[v].Length);
                    Span<float> heapScores = bestScores.Slice(v * k, k);
                    Span<int> heapItems = bestItems.Slice(v * k, k);
                    for (int j = 0; j < 8; j++)
                    {
                        Consider(scores.GetElement(j), item + j, skip, ref position[v], default, heapScores, heapItems, ref kept[v], ref threshold[v]);
                    }
                }
            }
        }

        // The last items (fewer than a group) with the same arithmetic as the per-user scan's, one at a time.
        for (; item < itemCount; item++)
        {
            ref float row = ref Unsafe.Add(ref f, (nint)item * rank);
            for (int v = 0; v < count; v++)
            {
                float score = DotKernel.Score(users.Slice(v * rank, rank), ref row, width);
                if (hasBias)
                {
                    score += itemBias[item];
                }

                Consider(score, item, excluded.Slice(excludedRanges[v].Start, excludedRanges[v].Length), ref position[v], default,
                    bestScores.Slice(v * k, k), bestItems.Slice(v * k, k), ref kept[v], ref threshold[v]);
            }
        }
    }

    /// <summary>The most users <see cref="ScanBlock"/> takes at once.</summary>
    internal const int MaxBlock = 16;

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

            Vector256<float> scores = Group512(ref row, stride, ref u, rank, whole, userTail);
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

    /// <summary>The scores of the 8 items whose rows start at <paramref name="row"/>, with the AVX-512 kernel's arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Group512(ref float row, nint stride, ref float u, int rank, int whole, Vector512<float> userTail)
    {
        // One row at a time, each in address order: the hardware prefetcher follows a sequential stream, where the order that takes
        // the same chunk of eight rows at once measured 1.2× slower at 1M items (from memory) on a quiet EPYC.
        Vector512<float> a0 = Row512(ref row, ref u, rank, whole, userTail);
        Vector512<float> a1 = Row512(ref Unsafe.Add(ref row, stride), ref u, rank, whole, userTail);
        Vector512<float> a2 = Row512(ref Unsafe.Add(ref row, 2 * stride), ref u, rank, whole, userTail);
        Vector512<float> a3 = Row512(ref Unsafe.Add(ref row, 3 * stride), ref u, rank, whole, userTail);
        Vector512<float> a4 = Row512(ref Unsafe.Add(ref row, 4 * stride), ref u, rank, whole, userTail);
        Vector512<float> a5 = Row512(ref Unsafe.Add(ref row, 5 * stride), ref u, rank, whole, userTail);
        Vector512<float> a6 = Row512(ref Unsafe.Add(ref row, 6 * stride), ref u, rank, whole, userTail);
        Vector512<float> a7 = Row512(ref Unsafe.Add(ref row, 7 * stride), ref u, rank, whole, userTail);
        return DotKernel.Transpose8(Fold(a0), Fold(a1), Fold(a2), Fold(a3), Fold(a4), Fold(a5), Fold(a6), Fold(a7));
    }

    /// <summary>The scores of the 8 items whose rows start at <paramref name="row"/>, with the AVX2 kernel's arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Group256(ref float row, nint stride, ref float u, int rank, int whole, Vector256<float> userTail)
    {
        // One row at a time, in address order, as in the AVX-512 kernel.
        Vector256<float> a0 = Row256(ref row, ref u, rank, whole, userTail);
        Vector256<float> a1 = Row256(ref Unsafe.Add(ref row, stride), ref u, rank, whole, userTail);
        Vector256<float> a2 = Row256(ref Unsafe.Add(ref row, 2 * stride), ref u, rank, whole, userTail);
        Vector256<float> a3 = Row256(ref Unsafe.Add(ref row, 3 * stride), ref u, rank, whole, userTail);
        Vector256<float> a4 = Row256(ref Unsafe.Add(ref row, 4 * stride), ref u, rank, whole, userTail);
        Vector256<float> a5 = Row256(ref Unsafe.Add(ref row, 5 * stride), ref u, rank, whole, userTail);
        Vector256<float> a6 = Row256(ref Unsafe.Add(ref row, 6 * stride), ref u, rank, whole, userTail);
        Vector256<float> a7 = Row256(ref Unsafe.Add(ref row, 7 * stride), ref u, rank, whole, userTail);
        return DotKernel.Transpose8(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> a) => Avx.Add(a.GetLower(), a.GetUpper());

    /// <summary>One item's 16 lanes, with <see cref="DotKernel"/>'s arithmetic (one accumulator, the chunks in order, then the tail),
    /// unrolled four chunks a step so a rank of 64 takes no loop branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row512(ref float row, ref float u, int rank, int whole, Vector512<float> userTail)
    {
        Vector512<float> a = Vector512<float>.Zero;
        int d = 0;
        for (; d + 64 <= whole; d += 64)
        {
            a = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)d), Vector512.LoadUnsafe(ref u, (nuint)d), a);
            a = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)d + 16), Vector512.LoadUnsafe(ref u, (nuint)d + 16), a);
            a = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)d + 32), Vector512.LoadUnsafe(ref u, (nuint)d + 32), a);
            a = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)d + 48), Vector512.LoadUnsafe(ref u, (nuint)d + 48), a);
        }

        for (; d < whole; d += 16)
        {
            a = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)d), Vector512.LoadUnsafe(ref u, (nuint)d), a);
        }

        if (whole != rank)
        {
            a = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(rank - 16)), userTail, a);
        }

        return a;
    }

    /// <summary>Asks for <paramref name="bytes"/> bytes from <paramref name="start"/> one cache line at a time, so DRAM latency overlaps
    /// the arithmetic: non-temporal on AMD processors, since a scan reads each line once, into every cache level elsewhere
    /// (<see cref="NonTemporalPrefetch"/>). Also the prefetch of the benchmarks' roofline read, so both follow the same rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(ref float start, int bytes)
    {
        ref byte ahead = ref Unsafe.As<float, byte>(ref start);
        for (int line = 0; line < bytes; line += 64)
        {
            if (NonTemporalPrefetch)
            {
                Sse.PrefetchNonTemporal(Unsafe.AsPointer(ref Unsafe.Add(ref ahead, line)));
            }
            else
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref ahead, line)));
            }
        }
    }

    /// <summary>Whether the processor is AMD's ("AuthenticAMD", <see cref="CpuVendor"/>).</summary>
    /// <returns>True on an AMD processor; false on any other and off x86.</returns>
    internal static bool IsAmd() => CpuVendor() == "AuthenticAMD";

    /// <summary>The x86 processor's vendor string: the 12 characters of <c>cpuid</c> leaf 0 in EBX, EDX, ECX ("GenuineIntel",
    /// "AuthenticAMD"); empty off x86.</summary>
    /// <returns>The vendor string.</returns>
    internal static string CpuVendor()
    {
        if (!X86Base.IsSupported)
        {
            return "";
        }

        (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        Span<byte> bytes = stackalloc byte[12];
        BitConverter.TryWriteBytes(bytes, ebx);
        BitConverter.TryWriteBytes(bytes[4..], edx);
        BitConverter.TryWriteBytes(bytes[8..], ecx);
        return System.Text.Encoding.ASCII.GetString(bytes);
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

            Vector256<float> scores = Group256(ref row, stride, ref u, rank, whole, userTail);
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

    /// <summary>One item's 8 lanes, with <see cref="DotKernel"/>'s arithmetic, unrolled four chunks a step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row256(ref float row, ref float u, int rank, int whole, Vector256<float> userTail)
    {
        Vector256<float> a = Vector256<float>.Zero;
        int d = 0;
        for (; d + 32 <= whole; d += 32)
        {
            a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)d), Vector256.LoadUnsafe(ref u, (nuint)d), a);
            a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)d + 8), Vector256.LoadUnsafe(ref u, (nuint)d + 8), a);
            a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)d + 16), Vector256.LoadUnsafe(ref u, (nuint)d + 16), a);
            a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)d + 24), Vector256.LoadUnsafe(ref u, (nuint)d + 24), a);
        }

        for (; d < whole; d += 8)
        {
            a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)d), Vector256.LoadUnsafe(ref u, (nuint)d), a);
        }

        if (whole != rank)
        {
            a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(rank - 8)), userTail, a);
        }

        return a;
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
            // One row at a time, in address order, as in the x86 kernels.
            Vector128<float> a0 = Row128(ref row, ref u, rank, whole, userTail);
            Vector128<float> a1 = Row128(ref Unsafe.Add(ref row, stride), ref u, rank, whole, userTail);
            Vector128<float> a2 = Row128(ref Unsafe.Add(ref row, 2 * stride), ref u, rank, whole, userTail);
            Vector128<float> a3 = Row128(ref Unsafe.Add(ref row, 3 * stride), ref u, rank, whole, userTail);
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

    /// <summary>One item's 4 lanes, with <see cref="DotKernel"/>'s arithmetic, unrolled four chunks a step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Row128(ref float row, ref float u, int rank, int whole, Vector128<float> userTail)
    {
        Vector128<float> a = Vector128<float>.Zero;
        int d = 0;
        for (; d + 16 <= whole; d += 16)
        {
            a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)d), Vector128.LoadUnsafe(ref u, (nuint)d), a);
            a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)d + 4), Vector128.LoadUnsafe(ref u, (nuint)d + 4), a);
            a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)d + 8), Vector128.LoadUnsafe(ref u, (nuint)d + 8), a);
            a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)d + 12), Vector128.LoadUnsafe(ref u, (nuint)d + 12), a);
        }

        for (; d < whole; d += 4)
        {
            a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)d), Vector128.LoadUnsafe(ref u, (nuint)d), a);
        }

        if (whole != rank)
        {
            a = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref row, (nuint)(rank - 4)), userTail, a);
        }

        return a;
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
