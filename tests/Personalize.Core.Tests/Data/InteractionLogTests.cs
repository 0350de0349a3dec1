using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary><see cref="InteractionLog"/>: building from memory, weights, the latest timestamp and splitting by time.</summary>
public sealed class InteractionLogTests
{
    private static readonly DateTimeOffset Noon = new(2024, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private static InteractionLog TimedLog() => InteractionLog.Create(
    [
        new Interaction("u1", "i1", "view", Noon.AddDays(-3)),
        new Interaction("u2", "i2", "cart", Noon.AddDays(-1), 2f),
        new Interaction("u1", "i3", "purchase", Noon, 0.5f),
        new Interaction("u3", "i1", "view", Noon.AddHours(1)),
        new Interaction("u2", "i1", "purchase", Noon.AddSeconds(-1), 3f),
        new Interaction("u4", "i4", "cart", Noon.AddDays(2)),
    ], EventWeights.Default);

    [Fact]
    public void Create_maps_ids_in_order_of_first_appearance_and_keeps_every_column()
    {
        InteractionLog log = TimedLog();

        Assert.Equal(6, log.Count);
        Assert.Equal(["u1", "u2", "u3", "u4"], log.Users.Ids);
        Assert.Equal(["i1", "i2", "i3", "i4"], log.Items.Ids);
        Assert.Equal([0, 1, 0, 2, 1, 3], log.UserIndices.ToArray());
        Assert.Equal([0, 1, 2, 0, 0, 3], log.ItemIndices.ToArray());
        Assert.Equal([0, 1, 2, 0, 2, 1], log.EventTypeIndices.ToArray().Select(e => (int)e));
        Assert.Equal([1f, 2f, 0.5f, 1f, 3f, 1f], log.Values.ToArray());
        Assert.Equal(Noon.AddDays(-3).ToUnixTimeSeconds(), log.Timestamps[0]);
        Assert.True(log.HasTimestamps);
        Assert.Same(EventWeights.Default, log.EventTypes);
        Assert.Equal((6L, 6L, 0L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
    }

    [Fact]
    public void Create_without_event_types_or_timestamps_weighs_each_row_by_its_value()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u1", "i1"), new Interaction("u1", "i2", Value: 2.5f)], EventWeights.Default);

        Assert.Null(log.EventTypes);
        Assert.False(log.HasTimestamps);
        Assert.Equal([0L, 0L], log.Timestamps.ToArray());
        Assert.Equal(1f, log.GetWeight(0));
        Assert.Equal(2.5f, log.GetWeight(1));
        Assert.Null(log.GetLatestTimestamp());
    }

    [Fact]
    public void Create_of_nothing_is_an_empty_log()
    {
        InteractionLog log = InteractionLog.Create([]);

        Assert.Equal(0, log.Count);
        Assert.Equal(0, log.Users.Count);
        Assert.Equal(0, log.Report.Read);
        Assert.Null(log.GetLatestTimestamp());
    }

    [Fact]
    public void Create_rejects_an_unknown_event_type_naming_it_and_the_known_ones()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            InteractionLog.Create([new Interaction("u1", "i1", "view"), new Interaction("u1", "i2", "click")], EventWeights.Default));

        Assert.Equal("interactions", exception.ParamName);
        Assert.StartsWith("Interaction 1 has the unknown event type 'click' (known: view, cart, purchase).", exception.Message);
    }

    [Fact]
    public void Create_rejects_an_event_type_when_no_event_weights_are_given()
    {
        var exception = Assert.Throws<ArgumentException>(() => InteractionLog.Create([new Interaction("u1", "i1", "view")]));

        Assert.StartsWith("Interaction 0 has the unknown event type 'view' (no event weights were given).", exception.Message);
    }

    [Fact]
    public void Create_matches_event_types_ignoring_case()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u1", "i1", "PURCHASE")], EventWeights.Default);

        Assert.Equal(10f, log.GetWeight(0));
    }

    [Fact]
    public void Create_rejects_a_mix_of_rows_with_and_without_event_types()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            InteractionLog.Create([new Interaction("u1", "i1", "view"), new Interaction("u1", "i2")], EventWeights.Default));

        Assert.StartsWith("Some interactions have an event type and some do not", exception.Message);
    }

    [Fact]
    public void Create_rejects_a_mix_of_rows_with_and_without_timestamps()
    {
        // A row without a timestamp would otherwise be stored as 1970: decayed to nothing, and always before any split.
        var exception = Assert.Throws<ArgumentException>(() =>
            InteractionLog.Create([new Interaction("u1", "i1", Timestamp: Noon), new Interaction("u1", "i2")]));

        Assert.Equal("interactions", exception.ParamName);
        Assert.StartsWith("Some interactions have a timestamp and some do not", exception.Message);
    }

    public static TheoryData<Interaction, string> BadInteractions => new()
    {
        { new Interaction("", "i1"), "Interaction 1 has an empty or blank user or item id; both are required." },
        { new Interaction("u1", null!), "Interaction 1 has an empty or blank user or item id; both are required." },
        { new Interaction(" ", "i1"), "Interaction 1 has an empty or blank user or item id; both are required." },
        { new Interaction("user\uD83D", "i1"), "Interaction 1 has an id that is not valid Unicode text (a lone UTF-16 surrogate at position 4); a model file stores ids as UTF-8 and could not keep it." },
        { new Interaction("u1", "\uDC00i"), "Interaction 1 has an id that is not valid Unicode text (a lone UTF-16 surrogate at position 0); a model file stores ids as UTF-8 and could not keep it." },
        { new Interaction("u1", "i1", Value: -1f), "Interaction 1 has the value -1; values must be finite and 0 or more." },
        { new Interaction("u1", "i1", Value: float.NaN), "Interaction 1 has the value NaN; values must be finite and 0 or more." },
        { new Interaction("u1", "i1", Value: float.PositiveInfinity), "Interaction 1 has the value Infinity; values must be finite and 0 or more." },
    };

    [Theory]
    [MemberData(nameof(BadInteractions))]
    public void Create_rejects_a_bad_interaction_naming_its_position(Interaction bad, string message)
    {
        var exception = Assert.Throws<ArgumentException>(() => InteractionLog.Create([new Interaction("u0", "i0"), bad]));

        Assert.Equal("interactions", exception.ParamName);
        Assert.Equal(message + " (Parameter 'interactions')", exception.Message);
    }

    [Theory]
    [InlineData("view", 1f, 1f)]
    [InlineData("cart", 1f, 4f)]
    [InlineData("purchase", 3f, 30f)]
    [InlineData("purchase", 0f, 0f)]
    [InlineData("cart", 0.25f, 1f)]
    public void GetWeight_is_the_event_weight_times_the_value(string eventType, float value, float expected)
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u", "i", eventType, Value: value)], EventWeights.Default);

        Assert.Equal(expected, log.GetWeight(0));
    }

    [Fact]
    public void GetWeight_uses_the_custom_event_weights()
    {
        var weights = EventWeights.Parse("like=2,share=7.5");
        InteractionLog log = InteractionLog.Create([new Interaction("u", "i", "share", Value: 2f), new Interaction("u", "j", "like")], weights);

        Assert.Equal(15f, log.GetWeight(0));
        Assert.Equal(2f, log.GetWeight(1));
    }

    [Fact]
    public void GetLatestTimestamp_is_the_latest_of_all_rows_whatever_their_order()
    {
        Assert.Equal(Noon.AddDays(2), TimedLog().GetLatestTimestamp());
    }

    [Fact]
    public void GetLatestTimestamp_handles_timestamps_before_1970()
    {
        var early = new DateTimeOffset(1960, 5, 1, 0, 0, 0, TimeSpan.Zero);
        InteractionLog log = InteractionLog.Create([new Interaction("u", "i", Timestamp: early), new Interaction("u", "j", Timestamp: early.AddDays(-1))]);

        Assert.Equal(early, log.GetLatestTimestamp());
    }

    [Fact]
    public void SplitByTime_puts_every_row_in_exactly_one_part_by_its_timestamp()
    {
        InteractionLog log = TimedLog();

        (InteractionLog before, InteractionLog atOrAfter) = log.SplitByTime(Noon);

        Assert.Equal(log.Count, before.Count + atOrAfter.Count);
        Assert.All(before.Timestamps.ToArray(), t => Assert.True(t < Noon.ToUnixTimeSeconds()));
        Assert.All(atOrAfter.Timestamps.ToArray(), t => Assert.True(t >= Noon.ToUnixTimeSeconds()));
        var rows = Rows(log);
        Assert.Equal(rows.Where(r => r.Time < Noon.ToUnixTimeSeconds()), Rows(before));
        Assert.Equal(rows.Where(r => r.Time >= Noon.ToUnixTimeSeconds()), Rows(atOrAfter));
        Assert.Equal(3, before.Count); // a row exactly at the cut-off goes to the second part
    }

    [Fact]
    public void SplitByTime_parts_share_the_id_maps_and_event_types_of_the_whole()
    {
        InteractionLog log = TimedLog();

        (InteractionLog before, InteractionLog atOrAfter) = log.SplitByTime(Noon);

        Assert.Same(log.Users, before.Users);
        Assert.Same(log.Users, atOrAfter.Users);
        Assert.Same(log.Items, before.Items);
        Assert.Same(log.Items, atOrAfter.Items);
        Assert.Same(log.EventTypes, atOrAfter.EventTypes);
        Assert.True(before.HasTimestamps && atOrAfter.HasTimestamps);
        Assert.Equal((3L, 3L), (before.Report.Accepted, atOrAfter.Report.Accepted));
    }

    [Fact]
    public void SplitByTime_before_every_row_leaves_the_first_part_empty()
    {
        InteractionLog log = TimedLog();

        (InteractionLog before, InteractionLog atOrAfter) = log.SplitByTime(Noon.AddYears(-10));

        Assert.Equal(0, before.Count);
        Assert.Equal(Rows(log), Rows(atOrAfter));
    }

    [Fact]
    public void SplitByTime_of_a_random_log_keeps_every_row_exactly_once()
    {
        const int seed = 2024;
        var random = new Random(seed);
        var interactions = new List<Interaction>();
        for (int i = 0; i < 2000; i++)
        {
            interactions.Add(new Interaction("u" + random.Next(100), "i" + random.Next(300), EventWeights.Default.Names[random.Next(3)],
                Noon.AddSeconds(random.Next(-100_000, 100_000)), random.Next(1, 5)));
        }

        InteractionLog log = InteractionLog.Create(interactions, EventWeights.Default);
        DateTimeOffset cutoff = Noon.AddSeconds(random.Next(-50_000, 50_000));

        (InteractionLog before, InteractionLog atOrAfter) = log.SplitByTime(cutoff);

        var expected = Rows(log).OrderBy(r => r).ToArray();
        var actual = Rows(before).Concat(Rows(atOrAfter)).OrderBy(r => r).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"seed {seed}: the parts do not hold the rows of the whole exactly once");
    }

    [Fact]
    public void SplitByTime_of_a_log_without_timestamps_throws_InvalidOperationException()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u", "i")]);

        var exception = Assert.Throws<InvalidOperationException>(() => log.SplitByTime(Noon));

        Assert.Contains("no timestamps", exception.Message);
    }

    [Fact]
    public void ReadCsv_reads_a_file_into_a_log()
    {
        using var directory = new TempDirectory();
        string path = directory.Write("events.csv", "user_id,item_id,event_type,timestamp\nu1,i1,purchase,2024-01-31T12:00:00Z\n");

        InteractionLog log = InteractionLog.ReadCsv(path);

        Assert.Equal(["u1"], log.Users.Ids);
        Assert.Equal(10f, log.GetWeight(0));
        Assert.Equal(Noon, log.GetLatestTimestamp());
    }

    private static List<(string User, string Item, int Event, long Time, float Value)> Rows(InteractionLog log)
    {
        var rows = new List<(string, string, int, long, float)>();
        for (int row = 0; row < log.Count; row++)
        {
            rows.Add((log.Users.GetId(log.UserIndices[row]), log.Items.GetId(log.ItemIndices[row]), log.EventTypeIndices[row], log.Timestamps[row], log.Values[row]));
        }

        return rows;
    }

    [Fact]
    public void A_part_of_a_split_with_its_own_ids_is_the_log_its_rows_read_from_a_file_give()
    {
        using var temp = new TempDirectory();
        const string Header = "user_id,item_id,timestamp\n";
        const string Early = "u2,i1,2024-01-01T00:00:00Z\nu1,i2,2024-01-02T00:00:00Z\nu2,i3,2024-01-03T00:00:00Z\n";
        InteractionLog whole = InteractionLog.ReadCsv(temp.Write("all.csv", Header + "u9,i9,2024-02-01T00:00:00Z\n" + Early + "u1,i8,2024-02-02T00:00:00Z\n"));
        InteractionLog alone = InteractionLog.ReadCsv(temp.Write("early.csv", Header + Early));

        (InteractionLog before, _) = whole.SplitByTime(new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero));
        InteractionLog own = before.WithOwnIds();

        Assert.Equal((3, 5), (before.Users.Count, before.Items.Count));   // the shared maps hold u9, i9 and i8 too
        Assert.Equal(alone.Users.Ids, own.Users.Ids);
        Assert.Equal(alone.Items.Ids, own.Items.Ids);
        Assert.Equal(alone.UserIndices.ToArray(), own.UserIndices.ToArray());
        Assert.Equal(alone.ItemIndices.ToArray(), own.ItemIndices.ToArray());
        Assert.Equal(alone.Timestamps.ToArray(), own.Timestamps.ToArray());
        Assert.Equal([3L, 4L, 5L], Enumerable.Range(0, own.Count).Select(own.GetLineNumber));   // the lines of the whole file
        Assert.Same(alone, alone.WithOwnIds());
    }

    [Fact]
    public void Every_row_of_an_untyped_log_takes_one_event_type_and_keeps_its_line_numbers()
    {
        using var temp = new TempDirectory();
        InteractionLog log = InteractionLog.ReadCsv(temp.Write("orders.csv", "user_id,item_id,quantity,timestamp\n,i0,1,2024-01-01\nu1,i1,2,2024-01-02\nu1,i2,-1,2024-01-03\nu2,i1,1,2024-01-04\n"),
            new CsvInteractionReaderOptions { BadRows = BadRowPolicy.SkipAndReport });

        InteractionLog typed = log.WithEventType("purchase", EventWeights.Default);

        Assert.Null(log.EventTypes);
        Assert.Same(EventWeights.Default, typed.EventTypes);
        Assert.All(typed.EventTypeIndices.ToArray(), e => Assert.Equal(EventWeights.Default.IndexOf("purchase"), e));
        Assert.Equal([3L, 5L], Enumerable.Range(0, typed.Count).Select(typed.GetLineNumber));   // after the skipped row and the return
        Assert.Equal(log.Quantities.ToArray(), typed.Quantities.ToArray());
        Assert.Equal(log.Timestamps.ToArray(), typed.Timestamps.ToArray());
        Assert.Throws<ArgumentException>(() => log.WithEventType("order", EventWeights.Default));
        Assert.Throws<InvalidOperationException>(() => typed.WithEventType("purchase", EventWeights.Default));
    }
}
