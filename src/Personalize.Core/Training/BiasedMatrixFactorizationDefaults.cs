namespace Personalize.Core.Training;

/// <summary>The documented defaults of <see cref="BiasedMatrixFactorizationTrainer.Options"/>, chosen on real 1–5 star data.</summary>
internal static class BiasedMatrixFactorizationDefaults
{
    public const int NumberOfFactors = 32;
    public const int NumberOfIterations = 50;
    public const float LearningRate = 0.02f;
    public const float LearningRateDecay = 0.95f;
    public const float FactorRegularization = 3f;
    public const float RatingRegularization = 0.03f;
    public const float BiasRegularization = 7f;
    public const float InitialScale = 0.5f;
    public const int Seed = 42;
    public const int NumberOfModels = 1;
}
