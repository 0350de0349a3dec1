using BenchmarkDotNet.Running;

namespace Personalize.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release -- --filter '*TopKScanBenchmarks*'</c> (each class alone: benchmarks/README.md). See benchmarks/README.md.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
