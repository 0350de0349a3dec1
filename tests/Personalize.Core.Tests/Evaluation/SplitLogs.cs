using Personalize.Core.Data;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Logs for split tests, each row numbered by its <see cref="Interaction.Value"/> so a part's rows can be traced to the source.</summary>
internal static class SplitLogs
{
    public static readonly DateTimeOffset Start = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="rows"/> rows over <paramref name="users"/> users and 7 items, row r one hour after row r - 1, rated r % 5 + 1.</summary>
    public static InteractionLog Numbered(int rows, int users = 9) => InteractionLog.Create(
        Enumerable.Range(0, rows).Select(r => new Interaction($"u{r % users}", $"i{r * 3 % 7}", Timestamp: Start.AddHours(r), Value: r,
            Rating: r % 5 + 1)));

    /// <summary>A log of the given users' rows, in order, numbered by value; each row is timed <c>Start + seconds</c>.</summary>
    public static InteractionLog Timed(params (string User, int Seconds)[] rows) => InteractionLog.Create(
        rows.Select((row, r) => new Interaction(row.User, $"i{r}", Timestamp: Start.AddSeconds(row.Seconds), Value: r)));

    /// <summary>The source row numbers of a part, in its order.</summary>
    public static int[] RowNumbers(InteractionLog part) => [.. part.Values.ToArray().Select(v => (int)v)];

    /// <summary>Asserts that both parts share the source maps, keep source order and every column, and hold each row exactly once.</summary>
    public static void AssertPartition(InteractionLog source, InteractionLog train, InteractionLog test)
    {
        Assert.Same(source.Users, train.Users);
        Assert.Same(source.Items, test.Items);
        Assert.Same(source.Users, test.Users);
        Assert.Same(source.Items, train.Items);
        int[] trainRows = RowNumbers(train), testRows = RowNumbers(test);
        Assert.Equal(Enumerable.Range(0, source.Count), trainRows.Concat(testRows).Order());
        Assert.Equal(trainRows.Order(), trainRows);
        Assert.Equal(testRows.Order(), testRows);
        foreach (InteractionLog part in new[] { train, test })
        {
            int[] rows = RowNumbers(part);
            for (int k = 0; k < rows.Length; k++)
            {
                Assert.Equal(source.UserIndices[rows[k]], part.UserIndices[k]);
                Assert.Equal(source.ItemIndices[rows[k]], part.ItemIndices[k]);
                Assert.Equal(source.Timestamps[rows[k]], part.Timestamps[k]);
                if (source.HasRatings)
                {
                    Assert.Equal(source.Ratings[rows[k]], part.Ratings[k]);
                }
            }
        }
    }

    /// <summary>How many rows each user id has in a part.</summary>
    public static Dictionary<string, int> RowsPerUser(InteractionLog part)
    {
        var counts = new Dictionary<string, int>();
        foreach (int user in part.UserIndices)
        {
            string id = part.Users.GetId(user);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        return counts;
    }
}
