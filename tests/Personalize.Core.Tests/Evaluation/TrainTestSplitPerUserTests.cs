using Personalize.Core.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

/// <summary><see cref="TrainTestSplit.PerUser"/>.</summary>
public sealed class TrainTestSplitPerUserTests
{
    /// <summary>a has 10 rows, b 2, c 1, d 5, e 4; the users' rows are interleaved.</summary>
    private static InteractionLog FiveUsers()
    {
        var users = new List<string>();
        foreach ((string user, int count) in new[] { ("a", 10), ("b", 2), ("c", 1), ("d", 5), ("e", 4) })
        {
            users.AddRange(Enumerable.Repeat(user, count));
        }

        string[] shuffled = [.. users.Select((u, i) => (u, key: i * 7 % users.Count)).OrderBy(p => p.key).Select(p => p.u)];
        return InteractionLog.Create(shuffled.Select((u, r) => new Interaction(u, $"i{r % 6}", Value: r)));
    }

    public static TheoryData<double, int[]> Shares => new()
    {
        // test rows of a, b, c, d, e = min(round(fraction × n), n - 1)
        { 0.3, [3, 1, 0, 2, 1] },   // a 3; b 0.6 → 1; c 0.3 → 0; d 1.5 → 2; e 1.2 → 1
        { 0.5, [5, 1, 0, 3, 2] },   // a 5; b 1; c 0.5 → 1 but n - 1 = 0; d 2.5 → 3; e 2
        { 0.9, [9, 1, 0, 4, 3] },   // a 9; b 1.8 → 2 → 1; c 0; d 4.5 → 5 → 4; e 3.6 → 4 → 3
        { 0.04, [0, 0, 0, 0, 0] },  // a 0.4 → 0
    };

    [Theory, MemberData(nameof(Shares))]
    public void PerUser_holds_out_the_rounded_share_of_each_user_and_keeps_one_training_row(double fraction, int[] expectedTest)
    {
        InteractionLog log = FiveUsers();

        LogSplit split = TrainTestSplit.PerUser(log, fraction, seed: 11);

        Dictionary<string, int> test = SplitLogs.RowsPerUser(split.Test), train = SplitLogs.RowsPerUser(split.Train);
        string[] users = ["a", "b", "c", "d", "e"];
        int[] totals = [10, 2, 1, 5, 4];
        Assert.Equal(expectedTest, users.Select(u => test.GetValueOrDefault(u)));
        Assert.Equal(totals.Zip(expectedTest, (n, t) => n - t), users.Select(u => train.GetValueOrDefault(u)));
        SplitLogs.AssertPartition(log, split.Train, split.Test);
    }

    [Fact]
    public void PerUser_gives_the_same_split_for_the_same_seed_and_another_for_another_seed()
    {
        InteractionLog log = SplitLogs.Numbered(300, users: 5);

        LogSplit first = TrainTestSplit.PerUser(log, 0.5, seed: 12);
        LogSplit again = TrainTestSplit.PerUser(log, 0.5, seed: 12);
        LogSplit other = TrainTestSplit.PerUser(log, 0.5, seed: 13);

        Assert.Equal(SplitLogs.RowNumbers(first.Test), SplitLogs.RowNumbers(again.Test));
        Assert.Equal(SplitLogs.RowNumbers(first.Train), SplitLogs.RowNumbers(again.Train));
        Assert.NotEqual(SplitLogs.RowNumbers(first.Test), SplitLogs.RowNumbers(other.Test));
        SplitLogs.AssertPartition(log, first.Train, first.Test);
    }

    [Fact]
    public void PerUser_draws_from_all_of_a_users_rows()
    {
        InteractionLog log = SplitLogs.Numbered(600, users: 1);

        LogSplit split = TrainTestSplit.PerUser(log, 0.5, seed: 14);

        // 300 test rows drawn from 600: not the first or last ones, so each half of the log holds 100 to 200 of them.
        int[] test = SplitLogs.RowNumbers(split.Test);
        Assert.Equal(300, test.Length);
        Assert.InRange(test.Count(r => r < 300), 100, 200);
    }
}
