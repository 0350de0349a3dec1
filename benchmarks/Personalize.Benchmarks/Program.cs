using BenchmarkDotNet.Running;

namespace Personalize.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release -- --filter '*TopK*'</c>. See benchmarks/README.md.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
