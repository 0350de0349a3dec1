using System.Runtime.Intrinsics.X86;

namespace Personalize.Core.Scoring;

/// <summary>
/// A compact copy of the item factors for the int8 pre-scan (<see cref="TopKScorer.ScanInt8"/>): each item's factors as signed 8-bit
/// codes with one scale per item, about a quarter of the fp32 bytes. Immutable once built; safe to share between threads.
/// </summary>
/// <remarks>
/// <para><b>Quantization.</b> Item i's scale is <c>s = max_j |v_j| / 127</c> and its codes <c>q_j = round(v_j / s)</c> in [−127, 127], so
/// <c>|v_j − s·q_j| ≤ s·(1/2 + 127·2⁻²⁴)</c> (the rounding of the division included). An item whose factors are not all finite or
/// above <see cref="MaxMagnitude"/>, or whose scale is not a normal float, gets the scale NaN: the pre-scan then always keeps it as a candidate, and the exact re-score decides.</para>
/// <para><b>Layout.</b> Items are stored in blocks of 16, dimension-interleaved for the int8 dot-product instructions (VNNI): block b,
/// chunk c (dimensions 4c..4c+3) is 64 bytes, 4 per item of the block, so one 256-bit <c>vpdpbusd</c> adds four products to each of eight
/// items' sums. Codes are stored plus 128 (unsigned, as the instruction wants); padding items and padding dimensions hold code 0 (byte
/// 128) and scale 0. Next to the codes: the scale and <c>Σ_j |q_j|</c> per item, used by the error bound.</para>
/// </remarks>
internal sealed class Int8ItemFactors
{
    /// <summary>Items per block.</summary>
    public const int BlockItems = 16;

    /// <summary>Bytes per block and chunk: 16 items × 4 codes.</summary>
    public const int ChunkBytes = 64;

    /// <summary>The largest factor magnitude the bounds accept (2⁵⁰): beyond it fp32 sums of products could overflow, which the error
    /// bound does not cover.</summary>
    public const double MaxMagnitude = 1125899906842624.0;

    /// <summary>The largest rank the pre-scan takes (its integer sums stay exact in fp32 up to 1,040 factors).</summary>
    public const int MaxRank = 1024;

    private Int8ItemFactors(int rank, int itemCount, byte[] codes, float[] scales, float[] absoluteSums)
    {
        Rank = rank;
        ItemCount = itemCount;
        Chunks = (rank + 3) / 4;
        Codes = codes;
        Scales = scales;
        AbsoluteSums = absoluteSums;
    }

    /// <summary>Whether this CPU has the int8 dot-product instructions the pre-scan needs to beat the fp32 scan (AVX-VNNI).</summary>
    public static bool IsAccelerated => AvxVnni.IsSupported;

    /// <summary>Gets the number of factors per item.</summary>
    public int Rank { get; }

    /// <summary>Gets the number of items.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the number of 4-dimension chunks per item (rank rounded up to 4, divided by 4).</summary>
    public int Chunks { get; }

    /// <summary>Gets the codes plus 128, in blocks of 16 items (see the class remarks).</summary>
    public byte[] Codes { get; }

    /// <summary>Gets each item's scale (0 for a zero vector, NaN for one that cannot be quantized); padded to whole blocks with 0.</summary>
    public float[] Scales { get; }

    /// <summary>Gets each item's <c>Σ_j |q_j|</c> (exact, a whole number); padded to whole blocks with 0.</summary>
    public float[] AbsoluteSums { get; }

    /// <summary>Quantizes item-major fp32 factors.</summary>
    /// <param name="items">The item factors, item-major, <paramref name="rank"/> per item.</param>
    /// <param name="rank">The number of factors per item, 1 to <see cref="MaxRank"/>.</param>
    public static Int8ItemFactors Build(ReadOnlySpan<float> items, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, MaxRank);
        if (items.Length % rank != 0)
        {
            Internal.ThrowHelper.FactorShapeMismatch(rank, items.Length);
        }

        int itemCount = items.Length / rank;
        int chunks = (rank + 3) / 4;
        int blocks = (itemCount + BlockItems - 1) / BlockItems;
        var codes = new byte[(long)blocks * chunks * ChunkBytes];
        Array.Fill(codes, (byte)128);
        var scales = new float[blocks * BlockItems];
        var absoluteSums = new float[blocks * BlockItems];
        for (int item = 0; item < itemCount; item++)
        {
            ReadOnlySpan<float> row = items.Slice(item * rank, rank);
            float largest = 0;
            bool finite = true;
            foreach (float value in row)
            {
                finite &= float.IsFinite(value);
                largest = Math.Max(largest, Math.Abs(value));
            }

            if (!finite || largest > MaxMagnitude)
            {
                scales[item] = float.NaN;
                continue;
            }

            if (largest == 0)
            {
                continue;
            }

            float scale = largest / 127f;
            if (!float.IsNormal(scale))
            {
                scales[item] = float.NaN;
                continue;
            }

            int block = item / BlockItems;
            int lane = item % BlockItems;
            int sum = 0;
            for (int d = 0; d < rank; d++)
            {
                int code = Math.Clamp((int)MathF.Round(row[d] / scale), -127, 127);
                sum += Math.Abs(code);
                codes[((long)block * chunks + d / 4) * ChunkBytes + lane * 4 + d % 4] = (byte)(code + 128);
            }

            scales[item] = scale;
            absoluteSums[item] = sum;
        }

        return new Int8ItemFactors(rank, itemCount, codes, scales, absoluteSums);
    }
}
