using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>Under the default <see cref="BadRowPolicy.Fail"/>, the first bad row throws with its file, line and column.</summary>
public sealed class CsvInteractionReaderStrictTests : IDisposable
{
    private const string Header = "user_id,item_id,event_type,timestamp,quantity";
    private const string Good = "u1,i1,view,2024-01-31T12:00:00Z,1";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static CsvInteractionReaderOptions Strict => new() { WeightColumn = "quantity" };

    /// <summary>A bad row on line 3, between good rows: the row, its column (1-based, 0 for the whole row), the column name and what the reason says.</summary>
    public static TheoryData<string, string, int, string?, string> BadRows => new()
    {
        { "empty user id", ",i1,view,2024-01-31T12:00:00Z,1", 1, "user_id", "column 'user_id': the id is empty (expected a non-empty user or item id; to leave out rows without one, such as guest checkouts, give --bad-rows skip (BadRows))." },
        { "blank user id", "   ,i1,view,2024-01-31T12:00:00Z,1", 1, "user_id", "column 'user_id': the id is empty (expected a non-empty user or item id; to leave out rows without one, such as guest checkouts, give --bad-rows skip (BadRows))." },
        { "empty item id", "u1,,view,2024-01-31T12:00:00Z,1", 2, "item_id", "column 'item_id': the id is empty (expected a non-empty user or item id; to leave out rows without one, such as guest checkouts, give --bad-rows skip (BadRows))." },
        { "unknown event type", "u1,i1,click,2024-01-31T12:00:00Z,1", 3, "event_type",
            "column 'event_type': 'click' is not a known event type; expected one of view, cart, purchase (add it with --event-weights)." },
        { "empty event type", "u1,i1,,2024-01-31T12:00:00Z,1", 3, "event_type", "column 'event_type': the event type is empty; expected one of view, cart, purchase." },
        { "month 13", "u1,i1,view,2024-13-01,1", 4, "timestamp",
            "column 'timestamp': '2024-13-01' is not a timestamp (expected ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds such as 1706702400)." },
        { "timestamp in words", "u1,i1,view,yesterday,1", 4, "timestamp",
            "column 'timestamp': 'yesterday' is not a timestamp (expected ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds such as 1706702400)." },
        { "empty timestamp", "u1,i1,view,,1", 4, "timestamp",
            "column 'timestamp': '' is not a timestamp (expected ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds such as 1706702400)." },
        { "negative weight", "u1,i1,view,2024-01-31T12:00:00Z,-1", 5, "quantity",
            "column 'quantity': '-1' is not a weight (expected a finite number, 0 or more, such as 2.5)." },
        { "NaN weight", "u1,i1,view,2024-01-31T12:00:00Z,NaN", 5, "quantity",
            "column 'quantity': 'NaN' is not a weight (expected a finite number, 0 or more, such as 2.5)." },
        { "infinite weight", "u1,i1,view,2024-01-31T12:00:00Z,Infinity", 5, "quantity",
            "column 'quantity': 'Infinity' is not a weight (expected a finite number, 0 or more, such as 2.5)." },
        { "non-numeric weight", "u1,i1,view,2024-01-31T12:00:00Z,two", 5, "quantity",
            "column 'quantity': 'two' is not a weight (expected a finite number, 0 or more, such as 2.5)." },
        { "too few fields", "u1,i1,view", 0, null, "the row has 3 field(s); expected at least 5." },
        { "a comma in an unquoted name", "u1,Book, Vol 2,view,2024-01-31T12:00:00Z,1", 6, null,
            "the row has 6 fields where the header has 5; a delimiter inside an unquoted field (such as a comma in a name, or a decimal comma) splits it: quote that field, or choose another delimiter." },
        { "a decimal comma", "u1,i1,view,2024-01-31T12:00:00Z,2,5", 6, null,
            "the row has 6 fields where the header has 5; a delimiter inside an unquoted field (such as a comma in a name, or a decimal comma) splits it: quote that field, or choose another delimiter." },
        { "stray quote", "u\"1,i1,view,2024-01-31T12:00:00Z,1", 0, null,
            "the row has a stray quote inside an unquoted field (expected quotes only around a whole field, doubled inside it)." },
        { "text after a closing quote", "\"u1\"x,i1,view,2024-01-31T12:00:00Z,1", 0, null,
            "the row has text after the closing quote of a field (expected a delimiter or the end of the line)." },
        { "unterminated quote", "u1,\"i1,view,2024-01-31T12:00:00Z,1", 0, null,
            "the row opens a quoted field that is not closed on its line (expected a closing quote; quoted fields cannot span lines)." },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void Read_throws_at_a_bad_row_with_its_file_line_column_and_reason(string what, string row, int column, string? columnName, string reason)
    {
        string path = _directory.Write("events.csv", $"{Header}\n{Good}\n{row}\n{Good}\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.True(path == exception.FilePath, what);
        Assert.Equal((3L, column, columnName), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal(reason, exception.Reason);
        Assert.Equal(column > 0 ? $"events.csv:3:{column}: {reason}" : $"events.csv:3: {reason}", exception.Message);
        Assert.Equal(row, exception.RawRecord);
    }

    /// <summary>Malformed quoting on line 3: a quote that is never closed. The following lines must not be swallowed into it.</summary>
    [Fact]
    public void Read_reports_an_unterminated_quote_on_its_own_line()
    {
        string row = "\"u1,i1,view,2024-01-31T12:00:00Z,1";
        string path = _directory.Write("events.csv", $"{Header}\n{Good}\n{row}\n{Good}\n{Good}\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.Equal((3L, 0, null), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal("events.csv:3: the row opens a quoted field that is not closed on its line "
            + "(expected a closing quote; quoted fields cannot span lines).", exception.Message);
        Assert.Equal(row, exception.RawRecord);
    }

    [Theory]
    [InlineData("\n", "the row opens a quoted field that is not closed on its line (expected a closing quote; quoted fields cannot span lines).")]
    [InlineData("", "the row opens a quoted field that is never closed (expected a closing quote).")]
    public void Read_reports_an_unterminated_quote_on_the_last_line(string end, string reason)
    {
        string row = "u1,i1,view,\"2024-01-31T12:00:00Z,1";
        string path = _directory.Write("events.csv", $"{Header}\n{Good}\n{row}{end}");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.Equal((3L, 0), (exception.LineNumber, exception.ColumnNumber));
        Assert.Equal(reason, exception.Reason);
        Assert.Equal(row, exception.RawRecord);
    }

    [Fact]
    public void Read_reports_the_line_and_column_of_a_bad_timestamp()
    {
        string path = _directory.Write("events.csv", "user_id,item_id,event_type,timestamp\nu1,i1,view,2024-01-31T12:00:00Z\nu2,i2,view,2024-13-01\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));

        Assert.Equal("events.csv:3:4: column 'timestamp': '2024-13-01' is not a timestamp "
            + "(expected ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds such as 1706702400).", exception.Message);
        Assert.Equal(path, exception.FilePath);
        Assert.Equal(3, exception.LineNumber);
        Assert.Equal(4, exception.ColumnNumber);
        Assert.Equal("timestamp", exception.ColumnName);
    }

    [Fact]
    public void Read_throws_for_the_first_bad_row_when_several_are_bad()
    {
        string path = _directory.Write("events.csv",
            $"{Header}\n{Good}\nu2,i1,view,2024-13-01,1\n{Good}\nu\"3,i1,view,2024-01-31T12:00:00Z,1\nu4,i1,click,2024-01-31T12:00:00Z,1\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.Equal((3L, 4), (exception.LineNumber, exception.ColumnNumber));
    }

    [Fact]
    public void Read_throws_for_malformed_quoting_before_a_later_bad_field()
    {
        string path = _directory.Write("events.csv",
            $"{Header}\n{Good}\nu\"2,i1,view,2024-01-31T12:00:00Z,1\nu\"3,i1,view,2024-01-31T12:00:00Z,1\nu4,i1,view,2024-13-01,1\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.Equal((3L, 0), (exception.LineNumber, exception.ColumnNumber));
        Assert.Contains("stray quote", exception.Reason);
    }

    [Fact]
    public void Read_finds_a_bad_row_far_into_a_file_at_its_exact_line()
    {
        var lines = new List<string> { Header };
        for (int i = 0; i < 20_000; i++)
        {
            lines.Add($"u{i % 97},i{i % 1013},cart,{1706702400 + i},2");
        }

        lines.Insert(15_001, "u5,i5,view,2024-02-30,1"); // becomes line 15,002 of the file
        string path = _directory.Write("events.csv", string.Join("\n", lines) + "\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.Equal((15_002L, 4), (exception.LineNumber, exception.ColumnNumber));
        Assert.Equal("u5,i5,view,2024-02-30,1", exception.RawRecord);
    }

    [Fact]
    public void Read_counts_blank_lines_in_line_numbers()
    {
        string path = _directory.Write("events.csv", $"{Header}\n\n{Good}\n\n\nu1,i1,view,2024-01-31T12:00:00Z,-5\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));

        Assert.Equal((6L, 5), (exception.LineNumber, exception.ColumnNumber));
    }

    [Fact]
    public void Read_accepts_empty_fields_after_the_header_s_columns_as_from_a_trailing_delimiter()
    {
        string path = _directory.Write("events.csv", $"{Header}\n{Good},\nu2,i2,cart,2024-02-01T00:00:00Z,2, ,\n");

        InteractionLog log = new CsvInteractionReader(Strict).Read(path);

        Assert.Equal((2, 0L), (log.Count, log.Report.Rejected));
        Assert.Equal(8f, log.GetWeight(1));
    }

    [Fact]
    public void Read_skips_and_reports_a_row_with_more_fields_than_the_header_and_keeps_the_others()
    {
        string path = _directory.Write("items.csv", "user_id,item_id\nu1,Book\nu1,Book, Vol 2\nu2,Book\n");
        var skip = new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport };

        InteractionLog log = new CsvInteractionReader(skip).Read(path);

        Assert.Equal((2, 1L), (log.Count, log.Report.Rejected));
        RejectedRow rejected = Assert.Single(log.Report.RejectedRows);
        Assert.Equal((3L, 3, "u1,Book, Vol 2"), (rejected.LineNumber, rejected.ColumnNumber, rejected.RawRecord));
    }

    [Fact]
    public void A_row_with_fewer_fields_than_the_header_is_refused_instead_of_read_from_the_wrong_columns()
    {
        // The country column is not used, so the row still has every used column's position: without the check, u2's item was "4.50".
        string path = _directory.Write("sales.csv", "user_id,country,item_id,price\nu1,DE,i1,9.99\nu2,i2,4.50\nu3,FR,i2,4.50\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));
        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.Equal(3L, exception.LineNumber);
        Assert.Equal("the row has 3 field(s) where the header has 4; a field is missing, so the values after it would be read from the wrong "
            + "columns: give every column a value or an empty field.", exception.Reason);
        Assert.Equal((2, 1L), (log.Count, log.Report.Rejected));
        Assert.Equal(["i1", "i2"], log.Items.Ids);
    }

    [Theory]
    [InlineData("user_id,item_id,event_type,timestamp,\nU1,I1,view,2024-01-01T00:00:00Z\nU2,I2,view,2024-01-02T00:00:00Z\n", true)]
    [InlineData("U1,I1,view,2024-01-01T00:00:00Z,\nU2,I2,view,2024-01-02T00:00:00Z\nU3,I1,view,2024-01-03T00:00:00Z\n", false)]
    public void A_trailing_delimiter_on_the_header_or_the_first_row_names_no_column_a_row_could_miss(string content, bool header)
    {
        string path = _directory.Write("trailing.csv", content);
        var options = header ? new CsvInteractionReaderOptions()
            : new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "1", ItemColumn = "2", EventColumn = "3", TimeColumn = "4" };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        Assert.Equal((header ? 2 : 3, 0L), (log.Count, log.Report.Rejected));
    }

    [Fact]
    public void A_skipped_row_without_an_id_is_not_told_to_skip_rows()
    {
        string path = _directory.Write("guests.csv", "user_id,item_id\nu1,i1\n,i2\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));
        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.EndsWith("give --bad-rows skip (BadRows)).", exception.Reason);
        Assert.Equal("column 'user_id': the id is empty (expected a non-empty user or item id).", Assert.Single(log.Report.RejectedRows).Reason);
    }

    [Fact]
    public void Read_compares_field_counts_with_the_first_row_in_a_file_without_a_header()
    {
        string path = _directory.Write("pairs.csv", "u1,i1\nu2,i2\nu3,Book, Vol 2\n");

        var exception = Assert.Throws<InteractionDataException>(() =>
            new CsvInteractionReader(new CsvInteractionReaderOptions { HasHeader = false }).Read(path));

        Assert.Equal((3L, 3), (exception.LineNumber, exception.ColumnNumber));
        Assert.StartsWith("the row has 3 fields where the first row has 2;", exception.Reason);
    }

    [Fact]
    public void Read_refuses_a_placeholder_date_in_the_future_and_accepts_a_clock_that_runs_an_hour_ahead()
    {
        string soon = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        string path = _directory.Write("events.csv", $"{Header}\n{Good}\nu2,i2,view,{soon},1\nu3,i1,view,9999-12-31T23:59:59Z,1\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(Strict).Read(path));
        InteractionLog skipped = new CsvInteractionReader(Strict with { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.Equal((4L, 4, "timestamp"), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.StartsWith("column 'timestamp': '9999-12-31T23:59:59Z' is in the future (this machine's clock reads ", exception.Reason);
        Assert.Equal((2, 1L), (skipped.Count, skipped.Report.Rejected));
    }

    [Fact]
    public void Read_names_a_positional_column_by_its_number_in_a_file_without_a_header()
    {
        string path = _directory.Write("ratings.dat", "1::10::5::978300760\n2::20::4::next tuesday\n");

        var exception = Assert.Throws<InteractionDataException>(() =>
            new CsvInteractionReader(new CsvInteractionReaderOptions { HasHeader = false, Delimiter = "::", WeightColumn = "3", TimeColumn = "4" }).Read(path));

        Assert.Equal((2L, 4, "column 4"), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.StartsWith("ratings.dat:2:4: column 'column 4': 'next tuesday' is not a timestamp", exception.Message);
    }

    [Fact]
    public void Read_rejects_event_types_that_the_custom_weights_do_not_list()
    {
        string path = _directory.Write("events.csv", "user_id,item_id,event_type\nu1,i1,like\nu1,i2,purchase\n");
        var options = new CsvInteractionReaderOptions { EventWeights = EventWeights.Parse("like=1,share=3") };

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(options).Read(path));

        Assert.Equal((3L, 3), (exception.LineNumber, exception.ColumnNumber));
        Assert.Equal("column 'event_type': 'purchase' is not a known event type; expected one of like, share (add it with --event-weights).", exception.Reason);
    }

    [Fact]
    public void Read_rejects_an_id_that_is_not_valid_UTF8_instead_of_merging_it_with_others()
    {
        // Latin-1 bytes: "Zoë" and "Zoä" would both decode to "Zo\uFFFD" and become one user.
        string path = _directory.File("latin1.csv");
        File.WriteAllBytes(path, [.. "user_id,item_id\nu1,i1\nu2,"u8, 0x5A, 0x6F, 0xEB, .. "\n"u8]);

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));

        Assert.Equal((3L, 2, "item_id"), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal("latin1.csv:3:2: column 'item_id': the id is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8).", exception.Message);
    }

    [Fact]
    public void Read_from_a_stream_names_the_source_in_the_error()
    {
        using var stream = new MemoryStream("user_id,item_id,event_type\nu1,i1,nope\n"u8.ToArray());

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(stream, "upload.csv"));

        Assert.Equal("upload.csv", exception.FilePath);
        Assert.StartsWith("upload.csv:2:3: ", exception.Message);
    }
}
