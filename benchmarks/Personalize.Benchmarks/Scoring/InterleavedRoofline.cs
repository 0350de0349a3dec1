using System.Diagnostics;
using System.Globalization;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Benchmarks.Scoring;

/// <summary>
/// The top-K scan against its roofline measured call by call in one process: each round times one streaming read of the item
/// factors (<see cref="StreamingRead"/> of the model's own item factors) and one <see cref="Recommender.ForUser(string, Filtering.CompiledFilter?, Span{Recommendation}, out RecommendationSource)"/>
/// top-10, in alternating order, so both see the same state of the machine. BenchmarkDotNet measures each case in its own process,
/// minutes apart; on a host whose memory bandwidth moves from minute to minute (a shared virtual machine) that puts the host's swings
/// into the ratio. Here the ratio of the medians is of calls made microseconds apart.
/// </summary>
/// <remarks>Run with <c>dotnet run --project benchmarks/Personalize.Benchmarks -c Release -- --interleaved-topk</c>, optionally
/// followed by <c>--items N</c> (default 1,000,000), <c>--rank N</c> (64) and <c>--rounds N</c> (301). It uses the same model as
/// <see cref="TopKScanBenchmarks"/> (seed 42, 20 seen items) on 1 and 2 threads.</remarks>
public static class InterleavedRoofline
{
    /// <summary>The command-line switch that selects this measurement instead of BenchmarkDotNet.</summary>
    public const string Switch = "--interleaved-topk";

    /// <summary>Runs the measurement and prints one line per thread count; returns the process exit code.</summary>
    /// <param name="args">The arguments after <see cref="Switch"/>.</param>
    public static int Run(string[] args)
    {
        int items = 1_000_000, rank = 64, rounds = 301;
        for (int a = 0; a < args.Length; a++)
        {
            string name = args[a];
            if (a + 1 >= args.Length || !int.TryParse(args[a + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            {
                Console.Error.WriteLine($"{Switch}: '{name}' needs a whole number of 1 or more after it (--items N, --rank N, --rounds N).");
                return 2;
            }

            a++;
            switch (name)
            {
                case "--items": items = value; break;
                case "--rank": rank = value; break;
                case "--rounds": rounds = value; break;
                default:
                    Console.Error.WriteLine($"{Switch}: unknown option '{name}'; expected --items, --rank or --rounds.");
                    return 2;
            }
        }

        FactorModel model = Synthetic.Model(new Random(42), users: 1, items: items, rank: rank, seenPerUser: Math.Min(20, items));
        ArraySegment<float> factors = model.RawItemFactors;   // the scan's own bytes, so both read the same physical pages
        var destination = new Recommendation[10];
        Console.WriteLine($"// top-10 over {items:N0} items × {rank} factors, {rounds} alternating rounds per thread count; "
            + $"AVX-512F: {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}; load average: {LoadAverage()}");
        Console.WriteLine("| Threads | roofline median | ForUser median | ratio of medians | median of per-round ratios | p10-p90 of per-round ratios |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (int threads in new[] { 1, 2 })
        {
            using var roofline = new StreamingRead(threads);
            using var recommender = new Recommender(model, new RecommenderOptions { NumberOfThreads = threads });
            float sink = 0;
            for (int w = 0; w < 5; w++)
            {
                sink += roofline.Read(factors) + recommender.ForUser("u0", null, destination, out _);
            }

            var read = new double[rounds];
            var scan = new double[rounds];
            var ratio = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                // Alternate which goes first, so neither always follows the other's cache state.
                if (r % 2 == 0)
                {
                    read[r] = Time(() => sink += roofline.Read(factors));
                    scan[r] = Time(() => sink += recommender.ForUser("u0", null, destination, out _));
                }
                else
                {
                    scan[r] = Time(() => sink += recommender.ForUser("u0", null, destination, out _));
                    read[r] = Time(() => sink += roofline.Read(factors));
                }

                ratio[r] = scan[r] / read[r];
            }

            Array.Sort(ratio);
            double readMedian = Median(read), scanMedian = Median(scan);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {threads} | {readMedian:F0} us | {scanMedian:F0} us | **{scanMedian / readMedian:F2}** | {ratio[rounds / 2]:F2} | {ratio[rounds / 10]:F2}-{ratio[rounds * 9 / 10]:F2} |"));
            GC.KeepAlive(sink);
        }

        return 0;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
