using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>Files whose shape the reader could misread without a word: dates written as numbers, timestamps that are not Unix seconds,
/// columns under other names, a header read as data, a column named twice, blanks in columns found by their names.</summary>
public sealed class CsvInteractionReaderShapeChecksTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private InteractionLog Read(string content, CsvInteractionReaderOptions? options = null) =>
        new CsvInteractionReader(options).Read(_directory.Write("events.csv", content));

    [Fact]
    public void Dates_written_yyyyMMdd_are_those_days()
    {
        InteractionLog log = Read("user_id,item_id,timestamp\nu1,i1,20260101\nu1,i2,20260315\n");

        Assert.Equal([DateTimeOffset.Parse("2026-01-01T00:00:00Z").ToUnixTimeSeconds(), DateTimeOffset.Parse("2026-03-15T00:00:00Z").ToUnixTimeSeconds()],
            log.Timestamps.ToArray());
        Assert.Empty(log.Report.Notes);
    }

    [Fact]
    public void In_a_file_of_Unix_seconds_eight_digits_stay_seconds()
    {
        InteractionLog log = Read("user_id,item_id,timestamp\nu1,i1,1706702400\nu1,i2,20240131\n");

        Assert.Equal([1706702400L, 20240131L], log.Timestamps.ToArray());
    }

    [Fact]
    public void In_a_file_of_dates_a_number_that_is_not_a_date_is_a_bad_row_that_says_why()
    {
        var exception = Assert.Throws<InteractionDataException>(() => Read("user_id,item_id,timestamp\nu1,i1,20240131\nu1,i2,1706702400\n"));

        Assert.Equal("events.csv:3:3: column 'timestamp': '1706702400' is not a date written yyyyMMdd, as the file's first number ('20240131' on line 2) is; a file's numeric timestamps are all dates or all Unix seconds.",
            exception.Message);
    }

    [Fact]
    public void A_time_format_reads_dates_written_another_way_as_UTC_or_with_their_offset()
    {
        InteractionLog us = Read("user_id,item_id,InvoiceDate\nu1,i1,12/1/2010 8:26\nu1,i2,1/12/2011 17:05\n",
            new CsvInteractionReaderOptions { TimeColumn = "InvoiceDate", TimeFormat = "M/d/yyyy H:mm" });
        InteractionLog offset = Read("user_id,item_id,when\nu1,i1,01.12.2010 08:26 +01:00\n",
            new CsvInteractionReaderOptions { TimeColumn = "when", TimeFormat = "dd.MM.yyyy HH:mm zzz" });

        Assert.Equal([DateTimeOffset.Parse("2010-12-01T08:26:00Z").ToUnixTimeSeconds(), DateTimeOffset.Parse("2011-01-12T17:05:00Z").ToUnixTimeSeconds()],
            us.Timestamps.ToArray());
        Assert.Equal([DateTimeOffset.Parse("2010-12-01T07:26:00Z").ToUnixTimeSeconds()], offset.Timestamps.ToArray());
    }

    [Fact]
    public void A_time_that_does_not_fit_the_format_is_a_bad_row_with_an_example_of_the_format()
    {
        var exception = Assert.Throws<InteractionDataException>(() => Read("user_id,item_id,timestamp\nu1,i1,2010-12-01\n",
            new CsvInteractionReaderOptions { TimeFormat = "M/d/yyyy H:mm" }));

        Assert.Equal("events.csv:2:3: column 'timestamp': '2010-12-01' is not a time in the format 'M/d/yyyy H:mm' (--time-format, TimeFormat); expected such as '1/31/2024 12:00'.",
            exception.Message);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("HH:mm")]
    public void A_time_format_that_cannot_read_a_date_is_refused(string format)
    {
        var exception = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { TimeFormat = format }));

        Assert.Contains("TimeFormat", exception.Message);
        Assert.Contains(format, exception.Message);
        Assert.Contains("is not a date and time format that reads back what it writes", exception.Message);
    }

    [Theory]
    [InlineData("12/1/2010 8:26")]
    [InlineData("01.12.2010")]
    public void A_date_that_does_not_say_which_number_is_the_month_is_refused_with_the_time_format_option(string text)
    {
        var exception = Assert.Throws<InteractionDataException>(() => Read($"user_id,item_id,timestamp\nu1,i1,{text}\n"));

        Assert.EndsWith("a date such as this does not say which number is the month, so give its format with --time-format (TimeFormat), such as 'M/d/yyyy H:mm'.",
            exception.Message);
    }

    [Fact]
    public void Timestamps_that_all_fall_in_1970_are_noted()
    {
        InteractionLog log = Read("user_id,item_id,timestamp\nu1,i1,2025\nu1,i2,2026\n");

        Assert.Equal(["every timestamp, read as Unix seconds, falls in 1970 (the latest is 1970-01-01T00:33:46Z); if they are years, day numbers or an order of events, time splits, time decay and recent popularity read them wrong: write them as ISO 8601 dates such as 2024-01-31."],
            log.Report.Notes);
    }

    [Theory]
    [InlineData("user_id,item_id,timestamp\nu1,i1,1965-03-01T10:00:00Z\nu1,i2,1970-06-01\n")]
    [InlineData("user_id,item_id,timestamp\nu1,i1,19650301\nu1,i2,19700601\n")]
    public void Dates_of_1970_or_earlier_written_as_dates_are_not_noted_as_unix_seconds(string content)
    {
        InteractionLog log = Read(content);

        Assert.Empty(log.Report.Notes);
        Assert.Equal(new DateTimeOffset(1970, 6, 1, 0, 0, 0, TimeSpan.Zero), log.GetLatestTimestamp());
    }

    [Theory]
    [InlineData("user_id,item_id,action\nu1,i1,view\n", "there is no 'event_type' column, so every row weighs the same; if 'action' holds the event types (view, purchase), give --event-col action (EventColumn).")]
    [InlineData("user_id,item_id,eventType\nu1,i1,view\n", "there is no 'event_type' column, so every row weighs the same; if 'eventType' holds the event types (view, purchase), give --event-col eventType (EventColumn).")]
    [InlineData("user_id,item_id,InvoiceDate\nu1,i1,2011-12-01\n", "there is no 'timestamp' column, so the rows have no times (no time split, time decay or recent popularity); if 'InvoiceDate' holds them, give --time-col InvoiceDate (TimeColumn).")]
    public void A_column_that_looks_like_the_event_type_or_the_time_but_is_not_read_is_noted(string content, string note)
    {
        InteractionLog log = Read(content);

        Assert.Equal([note], log.Report.Notes);
    }

    [Fact]
    public void A_file_with_the_conventional_columns_or_a_column_named_in_the_options_has_no_notes()
    {
        Assert.Empty(Read("user_id,item_id,event_type,timestamp\nu1,i1,view,2026-01-01\n").Report.Notes);
        Assert.Empty(Read("user_id,item_id,action,date\nu1,i1,view,2026-01-01\n", new CsvInteractionReaderOptions { EventColumn = "action", TimeColumn = "date" }).Report.Notes);
        Assert.Empty(Read("user_id,item_id,title\nu1,i1,Kettle\n").Report.Notes);
    }

    [Theory]
    [InlineData("user_id,item_id,item_id\nu1,i1,i9\n", "events.csv:1:3: the header names 'item_id' twice (columns 2 and 3), so which one holds its values is a guess; rename one of them.")]
    [InlineData("user_id,item_id,timestamp,Timestamp\nu1,i1,2026-01-01,2026-01-02\n", "events.csv:1:4: the header names 'timestamp' twice (columns 3 and 4), so which one holds its values is a guess; rename one of them.")]
    public void A_header_that_names_a_column_the_read_uses_twice_is_refused(string content, string expected)
    {
        var exception = Assert.Throws<InteractionDataException>(() => Read(content));

        Assert.Equal(expected, exception.Message);
    }

    [Fact]
    public void A_header_that_names_an_unused_column_twice_is_read()
    {
        InteractionLog log = Read("user_id,item_id,note,note\nu1,i1,a,b\n");

        Assert.Equal(1, log.Count);
    }

    [Theory]
    [InlineData("user_id,item_id\nu1,i1\n", "user_id", "item_id")]
    [InlineData("userId\tmovieId\trating\n1\t2\t4\n", "userId", "movieId")]
    public void Without_a_header_a_first_line_of_column_names_is_refused(string content, string user, string item)
    {
        var exception = Assert.Throws<InteractionDataException>(() => Read(content, new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "1", ItemColumn = "2" }));

        Assert.Equal($"events.csv:1:1: the first line ('{user}', '{item}') looks like a header, but the file is read without one (--no-header, HasHeader false), so it would be a user who had an item; drop --no-header.",
            exception.Message);
    }

    [Fact]
    public void Without_a_header_ids_that_look_like_nothing_in_particular_are_read()
    {
        InteractionLog log = Read("196\t242\t3\n186\t302\t3\n", new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "1", ItemColumn = "2" });

        Assert.Equal(2, log.Count);
    }

    [Theory]
    [InlineData("item_id")]
    [InlineData("rating")]
    public void Without_a_header_the_user_column_is_a_position_or_its_own_default_name(string name)
    {
        var options = new CsvInteractionReaderOptions { HasHeader = false, UserColumn = name };

        var exception = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new CsvInteractionReader(options));

        Assert.Contains("UserColumn", exception.Message);
        Assert.Contains("must be a 1-based column position", exception.Message);
    }

    [Fact]
    public void With_a_header_a_position_as_the_column_says_that_positions_are_for_files_without_one()
    {
        var exception = Assert.Throws<InteractionDataException>(() => Read("user_id,item_id\nu1,i1\n", new CsvInteractionReaderOptions { ItemColumn = "2" }));

        Assert.EndsWith("A position such as 2 names a column of a file without a header line (--no-header, HasHeader false); this file's first line is a header, so name the column.",
            exception.Message);
    }

    [Fact]
    public void A_blank_in_a_quantity_or_rating_column_found_by_its_name_is_a_missing_value()
    {
        InteractionLog log = Read("user_id,item_id,event_type,quantity,rating\nu1,i1,view,,\nu1,i2,purchase,2,4\n");

        Assert.Equal([1f, 2f], log.Quantities.ToArray());
        Assert.True(float.IsNaN(log.Ratings[0]));
        Assert.Equal(4f, log.Ratings[1]);
    }

    [Fact]
    public void A_line_of_spaces_is_skipped_like_an_empty_line()
    {
        InteractionLog log = Read("user_id,item_id,event_type\nu1,i1,view\n   \n\t\nu2,i2,view\n");

        Assert.Equal(2, log.Count);
        Assert.Equal((2L, 0L), (log.Report.Accepted, log.Report.Rejected));
        Assert.Equal([2L, 5L], [log.GetLineNumber(0), log.GetLineNumber(1)]);
    }

    [Fact]
    public void A_blank_in_a_column_the_options_name_is_a_bad_row()
    {
        var exception = Assert.Throws<InteractionDataException>(() =>
            Read("user_id,item_id,quantity\nu1,i1,\n", new CsvInteractionReaderOptions { QuantityColumn = "quantity" }));

        Assert.Equal("events.csv:2:3: column 'quantity': '' is not a quantity (expected a finite number, such as 2 (or -2 for a return)).", exception.Message);
    }

    [Fact]
    public void A_rating_model_refuses_a_blank_rating_with_its_line()
    {
        InteractionLog log = Read("user_id,item_id,rating\nu1,i1,5\nu1,i2,\n");

        var exception = Assert.Throws<InteractionDataException>(() => RatingMatrix.FromLog(log));

        Assert.Equal(3, exception.LineNumber);
        Assert.StartsWith("the rating is blank", exception.Reason);
    }
}
