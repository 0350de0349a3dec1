namespace Personalize.Core.Training;

/// <summary>What a trainer reports after each epoch.</summary>
/// <param name="Epoch">The 1-based epoch just finished.</param>
/// <param name="NumberOfEpochs">How many epochs the training runs.</param>
/// <param name="EpochTime">How long this epoch took.</param>
/// <param name="Loss">The training objective after the epoch, per (user, item) cell; lower is better.</param>
public sealed record TrainingProgress(int Epoch, int NumberOfEpochs, TimeSpan EpochTime, double Loss)
{
    /// <summary>Gets the step size the epoch ran with, for trainers that take one (explicit SGD); otherwise <see langword="null"/>.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Gets how many times the epoch was undone and run again at half the step size because its training error diverged
    /// (a learning rate too large for the data); 0 when it ran once.</summary>
    public int Retries { get; init; }
}
