using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>
/// The header alone decides the delimiter, a malformed header is an error on its own line, and a byte the <c>::</c> delimiter reserves
/// spoils only its own row: reproducers from issue 15.
/// </summary>
public sealed class CsvHeaderRobustnessTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string WriteBytes(string name, byte[] content)
    {
        string path = _directory.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static TheoryData<string, string> UnreadableFiles => new()
    {
        { "gzip", "the file is gzip-compressed; decompress it first" },
        { "zip", "the file is a zip archive (or an .xlsx workbook)" },
        { "utf16", "the file looks like UTF-16 text without a byte order mark (every other byte is zero); save it as UTF-8." },
    };

    private static byte[] Unreadable(string kind)
    {
        byte[] text = Encoding.UTF8.GetBytes("item_id,user_id\ni1,u1\n");
        switch (kind)
        {
            case "gzip":
                using (var buffer = new MemoryStream())
                {
                    using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
                    {
                        gzip.Write(text);
                    }

                    return buffer.ToArray();
                }

            case "zip":
                return [.. "PK\x03\x04"u8, .. text];
            default:
                return new UnicodeEncoding(bigEndian: false, byteOrderMark: false).GetBytes("item_id,user_id\ni1,u1\n");
        }
    }

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public void A_compressed_or_utf16_file_without_a_byte_order_mark_is_named_as_such_by_both_readers(string kind, string reason)
    {
        string path = WriteBytes("data.csv", Unreadable(kind));

        var log = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));
        var catalog = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path));

        Assert.StartsWith(reason, log.Reason);
        Assert.StartsWith(reason, catalog.Reason);
        Assert.Equal((1L, path), (log.LineNumber, log.FilePath));
    }

    [Fact]
    public void A_folder_is_named_as_a_folder_by_both_readers()
    {
        var log = Assert.Throws<FileNotFoundException>(() => new CsvInteractionReader().Read(_directory.Path));
        var catalog = Assert.Throws<FileNotFoundException>(() => ItemCatalog.ReadCsv(_directory.Path));

        Assert.Contains("is a folder; give the CSV file inside it.", log.Message);
        Assert.Contains("is a folder; give the catalogue CSV file inside it.", catalog.Message);
    }

    [Fact]
    public void A_data_row_does_not_decide_the_delimiter_of_the_interactions()
    {
        string path = _directory.Write("events.csv", "user_id;item_id\n,\nu1;i1\n");
        var options = new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        Assert.Equal((2L, 1L, 1L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Equal(2, log.Report.RejectedRows[0].LineNumber);
        Assert.Equal("u1", log.Users.GetId(log.UserIndices[0]));
    }

    [Fact]
    public void A_data_row_does_not_decide_the_delimiter_of_the_interactions_under_the_strict_policy()
    {
        string path = _directory.Write("events.csv", "user_id;item_id\n,\n");

        var error = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));

        Assert.Equal(2, error.LineNumber);
        Assert.DoesNotContain("no column named", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_row_does_not_decide_the_delimiter_of_the_catalogue()
    {
        string path = _directory.Write("items.csv", "item_id|s\n,|\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);

        Assert.Equal(["s"], catalog.Schema.Names);
        Assert.Equal(",", catalog.Items.GetId(0));
    }

    [Theory]
    [InlineData("\"\nuser_id,item_id\nu1,i1\n", 1)]
    [InlineData("user_\"id,item_id\nu1,i1\n", 1)]
    [InlineData("\"user_id\"x,item_id\nu1,i1\n", 1)]
    public void A_malformed_header_is_an_error_on_its_line_under_both_policies(string content, long line)
    {
        string path = _directory.Write("events.csv", content);
        foreach (BadRowPolicy policy in Enum.GetValues<BadRowPolicy>())
        {
            var error = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = policy }).Read(path));

            Assert.Equal(line, error.LineNumber);
            Assert.Contains("the header is malformed", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"\nitem_id,title\ni1,T\n")]
    [InlineData("item_\"id,title\ni1,T\n")]
    public void A_malformed_catalogue_header_is_an_error_on_line_1(string content)
    {
        string path = _directory.Write("items.csv", content);

        var error = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path, new ItemCatalogOptions { BadRows = BadRowPolicy.SkipAndReport }));

        Assert.Equal(1, error.LineNumber);
        Assert.Contains("the header is malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_data_row_right_after_a_good_header_is_not_taken_for_a_bad_header()
    {
        string items = _directory.Write("items.csv", "item_id,title\ni1,\"bad\"x\ni2,ok\n");
        string events = _directory.Write("events.csv", "user_id,item_id\nu1,\"i1\"x\nu2,i2\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(items, new ItemCatalogOptions { BadRows = BadRowPolicy.SkipAndReport });
        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(events);

        Assert.Equal(["title"], catalog.Schema.Names);
        Assert.Equal((2L, 1L, 1L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Equal(2, log.Report.RejectedRows[0].LineNumber);
    }

    [Fact]
    public void A_reserved_byte_with_the_double_colon_delimiter_rejects_its_own_row_at_its_line()
    {
        string path = WriteBytes("ratings.dat", Encoding.UTF8.GetBytes("user_id::item_id::\n\u001F\nu1::i1::\n"));
        var options = new CsvInteractionReaderOptions { Delimiter = "::", BadRows = BadRowPolicy.SkipAndReport };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        Assert.Equal((2L, 1L, 1L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Equal(2, log.Report.RejectedRows[0].LineNumber);
        Assert.Contains("U+001F", log.Report.RejectedRows[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    public void A_reserved_byte_is_reported_at_its_line_whatever_the_line_ending(string end)
    {
        string content = string.Join(end, "user_id::item_id", "u1::i1", "u2::\u001F", "u3::i3", "");
        string path = WriteBytes("ratings.dat", Encoding.UTF8.GetBytes(content));
        var options = new CsvInteractionReaderOptions { Delimiter = "::", BadRows = BadRowPolicy.SkipAndReport };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        Assert.Equal((2L, 1L), (log.Report.Accepted, log.Report.Rejected));
        Assert.Equal(3, log.Report.RejectedRows[0].LineNumber);
    }

    [Fact]
    public void A_reserved_byte_past_the_first_64_KiB_rejects_its_own_row_at_its_line()
    {
        var text = new StringBuilder("user_id::item_id\n");
        int rows = 10_000;
        for (int r = 0; r < rows; r++)
        {
            text.Append('u').Append(r % 97).Append("::i").Append(r % 31).Append('\n');
        }

        text.Append("u1::i\u001F2\n").Append("u2::i3\n");
        Assert.True(text.Length > 1 << 16);
        string path = _directory.Write("ratings.dat", text.ToString());
        var options = new CsvInteractionReaderOptions { Delimiter = "::", BadRows = BadRowPolicy.SkipAndReport };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        Assert.Equal(rows + 1, log.Report.Accepted);
        Assert.Equal(1, log.Report.Rejected);
        Assert.Equal(rows + 2, log.Report.RejectedRows[0].LineNumber);
    }

    [Fact]
    public void A_reserved_byte_under_the_strict_policy_fails_at_its_line_and_in_the_header_at_line_1()
    {
        string row = WriteBytes("row.dat", Encoding.UTF8.GetBytes("user_id::item_id\nu1::i1\nu2::\u001F\n"));
        string header = WriteBytes("header.dat", Encoding.UTF8.GetBytes("user_id::item\u001F_id\nu1::i1\n"));
        var reader = new CsvInteractionReader(new CsvInteractionReaderOptions { Delimiter = "::" });

        var inRow = Assert.Throws<InteractionDataException>(() => reader.Read(row));
        var inHeader = Assert.Throws<InteractionDataException>(() => reader.Read(header));

        Assert.Equal(3, inRow.LineNumber);
        Assert.Contains("U+001F", inRow.Message, StringComparison.Ordinal);
        Assert.Equal(1, inHeader.LineNumber);
        Assert.Contains("the header is malformed", inHeader.Message, StringComparison.Ordinal);
    }
}
