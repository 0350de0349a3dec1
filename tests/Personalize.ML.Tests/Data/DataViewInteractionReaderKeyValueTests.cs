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
}
