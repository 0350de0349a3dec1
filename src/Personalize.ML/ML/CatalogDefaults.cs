namespace Personalize.Core.ML;

/// <summary>
/// The defaults of the catalog's short overloads. They repeat the trainers' documented option defaults because a default parameter
/// value must be a constant and Core keeps its defaults classes internal; a test checks that they equal <c>new ImplicitAlsTrainer.Options()</c>
/// and <c>new BiasedMatrixFactorizationTrainer.Options()</c>.
/// </summary>
internal static class CatalogDefaults
{
    public const int ImplicitAlsNumberOfFactors = 64;
    public const int ImplicitAlsNumberOfIterations = 15;
    public const float ImplicitAlsRegularization = 0.03f;
    public const int BiasedNumberOfFactors = 32;
    public const int BiasedNumberOfIterations = 50;
    public const float BiasedLearningRate = 0.02f;
}
