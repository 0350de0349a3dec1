using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>
/// Property tests from fixed seeds for the reader's id handling: ids that are read as their bytes (printable ASCII at both ends), ids
/// that are decoded and trimmed (white space, non-ASCII or non-breaking spaces at the ends), quoted ids with delimiters and doubled
/// quotes, a byte order mark, CRLF or LF line ends, and rejected rows between them. The expected parse is written out here
/// independently: every accepted row's ids are its fields decoded and trimmed, indices are given in first-seen order over accepted rows
/// only, and many more distinct ids than one batch of rows. Failures print the seed.
/// </summary>
public sealed class CsvInteractionReaderIdPropertyTests : IDisposable
{
    private static readonly string[] Events = ["view", "cart", "purchase"];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1, 2_000, false, false)]
    [InlineData(2, 5_000, true, false)]
    [InlineData(3, 5_000, false, true)]
    [InlineData(4, 40_000, true, true)]
    public void Read_gives_every_accepted_row_its_trimmed_ids_with_indices_in_first_seen_order(int seed, int rows, bool bom, bool crlf)
    {
        var random = new Random(seed);
        string newline = crlf ? "\r\n" : "\n";
        var text = new StringBuilder("user_id,item_id,event_type,timestamp").Append(newline);
        var expectedUsers = new List<string>();
        var expectedItems = new List<string>();
        var userOrder = new List<string>();
        var itemOrder = new List<string>();
        var seenUsers = new HashSet<string>(StringComparer.Ordinal);
        var seenItems = new HashSet<string>(StringComparer.Ordinal);
        var rejectedLines = new List<long>();
        for (int r = 0; r < rows; r++)
        {
            (string userField, string user) = Id(random, 'u', rows / 4);
            (string itemField, string item) = Id(random, 'i', rows / 8);
            bool bad = random.Next(20) == 0;
            string eventType = bad ? "unknown" : Events[random.Next(Events.Length)];
            text.Append(userField).Append(',').Append(itemField).Append(',').Append(eventType).Append(",2026-01-0")
                .Append(1 + random.Next(9)).Append("T10:00:00Z").Append(newline);
            if (bad)
            {
                rejectedLines.Add(r + 2);
                continue;
            }

            expectedUsers.Add(user);
            expectedItems.Add(item);
            if (seenUsers.Add(user))
            {
                userOrder.Add(user);
            }

            if (seenItems.Add(item))
            {
                itemOrder.Add(item);
            }
        }

        string path = _directory.File($"ids-{seed}.csv");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(bom));
        var reader = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport, MaxReportedRejections = int.MaxValue });

        InteractionLog log = reader.Read(path);

        Assert.True(expectedUsers.Count == log.Count, $"seed {seed}: {log.Count} rows accepted, expected {expectedUsers.Count}");
        Assert.True(userOrder.SequenceEqual(log.Users.Ids), $"seed {seed}: user ids or their order differ");
        Assert.True(itemOrder.SequenceEqual(log.Items.Ids), $"seed {seed}: item ids or their order differ");
        for (int r = 0; r < log.Count; r++)
        {
            Assert.True(expectedUsers[r] == log.Users.GetId(log.UserIndices[r]) && expectedItems[r] == log.Items.GetId(log.ItemIndices[r]),
                $"seed {seed}, accepted row {r}: ({log.Users.GetId(log.UserIndices[r])}, {log.Items.GetId(log.ItemIndices[r])}), expected ({expectedUsers[r]}, {expectedItems[r]})");
        }

        Assert.Equal(rejectedLines, log.Report.RejectedRows.Select(row => row.LineNumber));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_gives_the_same_log_from_a_file_a_stream_read_from_its_middle_and_a_stream_that_cannot_seek(bool finalLineBreak)
    {
        var text = new StringBuilder("user_id,item_id,event_type\n");
        var random = new Random(5);
        for (int r = 0; r < 3_000; r++)
        {
            text.Append('u').Append(random.Next(400)).Append(",i").Append(random.Next(300)).Append(r % 50 == 0 ? ",bogus\n" : ",view\n");
            if (r % 97 == 0)
            {
                text.Append('\n');
            }
        }

        string content = finalLineBreak ? text.ToString() : text.ToString().TrimEnd('\n');
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        var reader = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport });
        InteractionLog fromFile = reader.Read(_directory.Write("whole.csv", content));

        byte[] prefixed = [.. "junk before the log\n"u8, .. bytes];
        using var middle = new MemoryStream(prefixed);
        middle.Position = prefixed.Length - bytes.Length;
        InteractionLog fromMiddle = reader.Read(middle, "whole.csv");
        using var forwardOnly = new ForwardOnlyStream(new MemoryStream(bytes));
        InteractionLog fromForwardOnly = reader.Read(forwardOnly, "whole.csv");

        foreach (InteractionLog log in new[] { fromMiddle, fromForwardOnly })
        {
            Assert.Equal(fromFile.Count, log.Count);
            Assert.Equal(fromFile.Users.Ids, log.Users.Ids);
            Assert.Equal(fromFile.Items.Ids, log.Items.Ids);
            Assert.True(fromFile.UserIndices.SequenceEqual(log.UserIndices) && fromFile.ItemIndices.SequenceEqual(log.ItemIndices));
            Assert.Equal(fromFile.Report.Rejected, log.Report.Rejected);
        }

        Assert.Equal(60, fromFile.Report.Rejected);
        Assert.Equal(2_940, fromFile.Count);
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A field and the id it must give: the same id is written in several spellings that all trim to it.</summary>
    private static (string Field, string Id) Id(Random random, char prefix, int distinct)
    {
        int n = random.Next(Math.Max(1, distinct));
        string core = (n % 7) switch
        {
            0 => $"{prefix}{n}",
            1 => $"{prefix}-Zoë-{n}",
            2 => $"東京{prefix}{n}",
            3 => $"{prefix}{n}😀",
            4 => $"{prefix} {n}",
            5 => $"Ä{prefix}{n}é",
            _ => $"{prefix}{n}",
        };

        string field = random.Next(8) switch
        {
            0 => " " + core,
            1 => core + "\t",
            2 => "\u00A0" + core + "\u2003",
            3 => "\"" + core + "\"",
            4 => "\" " + core + " \"",
            _ => core,
        };

        if (n % 11 == 0)
        {
            // Delimiters and doubled quotes inside a quoted field.
            return ("\"" + core + ",x\"\"y\"", core + ",x\"y");
        }

        return (field, core);
    }
}
