using Personalize.Core.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Argument checks of the fraction-based <see cref="TrainTestSplit"/> methods.</summary>
public sealed class TrainTestSplitValidationTests
{
    public static TheoryData<double> BadFractions => new() { 0, 1, -0.1, 1.5, double.NaN, double.PositiveInfinity };

    [Theory, MemberData(nameof(BadFractions))]
    public void Random_and_PerUser_reject_a_fraction_outside_0_to_1_and_name_the_valid_range(double fraction)
    {
        InteractionLog log = SplitLogs.Numbered(10);

        var random = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Random(log, fraction, seed: 1));
        var perUser = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.PerUser(log, fraction, seed: 1));

        foreach (ArgumentOutOfRangeException e in new[] { random, perUser })
        {
            Assert.Equal("testFraction", e.ParamName);
            Assert.StartsWith($"The test fraction is {fraction}; it must be greater than 0 and less than 1 (for example 0.2 to hold out a fifth).",
                e.Message);
            Assert.Equal(fraction, e.ActualValue);
        }
    }

    [Fact]
    public void Null_logs_are_rejected_by_name()
    {
        Assert.Equal("log", Assert.Throws<ArgumentNullException>(() => TrainTestSplit.Random(null!, 0.2, 1)).ParamName);
        Assert.Equal("log", Assert.Throws<ArgumentNullException>(() => TrainTestSplit.PerUser(null!, 0.2, 1)).ParamName);
        Assert.Equal("log", Assert.Throws<ArgumentNullException>(() => TrainTestSplit.ByTime(null!, SplitLogs.Start)).ParamName);
        Assert.Equal("log", Assert.Throws<ArgumentNullException>(() => TrainTestSplit.LeaveLastPerUser(null!, 1)).ParamName);
        Assert.Equal("log", Assert.Throws<ArgumentNullException>(() => TrainTestSplit.KFold(null!, 2, 1)).ParamName);
    }

    [Fact]
    public void Splits_of_an_empty_log_are_empty()
    {
        InteractionLog log = InteractionLog.Create([]);

        LogSplit random = TrainTestSplit.Random(log, 0.5, seed: 1);
        LogSplit perUser = TrainTestSplit.PerUser(log, 0.5, seed: 1);

        Assert.Equal((0, 0, 0, 0), (random.Train.Count, random.Test.Count, perUser.Train.Count, perUser.Test.Count));
    }
}
