using Microsoft.ML;
using Personalize.Core.Data;
using Personalize.ML.Tests.ML;

namespace Personalize.ML.Tests.Data;

public sealed class DataViewInteractionReaderKeyValueTests
{
    [Fact]
    public void Key_columns_are_read_as_their_key_values_and_ratings_are_read_from_the_rating_column()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Data.LoadFromEnumerable(new[]
        {
            new MLTestData.RatingRow { UserId = "alice", ItemId = "x", Label = 4 },
            new MLTestData.RatingRow { UserId = "bob", ItemId = "y", Label = 2.5f },
        });
        IDataView keyed = MLTestData.KeyIds(ml).Fit(raw).Transform(raw);

        InteractionLog log = new DataViewInteractionReader(new DataViewInteractionReaderOptions
        {
            UserColumnName = "user_key", ItemColumnName = "item_key", RatingColumnName = "Label",
        }).Read(keyed);

        Assert.Equal(["alice", "bob"], log.Users.Ids);
        Assert.Equal(["x", "y"], log.Items.Ids);
        Assert.True(log.HasRatings);
        Assert.Equal([4f, 2.5f], log.Ratings.ToArray());
    }

    [Fact]
    public void A_rating_that_is_not_a_number_rejects_the_row_and_is_counted()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Data.LoadFromEnumerable(new[]
        {
            new MLTestData.RatingRow { UserId = "alice", ItemId = "x", Label = float.NaN },
            new MLTestData.RatingRow { UserId = "bob", ItemId = "y", Label = 3 },
        });

        InteractionLog log = new DataViewInteractionReader(new DataViewInteractionReaderOptions
        {
            UserColumnName = "UserId", ItemColumnName = "ItemId", RatingColumnName = "Label", BadRows = BadRowPolicy.SkipAndReport,
        }).Read(raw);

        Assert.Equal((2L, 1L, 1L), (log.Report.Read, log.Report.Accepted, log.Report.Rejected));
        Assert.Contains("is not a rating", log.Report.RejectedRows[0].Reason);
    }

    private sealed class ShortRow
    {
        public short User { get; set; }

        public float Item { get; set; }
    }

    private sealed class BoolRow
    {
        public string User { get; set; } = "";

        public bool Item { get; set; }
    }

    private static InteractionLog ReadKeyed<T>(MLContext ml, IEnumerable<T> rows, string user, string item)
        where T : class
    {
        IDataView raw = ml.Data.LoadFromEnumerable(rows);
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("user_key", user).Append(ml.Transforms.Conversion.MapValueToKey("item_key", item))
            .Fit(raw).Transform(raw);
        return new DataViewInteractionReader(new DataViewInteractionReaderOptions { UserColumnName = "user_key", ItemColumnName = "item_key" }).Read(keyed);
    }

    [Fact]
    public void Key_values_of_every_numeric_type_are_the_ids_as_written_whole_floats_without_an_exponent()
    {
        var ml = new MLContext(seed: 1);

        InteractionLog log = ReadKeyed(ml, [new ShortRow { User = 30, Item = 1e9f }, new ShortRow { User = 10, Item = 2.5f }], "User", "Item");

        // Int16 keys were read as the key numbers (1, 2), so another view's keys scored the wrong pair; 1e9f was "1E+09".
        Assert.Equal(["30", "10"], log.Users.Ids);
        Assert.Equal(["1000000000", "2.5"], log.Items.Ids);
    }

    [Fact]
    public void Key_values_of_booleans_are_named_as_such()
    {
        var ml = new MLContext(seed: 1);

        InteractionLog log = ReadKeyed(ml, [new BoolRow { User = "a", Item = true }, new BoolRow { User = "b", Item = false }], "User", "Item");

        Assert.Equal(["true", "false"], log.Items.Ids);
    }
}
