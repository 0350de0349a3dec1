using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Data;

namespace Personalize.ML.Tests.Data;

public sealed class DataViewInteractionReaderTests
{
    private sealed class Row
    {
        public string user_id { get; set; } = "";

        public string item_id { get; set; } = "";

        public string event_type { get; set; } = "view";

        public DateTime when { get; set; }

        public float count { get; set; } = 1;
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView View(params Row[] rows) => Ml.Data.LoadFromEnumerable(rows);

    [Fact]
    public void Reads_text_ids_event_types_timestamps_and_weights()
    {
        IDataView data = View(
            new Row { user_id = "u1", item_id = "i1", event_type = "purchase", when = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), count = 2 },
            new Row { user_id = "u2", item_id = "i1", event_type = "view", when = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc) });

        InteractionLog log = new DataViewInteractionReader(new DataViewInteractionReaderOptions
        {
            EventColumnName = "event_type", TimestampColumnName = "when", WeightColumnName = "count",
        }).Read(data);

        Assert.Equal(2, log.Count);
        Assert.Equal(["u1", "u2"], log.Users.Ids);
        Assert.Equal(20f, log.GetWeight(0));
        Assert.Equal(1f, log.GetWeight(1));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), log.GetLatestTimestamp());
        Assert.Equal(2, log.Report.Accepted);
    }

    private sealed class LongRow
    {
        public long user_id { get; set; }

        public ulong item_id { get; set; }
    }

    private sealed class IntRow
    {
        public int user_id { get; set; }

        public uint item_id { get; set; }
    }

    [Fact]
    public void Integer_ids_are_written_exactly_even_beyond_what_a_double_holds()
    {
        // 64-bit ids (Snowflake-style): through a double the first two would become one id, 1.2345678901234568E+18.
        IDataView data = Ml.Data.LoadFromEnumerable(new[]
        {
            new LongRow { user_id = 1234567890123456789, item_id = 18446744073709551615 },
            new LongRow { user_id = 1234567890123456790, item_id = 9007199254740993 },
            new LongRow { user_id = -9007199254740993, item_id = 9007199254740992 },
        });

        InteractionLog log = new DataViewInteractionReader().Read(data);

        Assert.Equal(["1234567890123456789", "1234567890123456790", "-9007199254740993"], log.Users.Ids);
        Assert.Equal(["18446744073709551615", "9007199254740993", "9007199254740992"], log.Items.Ids);

        InteractionLog small = new DataViewInteractionReader().Read(Ml.Data.LoadFromEnumerable(new[] { new IntRow { user_id = -7, item_id = 4000000000 } }));
        Assert.Equal(["-7"], small.Users.Ids);
        Assert.Equal(["4000000000"], small.Items.Ids);
    }

    [Fact]
    public void Reads_key_columns_made_by_MapValueToKey()
    {
        IDataView data = Ml.Transforms.Conversion.MapValueToKey("user_key", "user_id")
            .Append(Ml.Transforms.Conversion.MapValueToKey("item_key", "item_id"))
            .Fit(View(new Row { user_id = "a", item_id = "x" }, new Row { user_id = "b", item_id = "x" }, new Row { user_id = "a", item_id = "y" }))
            .Transform(View(new Row { user_id = "a", item_id = "x" }, new Row { user_id = "b", item_id = "x" }, new Row { user_id = "a", item_id = "y" }));

        InteractionLog log = new DataViewInteractionReader(new DataViewInteractionReaderOptions { UserColumnName = "user_key", ItemColumnName = "item_key" })
            .Read(data);

        Assert.Equal(3, log.Count);
        Assert.Equal(2, log.Users.Count);
        Assert.Equal(2, log.Items.Count);
    }

    [Fact]
    public void Bad_rows_are_counted_and_reported_under_skip_and_thrown_under_fail()
    {
        IDataView data = View(new Row { user_id = "u1", item_id = "i1" }, new Row { user_id = "", item_id = "i2" },
            new Row { user_id = "u3", item_id = "i3", event_type = "click" });

        InteractionLog log = new DataViewInteractionReader(new DataViewInteractionReaderOptions { EventColumnName = "event_type", BadRows = BadRowPolicy.SkipAndReport })
            .Read(data);
        var exception = Assert.Throws<InteractionDataException>(() =>
            new DataViewInteractionReader(new DataViewInteractionReaderOptions { EventColumnName = "event_type" }).Read(data));

        Assert.Equal((3L, 1L, 2L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Equal([2L, 3L], log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Contains("'click' is not a known event type", log.Report.RejectedRows[1].Reason);
        Assert.Equal((2L, "user_id"), (exception.LineNumber, exception.ColumnName));
    }

    [Fact]
    public void A_missing_or_mistyped_column_names_the_column_and_the_expected_type()
    {
        IDataView data = View(new Row { user_id = "u1", item_id = "i1" });

        var missing = Assert.Throws<ArgumentException>(() => new DataViewInteractionReader(new DataViewInteractionReaderOptions { UserColumnName = "customer" }).Read(data));
        var mistyped = Assert.Throws<ArgumentException>(() => new DataViewInteractionReader(new DataViewInteractionReaderOptions { WeightColumnName = "event_type" }).Read(data));

        Assert.StartsWith("The data view has no column 'customer'; its columns are: user_id, item_id, event_type, when, count.", missing.Message);
        Assert.StartsWith("Column 'event_type' should be a number, but is instead String.", mistyped.Message);
    }

    private sealed class WideRow
    {
        public string user_id { get; set; } = "";

        public string item_id { get; set; } = "";

        public double weight { get; set; } = 1;

        public uint plays { get; set; } = 1;
    }

    [Fact]
    public void A_double_beyond_floats_range_is_a_bad_row_and_unsigned_counts_are_numbers()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[]
        {
            new WideRow { user_id = "u1", item_id = "i1", weight = 2, plays = 3 },
            new WideRow { user_id = "u2", item_id = "i2", weight = 1e39, plays = 4 },
        });

        InteractionLog skipped = new DataViewInteractionReader(new DataViewInteractionReaderOptions { WeightColumnName = "weight", BadRows = BadRowPolicy.SkipAndReport })
            .Read(data);
        var failed = Assert.Throws<InteractionDataException>(() =>
            new DataViewInteractionReader(new DataViewInteractionReaderOptions { WeightColumnName = "weight" }).Read(data));
        InteractionLog plays = new DataViewInteractionReader(new DataViewInteractionReaderOptions { WeightColumnName = "plays" }).Read(data);

        Assert.Equal((1L, 1L), (skipped.Report.Accepted, skipped.Report.Rejected));
        Assert.Equal((2L, "weight"), (failed.LineNumber, failed.ColumnName));
        Assert.Contains("1E+39 is not a weight (expected a finite number, 0 or more, within float's range)", failed.Message);
        Assert.Equal(2, plays.Count);
        Assert.Equal(3f, plays.GetWeight(0));
    }
}
