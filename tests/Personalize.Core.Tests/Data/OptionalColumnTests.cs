using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

public sealed class OptionalColumnTests
{
    [Fact]
    public void Quantity_and_rating_columns_are_found_by_their_conventional_names_and_kept()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("log.csv", "user_id,item_id,quantity,rating\nu1,i1,3,4.5\nu2,i1,1,2\n");

        InteractionLog log = InteractionLog.ReadCsv(path);

        Assert.True(log.HasQuantities);
        Assert.True(log.HasRatings);
        Assert.Equal([3f, 1f], log.Quantities.ToArray());
        Assert.Equal([4.5f, 2f], log.Ratings.ToArray());
        Assert.Equal(1f, log.GetWeight(0));
    }

    [Fact]
    public void A_log_without_those_columns_has_none()
    {
        using var temp = new TempDirectory();
        InteractionLog log = InteractionLog.ReadCsv(temp.Write("log.csv", "user_id,item_id\nu1,i1\n"));

        Assert.False(log.HasQuantities);
        Assert.False(log.HasRatings);
        Assert.True(log.Quantities.IsEmpty);
    }

    [Fact]
    public void Rows_with_a_negative_quantity_are_returns_left_out_counted_and_named_by_their_first_line()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("log.csv", "user_id,item_id,quantity\nu0,i0,2\nu0,i0,-2\nu1,i1,1\nu1,i2,-1.5\nu2,i2,0\n");

        InteractionLog log = InteractionLog.ReadCsv(path);

        Assert.Equal([2f, 1f, 0f], log.Quantities.ToArray());
        Assert.Equal(["u0", "u1", "u2"], Enumerable.Range(0, log.Count).Select(r => log.Users.GetId(log.UserIndices[r])));
        Assert.Equal((3L, 0L, 2L, 5L), (log.Report.Accepted, log.Report.Rejected, log.Report.Returns, log.Report.Read));
        Assert.Equal("2 rows with a negative quantity (returns or cancellations, the first on line 3) were left out: they are not interactions.",
            Assert.Single(log.Report.Notes));
    }

    [Theory]
    [InlineData("u1,i1,two,4\n", 3, "quantity", "'two' is not a quantity")]
    [InlineData("u1,i1,NaN,4\n", 3, "quantity", "'NaN' is not a quantity")]
    [InlineData("u1,i1,1,five\n", 4, "rating", "'five' is not a rating")]
    public void Bad_quantities_and_ratings_are_rejected_with_their_column(string row, int column, string name, string reason)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("log.csv", "user_id,item_id,quantity,rating\nu0,i0,1,3\n" + row);

        var exception = Assert.Throws<InteractionDataException>(() => InteractionLog.ReadCsv(path));

        Assert.Equal((3L, column, name), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Contains(reason, exception.Message);
    }

    [Fact]
    public void Headerless_files_take_the_rating_by_position_and_splits_keep_it()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("ratings.dat", "1::10::5::978300760\n2::10::3::978300761\n");

        InteractionLog log = InteractionLog.ReadCsv(path, new CsvInteractionReaderOptions
        {
            HasHeader = false, Delimiter = "::", RatingColumn = "3", TimeColumn = "4",
        });
        (InteractionLog before, InteractionLog after) = log.SplitByTime(DateTimeOffset.FromUnixTimeSeconds(978300761));

        Assert.Equal([5f, 3f], log.Ratings.ToArray());
        Assert.Equal([5f], before.Ratings.ToArray());
        Assert.Equal([3f], after.Ratings.ToArray());
    }
}
