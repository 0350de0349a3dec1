namespace Personalize.Core.Training;

/// <summary>The documented defaults of <see cref="ImplicitAlsTrainer.Options"/>, chosen on real purchase and review logs.</summary>
internal static class ImplicitAlsDefaults
{
    public const int NumberOfFactors = 64;
    public const int NumberOfIterations = 15;
    public const float Regularization = 0.03f;
    public const float ConfidenceScale = 50f;
    public const float RegularizationExponent = 1f;
    public const int ConjugateGradientSteps = 3;
    public const float InitialScale = 0.1f;
    public const int Seed = 42;
    public const float ItemItemWeight = 0f;
    public const float ItemItemRegularization = 300f;
    public const int ItemItemRank = 128;
    public const int ItemItemIterations = 8;
    public const float PopularityWeight = 0f;
}
