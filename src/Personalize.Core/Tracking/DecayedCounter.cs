namespace Personalize.Core.Tracking;

/// <summary>
/// Exponentially decayed event counts that are updated with one compare-and-swap and never need a pass over all counters.
/// </summary>
/// <remarks>
/// <para>A count with half-life H at time T is Σ wₑ · 2^(−(T − tₑ)/H) over the events e. Decaying every counter as time passes would cost
/// a pass over all items; instead each counter stores the sum in a <em>scaled</em> form, S = Σ wₑ · 2^((tₑ − t₀)/H), against a reference
/// time t₀, so that adding an event is one addition and reading is one multiplication by 2^(−(T − t₀)/H), the same factor for every
/// counter (the log-domain trick).</para>
/// <para>The scaled values grow as 2^(t/H), so the reference time cannot stay fixed: time is cut into <em>epochs</em> of 32 half-lives,
/// epoch k starting at t₀ = k · 32 · H (Unix time). A counter is one <see cref="long"/>: its epoch in the high 32 bits and its scaled sum
/// (a <see cref="float"/>, scaled weights in [1, 2³²) per event) in the low 32. An event in a later epoch first rescales the counter by
/// 2^(−32 · Δk), which is exact in binary floating point, and moves it to that epoch; an event older than the counter's epoch is added
/// scaled down instead. Every update is a single 64-bit compare-and-swap, so writers never lock and readers never see a torn counter.
/// A float keeps 24 bits of the sum, about 7 significant digits: plenty for ranking.</para>
/// </remarks>
internal static class DecayedCounter
{
    /// <summary>Half-lives per epoch. 2^32 × a weight stays far inside float's range for any realistic count.</summary>
    public const int HalvingsPerEpoch = 32;

    /// <summary>Seconds since the Unix epoch of a UTC tick count, as a double.</summary>
    public static double Seconds(long utcTicks) => (utcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>The epoch that holds time <paramref name="halfLives"/> (seconds divided by the half-life), clamped to the int range.</summary>
    public static int EpochOf(double halfLives)
    {
        double epoch = Math.Floor(halfLives / HalvingsPerEpoch);
        return epoch >= int.MaxValue ? int.MaxValue : epoch <= int.MinValue + 1 ? int.MinValue + 1 : (int)epoch;
    }

    /// <summary>Adds an event of weight <paramref name="weight"/> at <paramref name="halfLives"/> (time in half-lives since 1970).</summary>
    public static void Add(ref long counter, double halfLives, float weight)
    {
        int epoch = EpochOf(halfLives);
        float scaled = (float)(weight * double.Exp2(halfLives - (double)epoch * HalvingsPerEpoch));
        long old = Volatile.Read(ref counter);
        while (true)
        {
            long updated;
            if (old == 0)
            {
                updated = Pack(epoch, scaled);
            }
            else
            {
                int oldEpoch = (int)(old >> 32);
                float value = BitConverter.Int32BitsToSingle((int)old);
                updated = oldEpoch == epoch ? Pack(epoch, value + scaled)
                    : oldEpoch < epoch ? Pack(epoch, Rescale(value, epoch - (long)oldEpoch) + scaled)
                    : Pack(oldEpoch, value + Rescale(scaled, oldEpoch - (long)epoch));
            }

            long seen = Interlocked.CompareExchange(ref counter, updated, old);
            if (seen == old)
            {
                return;
            }

            old = seen;
        }
    }

    /// <summary>The reading factor of a query at <paramref name="halfLives"/>: its epoch and 2^(k·32 − T/H), in (2^−32, 1].</summary>
    public static (int Epoch, double Factor) ReadFactor(double halfLives)
    {
        int epoch = EpochOf(halfLives);
        return (epoch, double.Exp2((double)epoch * HalvingsPerEpoch - halfLives));
    }

    /// <summary>The decayed count of a counter at the query time described by <paramref name="epoch"/> and <paramref name="factor"/>.</summary>
    public static double Read(long counter, int epoch, double factor)
    {
        if (counter == 0)
        {
            return 0;
        }

        long shift = (long)(int)(counter >> 32) - epoch;
        if (shift < -40)
        {
            return 0;   // 2^(-1280): nothing left
        }

        return Math.ScaleB((double)BitConverter.Int32BitsToSingle((int)counter), (int)Math.Min(shift, 25) * HalvingsPerEpoch) * factor;
    }

    /// <summary>Reads counters at one query time: the common factor precomputed for the query's epoch and the one before, which hold
    /// almost every counter, so most reads are one multiplication.</summary>
    internal readonly struct Reader
    {
        private readonly int _epoch;
        private readonly double _factor;
        private readonly double _previousFactor;

        public Reader(double halfLives)
        {
            (_epoch, _factor) = ReadFactor(halfLives);
            _previousFactor = Math.ScaleB(_factor, -HalvingsPerEpoch);
        }

        public double Read(long counter)
        {
            int epoch = (int)(counter >> 32);
            double value = BitConverter.Int32BitsToSingle((int)counter);
            return epoch == _epoch ? value * _factor
                : epoch == _epoch - 1 ? value * _previousFactor
                : DecayedCounter.Read(counter, _epoch, _factor);
        }
    }

    private static float Rescale(float value, long epochsBack) =>
        epochsBack > 5 ? 0f : MathF.ScaleB(value, (int)(-epochsBack * HalvingsPerEpoch));

    private static long Pack(int epoch, float value) => ((long)epoch << 32) | (uint)BitConverter.SingleToInt32Bits(value);
}
