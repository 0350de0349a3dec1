using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>Under <see cref="BadRowPolicy.SkipAndReport"/>, every bad row is skipped, counted and reported, and every good row is kept.</summary>
public sealed class CsvInteractionReaderSkipAndReportTests : IDisposable
{
    private const string Header = "user_id,item_id,event_type,timestamp,quantity";

    /// <summary>Lines 2-13 of a file: the good rows are users g*, the bad ones users b* (or no user).</summary>
    private static readonly string[] MixedRows =
    [
        "g1,i1,view,2024-01-31T12:00:00Z,1",     // 2
        ",i1,view,2024-01-31T12:00:00Z,1",       // 3  empty user id
        "g2,i2,purchase,1706702400,2",           // 4
        "b4,i1,click,2024-01-31T12:00:00Z,1",    // 5  unknown event type
        "b5,i1,view,2024-13-01,1",               // 6  bad timestamp
        "b6,i1,view,2024-01-31T12:00:00Z,-1",    // 7  negative weight
        "g3,i3,cart,2024-01-31 12:00:00,0.5",    // 8
        "b8,i1,view",                            // 9  too few fields
        "b\"9,i1,view,2024-01-31T12:00:00Z,1",   // 10 stray quote
        "g4,\"i, 4\",view,2024-01-31T12:00:00Z,1", // 11
        "b11,i1,view,2024-01-31T12:00:00Z,NaN",  // 12 NaN weight
        "g5,i5,VIEW,2024-01-31T12:00:00Z,3",     // 13
    ];

    private static readonly long[] MixedBadLines = [3, 5, 6, 7, 9, 10, 12];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string WriteMixed() => _directory.Write("events.csv", Header + "\n" + string.Join("\n", MixedRows) + "\n");

    [Fact]
    public void Read_keeps_the_good_rows_and_reports_every_bad_row_in_line_order()
    {
        string path = WriteMixed();

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport, WeightColumn = "quantity" }).Read(path);

        Assert.Equal(MixedBadLines, log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal(["g1", "g2", "g3", "g4", "g5"], Enumerable.Range(0, log.Count).Select(row => log.Users.GetId(log.UserIndices[row])));
        Assert.Equal(["i1", "i2", "i3", "i, 4", "i5"], Enumerable.Range(0, log.Count).Select(row => log.Items.GetId(log.ItemIndices[row])));
        Assert.Equal([1f, 2f, 0.5f, 1f, 3f], log.Values.ToArray());
        Assert.Equal((12L, 5L, 7L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Equal(log.Report.Read, log.Report.Accepted + log.Report.Rejected);
    }

    [Fact]
    public void Read_reports_the_column_reason_and_raw_text_of_each_rejected_row()
    {
        string path = WriteMixed();

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport, WeightColumn = "quantity" }).Read(path);

        Assert.Equal(
            [(1, "user_id"), (3, "event_type"), (4, "timestamp"), (5, "quantity"), (0, null), (0, null), (5, "quantity")],
            log.Report.RejectedRows.Select(r => (r.ColumnNumber, r.ColumnName)));
        Assert.Equal(MixedBadLines.Select(line => MixedRows[line - 2]), log.Report.RejectedRows.Select(r => r.RawRecord));
        Assert.All(log.Report.RejectedRows, r => Assert.Equal(path, r.FilePath));
        RejectedRow timestamp = log.Report.RejectedRows[2];
        Assert.Equal("events.csv:6:4: column 'timestamp': '2024-13-01' is not a timestamp "
            + "(expected ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds such as 1706702400).", timestamp.ToString());
        Assert.Equal("events.csv:9: the row has 3 field(s); expected at least 5.", log.Report.RejectedRows[4].ToString());
    }

    [Fact]
    public void Read_calls_OnRejectedRow_once_per_rejected_row_with_what_the_report_holds()
    {
        string path = WriteMixed();
        var seen = new List<RejectedRow>();

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions
        {
            BadRows = BadRowPolicy.SkipAndReport,
            WeightColumn = "quantity",
            OnRejectedRow = seen.Add,
        }).Read(path);

        Assert.Equal(MixedBadLines, seen.Select(r => r.LineNumber));
        Assert.Equal(log.Report.RejectedRows, seen);
    }

    [Fact]
    public void Read_caps_the_reported_rows_but_counts_and_calls_back_for_every_rejection()
    {
        string path = WriteMixed();
        var seen = new List<long>();

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions
        {
            BadRows = BadRowPolicy.SkipAndReport,
            WeightColumn = "quantity",
            MaxReportedRejections = 3,
            OnRejectedRow = row => seen.Add(row.LineNumber),
        }).Read(path);

        Assert.Equal([3L, 5L, 6L], log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal(7, log.Report.Rejected);
        Assert.Equal(5, log.Report.Accepted);
        Assert.Equal(12, log.Report.Read);
        Assert.Equal(MixedBadLines, seen);
    }

    [Fact]
    public void Read_with_no_reported_rejections_still_counts_them()
    {
        string path = WriteMixed();

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions
        {
            BadRows = BadRowPolicy.SkipAndReport,
            WeightColumn = "quantity",
            MaxReportedRejections = 0,
        }).Read(path);

        Assert.Empty(log.Report.RejectedRows);
        Assert.Equal((12L, 5L, 7L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
    }

    [Fact]
    public void Read_goes_on_after_an_unterminated_quote_and_counts_the_lines_after_it()
    {
        string path = _directory.Write("events.csv",
            "user_id,item_id\ng1,i1\n\"b2,i2\ng3,i3\ng4,i4\n");
        var options = new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport };

        InteractionLog log = new CsvInteractionReader(options).Read(path);

        Assert.Equal(["g1", "g3", "g4"], log.Users.Ids);
        Assert.Equal([3L], log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal("\"b2,i2", log.Report.RejectedRows[0].RawRecord);
        Assert.Equal((4L, 3L, 1L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
    }

    [Fact]
    public void Read_reports_consecutive_malformed_rows_each_on_its_own_line()
    {
        string path = _directory.Write("events.csv",
            "user_id,item_id\ng1,i1\nb\"2,i2\n\"b3\"x,i3\nb\"4,i4\ng5,i5\nb\"6,i6\n");

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.Equal([3L, 4L, 5L, 7L], log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal(["g1", "g5"], log.Users.Ids);
        Assert.Equal((6L, 2L, 4L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
    }

    [Fact]
    public void Read_of_a_file_of_only_bad_rows_returns_an_empty_log_and_reports_them_all()
    {
        string path = _directory.Write("events.csv", "user_id,item_id,event_type\n,i1,view\nu2,,view\nu3,i3,like\n");

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.Equal(0, log.Count);
        Assert.Equal([2L, 3L, 4L], log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal((3L, 0L, 3L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
    }

    [Fact]
    public void Read_rejects_ids_that_are_not_valid_UTF8_rather_than_merging_them()
    {
        string path = _directory.File("latin1.csv");
        byte[] zoeLatin1 = [0x5A, 0x6F, 0xEB], zoaLatin1 = [0x5A, 0x6F, 0xE4];
        File.WriteAllBytes(path, [.. "user_id,item_id\n"u8, .. zoeLatin1, .. ",i1\n"u8, .. zoaLatin1, .. ",i1\nZo\u00eb,i1\n"u8]);

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.Equal(["Zo\u00eb"], log.Users.Ids);
        Assert.Equal([(2L, 1), (3L, 1)], log.Report.RejectedRows.Select(r => (r.LineNumber, r.ColumnNumber)));
        Assert.Equal((3L, 1L, 2L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
    }

    [Fact]
    public void Read_does_not_add_the_ids_of_rows_rejected_for_a_later_column()
    {
        // The user and item of a row with a bad timestamp must not appear in the maps, or a model would have an untrained user.
        string path = _directory.Write("events.csv", "user_id,item_id,timestamp\ng1,i1,2024-01-31\nghost,phantom,2024-13-01\n");

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport }).Read(path);

        Assert.Equal(["g1"], log.Users.Ids);
        Assert.Equal(["i1"], log.Items.Ids);
        Assert.False(log.Users.TryGetIndex("ghost", out _));
    }
}
