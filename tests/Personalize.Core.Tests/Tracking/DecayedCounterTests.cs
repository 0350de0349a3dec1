using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>The lazily decayed counter against a plain double-precision reference Σ w·2^(−(T − t)/H).</summary>
public sealed class DecayedCounterTests
{
    private static double Reference(IEnumerable<(double Time, float Weight)> events, double now, double halfLife) =>
        events.Sum(e => e.Weight * Math.Pow(2, -(now - e.Time) / halfLife));

    private static double ReadAt(long counter, double now, double halfLife)
    {
        var (epoch, factor) = DecayedCounter.ReadFactor(now / halfLife);
        return DecayedCounter.Read(counter, epoch, factor);
    }

    private static void AssertClose(double expected, double actual, string because)
    {
        double tolerance = 1e-5 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{because}: expected {expected}, got {actual}");
    }

    [Theory]
    [InlineData(3600.0, 1)]
    [InlineData(3600.0, 2)]
    [InlineData(86400.0, 3)]
    [InlineData(1.0, 4)]
    public void Matches_the_reference_over_many_epochs_with_events_slightly_out_of_order(double halfLife, int seed)
    {
        var random = new Random(seed);
        double start = 1_790_000_000;   // 2026
        long counter = 0;
        var events = new List<(double, float)>();
        double time = start;
        for (int e = 0; e < 2000; e++)
        {
            // Steps of up to ~0.2 half-lives, so 2000 events span ~200 half-lives: several 32-half-life epochs.
            time += random.NextDouble() * 0.2 * halfLife;
            double at = time - (random.NextDouble() < 0.1 ? random.NextDouble() * 3 * halfLife : 0);   // 10% arrive late
            float weight = random.Next(1, 4);
            DecayedCounter.Add(ref counter, at / halfLife, weight);
            events.Add((at, weight));
            if (e % 97 == 0)
            {
                double now = time + (random.NextDouble() * 2 * halfLife);
                AssertClose(Reference(events, now, halfLife), ReadAt(counter, now, halfLife), $"seed {seed}, after event {e}");
                AssertClose(ReadAt(counter, now, halfLife), new DecayedCounter.Reader(now / halfLife).Read(counter), $"fast reader, seed {seed}");
                double later = now + (random.Next(1, 80) * halfLife);   // one or more epochs later: the previous-epoch and the general path
                AssertClose(ReadAt(counter, later, halfLife), new DecayedCounter.Reader(later / halfLife).Read(counter), $"fast reader later, seed {seed}");
            }
        }
    }

    [Fact]
    public void An_event_exactly_on_an_epoch_boundary_counts_once_and_halves_every_half_life()
    {
        const double halfLife = 60;
        double boundary = DecayedCounter.HalvingsPerEpoch * halfLife * 1_000_000;   // epoch 1,000,000 starts here
        long counter = 0;
        DecayedCounter.Add(ref counter, boundary / halfLife, 1f);

        AssertClose(1, ReadAt(counter, boundary, halfLife), "at the event");
        AssertClose(0.5, ReadAt(counter, boundary + halfLife, halfLife), "one half-life later");
        AssertClose(Math.Pow(2, -40), ReadAt(counter, boundary + (40 * halfLife), halfLife), "40 half-lives later (next epoch)");
    }

    [Fact]
    public void An_empty_counter_reads_zero_and_a_very_old_one_decays_to_zero()
    {
        const double halfLife = 3600;
        long counter = 0;
        Assert.Equal(0, ReadAt(counter, 1_700_000_000, halfLife));

        DecayedCounter.Add(ref counter, 1_700_000_000 / halfLife, 5f);
        Assert.Equal(0, ReadAt(counter, 1_700_000_000 + (2000 * halfLife), halfLife));

        DecayedCounter.Add(ref counter, (1_700_000_000 + (2000 * halfLife)) / halfLife, 1f);   // long after: the old mass is gone
        AssertClose(1, ReadAt(counter, 1_700_000_000 + (2000 * halfLife), halfLife), "a new event after a long silence");
    }

    [Fact]
    public void Events_before_1970_are_counted()
    {
        const double halfLife = 3600;
        long counter = 0;
        double t = -1_000_000_000;
        DecayedCounter.Add(ref counter, t / halfLife, 1f);
        DecayedCounter.Add(ref counter, (t + halfLife) / halfLife, 1f);

        AssertClose(1.5, ReadAt(counter, t + halfLife, halfLife), "two events one half-life apart");
    }

    [Fact]
    public void Concurrent_adds_are_never_lost()
    {
        long counter = 0;
        const int PerThread = 200_000;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                DecayedCounter.Add(ref counter, 1.0, 1f);   // same instant: the same scaled weight, an exact integer
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        // The scaled weight at 1 half-life into epoch 0 is exactly 2, so the float sum stays exact up to 2^24.
        Assert.Equal(4 * PerThread * 2f, BitConverter.Int32BitsToSingle((int)counter));
    }
}
