using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Recommending;

/// <summary>Fold-in repeats the trainers' defaults for model files that do not record their settings; they must agree.</summary>
public sealed class FoldInDefaultsTests
{
    [Fact]
    public void Implicit_fold_in_defaults_equal_the_implicit_trainer_defaults()
    {
        var options = new ImplicitAlsTrainer.Options();
        Assert.Equal((options.Regularization, options.RegularizationExponent, options.ConfidenceScale),
            (FoldInDefaults.ImplicitRegularization, FoldInDefaults.ImplicitRegularizationExponent, FoldInDefaults.ImplicitConfidenceScale));
    }

    [Fact]
    public void Explicit_fold_in_defaults_equal_the_biased_trainer_defaults()
    {
        var options = new BiasedMatrixFactorizationTrainer.Options();
        Assert.Equal((options.FactorRegularization, options.RatingRegularization, options.BiasRegularization),
            (FoldInDefaults.ExplicitFactorRegularization, FoldInDefaults.ExplicitRatingRegularization, FoldInDefaults.ExplicitBiasRegularization));
    }
}
