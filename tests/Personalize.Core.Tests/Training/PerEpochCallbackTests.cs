using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

/// <summary>The public per-epoch callback of both trainers: numbered from 1, a model per epoch, false stops training there.</summary>
public sealed class PerEpochCallbackTests
{
    private static readonly FeedbackMatrix Feedback = FeedbackMatrix.FromLog(InteractionLog.ReadCsv(SampleData.Events));

    [Fact]
    public void ImplicitAls_calls_back_after_every_epoch_and_stops_when_told()
    {
        var trainer = new ImplicitAlsTrainer(new() { NumberOfFactors = 4, NumberOfIterations = 5 });
        var epochs = new List<int>();
        FactorModel? third = null;

        FactorModel model = trainer.Fit(Feedback, null, (epoch, snapshot) =>
        {
            epochs.Add(epoch);
            third = epoch == 3 ? snapshot : third;
            return epoch < 3;
        }, CancellationToken.None);

        Assert.Equal([1, 2, 3], epochs);
        Assert.NotNull(third);
        Assert.Equal(third.ItemFactors.ToArray(), model.ItemFactors.ToArray());   // stopped after epoch 3: the result is that epoch's model
    }

    [Fact]
    public void BiasedMatrixFactorization_calls_back_after_every_epoch()
    {
        var log = InteractionLog.Create(Enumerable.Range(0, 60).Select(i => new Interaction($"u{i % 7}", $"i{i % 11}", Rating: 1 + i % 5)));
        var trainer = new BiasedMatrixFactorizationTrainer(new() { NumberOfFactors = 2, NumberOfIterations = 4 });
        var epochs = new List<int>();

        trainer.Fit(RatingMatrix.FromLog(log), null, (epoch, _) =>
        {
            epochs.Add(epoch);
            return true;
        }, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4], epochs);
    }
}
