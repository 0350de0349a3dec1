using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Personalize.Spark.Tests.TestSupport;

/// <summary>
/// Writes a folder in the layout Spark's <c>ALSModel.save(path)</c> produces, with Parquet.Net: <c>metadata/part-00000</c> (one JSON
/// line) and <c>_SUCCESS</c>, and <c>userFactors/</c> and <c>itemFactors/</c> with several <c>part-*.snappy.parquet</c> files of
/// <c>id</c> (required int32) and <c>features</c> (optional LIST of float: <c>features/list/element</c>), plus the <c>.crc</c> and
/// <c>_SUCCESS</c> files Hadoop leaves beside them.
/// </summary>
internal sealed class SparkModelFolder
{
    public SparkModelFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>A row: its id and its features (<see langword="null"/> for a null list; a null element inside for a null value).</summary>
    public sealed record Row(int Id, float?[]? Features);

    public void WriteMetadata(int rank, string className = "org.apache.spark.ml.recommendation.ALSModel", string? extraParams = null)
    {
        string folder = System.IO.Path.Combine(Path, "metadata");
        Directory.CreateDirectory(folder);
        string json = "{\"class\":\"" + className + "\",\"timestamp\":1700000000000,\"sparkVersion\":\"3.5.1\",\"uid\":\"ALS_4b1c\","
            + "\"paramMap\":{\"userCol\":\"user\",\"itemCol\":\"item\",\"coldStartStrategy\":\"drop\"" + (extraParams ?? "") + "},"
            + "\"defaultParamMap\":{\"predictionCol\":\"prediction\",\"blockSize\":4096},\"rank\":" + rank.ToString(CultureInfo.InvariantCulture) + "}";
        File.WriteAllText(System.IO.Path.Combine(folder, "part-00000"), json + "\n");
        File.WriteAllText(System.IO.Path.Combine(folder, ".part-00000.crc"), "crc");
        File.WriteAllText(System.IO.Path.Combine(folder, "_SUCCESS"), "");
    }

    /// <summary>Writes one part file per group of rows into <paramref name="name"/> (<c>userFactors</c> or <c>itemFactors</c>).</summary>
    public void WriteFactors(string name, IReadOnlyList<IReadOnlyList<Row>> parts, bool nullableElements = false)
    {
        string folder = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "_SUCCESS"), "");
        for (int p = 0; p < parts.Count; p++)
        {
            string file = System.IO.Path.Combine(folder, $"part-{p:D5}-5f1e2d3c-aaaa-bbbb-cccc-0123456789ab-c000.snappy.parquet");
            WriteParquet(file, parts[p], nullableElements).GetAwaiter().GetResult();
            File.WriteAllText(System.IO.Path.Combine(folder, $".part-{p:D5}-5f1e2d3c-aaaa-bbbb-cccc-0123456789ab-c000.snappy.parquet.crc"), "crc");
        }
    }

    /// <summary>Random factors for the given ids, split round-robin into <paramref name="partCount"/> parts.</summary>
    public static List<IReadOnlyList<Row>> Random(Random random, IReadOnlyList<int> ids, int rank, int partCount)
    {
        var parts = Enumerable.Range(0, partCount).Select(_ => new List<Row>()).ToList();
        for (int i = 0; i < ids.Count; i++)
        {
            float?[] features = [.. Enumerable.Range(0, rank).Select(_ => (float?)(float)(random.NextDouble() * 2 - 1))];
            parts[i % partCount].Add(new Row(ids[i], features));
        }

        return [.. parts];
    }

    private static async Task WriteParquet(string file, IReadOnlyList<Row> rows, bool nullableElements)
    {
        var idField = new DataField<int>("id", false);
        var element = new DataField<float>("element", nullableElements);
        var schema = new ParquetSchema(idField, new ListField("features", element));
        DataField featureField = schema.DataFields[1];
        int present = featureField.MaxDefinitionLevel;
        var values = new List<float>();
        var definitions = new List<int>();
        var repetitions = new List<int>();
        foreach (Row row in rows)
        {
            if (row.Features is null)
            {
                definitions.Add(0);
                repetitions.Add(0);
                continue;
            }

            if (row.Features.Length == 0)
            {
                definitions.Add(1);
                repetitions.Add(0);
                continue;
            }

            for (int f = 0; f < row.Features.Length; f++)
            {
                repetitions.Add(f == 0 ? 0 : 1);
                if (row.Features[f] is { } value)
                {
                    values.Add(value);
                    definitions.Add(present);
                }
                else
                {
                    definitions.Add(present - 1);
                }
            }
        }

        await using FileStream stream = File.Create(file);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        await group.WriteAsync<int>(idField, rows.Select(r => r.Id).ToArray());
        await group.WriteAllPartsAsync<float>(featureField, values.ToArray(), definitions.ToArray(), repetitions.ToArray(), default);
    }
}
