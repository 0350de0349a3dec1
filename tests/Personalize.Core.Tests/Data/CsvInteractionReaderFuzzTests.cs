using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>
/// Property tests from fixed seeds: random rows, a random share of them corrupted in random ways. Every row must be counted once,
/// every good row accepted with its values, and every bad row rejected at its own line. Failures print the seed.
/// </summary>
public sealed class CsvInteractionReaderFuzzTests : IDisposable
{
    private const string Header = "user_id,item_id,event_type,timestamp,quantity";
    private static readonly string[] EventNames = ["view", "cart", "purchase", "VIEW", "Cart", " purchase "];
    private static readonly string[] PlainIds = ["u1", "u2", "Zoë", "東京", "a b", "x-9", "42", "UPPER", "😀"];
    private static readonly string[] QuotedIds = ["\"Smith, J\"", "\"say \"\"hi\"\"\"", "\"semi;colon\""];
    private static readonly string[] QuotedIdValues = ["Smith, J", "say \"hi\"", "semi;colon"];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private sealed record GoodRow(string User, string Item, int EventIndex, long Timestamp, float Value);

    [Theory]
    [InlineData(1, 3000)]
    [InlineData(20240131, 3000)]
    [InlineData(777, 500)]
    [InlineData(31337, 70_000)]
    public void Read_counts_every_row_once_accepts_every_good_row_and_rejects_every_bad_one(int seed, int rows)
    {
        var random = new Random(seed);
        double corruptShare = 0.02 + random.NextDouble() * 0.6;
        var text = new StringBuilder(Header).Append('\n');
        var good = new List<GoodRow>();
        var badLines = new List<long>();
        var badKinds = new List<string>();
        long line = 1;
        for (int i = 0; i < rows; i++)
        {
            while (random.Next(50) == 0)
            {
                text.Append('\n'); // a blank line: counted in line numbers, not a row
                line++;
            }

            line++;
            (string[] fields, GoodRow row) = Generate(random);
            if (random.NextDouble() < corruptShare)
            {
                string kind = Corrupt(random, fields);
                text.AppendJoin(',', fields.Where(f => f is not null)).Append('\n');
                badLines.Add(line);
                badKinds.Add(kind);
            }
            else
            {
                text.AppendJoin(',', fields).Append('\n');
                good.Add(row);
            }
        }

        string path = _directory.Write($"fuzz-{seed}.csv", text.ToString());
        var options = new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport, WeightColumn = "quantity", MaxReportedRejections = int.MaxValue };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        string context = $"seed {seed}, {rows} rows, {badLines.Count} corrupted ({corruptShare:P0})";
        Assert.True(log.Report.Read == rows, $"{context}: Read = {log.Report.Read}, expected {rows}");
        Assert.True(log.Report.Accepted + log.Report.Rejected == rows, $"{context}: Accepted {log.Report.Accepted} + Rejected {log.Report.Rejected} != {rows}");
        IReadOnlyList<RejectedRow> rejected = log.Report.RejectedRows;
        int first = Enumerable.Range(0, Math.Max(rejected.Count, badLines.Count))
            .FirstOrDefault(k => k >= rejected.Count || k >= badLines.Count || rejected[k].LineNumber != badLines[k], -1);
        Assert.True(first < 0, first < 0 ? "" : $"{context}: the rejections differ from the corruptions at position {first}: corrupted "
            + (first < badLines.Count ? $"line {badLines[first]} ({badKinds[first]})" : "nothing more")
            + ", rejected " + (first < rejected.Count ? $"line {rejected[first].LineNumber}: {rejected[first].Reason} [{rejected[first].RawRecord}]" : "nothing more"));
        Assert.True(log.Report.Accepted == good.Count, $"{context}: Accepted = {log.Report.Accepted}, expected {good.Count}");
        Assert.True(log.Count == good.Count, $"{context}: log has {log.Count} rows, expected {good.Count}");

        for (int k = 0; k < good.Count; k++)
        {
            GoodRow expected = good[k];
            var actual = new GoodRow(log.Users.GetId(log.UserIndices[k]), log.Items.GetId(log.ItemIndices[k]), log.EventTypeIndices[k], log.Timestamps[k], log.Values[k]);
            Assert.True(expected == actual, $"{context}: accepted row {k} is {actual}, expected {expected}");
        }
    }

    /// <summary>A good row as CSV fields, and what the reader must make of it.</summary>
    private static (string[] Fields, GoodRow Row) Generate(Random random)
    {
        string user, userValue;
        if (random.Next(5) == 0)
        {
            int q = random.Next(QuotedIds.Length);
            (user, userValue) = (QuotedIds[q], QuotedIdValues[q]);
        }
        else
        {
            user = userValue = PlainIds[random.Next(PlainIds.Length)] + random.Next(50).ToString(CultureInfo.InvariantCulture);
        }

        string item = "i" + random.Next(200).ToString(CultureInfo.InvariantCulture);
        string eventName = EventNames[random.Next(EventNames.Length)];
        int eventIndex = EventWeights.Default.IndexOf(eventName);
        long seconds = 946684800 + random.NextInt64(800_000_000); // 2000 to 2025: the reader refuses times after tomorrow
        DateTimeOffset instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
        (string timestamp, long expectedSeconds) = random.Next(7) switch
        {
            0 => (instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), seconds),
            1 => (instant.ToOffset(TimeSpan.FromMinutes(random.Next(-12 * 60, 14 * 60) / 15 * 15)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), seconds),
            2 => (instant.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), seconds),
            3 => (instant.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), seconds - (seconds % 86400)),
            4 => (seconds.ToString(CultureInfo.InvariantCulture), seconds),
            5 when seconds >= 1_000_000_000 => ((seconds * 1000 + random.Next(1000)).ToString(CultureInfo.InvariantCulture), seconds), // 13 digits: milliseconds
            5 => (seconds.ToString(CultureInfo.InvariantCulture), seconds), // 12 digits of milliseconds would read as seconds, as documented
            _ => (instant.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + random.Next(1000).ToString("D3", CultureInfo.InvariantCulture) + "Z", seconds),
        };
        float value = random.Next(3) switch
        {
            0 => random.Next(6),
            1 => random.Next(1, 400) / 4f,
            _ => 1f,
        };

        string[] fields = [user, item, eventName, timestamp, value.ToString("R", CultureInfo.InvariantCulture)];
        return (fields, new GoodRow(userValue, item, eventIndex, expectedSeconds, value));
    }

    /// <summary>Breaks one thing in the row's fields (a null field is dropped) and says what.</summary>
    private static string Corrupt(Random random, string[] fields)
    {
        switch (random.Next(12))
        {
            case 0:
                fields[0] = "";
                return "empty user id";
            case 1:
                fields[1] = "  ";
                return "blank item id";
            case 2:
                fields[2] = random.Next(2) == 0 ? "click" : "";
                return "unknown event type";
            case 3:
                fields[3] = new[] { "2024-13-01", "2024-02-30", "2024-01-01T24:00:00Z", "yesterday", "", "12:00", "2024-01-31T12:61Z" }[random.Next(7)];
                return "bad timestamp " + fields[3];
            case 4:
                fields[4] = new[] { "-1", "NaN", "abc", "", "-Infinity", "1e999" }[random.Next(6)];
                return "bad weight " + fields[4];
            case 5:
                for (int f = 2 + random.Next(3); f < fields.Length; f++)
                {
                    fields[f] = null!;
                }

                return "too few fields";
            case 6:
                fields[1] = "i\"" + random.Next(10).ToString(CultureInfo.InvariantCulture);
                return "stray quote";
            case 7:
                fields[0] = "\"" + fields[0].Trim('"');
                return "unterminated quote at the start";
            case 8:
                fields[4] = "\"" + fields[4];
                return "unterminated quote in the last field";
            case 9:
                fields[1] = "\"" + fields[1] + "\"x";
                return "text after a closing quote";
            case 10:
                fields[0] = "\"" + fields[0].Trim('"') + "\"\"";
                return "unterminated quote ending in an escaped quote";
            default:
                fields[2] = "view" + random.Next(10).ToString(CultureInfo.InvariantCulture);
                return "unknown event type with a digit";
        }
    }
}
