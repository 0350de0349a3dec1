using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

public sealed class RatingMatrixTests
{
    private const string Duplicates = "user_id,item_id,rating\nu1,i1,4\nu1,i2,2\nu1,i1,5\nu2,i1,3\nu1,i1,3\n";

    [Fact]
    public void Reject_is_the_default_and_names_the_line_of_the_duplicate_and_of_the_first_rating()
    {
        using var temp = new TempDirectory();
        InteractionLog log = InteractionLog.ReadCsv(temp.Write("r.csv", Duplicates));

        var exception = Assert.Throws<InteractionDataException>(() => RatingMatrix.FromLog(log));

        Assert.Equal(4, exception.LineNumber);
        Assert.Equal("r.csv:4: user 'u1' rated item 'i1' again (first on line 2); choose the duplicate policy average or sum to combine repeated ratings (--duplicates, Duplicates).",
            exception.Message);
    }

    [Fact]
    public void Sum_stops_where_repeated_ratings_add_up_past_single_precision()
    {
        using var temp = new TempDirectory();
        InteractionLog log = InteractionLog.ReadCsv(temp.Write("r.csv", "user_id,item_id,rating\nu1,i1,3e38\nu1,i2,1\nu1,i1,3e38\n"));

        var exception = Assert.Throws<InteractionDataException>(() => RatingMatrix.FromLog(log, new RatingMatrixOptions { Duplicates = DuplicateRatingPolicy.Sum }));

        Assert.Equal(4L, exception.LineNumber);
        Assert.StartsWith("r.csv:4: the ratings of user 'u1' for item 'i1' add up to 6E+38", exception.Message);
        Assert.Contains(3e38f, RatingMatrix.FromLog(log, new RatingMatrixOptions { Duplicates = DuplicateRatingPolicy.Average }).Ratings.ToArray());
    }

    [Fact]
    public void Reject_with_skip_keeps_the_first_rating_and_reports_every_other()
    {
        using var temp = new TempDirectory();
        InteractionLog log = InteractionLog.ReadCsv(temp.Write("r.csv", Duplicates));

        RatingMatrix matrix = RatingMatrix.FromLog(log, new RatingMatrixOptions { BadRows = BadRowPolicy.SkipAndReport });

        Assert.Equal(3, matrix.Count);
        Assert.Equal((5L, 3L, 2L), (matrix.Report.Read, matrix.Report.Accepted, matrix.Report.Rejected));
        Assert.Equal([4L, 6L], matrix.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal(4f, Rating(matrix, "u1", "i1"));
    }

    [Theory]
    [InlineData(DuplicateRatingPolicy.Average, 4f)]
    [InlineData(DuplicateRatingPolicy.Sum, 12f)]
    public void Average_and_sum_combine_repeated_ratings(DuplicateRatingPolicy policy, float expected)
    {
        using var temp = new TempDirectory();
        InteractionLog log = InteractionLog.ReadCsv(temp.Write("r.csv", Duplicates));

        RatingMatrix matrix = RatingMatrix.FromLog(log, new RatingMatrixOptions { Duplicates = policy });

        Assert.Equal(expected, Rating(matrix, "u1", "i1"));
        Assert.Equal(2f, Rating(matrix, "u1", "i2"));
        Assert.Equal(0, matrix.Report.Rejected);
        Assert.Equal((2f, expected), (matrix.MinRating, matrix.MaxRating));
    }

    [Fact]
    public void A_log_without_ratings_is_refused_with_a_hint()
    {
        var log = InteractionLog.Create([new Interaction("u", "i")]);

        var exception = Assert.Throws<ArgumentException>(() => RatingMatrix.FromLog(log));

        Assert.Contains("--rating-col", exception.Message);
    }

    [Fact]
    public void The_reader_rejects_ratings_outside_the_allowed_range_with_line_and_column()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("r.csv", "user_id,item_id,rating\nu1,i1,4\nu1,i2,6\n");

        var exception = Assert.Throws<InteractionDataException>(() =>
            InteractionLog.ReadCsv(path, new CsvInteractionReaderOptions { MinRating = 1, MaxRating = 5 }));

        Assert.Equal((3L, 3, "rating"), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Contains("the rating 6 is outside the allowed range 1 to 5", exception.Message);
    }

    private static float Rating(RatingMatrix matrix, string user, string item)
    {
        int u = matrix.Users.GetIndex(user), i = matrix.Items.GetIndex(item);
        for (int e = 0; e < matrix.Count; e++)
        {
            if (matrix.UserIndices[e] == u && matrix.ItemIndices[e] == i)
            {
                return matrix.Ratings[e];
            }
        }

        throw new KeyNotFoundException($"{user}/{item}");
    }
}
