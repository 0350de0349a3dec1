using BenchmarkDotNet.Running;

namespace Personalize.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release -- --filter '*TopKScanBenchmarks*'</c> (each class alone: benchmarks/README.md),
/// or with <c>--interleaved-topk</c> first, the top-K scan against its roofline call by call in one process (<see cref="Scoring.InterleavedRoofline"/>).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == Scoring.InterleavedRoofline.Switch)
        {
            return Scoring.InterleavedRoofline.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
