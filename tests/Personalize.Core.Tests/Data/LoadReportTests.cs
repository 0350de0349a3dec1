using Personalize.Core.Data;

namespace Personalize.Core.Tests.Data;

public sealed class LoadReportTests
{
    [Fact]
    public void Constructor_keeps_the_counts_and_a_copy_of_the_rows()
    {
        var rows = new List<RejectedRow> { new("(test)", 2, 1, "user_id", "column 'user_id': the user id is missing.", "") };
        var report = new LoadReport("(test)", 5, 1, rows, TimeSpan.FromSeconds(1));
        rows.Clear();

        Assert.Equal((6L, 5L, 1L, 1), (report.Read, report.Accepted, report.Rejected, report.RejectedRows.Count));
    }

    [Fact]
    public void Constructor_rejects_more_reported_rows_than_rejected()
    {
        var rows = new List<RejectedRow> { new("(test)", 2, 1, "user_id", "bad", "") };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LoadReport("(test)", 5, 0, rows, TimeSpan.Zero));
        Assert.Equal("rejectedRows", error.ParamName);
    }

    [Fact]
    public void Constructor_rejects_a_negative_count() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadReport("(test)", -1, 0, [], TimeSpan.Zero));

    [Fact]
    public void InteractionLog_Create_keeps_a_given_report_that_counts_the_interactions()
    {
        var report = new LoadReport("(reader)", 2, 3, [], TimeSpan.Zero);
        InteractionLog log = InteractionLog.Create([new("u1", "a"), new("u2", "b")], null, report);

        Assert.Same(report, log.Report);
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void InteractionLog_Create_rejects_a_report_that_counts_other_rows()
    {
        var report = new LoadReport("(reader)", 3, 0, [], TimeSpan.Zero);
        var error = Assert.Throws<ArgumentException>(() => InteractionLog.Create([new("u1", "a"), new("u2", "b")], null, report));
        Assert.Equal("report", error.ParamName);
    }
}
