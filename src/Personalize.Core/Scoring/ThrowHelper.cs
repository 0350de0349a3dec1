using System.Diagnostics.CodeAnalysis;

namespace Personalize.Core.Scoring;

/// <summary>Cold throw paths of the hot path, kept out of line so the callers stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void FactorShapeMismatch(int rank, int length) =>
        throw new ArgumentException($"The item factors hold {length} values, which is not a whole number of vectors of {rank} factors.");

    [DoesNotReturn]
    public static void RangeOutside(int start, int end, int count) =>
        throw new ArgumentOutOfRangeException(nameof(start), $"The item range [{start}, {end}) is not inside [0, {count}).");

    [DoesNotReturn]
    public static void EligibilityTooShort(int itemCount, int words) =>
        throw new ArgumentException($"The eligibility bitset has {words} words; {(itemCount + 63) / 64} are needed for {itemCount} items.");

    [DoesNotReturn]
    public static void BiasLengthMismatch(int itemCount, int biases) =>
        throw new ArgumentException($"The item biases hold {biases} values; {itemCount} are needed, one per item (or none).");

    [DoesNotReturn]
    public static void BufferLengthMismatch(int items, int scores) =>
        throw new ArgumentException($"The result buffers differ in length: {items} items and {scores} scores.");
}
