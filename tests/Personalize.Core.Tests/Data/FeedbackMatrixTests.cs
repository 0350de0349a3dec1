using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary><see cref="FeedbackMatrix"/>: summed and decayed weights per (user, item), both orientations, and compaction of id maps.</summary>
public sealed class FeedbackMatrixTests
{
    private static readonly DateTimeOffset Noon = new(2024, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private static void AssertClose(double expected, double actual, double relativeTolerance = 1e-6) =>
        Assert.True(Math.Abs(expected - actual) <= relativeTolerance * Math.Max(Math.Abs(expected), Math.Abs(actual)),
            $"expected {expected}, got {actual} (relative tolerance {relativeTolerance})");

    private static float WeightOf(FeedbackMatrix matrix, string user, string item)
    {
        int userIndex = matrix.Users.GetIndex(user);
        int itemIndex = matrix.Items.GetIndex(item);
        int at = matrix.GetItems(userIndex).IndexOf(itemIndex);
        Assert.True(at >= 0, $"({user}, {item}) has no entry");
        return matrix.GetWeights(userIndex)[at];
    }

    [Fact]
    public void FromLog_stops_at_the_row_where_a_pair_s_weights_add_up_past_single_precision()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("w.csv", "user_id,item_id,w\nu1,i1,3e38\nu2,i1,1\nu1,i1,3e38\n");
        InteractionLog log = InteractionLog.ReadCsv(path, new CsvInteractionReaderOptions { WeightColumn = "w" });

        var exception = Assert.Throws<InteractionDataException>(() => FeedbackMatrix.FromLog(log));

        Assert.Equal((4L, 0), (exception.LineNumber, exception.ColumnNumber));
        Assert.StartsWith("w.csv:4: the weights of user 'u1' and item 'i1' add up to more than 3.4E+38 on this row", exception.Message);
    }

    [Fact]
    public void FromLog_stops_at_a_row_whose_value_times_its_event_weight_is_past_single_precision()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("w.csv", "user_id,item_id,event_type,w\nu1,i1,view,1e38\nu1,i2,purchase,1e38\n");
        InteractionLog log = InteractionLog.ReadCsv(path, new CsvInteractionReaderOptions { WeightColumn = "w" });

        var exception = Assert.Throws<InteractionDataException>(() => FeedbackMatrix.FromLog(log));

        Assert.Equal(3L, exception.LineNumber);
        Assert.Contains("the row's weight (Infinity, its value times its event type's weight)", exception.Reason);
    }

    [Fact]
    public void FromLog_sums_the_weighted_events_of_a_repeated_user_and_item()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u1", "i1", "view"),
            new Interaction("u1", "i2", "view"),
            new Interaction("u1", "i1", "purchase"),
            new Interaction("u2", "i1", "cart"),
            new Interaction("u1", "i1", "cart", Value: 2f),
            new Interaction("u1", "i1", "VIEW", Value: 0.5f),
        ], EventWeights.Default);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log);

        Assert.Equal(3, matrix.NumberOfEntries);
        Assert.Equal(1f + 10f + 8f + 0.5f, WeightOf(matrix, "u1", "i1"));
        Assert.Equal(1f, WeightOf(matrix, "u1", "i2"));
        Assert.Equal(4f, WeightOf(matrix, "u2", "i1"));
    }

    [Fact]
    public void FromLog_lists_each_users_items_in_ascending_index_order()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u0", "i0"), new Interaction("u1", "i1"), new Interaction("u1", "i2"), new Interaction("u1", "i3"),
            new Interaction("u0", "i3"), new Interaction("u0", "i1"), new Interaction("u0", "i2"), new Interaction("u1", "i0"), new Interaction("u0", "i1"),
        ]);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log);

        Assert.Equal([0, 1, 2, 3], matrix.GetItems(0).ToArray());
        Assert.Equal([1f, 2f, 1f, 1f], matrix.GetWeights(0).ToArray());
        Assert.Equal([0, 1, 2, 3], matrix.GetItems(1).ToArray());
    }

    [Fact]
    public void FromLog_counts_the_distinct_users_of_each_item()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u1", "i1"), new Interaction("u2", "i1"), new Interaction("u2", "i1"), new Interaction("u3", "i1"),
            new Interaction("u1", "i2"), new Interaction("u3", "i3"), new Interaction("u3", "i3"),
        ]);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log);

        Assert.Equal(3, matrix.GetUserCount(matrix.Items.GetIndex("i1")));
        Assert.Equal(1, matrix.GetUserCount(matrix.Items.GetIndex("i2")));
        Assert.Equal(1, matrix.GetUserCount(matrix.Items.GetIndex("i3")));
        Assert.Equal((3, 3, 5), (matrix.NumberOfUsers, matrix.NumberOfItems, matrix.NumberOfEntries));
    }

    [Fact]
    public void FromLog_of_a_random_log_matches_a_dictionary_sum_in_both_orientations()
    {
        const int seed = 17;
        var random = new Random(seed);
        var interactions = new List<Interaction>();
        for (int i = 0; i < 5000; i++)
        {
            interactions.Add(new Interaction("u" + random.Next(150), "i" + random.Next(400), EventWeights.Default.Names[random.Next(3)], Value: random.Next(0, 9) / 2f));
        }

        InteractionLog log = InteractionLog.Create(interactions, EventWeights.Default);
        var expected = new Dictionary<(string, string), double>();
        foreach (Interaction interaction in interactions)
        {
            double weight = EventWeights.Default.GetWeight(EventWeights.Default.IndexOf(interaction.EventType)) * interaction.Value;
            expected[(interaction.UserId, interaction.ItemId)] = expected.GetValueOrDefault((interaction.UserId, interaction.ItemId)) + weight;
        }

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log);

        Assert.True(expected.Count == matrix.NumberOfEntries, $"seed {seed}: {matrix.NumberOfEntries} entries, expected {expected.Count}");
        for (int user = 0; user < matrix.NumberOfUsers; user++)
        {
            ReadOnlySpan<int> items = matrix.GetItems(user);
            ReadOnlySpan<float> weights = matrix.GetWeights(user);
            for (int k = 0; k < items.Length; k++)
            {
                Assert.True(k == 0 || items[k - 1] < items[k], $"seed {seed}: items of user {user} are not ascending");
                AssertClose(expected[(matrix.Users.GetId(user), matrix.Items.GetId(items[k]))], weights[k]);
            }
        }

        for (int item = 0; item < matrix.NumberOfItems; item++)
        {
            for (int e = matrix.ItemOffsets[item]; e < matrix.ItemOffsets[item + 1]; e++)
            {
                int user = matrix.ItemUsers[e];
                Assert.True(e == matrix.ItemOffsets[item] || matrix.ItemUsers[e - 1] < user, $"seed {seed}: users of item {item} are not ascending");
                Assert.Equal(WeightOf(matrix, matrix.Users.GetId(user), matrix.Items.GetId(item)), matrix.ItemWeights[e]);
            }
        }
    }

    [Fact]
    public void FromLog_with_a_half_life_halves_the_weight_of_an_event_one_half_life_before_AsOf()
    {
        var halfLife = TimeSpan.FromDays(7);
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u1", "now", "purchase", Noon),
            new Interaction("u1", "old", "purchase", Noon - halfLife),
            new Interaction("u1", "older", "purchase", Noon - 3 * halfLife),
            new Interaction("u1", "later", "purchase", Noon.AddDays(1)),
        ], EventWeights.Default);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = halfLife, AsOf = Noon });

        AssertClose(10, WeightOf(matrix, "u1", "now"));
        AssertClose(5, WeightOf(matrix, "u1", "old"));
        AssertClose(1.25, WeightOf(matrix, "u1", "older"));
        AssertClose(10, WeightOf(matrix, "u1", "later")); // after AsOf: counts fully
    }

    [Fact]
    public void FromLog_with_a_half_life_measures_ages_from_the_latest_event_by_default()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u1", "i1", "view", Noon.AddHours(-1)),
            new Interaction("u2", "i1", "view", Noon),
        ], EventWeights.Default);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = TimeSpan.FromHours(1) });

        AssertClose(0.5, WeightOf(matrix, "u1", "i1"));
        AssertClose(1, WeightOf(matrix, "u2", "i1"));
    }

    [Fact]
    public void FromLog_with_a_half_life_decays_each_event_before_summing()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u1", "i1", "purchase", Noon - TimeSpan.FromDays(2)),
            new Interaction("u1", "i1", "view", Noon),
        ], EventWeights.Default);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = TimeSpan.FromDays(1), AsOf = Noon });

        AssertClose(10 * 0.25 + 1, WeightOf(matrix, "u1", "i1"));
    }

    [Fact]
    public void FromLog_without_a_half_life_ignores_timestamps()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u1", "i1", "cart", Noon.AddYears(-5))], EventWeights.Default);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log, new FeedbackOptions { AsOf = Noon });

        Assert.Equal(4f, WeightOf(matrix, "u1", "i1"));
    }

    [Fact]
    public void FromLog_with_a_half_life_but_no_timestamps_throws_ArgumentException()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u1", "i1")]);

        var exception = Assert.Throws<ArgumentException>(() => FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = TimeSpan.FromDays(30) }));

        Assert.Equal("options", exception.ParamName);
        Assert.StartsWith("A half-life is set but the log has no timestamps; read it with a time column or remove the half-life.", exception.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void FromLog_with_a_half_life_that_is_not_positive_throws_ArgumentException(int seconds)
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u1", "i1", Timestamp: Noon)]);

        var exception = Assert.Throws<ArgumentException>(() => FeedbackMatrix.FromLog(log, new FeedbackOptions { HalfLife = TimeSpan.FromSeconds(seconds) }));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains("it must be positive", exception.Message);
    }

    [Fact]
    public void FromLog_keeps_the_logs_own_id_maps_when_every_id_has_rows()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("u1", "i1"), new Interaction("u2", "i2")]);

        FeedbackMatrix matrix = FeedbackMatrix.FromLog(log);

        Assert.Same(log.Users, matrix.Users);
        Assert.Same(log.Items, matrix.Items);
    }

    [Fact]
    public void FromLog_of_a_split_log_drops_absent_users_and_items_and_keeps_the_order_of_the_rest()
    {
        InteractionLog log = InteractionLog.Create(
        [
            new Interaction("u1", "i1", Timestamp: Noon.AddDays(-2)),
            new Interaction("u2", "i2", Timestamp: Noon.AddDays(1)),
            new Interaction("u3", "i3", Timestamp: Noon.AddDays(-1)),
            new Interaction("u4", "i4", Timestamp: Noon.AddDays(2)),
            new Interaction("u5", "i2", Timestamp: Noon.AddDays(-3)),
            new Interaction("u3", "i5", Timestamp: Noon.AddDays(-3)),
        ]);
        (InteractionLog before, InteractionLog after) = log.SplitByTime(Noon);

        FeedbackMatrix early = FeedbackMatrix.FromLog(before);
        FeedbackMatrix late = FeedbackMatrix.FromLog(after);

        Assert.Equal(["u1", "u3", "u5"], early.Users.Ids);
        Assert.Equal(["i1", "i2", "i3", "i5"], early.Items.Ids);
        Assert.Equal(["u2", "u4"], late.Users.Ids);
        Assert.Equal(["i2", "i4"], late.Items.Ids);
        Assert.Equal(1f, WeightOf(early, "u5", "i2"));
        Assert.Equal([early.Items.GetIndex("i3"), early.Items.GetIndex("i5")], early.GetItems(early.Users.GetIndex("u3")).ToArray());
        Assert.Equal(2, early.GetUserCount(early.Items.GetIndex("i2")) + late.GetUserCount(late.Items.GetIndex("i2")));
        Assert.Equal((4, 2), (early.NumberOfEntries, late.NumberOfEntries));
    }

    [Fact]
    public void FromLog_of_an_empty_log_is_an_empty_matrix()
    {
        FeedbackMatrix matrix = FeedbackMatrix.FromLog(InteractionLog.Create([]));

        Assert.Equal((0, 0, 0), (matrix.NumberOfUsers, matrix.NumberOfItems, matrix.NumberOfEntries));
    }

    [Fact]
    public void FromLog_of_a_null_log_throws_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => FeedbackMatrix.FromLog(null!));
    }

    [Fact]
    public void FeedbackOptions_have_no_decay_by_default()
    {
        var options = new FeedbackOptions();

        Assert.Null(options.HalfLife);
        Assert.Null(options.AsOf);
    }
}
