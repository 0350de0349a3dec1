namespace Personalize.Core.Internal;

/// <summary>
/// Float arrays whose first value starts on a cache line, for tables that are scanned end to end (the item factors). A managed array's
/// data starts 16 bytes after its header, so its rows straddle one more cache line than they need to: a 256-byte row (64 factors)
/// touches 5 lines instead of 4, and a scan that reads every row at memory speed pays for the fifth. The segments returned here live in
/// the pinned object heap (never moved, so the alignment holds for their lifetime) with the start offset chosen to land on 64 bytes.
/// </summary>
internal static class AlignedFloats
{
    /// <summary>The alignment of a segment's first value, in bytes: one cache line.</summary>
    public const int Alignment = 64;

    private const int Slack = Alignment / sizeof(float) - 1;

    /// <summary>Below this many values the array is small enough that alignment cannot matter; a plain array is used.</summary>
    private const int MinimumLength = 1024;

    /// <summary>Allocates <paramref name="length"/> zeroed values starting on a cache line (a plain array when it is small).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or too large for one array.</exception>
    public static ArraySegment<float> Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength - Slack);
        if (length < MinimumLength)
        {
            return new ArraySegment<float>(new float[length]);
        }

        float[] array = GC.AllocateArray<float>((int)length + Slack, pinned: true);
        return new ArraySegment<float>(array, OffsetToAlignment(array), (int)length);
    }

    /// <summary>Returns <paramref name="values"/> when it already starts on a cache line or is small, otherwise an aligned copy.</summary>
    public static ArraySegment<float> Align(ArraySegment<float> values)
    {
        if (values.Count < MinimumLength || IsAligned(values))
        {
            return values;
        }

        ArraySegment<float> copy = Allocate(values.Count);
        values.AsSpan().CopyTo(copy);
        return copy;
    }

    /// <summary>Whether the segment's first value starts on a cache line now (a movable array may not stay so).</summary>
    public static unsafe bool IsAligned(ArraySegment<float> values)
    {
        if (values.Count == 0)
        {
            return true;
        }

        fixed (float* first = &values.AsSpan()[0])
        {
            return (nuint)first % Alignment == 0;
        }
    }

    private static unsafe int OffsetToAlignment(float[] pinned)
    {
        // The array is on the pinned heap, so the address taken here stays valid after the fixed block ends.
        fixed (float* data = pinned)
        {
            int misalignment = (int)((nuint)data % Alignment);
            return misalignment == 0 ? 0 : (Alignment - misalignment) / sizeof(float);
        }
    }
}
