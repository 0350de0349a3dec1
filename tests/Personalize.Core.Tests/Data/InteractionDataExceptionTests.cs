using Personalize.Core.Data;

namespace Personalize.Core.Tests.Data;

/// <summary>The <c>file:line:column: reason</c> form of <see cref="InteractionDataException"/> and <see cref="RejectedRow"/>.</summary>
public sealed class InteractionDataExceptionTests
{
    [Fact]
    public void Message_reads_file_line_column_and_reason_with_the_file_name_only()
    {
        string path = Path.Combine(Path.GetTempPath(), "shop", "events.csv");

        var exception = new InteractionDataException(path, 1042, 4, "timestamp", "column 'timestamp': '2024-13-01' is not a timestamp.", "u1,i1,view,2024-13-01");

        Assert.Equal("events.csv:1042:4: column 'timestamp': '2024-13-01' is not a timestamp.", exception.Message);
        Assert.Equal((path, 1042L, 4, "timestamp"), (exception.FilePath, exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal("column 'timestamp': '2024-13-01' is not a timestamp.", exception.Reason);
        Assert.Equal("u1,i1,view,2024-13-01", exception.RawRecord);
    }

    [Fact]
    public void Message_of_a_problem_not_on_one_line_has_no_position()
    {
        var exception = new InteractionDataException("events.csv", 0, 0, null, "the file is empty.");

        Assert.Equal("events.csv: the file is empty.", exception.Message);
        Assert.Null(exception.RawRecord);
        Assert.Null(exception.ColumnName);
    }

    [Fact]
    public void RejectedRow_formats_like_the_exception()
    {
        var row = new RejectedRow(Path.Combine("data", "events.csv"), 7, 3, "event_type", "column 'event_type': 'click' is not a known event type.", "u,i,click");

        Assert.Equal("events.csv:7:3: column 'event_type': 'click' is not a known event type.", row.ToString());
    }
}
