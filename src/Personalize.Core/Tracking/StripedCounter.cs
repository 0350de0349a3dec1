namespace Personalize.Core.Tracking;

/// <summary>A 64-bit counter split over cache-line-padded stripes chosen by thread, so concurrent writers do not fight over one line.</summary>
internal sealed class StripedCounter
{
    private const int Stripes = 16;
    private const int Stride = 16;   // 128 bytes between stripes: no false sharing, also with adjacent-line prefetch
    private readonly long[] _cells = new long[Stripes * Stride];

    public void Increment() => Interlocked.Increment(ref _cells[(Environment.CurrentManagedThreadId & (Stripes - 1)) * Stride]);

    public void Add(long value) => Interlocked.Add(ref _cells[(Environment.CurrentManagedThreadId & (Stripes - 1)) * Stride], value);

    public long Read()
    {
        long sum = 0;
        for (int s = 0; s < Stripes; s++)
        {
            sum += Volatile.Read(ref _cells[s * Stride]);
        }

        return sum;
    }
}
