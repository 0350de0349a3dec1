using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using CsvHelper;
using Personalize.Core.Data;

namespace Personalize.Benchmarks.Data;

/// <summary>
/// Reading an events log (user_id,item_id,event_type,timestamp ISO 8601,quantity) held in memory, 1M rows (50k users, 20k items) and
/// 10M rows (500k users, 200k items: ids far beyond the CPU caches, as in a 10M-row shop log). The rows/s column is Rows / Mean.
/// Baseline: a bare CsvHelper pass over the same bytes that touches every field (the floor any CsvHelper-based reader stands on).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RowsPerSecondConfig))]
public class CsvIngestionBenchmarks
{
    private byte[] _bytes = [];

    [Params(1_000_000, 10_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        int users = Rows / 20, items = Rows / 50;
        string[] events = ["view", "view", "view", "cart", "purchase"];
        var start = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        using var stream = new MemoryStream(Rows * 48);
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.Write("user_id,item_id,event_type,timestamp,quantity\n");
            for (int r = 0; r < Rows; r++)
            {
                var time = start.AddSeconds(r * 7L / 10);
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"U{random.Next(users):D6},I{random.Next(items):D6},{events[random.Next(events.Length)]},{time:yyyy-MM-ddTHH:mm:ssZ},{1 + random.Next(3)}\n"));
            }
        }

        _bytes = stream.ToArray();
    }

    [Benchmark(Baseline = true, Description = "CsvHelper pass over the same bytes (every field's span)")]
    public long RawPass()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        using CsvReader reader = CsvReader.Create(stream, CsvReaderOptions.Default with { HasHeader = true, Separator = ',' }, leaveOpen: true);
        long total = 0;
        while (reader.Read())
        {
            for (int c = 0; c < reader.FieldCount; c++)
            {
                total += reader.GetSpan(c).Length;
            }
        }

        return total;
    }

    [Benchmark(Description = "CsvInteractionReader.Read")]
    public int Read()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        return new CsvInteractionReader().Read(stream, "events.csv").Count;
    }

    /// <summary>Adds the rows/s column.</summary>
    private sealed class RowsPerSecondConfig : ManualConfig
    {
        public RowsPerSecondConfig() => AddColumn(new RowsPerSecondColumn());
    }

    /// <summary>Rows / Mean, in millions of rows per second.</summary>
    private sealed class RowsPerSecondColumn : IColumn
    {
        public string Id => nameof(RowsPerSecondColumn);

        public string ColumnName => "rows/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Rows read per second: Rows / Mean";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics || benchmarkCase.Parameters["Rows"] is not int rows)
            {
                return "NA";
            }

            return (rows / (statistics.Mean / 1e9) / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " M";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
