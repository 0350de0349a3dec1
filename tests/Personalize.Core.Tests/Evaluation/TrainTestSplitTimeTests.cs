using Personalize.Core.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

/// <summary><see cref="TrainTestSplit.ByTime"/> and <see cref="TrainTestSplit.LeaveLastPerUser"/>.</summary>
public sealed class TrainTestSplitTimeTests
{
    [Fact]
    public void ByTime_trains_on_rows_before_the_cutoff_and_tests_on_rows_at_or_after_it()
    {
        InteractionLog log = SplitLogs.Timed(("a", 99), ("b", 100), ("a", 101), ("c", 0), ("b", 200));

        LogSplit split = TrainTestSplit.ByTime(log, SplitLogs.Start.AddSeconds(100));

        // 99 s and 0 s are before the cutoff; 100 s (exactly at it), 101 s and 200 s are not.
        Assert.Equal([0, 3], SplitLogs.RowNumbers(split.Train));
        Assert.Equal([1, 2, 4], SplitLogs.RowNumbers(split.Test));
        SplitLogs.AssertPartition(log, split.Train, split.Test);
    }

    [Fact]
    public void ByTime_sends_a_row_in_the_same_second_as_the_cutoff_to_test()
    {
        InteractionLog log = SplitLogs.Timed(("a", 9), ("a", 10), ("a", 11));

        LogSplit split = TrainTestSplit.ByTime(log, SplitLogs.Start.AddSeconds(10.5));

        // Timestamps are whole seconds and the cutoff 10.5 s is rounded down to 10 s: the row at 10 s goes to test.
        Assert.Equal([0], SplitLogs.RowNumbers(split.Train));
        Assert.Equal([1, 2], SplitLogs.RowNumbers(split.Test));
    }

    [Fact]
    public void ByTime_before_or_after_every_row_leaves_one_part_empty()
    {
        InteractionLog log = SplitLogs.Numbered(20);

        LogSplit early = TrainTestSplit.ByTime(log, SplitLogs.Start);
        LogSplit late = TrainTestSplit.ByTime(log, SplitLogs.Start.AddHours(19).AddSeconds(1));

        Assert.Equal((0, 20), (early.Train.Count, early.Test.Count));
        Assert.Equal((20, 0), (late.Train.Count, late.Test.Count));
    }

    [Fact]
    public void LeaveLastPerUser_holds_out_each_users_latest_rows()
    {
        InteractionLog log = SplitLogs.Timed(
            ("a", 5), ("a", 1), ("b", 50), ("a", 9), ("a", 3), ("b", 40), ("a", 7), ("b", 60), ("c", 8), ("c", 2), ("d", 1));

        LogSplit split = TrainTestSplit.LeaveLastPerUser(log, 2);

        // a (5 rows): latest are 9 s (row 3) and 7 s (row 6). b (3 rows): 60 s (row 7) and 50 s (row 2).
        // c has 2 rows and d 1, not more than n = 2: they stay in training.
        Assert.Equal([2, 3, 6, 7], SplitLogs.RowNumbers(split.Test));
        SplitLogs.AssertPartition(log, split.Train, split.Test);
    }

    [Fact]
    public void LeaveLastPerUser_breaks_timestamp_ties_by_row_order()
    {
        InteractionLog log = SplitLogs.Timed(("a", 4), ("a", 4), ("a", 2), ("b", 6), ("b", 6), ("b", 6));

        LogSplit one = TrainTestSplit.LeaveLastPerUser(log, 1);
        LogSplit two = TrainTestSplit.LeaveLastPerUser(log, 2);

        // a: rows 0 and 1 tie at 4 s; row 1 is later in the log, so it is the latest. b: rows 3, 4, 5 tie; 5, then 4.
        Assert.Equal([1, 5], SplitLogs.RowNumbers(one.Test));
        Assert.Equal([0, 1, 4, 5], SplitLogs.RowNumbers(two.Test));
    }

    [Fact]
    public void Time_splits_of_a_log_without_timestamps_say_why_they_cannot_run()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("a", "i0"), new Interaction("a", "i1"), new Interaction("b", "i0")]);

        var byTime = Assert.Throws<InvalidOperationException>(() => TrainTestSplit.ByTime(log, SplitLogs.Start));
        var leaveLast = Assert.Throws<InvalidOperationException>(() => TrainTestSplit.LeaveLastPerUser(log, 1));

        Assert.Contains("no timestamps", byTime.Message);
        Assert.Equal("The log has no timestamps, so each user's latest rows are unknown; read it with a time column, or use PerUser for a random share of each user's rows.",
            leaveLast.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void LeaveLastPerUser_rejects_n_below_1(int n)
    {
        InteractionLog log = SplitLogs.Numbered(5);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.LeaveLastPerUser(log, n));

        Assert.Equal("n", e.ParamName);
        Assert.StartsWith($"The number of rows to leave out per user is {n}; it must be 1 or more.", e.Message);
    }
}
