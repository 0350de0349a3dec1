using System.Diagnostics;
using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>
/// Time-bounded fuzzing of every input path (interaction CSV, catalogue CSV, model file) from a fixed seed: valid inputs mutated at
/// random (flipped, inserted, deleted and duplicated bytes, quotes, delimiters, line breaks, U+001F, byte order marks, truncation).
/// Each input must be read or refused with the library's own exception naming a line inside the input (a model: its own exception).
/// No case is timed: a case that never answers is caught by the test host's hang detection (<c>.ci/run</c> runs
/// <c>dotnet test --blame-hang-timeout 10m</c>), which names the test. The budget only decides how many cases run. CI runs a few seconds per path; set <c>PERSONALIZE_FUZZ_SECONDS</c> for longer runs and
/// <c>PERSONALIZE_FUZZ_SEED</c> for another seed. A failure prints the seed, the iteration and the input.
/// </summary>
public sealed class InputFuzzTests : IDisposable
{
    private static readonly string[] Delimiters = [",", ";", "\t", "|", "::"];
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static TimeSpan Budget => TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("PERSONALIZE_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 ? s : 3);

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("PERSONALIZE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 15;

    [Fact]
    public void Interaction_csv_is_read_or_refused_with_a_line_inside_the_input()
    {
        int iterations = Run((random, iteration) =>
        {
            string? delimiter = random.Next(3) == 0 ? null : Delimiters[random.Next(Delimiters.Length)];
            string shown = delimiter ?? ",";
            var text = new StringBuilder(string.Join(shown, "user_id", "item_id", "event_type", "timestamp")).Append('\n');
            int rows = random.Next(1, 40);
            for (int r = 0; r < rows; r++)
            {
                text.AppendJoin(shown, $"u{random.Next(9)}", $"i{random.Next(20)}", random.Next(2) == 0 ? "view" : "purchase", $"2026-10-{1 + random.Next(28):D2}").Append('\n');
            }

            byte[] input = Mutate(random, Encoding.UTF8.GetBytes(text.ToString()));
            var options = new CsvInteractionReaderOptions
            {
                Delimiter = delimiter,
                BadRows = random.Next(2) == 0 ? BadRowPolicy.Fail : BadRowPolicy.SkipAndReport,
                MaxReportedRejections = int.MaxValue,
            };
            long lines = Lines(input);
            return () =>
            {
                try
                {
                    using var stream = new MemoryStream(input);
                    InteractionLog log = new CsvInteractionReader(options).Read(stream, "fuzz.csv");
                    Check(log.Report.Read == log.Report.Accepted + log.Report.Rejected, "Read != Accepted + Rejected", input, iteration);
                    Check(log.Report.RejectedRows.All(r => r.LineNumber >= 1 && r.LineNumber <= lines), "a rejected row outside the input's lines", input, iteration);
                }
                catch (InteractionDataException error)
                {
                    Check(error.LineNumber >= 0 && error.LineNumber <= lines, $"the error names line {error.LineNumber} of {lines}: {error.Message}", input, iteration);
                }
            };
        });
        Assert.True(iterations > 0);
    }

    [Fact]
    public void Catalogue_csv_is_read_or_refused_with_a_line_inside_the_input()
    {
        string path = _directory.File("items.csv");
        int iterations = Run((random, iteration) =>
        {
            var text = new StringBuilder("item_id,title,brand,price,tags,in_stock\n");
            int rows = random.Next(1, 30);
            for (int r = 0; r < rows; r++)
            {
                text.Append(CultureInfo.InvariantCulture, $"i{r},\"Title {r}, big\",B{random.Next(4)},{random.Next(1000) / 10.0},a|b{random.Next(3)},{random.Next(2) == 0}\n");
            }

            byte[] input = Mutate(random, Encoding.UTF8.GetBytes(text.ToString()));
            var options = new ItemCatalogOptions { BadRows = random.Next(2) == 0 ? BadRowPolicy.Fail : BadRowPolicy.SkipAndReport };
            long lines = Lines(input);
            return () =>
            {
                File.WriteAllBytes(path, input);
                try
                {
                    ItemCatalog.ReadCsv(path, options);
                }
                catch (InteractionDataException error)
                {
                    Check(error.LineNumber >= 0 && error.LineNumber <= lines, $"the error names line {error.LineNumber} of {lines}: {error.Message}", input, iteration);
                }
            };
        });
        Assert.True(iterations > 0);
    }

    [Fact]
    public void Model_file_is_read_or_refused_with_the_model_format_exception()
    {
        var valid = new List<byte[]>();
        foreach (FactorModel model in new[] { TestModels.Create(seed: 1, userCount: 6, itemCount: 9, numberOfFactors: 3), TestModels.Create(seed: 2, userCount: 4, itemCount: 5, numberOfFactors: 2, withBiases: true) })
        {
            using var stream = new MemoryStream();
            ModelFile.Write(model, stream);
            valid.Add(stream.ToArray());
        }

        int iterations = Run((random, iteration) =>
        {
            byte[] input = Mutate(random, valid[random.Next(valid.Count)], binary: true);
            return () =>
            {
                try
                {
                    using var stream = new MemoryStream(input);
                    ModelFile.Read(stream, "fuzz.pzm");
                }
                catch (ModelFormatException)
                {
                }
            };
        });
        Assert.True(iterations > 0);
    }

    /// <summary>Runs cases until the budget is spent; each case is built from its own seed.</summary>
    private static int Run(Func<Random, string, Action> makeCase)
    {
        var clock = Stopwatch.StartNew();
        int iteration = 0;
        while (clock.Elapsed < Budget)
        {
            int seed = unchecked(Seed * 1_000_003 + iteration);
            string name = $"seed {Seed}, iteration {iteration} (case seed {seed})";
            Action test = makeCase(new Random(seed), name);
            try
            {
                test();
            }
            catch (Exception exception) when (exception is not FuzzFailure)
            {
                throw new FuzzFailure($"{name}: {exception.GetType().Name}: {exception.Message}", exception);
            }

            iteration++;
        }

        return iteration;
    }

    private static void Check(bool condition, string what, byte[] input, string name)
    {
        if (!condition)
        {
            throw new FuzzFailure($"{name}: {what}; input: {Show(input)}", null);
        }
    }

    private static string Show(byte[] input) =>
        string.Concat(input.Take(400).Select(b => b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}"));

    /// <summary>The number of lines as the readers count them: <c>\n</c>, <c>\r\n</c> and a lone <c>\r</c> end one each.</summary>
    private static long Lines(byte[] input) => input.AsSpan().Count((byte)'\n') + input.AsSpan().Count((byte)'\r') - input.AsSpan().Count("\r\n"u8) + 1;

    /// <summary>Applies 1 to 6 random edits.</summary>
    private static byte[] Mutate(Random random, byte[] source, bool binary = false)
    {
        var bytes = new List<byte>(source);
        int edits = 1 + random.Next(6);
        byte[] specials = binary ? [0, 0xFF, 0x7F, 0x80] : "\"\n\r,;|\t:\u001F ".Select(c => (byte)c).Concat(new byte[] { 0xEF, 0xBB, 0xBF, 0xC3, 0xFF, 0 }).ToArray();
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] = specials[random.Next(specials.Length)];
                    break;
                case 2:
                    bytes.Insert(at, specials[random.Next(specials.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at); // truncated
                    break;
                case 5:
                    int length = Math.Min(bytes.Count - at, 1 + random.Next(64));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
            }
        }

        return [.. bytes];
    }

    private sealed class FuzzFailure(string message, Exception? inner) : Exception(message, inner);
}
