using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>Public data sets read as a newcomer first reads them: what was left unread, or read as two ids, is said.</summary>
public sealed class PublicDatasetShapeTests
{
    private static InteractionLog Read(string content, CsvInteractionReaderOptions? options = null)
    {
        using var temp = new TempDirectory();
        return InteractionLog.ReadCsv(temp.Write("log.csv", content), options);
    }

    [Theory]
    [InlineData("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", "4 of its fields are numbers")]                    // MovieLens 100k u.data
    [InlineData("A2IBPI20UZIR0U,B000000003,5.0,1444884746\nA14VAT5EAX3D9S,B000000003,4.0,1444884747\n", "2 of its fields are numbers")]   // Amazon ratings
    public void A_first_line_of_data_read_as_a_header_names_no_header_in_the_error(string content, string numbers)
    {
        InteractionDataException exception = Assert.Throws<InteractionDataException>(() => Read(content));

        Assert.Contains($"The first line looks like data, not a header ({numbers}): if the file has no header line, read it with --no-header (HasHeader false)",
            exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_of_names_gets_no_data_hint()
    {
        InteractionDataException exception = Assert.Throws<InteractionDataException>(() => Read("customer,product\nc1,p1\n"));

        Assert.DoesNotContain("looks like data", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_a_file_without_a_header_has_but_no_option_reads_are_named_with_the_options_that_would()
    {
        InteractionLog log = Read("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", new CsvInteractionReaderOptions { HasHeader = false });
        InteractionLog ratings = Read("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", new CsvInteractionReaderOptions { HasHeader = false, RatingColumn = "3" });
        InteractionLog all = Read("196\t242\t3\t881250949\n", new CsvInteractionReaderOptions { HasHeader = false, RatingColumn = "3", TimeColumn = "4" });

        Assert.False(log.HasRatings || log.HasTimestamps);
        Assert.Equal("the rows have 4 fields and fields 3, 4 are not read: a file without a header is read by position, the user from field 1 and the "
            + "item from field 2; name the others by position, such as --rating-col 3 and --time-col 4 for user, item, rating, time (RatingColumn, "
            + "TimeColumn; also --weight-col, --event-col).", Assert.Single(log.Report.Notes));
        Assert.StartsWith("the rows have 4 fields and field 4 is not read:", Assert.Single(ratings.Report.Notes), StringComparison.Ordinal);
        Assert.Empty(all.Report.Notes);
    }

    [Fact]
    public void A_count_column_that_is_not_read_as_the_weight_is_named()
    {
        // Last.fm's user_artists.dat: the play counts were left out and nothing said so.
        const string Content = "userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n";
        var options = new CsvInteractionReaderOptions { UserColumn = "userID", ItemColumn = "artistID" };

        InteractionLog unweighted = Read(Content, options);
        InteractionLog weighted = Read(Content, options with { WeightColumn = "weight" });
        InteractionLog rated = Read("user_id,item_id,rating,count\nu1,i1,4,2\n");

        Assert.Equal("'weight' is not read, so every row weighs the same; if it holds counts (plays, clicks, units), give --weight-col weight "
            + "(WeightColumn): each row then weighs by its count, heavy-tailed counts on a log scale.", Assert.Single(unweighted.Report.Notes));
        Assert.Empty(weighted.Report.Notes);
        Assert.Empty(rated.Report.Notes);   // a rating column is the log's value; its own note belongs to the trainer that ignores it
    }

    [Fact]
    public void Ids_that_differ_only_by_a_trailing_decimal_zero_are_noted_and_kept_apart()
    {
        // UCI Online Retail's CustomerID, written 17850 on some rows and 17850.0 on others.
        InteractionLog log = Read("user_id,item_id\n17850,85123A\n17850.0,71053\n13047,85123A\n13047.0,22752\n12583.0,22752\nx.0,1\n1,1.0\n");

        Assert.Equal(7, log.Users.Count);   // kept apart: the note says so, and which
        Assert.Equal(
            [
                "2 user ids differ from another only by a trailing '.0' (such as '17850' and '17850.0'), so they are different users here; if they are "
                    + "the same (a spreadsheet wrote a number column as decimals on some rows), write the ids alike.",
                "1 item id differs from another only by a trailing '.0' (such as '1' and '1.0'), so they are different items here; if they are the same "
                    + "(a spreadsheet wrote a number column as decimals on some rows), write the ids alike.",
            ],
            log.Report.Notes);
    }

    [Fact]
    public void Ids_with_white_space_around_them_are_trimmed_and_noted_with_the_first_line()
    {
        InteractionLog log = Read("user_id,item_id\nu1,i1\n 17199 ,i2\nu2,\" i3\"\n17199,i3\n");
        InteractionLog plain = Read("user_id,item_id\nu1,i1\n17199,i2\n");

        Assert.Equal(["u1", "17199", "u2"], log.Users.Ids);   // ' 17199 ' and 17199 are one user
        Assert.Equal("2 ids had spaces or tabs around them, which were trimmed (the first on line 3): the model and its output name them "
            + "without, so compare them trimmed.", Assert.Single(log.Report.Notes));
        Assert.Empty(plain.Report.Notes);
    }
}
