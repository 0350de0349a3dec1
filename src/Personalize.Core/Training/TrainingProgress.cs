namespace Personalize.Core.Training;

/// <summary>What a trainer reports after each epoch.</summary>
/// <param name="Epoch">The 1-based epoch just finished.</param>
/// <param name="NumberOfEpochs">How many epochs the training runs.</param>
/// <param name="EpochTime">How long this epoch took.</param>
/// <param name="Loss">The training objective after the epoch, per (user, item) cell; lower is better.</param>
public sealed record TrainingProgress(int Epoch, int NumberOfEpochs, TimeSpan EpochTime, double Loss);
