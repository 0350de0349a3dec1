using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Personalize.Core.Data;

namespace Personalize.Benchmarks.Data;

/// <summary>Reading a 1M-row events file (user_id,item_id,event_type,timestamp ISO 8601,quantity): rows per second = 1M / time.</summary>
[MemoryDiagnoser]
public class CsvIngestionBenchmarks
{
    private string _path = "";

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"personalize-bench-events-{Rows}.csv");
        var random = new Random(42);
        string[] events = ["view", "view", "view", "cart", "purchase"];
        var start = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        using var writer = new StreamWriter(_path, false, new UTF8Encoding(false));
        writer.Write("user_id,item_id,event_type,timestamp,quantity\n");
        for (int r = 0; r < Rows; r++)
        {
            var time = start.AddSeconds(r * 7L);
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"U{random.Next(50_000):D5},I{random.Next(20_000):D5},{events[random.Next(events.Length)]},{time:yyyy-MM-ddTHH:mm:ssZ},{1 + random.Next(3)}\n"));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Description = "read 1M-row events.csv")]
    public int Read() => InteractionLog.ReadCsv(_path).Count;
}
