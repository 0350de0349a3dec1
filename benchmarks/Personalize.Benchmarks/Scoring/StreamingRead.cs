using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Personalize.Core.Scoring;

namespace Personalize.Benchmarks.Scoring;

/// <summary>
/// The roofline for a scan: reads an array once, front to back, as fast as this machine allows (the widest vector loads the CPU has
/// into eight independent accumulators, so nothing but memory limits it; with AVX-512, 2 KiB per step and a software prefetch of those
/// 32 lines 16 KiB ahead, non-temporal on AMD processors and into every cache level elsewhere, the scan's own rule), on 1 thread or
/// shared between the calling thread and one parked worker (the same hand-off as <c>ScanWorkers</c>: a semaphore to start, chunks of
/// about a sixteenth taken in turn from a shared counter, a semaphore to finish). The ratio scan / roofline says how far from the
/// memory wall the scan is.
/// </summary>
/// <remarks>
/// The AVX-512 loop is the fastest of the reads measured on the 2-core EPYC (2026-12-06, alternating in one process, 6-12 processes,
/// 1M × 64 floats): 2 KiB steps with <c>prefetchnta</c> 16 KiB ahead took 0.82-1.0 of the time of the earlier 512-byte steps with
/// <c>prefetchnta</c> 32 KiB ahead; 2 KiB steps with no prefetch, <c>prefetcht0</c> or 32 and 64 KiB ahead, and 512-byte steps with
/// no prefetch or 3.5-64 KiB ahead were no faster. A scan that also computes can still come out slightly below it (its loads are issued
/// at another pace, which this machine's memory seems to serve a little better); the ratio is then below 1.
/// <para>On a 2-core Intel Xeon (AVX-512; 2026-12-08, <c>--filter '*TopKScanBenchmarks.Roofline' --job Short</c>, two runs of each kind,
/// alternating) <c>prefetchnta</c> made this read 1.1-4.8 times slower than <c>prefetcht0</c> (1M × 64 floats on 1 thread: 39.1 and
/// 40.1 ms against 17.3 and 16.5 ms), and no prefetch read as fast as <c>prefetcht0</c> (17.9 and 15.9 ms). So the read prefetches the
/// way <c>TopKScorer</c>'s scan does (it calls <c>TopKScorer.Prefetch</c>), and the ratio compares the scan with the fastest read of
/// the machine it runs on.</para>
/// </remarks>
internal sealed class StreamingRead : IDisposable
{
    private readonly Thread? _worker;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private volatile bool _disposed;
    private Array _data = Array.Empty<byte>();
    private int _offset;
    private int _length;
    private int _chunkBytes;
    private int _nextChunk;
    private float _workerSum;

    /// <summary>Creates the reader; with 2 threads, starts the parked worker.</summary>
    public StreamingRead(int threads)
    {
        if (threads is < 1 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The roofline runs on 1 or 2 threads.");
        }

        if (threads == 2)
        {
            _worker = new Thread(Run) { IsBackground = true, Name = "roofline worker" };
            _worker.Start();
        }
    }

    /// <summary>Reads every value of <paramref name="data"/> once and returns a value that depends on all of them.</summary>
    public float Read(ArraySegment<float> data) => Read(data.Array!, data.Offset * sizeof(float), data.Count * sizeof(float));

    /// <summary>Reads the first <paramref name="length"/> bytes of <paramref name="data"/> (an array of any blittable values) once.</summary>
    public float Read(Array data, int length) => Read(data, 0, length);

    /// <summary>Reads <paramref name="length"/> bytes of <paramref name="data"/> from byte <paramref name="offset"/> on, once.</summary>
    public float Read(Array data, int offset, int length)
    {
        ref byte first = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(data), offset);
        if (_worker is null)
        {
            return Sum(ref first, length);
        }

        // Chunks of whole pages, about eight per thread, taken in turn from a shared counter: the hand-off `ScanWorkers` uses, so a
        // thread that runs slower takes fewer chunks in both.
        _data = data;
        _offset = offset;
        _length = length;
        _chunkBytes = (int)Math.Min(int.MaxValue & ~4095L, Math.Max(64 * 1024, ((long)length + 15) / 16 + 4095) & ~4095L);
        _nextChunk = 0;
        _start.Release();
        float sum = SumChunks();
        _done.Wait();
        return sum + _workerSum;
    }

    private float SumChunks()
    {
        ref byte first = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_data), _offset);
        float sum = 0;
        while (true)
        {
            long start = (long)(Interlocked.Increment(ref _nextChunk) - 1) * _chunkBytes;
            if (start >= _length)
            {
                return sum;
            }

            sum += Sum(ref Unsafe.Add(ref first, (nint)start), (int)Math.Min(_chunkBytes, _length - start));
        }
    }

    private void Run()
    {
        while (true)
        {
            _start.Wait();
            if (_disposed)
            {
                return;
            }

            _workerSum = SumChunks();
            _done.Release();
        }
    }

    /// <summary>Sums <paramref name="length"/> bytes read as floats (the tail past a whole 4-byte value is ignored).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe float Sum(ref byte start, int length)
    {
        const int PrefetchBytes = 32 * 1024;
        const int Avx512PrefetchBytes = 16 * 1024;
        ref float f = ref Unsafe.As<byte, float>(ref start);
        int count = length / sizeof(float);
        int i = 0;
        float total = 0;
        if (Avx512F.IsSupported)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (; i + 512 <= count; i += 512)
            {
                ref float p = ref Unsafe.Add(ref f, i);
                if ((long)i * sizeof(float) + Avx512PrefetchBytes + 2048 <= length)
                {
                    TopKScorer.Prefetch(ref Unsafe.Add(ref p, Avx512PrefetchBytes / sizeof(float)), 32 * 64);
                }

                for (int step = 0; step < 512; step += 128)
                {
                    ref float q = ref Unsafe.Add(ref p, step);
                    a0 += Vector512.LoadUnsafe(ref q);
                    a1 += Vector512.LoadUnsafe(ref q, 16);
                    a2 += Vector512.LoadUnsafe(ref q, 32);
                    a3 += Vector512.LoadUnsafe(ref q, 48);
                    a4 += Vector512.LoadUnsafe(ref q, 64);
                    a5 += Vector512.LoadUnsafe(ref q, 80);
                    a6 += Vector512.LoadUnsafe(ref q, 96);
                    a7 += Vector512.LoadUnsafe(ref q, 112);
                }
            }

            total = Vector512.Sum((a0 + a1) + (a2 + a3) + ((a4 + a5) + (a6 + a7)));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (; i + 64 <= count; i += 64)
            {
                ref float p = ref Unsafe.Add(ref f, i);
                if (Sse.IsSupported && (long)i * sizeof(float) + PrefetchBytes + 256 <= length)
                {
                    TopKScorer.Prefetch(ref Unsafe.Add(ref p, PrefetchBytes / sizeof(float)), 4 * 64);
                }

                a0 += Vector256.LoadUnsafe(ref p);
                a1 += Vector256.LoadUnsafe(ref p, 8);
                a2 += Vector256.LoadUnsafe(ref p, 16);
                a3 += Vector256.LoadUnsafe(ref p, 24);
                a4 += Vector256.LoadUnsafe(ref p, 32);
                a5 += Vector256.LoadUnsafe(ref p, 40);
                a6 += Vector256.LoadUnsafe(ref p, 48);
                a7 += Vector256.LoadUnsafe(ref p, 56);
            }

            total = Vector256.Sum((a0 + a1) + (a2 + a3) + ((a4 + a5) + (a6 + a7)));
        }

        for (; i < count; i++)
        {
            total += Unsafe.Add(ref f, i);
        }

        return total;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_worker is not null && !_disposed)
        {
            _disposed = true;
            _start.Release();
            _worker.Join();
        }

        _start.Dispose();
        _done.Dispose();
    }
}
