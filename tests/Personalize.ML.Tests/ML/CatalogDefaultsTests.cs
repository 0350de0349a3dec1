using Personalize.Core.ML;
using Personalize.Core.Training;

namespace Personalize.ML.Tests.ML;

/// <summary>The catalog's short overloads repeat the trainers' defaults as constants (Core keeps its defaults internal); they must agree.</summary>
public sealed class CatalogDefaultsTests
{
    [Fact]
    public void ImplicitAls_overload_defaults_equal_the_trainer_options_defaults()
    {
        var options = new ImplicitAlsTrainer.Options();
        Assert.Equal((options.NumberOfFactors, options.NumberOfIterations, options.Regularization),
            (CatalogDefaults.ImplicitAlsNumberOfFactors, CatalogDefaults.ImplicitAlsNumberOfIterations, CatalogDefaults.ImplicitAlsRegularization));
    }

    [Fact]
    public void BiasedMatrixFactorization_overload_defaults_equal_the_trainer_options_defaults()
    {
        var options = new BiasedMatrixFactorizationTrainer.Options();
        Assert.Equal((options.NumberOfFactors, options.NumberOfIterations, options.LearningRate),
            (CatalogDefaults.BiasedNumberOfFactors, CatalogDefaults.BiasedNumberOfIterations, CatalogDefaults.BiasedLearningRate));
    }
}
