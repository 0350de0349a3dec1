using Personalize.Core.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

/// <summary><see cref="TrainTestSplit.KFold"/>.</summary>
public sealed class TrainTestSplitKFoldTests
{
    [Theory]
    [InlineData(23, 5)]
    [InlineData(10, 10)]
    [InlineData(2, 2)]
    public void KFold_puts_every_row_in_exactly_one_test_fold_and_trains_on_the_rest(int rows, int folds)
    {
        InteractionLog log = SplitLogs.Numbered(rows);

        IReadOnlyList<LogSplit> splits = TrainTestSplit.KFold(log, folds, seed: 21);

        Assert.Equal(folds, splits.Count);
        foreach (LogSplit split in splits)
        {
            SplitLogs.AssertPartition(log, split.Train, split.Test);
        }

        Assert.Equal(Enumerable.Range(0, rows), splits.SelectMany(s => SplitLogs.RowNumbers(s.Test)).Order());
        int smallest = rows / folds;   // 23 rows in 5 folds: three of 5 rows and two of 4
        Assert.All(splits, s => Assert.InRange(s.Test.Count, smallest, smallest + 1));
        Assert.Equal(rows % folds, splits.Count(s => s.Test.Count == smallest + 1));
    }

    [Fact]
    public void KFold_gives_the_same_folds_for_the_same_seed_and_others_for_another_seed()
    {
        InteractionLog log = SplitLogs.Numbered(60);

        int[][] first = Folds(TrainTestSplit.KFold(log, 3, seed: 22));
        int[][] again = Folds(TrainTestSplit.KFold(log, 3, seed: 22));
        int[][] other = Folds(TrainTestSplit.KFold(log, 3, seed: 23));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void KFold_draws_folds_at_random_rather_than_in_blocks()
    {
        InteractionLog log = SplitLogs.Numbered(300);

        int[] fold = SplitLogs.RowNumbers(TrainTestSplit.KFold(log, 2, seed: 24)[0].Test);

        // 150 rows of 300: a block would put all of them in one half of the log.
        Assert.Equal(150, fold.Length);
        Assert.InRange(fold.Count(r => r < 150), 50, 100);
    }

    [Theory]
    [InlineData(1, "The number of folds is 1; it must be between 2 and 23 (the number of rows), so that every fold has a row.")]
    [InlineData(24, "The number of folds is 24; it must be between 2 and 23 (the number of rows), so that every fold has a row.")]
    public void KFold_rejects_a_number_of_folds_outside_2_to_the_number_of_rows(int folds, string message)
    {
        InteractionLog log = SplitLogs.Numbered(23);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.KFold(log, folds, seed: 1));

        Assert.Equal("folds", e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void KFold_of_a_log_with_one_row_says_it_needs_one_row_per_fold()
    {
        InteractionLog log = SplitLogs.Numbered(1);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.KFold(log, 2, seed: 1));

        Assert.StartsWith("The number of folds is 2, but the log has 1 rows; k-fold needs at least 2 folds and one row per fold.", e.Message);
    }

    private static int[][] Folds(IReadOnlyList<LogSplit> splits) => [.. splits.Select(s => SplitLogs.RowNumbers(s.Test))];
}
