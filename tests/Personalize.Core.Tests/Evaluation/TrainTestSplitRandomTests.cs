using Personalize.Core.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

/// <summary><see cref="TrainTestSplit.Random"/>.</summary>
public sealed class TrainTestSplitRandomTests
{
    [Fact]
    public void Random_puts_every_row_in_exactly_one_part()
    {
        InteractionLog log = SplitLogs.Numbered(101);

        LogSplit split = TrainTestSplit.Random(log, 0.3, seed: 1);

        SplitLogs.AssertPartition(log, split.Train, split.Test);
    }

    [Theory]
    [InlineData(10, 0.25, 3)]    // 2.5 rounds up
    [InlineData(10, 0.24, 2)]    // 2.4
    [InlineData(101, 0.3, 30)]   // 30.3
    [InlineData(3, 0.5, 2)]      // 1.5 rounds up
    [InlineData(7, 0.01, 0)]     // 0.07
    [InlineData(50, 0.29, 15)]   // 14.5 rounds up (in double 0.29 × 50 is 14.499999999999998, which gave 14)
    [InlineData(90, 0.35, 32)]   // 31.5 rounds up (31.499999999999996 in double)
    public void Random_holds_out_the_rounded_share_of_rows(int rows, double fraction, int expectedTest)
    {
        InteractionLog log = SplitLogs.Numbered(rows);

        LogSplit split = TrainTestSplit.Random(log, fraction, seed: 2);

        Assert.Equal((rows - expectedTest, expectedTest), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public void Random_gives_the_same_split_for_the_same_seed_and_another_for_another_seed()
    {
        InteractionLog log = SplitLogs.Numbered(200);

        LogSplit first = TrainTestSplit.Random(log, 0.5, seed: 3);
        LogSplit again = TrainTestSplit.Random(log, 0.5, seed: 3);
        LogSplit other = TrainTestSplit.Random(log, 0.5, seed: 4);

        Assert.Equal(SplitLogs.RowNumbers(first.Test), SplitLogs.RowNumbers(again.Test));
        Assert.Equal(SplitLogs.RowNumbers(first.Train), SplitLogs.RowNumbers(again.Train));
        Assert.NotEqual(SplitLogs.RowNumbers(first.Test), SplitLogs.RowNumbers(other.Test));
    }

    [Fact]
    public void Random_draws_rows_from_the_whole_log()
    {
        InteractionLog log = SplitLogs.Numbered(1000);

        LogSplit split = TrainTestSplit.Random(log, 0.5, seed: 5);

        // Not a prefix or a suffix: each half of the log gives the test part between 200 and 300 of its 500 rows.
        int[] test = SplitLogs.RowNumbers(split.Test);
        int firstHalf = test.Count(r => r < 500);
        Assert.InRange(firstHalf, 200, 300);
        Assert.InRange(test.Length - firstHalf, 200, 300);
    }
}
