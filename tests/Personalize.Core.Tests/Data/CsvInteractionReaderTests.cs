using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>What <see cref="CsvInteractionReader"/> reads from well-formed files: columns, delimiters, quoting, weights and ids.</summary>
public sealed class CsvInteractionReaderTests : IDisposable
{
    private static readonly long Jan31Noon = 1706702400; // 2024-01-31T12:00:00Z

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private InteractionLog Read(string content, CsvInteractionReaderOptions? options = null) =>
        new CsvInteractionReader(options).Read(_directory.Write("events.csv", content));

    private static string[] UserIdsOfRows(InteractionLog log)
    {
        var ids = new string[log.Count];
        for (int row = 0; row < log.Count; row++)
        {
            ids[row] = log.Users.GetId(log.UserIndices[row]);
        }

        return ids;
    }

    private static string[] ItemIdsOfRows(InteractionLog log)
    {
        var ids = new string[log.Count];
        for (int row = 0; row < log.Count; row++)
        {
            ids[row] = log.Items.GetId(log.ItemIndices[row]);
        }

        return ids;
    }

    [Fact]
    public void Read_takes_the_user_and_item_from_the_named_columns_in_any_order()
    {
        InteractionLog log = Read("sku,ignored,customer\ni1,x,u1\ni2,y,u2\ni1,z,u2\n",
            new CsvInteractionReaderOptions { UserColumn = "customer", ItemColumn = "sku" });

        Assert.Equal(["u1", "u2", "u2"], UserIdsOfRows(log));
        Assert.Equal(["i1", "i2", "i1"], ItemIdsOfRows(log));
    }

    [Fact]
    public void Read_uses_the_event_type_and_timestamp_columns_when_the_header_has_them()
    {
        InteractionLog log = Read("user_id,item_id,event_type,timestamp\nu1,i1,purchase,2024-01-31T12:00:00Z\nu1,i2,cart,1706702460\n");

        Assert.Same(EventWeights.Default, log.EventTypes);
        Assert.True(log.HasTimestamps);
        Assert.Equal([(byte)2, (byte)1], log.EventTypeIndices.ToArray());
        Assert.Equal([Jan31Noon, Jan31Noon + 60], log.Timestamps.ToArray());
        Assert.Equal(10f, log.GetWeight(0));
        Assert.Equal(4f, log.GetWeight(1));
    }

    [Fact]
    public void Read_weighs_every_row_once_when_the_header_has_no_event_type_column()
    {
        InteractionLog log = Read("user_id,item_id\nu1,i1\nu2,i1\n");

        Assert.Null(log.EventTypes);
        Assert.False(log.HasTimestamps);
        Assert.Equal([InteractionLog.NoEventType, InteractionLog.NoEventType], log.EventTypeIndices.ToArray());
        Assert.Equal([0L, 0L], log.Timestamps.ToArray());
        Assert.Equal(1f, log.GetWeight(0));
        Assert.Null(log.GetLatestTimestamp());
    }

    [Fact]
    public void Read_matches_header_names_and_event_types_ignoring_case()
    {
        InteractionLog log = Read("User_Id,ITEM_ID,Event_Type,TimeStamp\nu1,i1,PURCHASE,2024-01-31T12:00:00Z\n");

        Assert.Equal(["u1"], UserIdsOfRows(log));
        Assert.Equal((byte)2, log.EventTypeIndices[0]);
        Assert.Equal(Jan31Noon, log.Timestamps[0]);
    }

    [Fact]
    public void Read_takes_columns_by_position_in_a_file_without_a_header()
    {
        InteractionLog log = Read("u1,i1,2024-01-31T12:00:00Z,3\nu2,i2,1706702460,0.5\n",
            new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "1", ItemColumn = "2", TimeColumn = "3", WeightColumn = "4" });

        Assert.Equal(["u1", "u2"], UserIdsOfRows(log));
        Assert.Equal(["i1", "i2"], ItemIdsOfRows(log));
        Assert.Equal([Jan31Noon, Jan31Noon + 60], log.Timestamps.ToArray());
        Assert.Equal([3f, 0.5f], log.Values.ToArray());
        Assert.Equal(2, log.Report.Read);
    }

    [Fact]
    public void Read_of_a_file_without_a_header_defaults_to_user_in_column_1_and_item_in_column_2()
    {
        InteractionLog log = Read("u1,i1,whatever\nu2,i2,else\n", new CsvInteractionReaderOptions { HasHeader = false });

        Assert.Equal(["u1", "u2"], UserIdsOfRows(log));
        Assert.Equal(["i1", "i2"], ItemIdsOfRows(log));
        Assert.Null(log.EventTypes);
        Assert.False(log.HasTimestamps);
    }

    [Fact]
    public void Read_of_a_file_without_a_header_reads_the_user_and_item_from_the_given_positions()
    {
        InteractionLog log = Read("2024-01-31T12:00:00Z,i1,u1\n", new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "3", ItemColumn = "2", TimeColumn = "1" });

        Assert.Equal(["u1"], UserIdsOfRows(log));
        Assert.Equal(["i1"], ItemIdsOfRows(log));
        Assert.Equal(Jan31Noon, log.Timestamps[0]);
    }

    public static TheoryData<string> Delimiters => new() { ",", ";", "\t", "|", "::", "||" };

    [Theory]
    [MemberData(nameof(Delimiters))]
    public void Read_splits_fields_on_the_given_delimiter(string delimiter)
    {
        string content = string.Join(delimiter, "user_id", "item_id", "event_type", "timestamp") + "\n"
            + string.Join(delimiter, "u1", "i1", "view", "2024-01-31T12:00:00Z") + "\n"
            + string.Join(delimiter, "u2", "i2", "cart", "1706702460") + "\n";

        InteractionLog log = Read(content, new CsvInteractionReaderOptions { Delimiter = delimiter });

        Assert.Equal(["u1", "u2"], UserIdsOfRows(log));
        Assert.Equal(["i1", "i2"], ItemIdsOfRows(log));
        Assert.Equal([(byte)0, (byte)1], log.EventTypeIndices.ToArray());
        Assert.Equal([Jan31Noon, Jan31Noon + 60], log.Timestamps.ToArray());
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void Read_detects_a_one_character_delimiter_when_none_is_given(string delimiter)
    {
        string content = string.Join(delimiter, "user_id", "item_id", "event_type") + "\n"
            + string.Join(delimiter, "u1", "i1", "purchase") + "\n"
            + string.Join(delimiter, "u2", "i2", "view") + "\n";

        InteractionLog log = Read(content);

        Assert.Equal(["u1", "u2"], UserIdsOfRows(log));
        Assert.Equal(["i1", "i2"], ItemIdsOfRows(log));
        Assert.Equal([(byte)2, (byte)0], log.EventTypeIndices.ToArray());
    }

    [Fact]
    public void Read_reads_MovieLens_ratings_separated_by_double_colons()
    {
        // MovieLens 1M ratings.dat: UserID::MovieID::Rating::Timestamp, no header.
        InteractionLog log = Read("1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n",
            new CsvInteractionReaderOptions { HasHeader = false, Delimiter = "::", WeightColumn = "3", TimeColumn = "4" });

        Assert.Equal(["1", "1", "2"], UserIdsOfRows(log));
        Assert.Equal(["1193", "661", "1193"], ItemIdsOfRows(log));
        Assert.Equal([5f, 3f, 4f], log.Values.ToArray());
        Assert.Equal([978300760L, 978302109L, 978298413L], log.Timestamps.ToArray());
        Assert.Equal(3, log.Report.Accepted);
    }

    [Fact]
    public void Read_keeps_delimiters_and_doubled_quotes_inside_quoted_fields()
    {
        InteractionLog log = Read("user_id,item_id,event_type\n\"Smith, J\",\"shoe, size 42\",view\n\"say \"\"hi\"\"\",i2,cart\n");

        Assert.Equal(["Smith, J", "say \"hi\""], UserIdsOfRows(log));
        Assert.Equal(["shoe, size 42", "i2"], ItemIdsOfRows(log));
        Assert.Equal([(byte)0, (byte)1], log.EventTypeIndices.ToArray());
    }

    [Fact]
    public void Read_keeps_a_double_colon_delimiter_inside_quoted_fields()
    {
        InteractionLog log = Read("user_id::item_id\n\"a::b\"::i1\n", new CsvInteractionReaderOptions { Delimiter = "::" });

        Assert.Equal(["a::b"], UserIdsOfRows(log));
        Assert.Equal(["i1"], ItemIdsOfRows(log));
    }

    [Fact]
    public void Read_multiplies_the_event_weight_by_the_weight_column()
    {
        InteractionLog log = Read("user_id,item_id,event_type,quantity\nu1,i1,purchase,3\nu1,i2,cart,0.5\nu2,i1,view,0\nu2,i2,view,1e1\n",
            new CsvInteractionReaderOptions { WeightColumn = "quantity" });

        Assert.Equal([3f, 0.5f, 0f, 10f], log.Values.ToArray());
        Assert.Equal(30f, log.GetWeight(0));
        Assert.Equal(2f, log.GetWeight(1));
        Assert.Equal(0f, log.GetWeight(2));
        Assert.Equal(10f, log.GetWeight(3));
    }

    [Fact]
    public void Read_uses_a_value_of_1_for_every_row_when_there_is_no_weight_column()
    {
        InteractionLog log = Read("user_id,item_id,quantity\nu1,i1,7\nu1,i2,8\n");

        Assert.Equal([1f, 1f], log.Values.ToArray());
    }

    [Fact]
    public void Read_keeps_UTF8_ids_intact()
    {
        InteractionLog log = Read("user_id,item_id\nZoë,café\n東京,😀\nZoë,naïve\n");

        Assert.Equal(["Zoë", "東京"], log.Users.Ids);
        Assert.Equal(["café", "😀", "naïve"], log.Items.Ids);
        Assert.Equal(0, log.Users.GetIndex("Zoë"));
    }

    [Fact]
    public void Read_skips_a_UTF8_byte_order_mark_before_the_header()
    {
        string path = _directory.File("bom.csv");
        File.WriteAllText(path, "user_id,item_id\nu1,i1\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        InteractionLog log = new CsvInteractionReader().Read(path);

        Assert.Equal(["u1"], log.Users.Ids);
    }

    [Fact]
    public void Read_reads_a_UTF16_file_that_starts_with_a_byte_order_mark()
    {
        string path = _directory.File("utf16.csv");
        File.WriteAllText(path, "user_id,item_id\nZoë,東京\n", Encoding.Unicode);

        InteractionLog log = new CsvInteractionReader().Read(path);

        Assert.Equal(["Zoë"], log.Users.Ids);
        Assert.Equal(["東京"], log.Items.Ids);
    }

    [Fact]
    public void Read_accepts_CRLF_line_endings_and_skips_blank_lines()
    {
        InteractionLog log = Read("user_id,item_id\r\nu1,i1\r\n\r\nu2,i2\r\n");

        Assert.Equal(["u1", "u2"], UserIdsOfRows(log));
        Assert.Equal(["i1", "i2"], ItemIdsOfRows(log));
        Assert.Equal(2, log.Report.Read);
    }

    [Fact]
    public void Read_trims_spaces_around_ids()
    {
        InteractionLog log = Read("user_id,item_id,event_type\n  u1 , i1 , view \n");

        Assert.Equal(["u1"], log.Users.Ids);
        Assert.Equal(["i1"], log.Items.Ids);
        Assert.Equal((byte)0, log.EventTypeIndices[0]);
    }

    [Fact]
    public void Read_gives_ids_dense_indices_in_order_of_first_appearance()
    {
        InteractionLog log = Read("user_id,item_id\nb,y\na,x\nb,x\nc,z\n");

        Assert.Equal(["b", "a", "c"], log.Users.Ids);
        Assert.Equal(["y", "x", "z"], log.Items.Ids);
        Assert.Equal([0, 1, 0, 2], log.UserIndices.ToArray());
        Assert.Equal([0, 1, 1, 2], log.ItemIndices.ToArray());
    }

    [Fact]
    public void Read_of_a_clean_file_reports_its_source_and_every_row_accepted()
    {
        string path = _directory.Write("clean.csv", "user_id,item_id\nu1,i1\nu2,i2\nu3,i3\n");

        InteractionLog log = new CsvInteractionReader().Read(path);

        Assert.Equal(path, log.Report.Source);
        Assert.Equal((3L, 3L, 0L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Empty(log.Report.RejectedRows);
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public void Read_of_a_header_only_file_returns_an_empty_log()
    {
        InteractionLog log = Read("user_id,item_id,event_type,timestamp\n");

        Assert.Equal(0, log.Count);
        Assert.Equal(0, log.Report.Read);
        Assert.Equal(0, log.Users.Count);
    }

    [Fact]
    public void Read_reads_the_bundled_sample_events()
    {
        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions { WeightColumn = "quantity" }).Read(SampleData.Events);

        Assert.True(log.Count > 0);
        Assert.Equal(log.Count, log.Report.Accepted);
        Assert.Equal(0, log.Report.Rejected);
        Assert.True(log.HasTimestamps);
        Assert.NotNull(log.EventTypes);
    }

    [Fact]
    public void Read_from_a_stream_names_the_source_in_the_report_and_leaves_the_stream_open()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("user_id,item_id\nu1,i1\n"));

        InteractionLog log = new CsvInteractionReader().Read(stream, "upload #7");

        Assert.Equal("upload #7", log.Report.Source);
        Assert.Equal(1, log.Count);
        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Read_of_a_missing_file_throws_FileNotFoundException_naming_it()
    {
        string path = _directory.File("nope.csv");

        var exception = Assert.Throws<FileNotFoundException>(() => new CsvInteractionReader().Read(path));

        Assert.Equal(path, exception.FileName);
        Assert.Contains(path, exception.Message);
    }

    [Fact]
    public void ReadCsv_reads_the_same_log_as_a_reader_with_the_same_options()
    {
        string path = _directory.Write("events.csv", "user_id,item_id,event_type,timestamp\nu1,i1,cart,2024-01-31T12:00:00Z\nu2,i1,view,1706702460\n");
        var options = new CsvInteractionReaderOptions { EventWeights = EventWeights.Parse("view=2,cart=3") };

        InteractionLog viaLog = InteractionLog.ReadCsv(path, options);
        InteractionLog viaReader = new CsvInteractionReader(options).Read(path);

        Assert.Equal(viaReader.Users.Ids, viaLog.Users.Ids);
        Assert.Equal(viaReader.Timestamps.ToArray(), viaLog.Timestamps.ToArray());
        Assert.Equal(3f, viaLog.GetWeight(0));
        Assert.Equal(2f, viaLog.GetWeight(1));
    }

    [Fact]
    public void One_reader_reads_several_files_independently()
    {
        var reader = new CsvInteractionReader();
        string first = _directory.Write("a.csv", "user_id,item_id\nu1,i1\n");
        string second = _directory.Write("b.csv", "user_id,item_id\nu9,i9\nu8,i8\n");

        InteractionLog a = reader.Read(first);
        InteractionLog b = reader.Read(second);

        Assert.Equal(["u1"], a.Users.Ids);
        Assert.Equal(["u9", "u8"], b.Users.Ids);
    }
}
