using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Personalize.Core.Internal;

namespace Personalize.Core.Scoring;

internal static partial class TopKScorer
{
    /// <summary>Ranges shorter than this many items per wanted result go to the fp32 scan: the pre-scan would keep most of them.</summary>
    private const int Int8MinItemsPerResult = 16;

    /// <summary>Candidate slots on the stack (1 KiB with their bounds); the buffer grows into pooled arrays when the candidates that
    /// can still reach the top k do not fit.</summary>
    private const int Int8StackCandidates = 128;

    /// <summary>The fewest candidates the pre-scan may collect before it hands the range to the fp32 scan.</summary>
    private const int Int8MinCandidateLimit = 1024;

    /// <summary>
    /// The same top-k as <see cref="Scan"/> over <c>[start, end)</c>, bit for bit, reading about a quarter of the bytes: a pre-scan of
    /// the int8 copy bounds every item's score, then only the items that can still be in the top k are scored exactly, in fp32, with
    /// <see cref="DotKernel.Score(ReadOnlySpan{float}, ref float)"/> (the full scan's own arithmetic).
    /// </summary>
    /// <remarks>
    /// <para><b>Why the candidates contain the true top k.</b> With the user quantized the same way (<c>u = t·p + d</c>, <c>|d_j| ≤ Du</c>)
    /// and item i as <c>v = s·q + e</c>, <c>|e_j| ≤ s·(1/2 + 127·2⁻²⁴)</c>: <c>u·v = t·s·(p·q) + s·(d·q) + u·e</c>, so
    /// <c>|u·v − t·s·(p·q)| ≤ s·(0.50001·‖u‖₁ + Du·Σ|q_j|)</c>. The fp32 score differs from <c>u·v</c> by at most
    /// <c>(rank + 5)·2⁻²⁴·Σ|u_j v_j| ≤ s·127·(rank + 5)·2⁻²⁴·‖u‖₁</c> (a chain of FMAs and a short tree), and the float arithmetic
    /// of the bound itself is covered by a factor 1 + 2⁻¹⁶ and 2⁻²⁰·(|approximate| + |bias|), and underflow (at most 2⁻¹⁵⁰ per
    /// operation) by an absolute 2⁻¹⁰⁰. Factors above 2⁵⁰ in magnitude, where the fp32 sums could overflow, are never bounded: such an
    /// item is always a candidate, and such a user goes to the fp32 scan. Every item then has
    /// <c>lower ≤ exact ≤ upper</c>. The pre-scan keeps the k best lower bounds of eligible items; their smallest, L, has k items at or
    /// above it, so an item with <c>upper &lt; L</c> cannot be in the top k, not even on a tie (which the lower index wins). All others are
    /// candidates, re-scored exactly; NaN bounds (items that could not be quantized) are always candidates.</para>
    /// <para>Falls back to <see cref="Scan"/> when the pre-scan cannot help: a short range, a large k, a user with non-finite factors,
    /// or more candidates than an eighth of the range (as for a zero user, where every item ties).</para>
    /// </remarks>
    /// <returns>How many items were re-scored exactly, or −1 when the range went to the fp32 scan (for tests and diagnostics).</returns>
    public static int ScanInt8(ReadOnlySpan<float> user, ReadOnlySpan<float> items, Int8ItemFactors compact, int start, int end,
        ReadOnlySpan<int> excludedSorted, ReadOnlySpan<ulong> eligible, ReadOnlySpan<float> itemBias, Span<float> bestScores, Span<int> bestItems,
        ref int kept, bool useVnni = true)
    {
        int rank = user.Length;
        int itemCount = CheckArguments(user, items, eligible, itemBias, bestScores, bestItems);
        if ((uint)start > (uint)end || end > itemCount)
        {
            ThrowHelper.RangeOutside(start, end, itemCount);
        }

        if (compact.Rank != rank || compact.ItemCount != itemCount)
        {
            ThrowHelper.FactorShapeMismatch(rank, items.Length);
        }

        int k = bestScores.Length;
        if (k == 0)
        {
            return 0;
        }

        if ((long)(end - start) < (long)k * Int8MinItemsPerResult)
        {
            Scan(user, items, start, end, excludedSorted, eligible, itemBias, bestScores, bestItems, ref kept);
            return -1;
        }

        // Quantize the user: t = max |u_j| / 127, p_j = round(u_j / t); Du bounds |u_j − t·p_j|, and the constant 128·Σp undoes the +128
        // of the stored codes.
        int chunks = compact.Chunks;
        Span<int> words = stackalloc int[Int8ItemFactors.MaxRank / 4];   // the compact copy checked rank <= MaxRank
        words = words[..chunks];
        words.Clear();
        double largest = 0, l1 = 0;
        foreach (float value in user)
        {
            largest = Math.Max(largest, Math.Abs((double)value));
            l1 += Math.Abs((double)value);
        }

        if (!double.IsFinite(l1) || largest > Int8ItemFactors.MaxMagnitude)
        {
            Scan(user, items, start, end, excludedSorted, eligible, itemBias, bestScores, bestItems, ref kept);
            return -1;
        }

        float t = largest == 0 ? 0f : (float)largest / 127f;
        double userError = 0;
        int codeSum = 0;
        for (int d = 0; d < rank; d++)
        {
            int code = t == 0 ? 0 : Math.Clamp((int)MathF.Round(user[d] / t), -127, 127);
            codeSum += code;
            userError = Math.Max(userError, Math.Abs(user[d] - (double)t * code));
            words[d / 4] |= (code & 0xFF) << (8 * (d % 4));
        }

        float correction = 128f * codeSum;   // exact: |128·Σp| ≤ 2^24 for rank ≤ 1024
        const double Up = 1 + 1e-6;        // rounds each bound term up past the error of computing it
        float a = (float)((0.50001 * l1 + 127.0 * (rank + 5) * Math.ScaleB(1.0, -24) * l1 * 1.01) * Up);
        float du = (float)(userError * Up);

        Span<int> candidateItems = stackalloc int[Int8StackCandidates];
        Span<float> candidateUppers = stackalloc float[Int8StackCandidates];
        int[]? rentedCandidateItems = null;
        float[]? rentedCandidateUppers = null;
        float[]? rentedLowScores = null;
        int[]? rentedLowItems = null;
        Span<float> lowScores = k <= 64 ? stackalloc float[64] : (rentedLowScores = ArrayPool<float>.Shared.Rent(k));
        Span<int> lowItems = k <= 64 ? stackalloc int[64] : (rentedLowItems = ArrayPool<int>.Shared.Rent(k));
        lowScores = lowScores[..k];
        lowItems = lowItems[..k];
        int lowKept = 0;
        int candidates = 0;
        bool fellBack = false;
        int candidateLimit = Math.Max(Int8MinCandidateLimit, (end - start) / 8);
        try
        {
            float bound = kept == k ? bestScores[0] : float.NegativeInfinity;   // L: k items score at least this
            int excludedPosition = LowerBound(excludedSorted, start);
            bool hasBias = !itemBias.IsEmpty;
            ref byte codes = ref MemoryMarshal.GetArrayDataReference(compact.Codes);
            ref float scales = ref MemoryMarshal.GetArrayDataReference(compact.Scales);
            ref float sums = ref MemoryMarshal.GetArrayDataReference(compact.AbsoluteSums);
            bool vnni = useVnni && AvxVnni.IsSupported;
            Span<float> blockBias = stackalloc float[Int8ItemFactors.BlockItems];
            Span<float> uppers = stackalloc float[Int8ItemFactors.BlockItems];
            Span<float> lowers = stackalloc float[Int8ItemFactors.BlockItems];
            var query = new Int8Query(t, a, du, correction);

            for (int block = start / Int8ItemFactors.BlockItems; block * Int8ItemFactors.BlockItems < end; block++)
            {
                int first = block * Int8ItemFactors.BlockItems;
                ref byte blockCodes = ref Unsafe.Add(ref codes, (nint)block * chunks * Int8ItemFactors.ChunkBytes);
                (Vector256<int> low, Vector256<int> high) = vnni ? DotsVnni(ref blockCodes, words) : DotsScalar(ref blockCodes, words);

                bool whole = first >= start && first + Int8ItemFactors.BlockItems <= end;
                Vector256<float> bias0 = Vector256<float>.Zero, bias1 = Vector256<float>.Zero;
                if (hasBias)
                {
                    if (whole)
                    {
                        bias0 = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(itemBias), (nuint)first);
                        bias1 = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(itemBias), (nuint)(first + 8));
                    }
                    else
                    {
                        blockBias.Clear();
                        for (int j = 0; j < Int8ItemFactors.BlockItems && first + j < itemCount; j++)
                        {
                            blockBias[j] = itemBias[first + j];
                        }

                        bias0 = Vector256.Create<float>(blockBias[..8]);
                        bias1 = Vector256.Create<float>(blockBias[8..]);
                    }
                }

                Vector256<float> threshold = Vector256.Create(bound);
                (Vector256<float> upper0, Vector256<float> lower0) = Bounds(query, low, ref scales, ref sums, first, bias0);
                (Vector256<float> upper1, Vector256<float> lower1) = Bounds(query, high, ref scales, ref sums, first + 8, bias1);
                if (lowKept == k && Vector256.LessThanAll(upper0, threshold) && Vector256.LessThanAll(upper1, threshold))
                {
                    continue;   // the common case: no item of the block can reach the top k
                }

                upper0.CopyTo(uppers);
                upper1.CopyTo(uppers[8..]);
                lower0.CopyTo(lowers);
                lower1.CopyTo(lowers[8..]);
                int from = Math.Max(start, first) - first, to = Math.Min(end, first + Int8ItemFactors.BlockItems) - first;
                for (int j = from; j < to; j++)
                {
                    float upper = uppers[j];
                    if (upper < bound && lowKept == k)
                    {
                        continue;
                    }

                    int item = first + j;
                    if (!eligible.IsEmpty && (eligible[item >> 6] & (1UL << (item & 63))) == 0)
                    {
                        continue;
                    }

                    while (excludedPosition < excludedSorted.Length && excludedSorted[excludedPosition] < item)
                    {
                        excludedPosition++;
                    }

                    if (excludedPosition < excludedSorted.Length && excludedSorted[excludedPosition] == item)
                    {
                        continue;
                    }

                    float lower = lowers[j];
                    if (!float.IsNaN(lower))
                    {
                        MinHeap.Offer(lowScores, lowItems, ref lowKept, lower, item);
                        if (lowKept == k && lowScores[0] > bound)
                        {
                            bound = lowScores[0];
                        }
                    }

                    if (upper < bound)
                    {
                        continue;
                    }

                    if (candidates == candidateItems.Length)
                    {
                        // Drop the candidates that can no longer reach the top k; when fewer than half go, double the buffers.
                        candidates = DropBelow(candidateItems, candidateUppers, candidates, bound);
                        if (candidates > candidateItems.Length / 2)
                        {
                            int size = candidateItems.Length * 2;
                            if (size > candidateLimit)
                            {
                                fellBack = true;
                                break;
                            }

                            int[] largerItems = ArrayPool<int>.Shared.Rent(size);
                            float[] largerUppers = ArrayPool<float>.Shared.Rent(size);
                            candidateItems[..candidates].CopyTo(largerItems);
                            candidateUppers[..candidates].CopyTo(largerUppers);
                            ReturnCandidates(rentedCandidateItems, rentedCandidateUppers);
                            (rentedCandidateItems, rentedCandidateUppers) = (largerItems, largerUppers);
                            candidateItems = largerItems;
                            candidateUppers = largerUppers;
                        }
                    }

                    candidateItems[candidates] = item;
                    candidateUppers[candidates] = upper;
                    candidates++;
                }

                if (fellBack)
                {
                    break;
                }
            }

            if (fellBack)
            {
                Scan(user, items, start, end, excludedSorted, eligible, itemBias, bestScores, bestItems, ref kept);
                return -1;
            }

            // The exact re-score, with the full scan's arithmetic.
            int width = DotKernel.LaneWidth(rank);
            ref float f = ref MemoryMarshal.GetReference(items);
            int rescored = 0;
            for (int c = 0; c < candidates; c++)
            {
                if (candidateUppers[c] < bound)
                {
                    continue;
                }

                rescored++;
                int item = candidateItems[c];
                float score = DotKernel.Score(user, ref Unsafe.Add(ref f, (nint)item * rank), width);
                if (hasBias)
                {
                    score += itemBias[item];
                }

                if (!float.IsNaN(score))
                {
                    MinHeap.Offer(bestScores, bestItems, ref kept, score, item);
                }
            }

            return rescored;
        }
        finally
        {
            ReturnCandidates(rentedCandidateItems, rentedCandidateUppers);
            if (rentedLowScores is not null)
            {
                ArrayPool<float>.Shared.Return(rentedLowScores);
            }

            if (rentedLowItems is not null)
            {
                ArrayPool<int>.Shared.Return(rentedLowItems);
            }
        }
    }

    /// <summary>Upper and lower bounds of eight items' exact scores from their integer sums (see the remarks of <see cref="ScanInt8"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Upper, Vector256<float> Lower) Bounds(in Int8Query query, Vector256<int> dots, ref float scaleBase,
        ref float sumBase, int first, Vector256<float> bias)
    {
        Vector256<float> scale = Vector256.LoadUnsafe(ref scaleBase, (nuint)first);
        Vector256<float> absoluteSum = Vector256.LoadUnsafe(ref sumBase, (nuint)first);
        Vector256<float> approximate = (Vector256.ConvertToSingle(dots) - query.Correction) * (query.UserScale * scale);
        Vector256<float> centre = approximate + bias;
        Vector256<float> error = scale * (query.PerScale + query.UserError * absoluteSum) * query.Slack
            + query.Tiny * (Vector256.Abs(approximate) + Vector256.Abs(bias)) + query.Floor;
        return (centre + error, centre - error);
    }

    /// <summary>One query's constants for <see cref="Bounds"/>, broadcast.</summary>
    private readonly struct Int8Query(float userScale, float perScale, float userError, float correction)
    {
        public readonly Vector256<float> UserScale = Vector256.Create(userScale);
        public readonly Vector256<float> PerScale = Vector256.Create(perScale);
        public readonly Vector256<float> UserError = Vector256.Create(userError);
        public readonly Vector256<float> Correction = Vector256.Create(correction);
        public readonly Vector256<float> Slack = Vector256.Create(1f + MathF.ScaleB(1f, -16));
        public readonly Vector256<float> Tiny = Vector256.Create(MathF.ScaleB(1f, -20));
        public readonly Vector256<float> Floor = Vector256.Create(MathF.ScaleB(1f, -100));
    }

    /// <summary>The 16 items' integer sums <c>Σ_j (q_j + 128)·p_j</c> with AVX-VNNI: two accumulators per half, even and odd chunks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int> Low, Vector256<int> High) DotsVnni(ref byte block, ReadOnlySpan<int> words)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int chunks = words.Length;
        ref int w = ref MemoryMarshal.GetReference(words);
        int c = 0;
        for (; c + 2 <= chunks; c += 2)
        {
            ref byte p = ref Unsafe.Add(ref block, c * Int8ItemFactors.ChunkBytes);
            Vector256<sbyte> u0 = Vector256.Create(Unsafe.Add(ref w, c)).AsSByte();
            Vector256<sbyte> u1 = Vector256.Create(Unsafe.Add(ref w, c + 1)).AsSByte();
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.LoadUnsafe(ref p), u0);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.LoadUnsafe(ref p, 32), u0);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.LoadUnsafe(ref p, 64), u1);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.LoadUnsafe(ref p, 96), u1);
        }

        if (c < chunks)
        {
            ref byte p = ref Unsafe.Add(ref block, c * Int8ItemFactors.ChunkBytes);
            Vector256<sbyte> u0 = Vector256.Create(Unsafe.Add(ref w, c)).AsSByte();
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.LoadUnsafe(ref p), u0);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.LoadUnsafe(ref p, 32), u0);
        }

        return (a0 + a2, a1 + a3);
    }

    /// <summary>The same sums as <see cref="DotsVnni"/> with plain integer loops (for CPUs without VNNI, and to test the VNNI path).</summary>
    private static (Vector256<int> Low, Vector256<int> High) DotsScalar(ref byte block, ReadOnlySpan<int> words)
    {
        Span<int> sums = stackalloc int[Int8ItemFactors.BlockItems];
        for (int c = 0; c < words.Length; c++)
        {
            int word = words[c];
            for (int lane = 0; lane < Int8ItemFactors.BlockItems; lane++)
            {
                for (int b = 0; b < 4; b++)
                {
                    int code = Unsafe.Add(ref block, c * Int8ItemFactors.ChunkBytes + lane * 4 + b);
                    sums[lane] += code * (sbyte)(word >> (8 * b));
                }
            }
        }

        return (Vector256.Create<int>(sums[..8]), Vector256.Create<int>(sums[8..]));
    }

    /// <summary>Keeps the candidates whose upper bound still reaches <paramref name="bound"/>, in order; returns how many.</summary>
    private static int DropBelow(Span<int> items, Span<float> uppers, int count, float bound)
    {
        int write = 0;
        for (int read = 0; read < count; read++)
        {
            if (!(uppers[read] < bound))
            {
                items[write] = items[read];
                uppers[write] = uppers[read];
                write++;
            }
        }

        return write;
    }

    private static void ReturnCandidates(int[]? items, float[]? uppers)
    {
        if (items is not null)
        {
            ArrayPool<int>.Shared.Return(items);
        }

        if (uppers is not null)
        {
            ArrayPool<float>.Shared.Return(uppers);
        }
    }
}
