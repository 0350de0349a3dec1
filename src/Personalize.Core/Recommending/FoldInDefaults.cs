namespace Personalize.Core.Recommending;

/// <summary>
/// The training settings fold-in assumes when a model file does not record them (files written before the trainers saved their
/// options as properties). They are the trainers' option defaults, repeated here so that Recommending does not depend on Training
/// (see docs/architecture.md); a test checks that they equal <c>new ImplicitAlsTrainer.Options()</c> and
/// <c>new BiasedMatrixFactorizationTrainer.Options()</c>.
/// </summary>
internal static class FoldInDefaults
{
    public const float ImplicitRegularization = 0.03f;
    public const float ImplicitRegularizationExponent = 1f;
    public const float ImplicitConfidenceScale = 50f;
    public const float ExplicitFactorRegularization = 3f;
    public const float ExplicitRatingRegularization = 0.03f;
    public const float ExplicitBiasRegularization = 7f;
}
