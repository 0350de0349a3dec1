using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Core.Evaluation;

/// <summary>An option a search may vary: its names, whether it is a whole number, its usual scale and its valid range.</summary>
/// <param name="Name">The options property, such as <c>NumberOfFactors</c>.</param>
/// <param name="ShortName">The name of the matching <c>personalize train</c> option, such as <c>factors</c>.</param>
/// <param name="IsInteger">Whether values must be whole numbers.</param>
/// <param name="UsualScale">The scale of a range that does not name one (when its minimum is above 0).</param>
/// <param name="Minimum">The smallest valid value (from the property's <see cref="RangeAttribute"/>).</param>
/// <param name="Maximum">The largest valid value.</param>
internal sealed record SearchableOption(string Name, string ShortName, bool IsInteger, SearchScale UsualScale, double Minimum, double Maximum);

/// <summary>The options of each trainer that a search may vary, and how a value is applied to an options record.</summary>
internal static class SearchableOptions
{
    public static readonly SearchableOption[] Implicit =
    [
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.NumberOfFactors), "factors", SearchScale.Linear),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.NumberOfIterations), "epochs", SearchScale.Linear),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.Regularization), "regularization", SearchScale.Logarithmic),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.RegularizationExponent), "regularization-exponent", SearchScale.Linear),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.ConfidenceScale), "alpha", SearchScale.Logarithmic),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.ConjugateGradientSteps), "cg-steps", SearchScale.Linear),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.InitialScale), "initial-scale", SearchScale.Logarithmic),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.ItemItemWeight), "item-item-weight", SearchScale.Linear),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.ItemItemRegularization), "item-item-regularization", SearchScale.Logarithmic),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.ItemItemRank), "item-item-rank", SearchScale.Linear),
        Describe<ImplicitAlsTrainer.Options>(nameof(ImplicitAlsTrainer.Options.PopularityWeight), "popularity-weight", SearchScale.Linear),
    ];

    public static readonly SearchableOption[] Explicit =
    [
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.NumberOfFactors), "factors", SearchScale.Linear),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.NumberOfIterations), "epochs", SearchScale.Linear),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.LearningRate), "learning-rate", SearchScale.Logarithmic),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.LearningRateDecay), "learning-rate-decay", SearchScale.Linear),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.FactorRegularization), "regularization", SearchScale.Logarithmic),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.RatingRegularization), "rating-regularization", SearchScale.Logarithmic),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.BiasRegularization), "bias-regularization", SearchScale.Logarithmic),
        Describe<BiasedMatrixFactorizationTrainer.Options>(nameof(BiasedMatrixFactorizationTrainer.Options.InitialScale), "initial-scale", SearchScale.Logarithmic),
    ];

    public static SearchableOption[] For(FactorModelKind kind) => kind == FactorModelKind.Explicit ? Explicit : Implicit;

    public static ImplicitAlsTrainer.Options Apply(ImplicitAlsTrainer.Options options, string name, double value) => name switch
    {
        nameof(ImplicitAlsTrainer.Options.NumberOfFactors) => options with { NumberOfFactors = (int)value },
        nameof(ImplicitAlsTrainer.Options.NumberOfIterations) => options with { NumberOfIterations = (int)value },
        nameof(ImplicitAlsTrainer.Options.Regularization) => options with { Regularization = (float)value },
        nameof(ImplicitAlsTrainer.Options.RegularizationExponent) => options with { RegularizationExponent = (float)value },
        nameof(ImplicitAlsTrainer.Options.ConfidenceScale) => options with { ConfidenceScale = (float)value },
        nameof(ImplicitAlsTrainer.Options.ConjugateGradientSteps) => options with { ConjugateGradientSteps = (int)value },
        nameof(ImplicitAlsTrainer.Options.InitialScale) => options with { InitialScale = (float)value },
        nameof(ImplicitAlsTrainer.Options.ItemItemWeight) => options with { ItemItemWeight = (float)value },
        nameof(ImplicitAlsTrainer.Options.ItemItemRegularization) => options with { ItemItemRegularization = (float)value },
        nameof(ImplicitAlsTrainer.Options.ItemItemRank) => options with { ItemItemRank = (int)value },
        nameof(ImplicitAlsTrainer.Options.PopularityWeight) => options with { PopularityWeight = (float)value },
        _ => throw new InvalidOperationException($"'{name}' is not a searchable option of ImplicitAlsTrainer.Options."),
    };

    public static BiasedMatrixFactorizationTrainer.Options Apply(BiasedMatrixFactorizationTrainer.Options options, string name, double value) => name switch
    {
        nameof(BiasedMatrixFactorizationTrainer.Options.NumberOfFactors) => options with { NumberOfFactors = (int)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.NumberOfIterations) => options with { NumberOfIterations = (int)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.LearningRate) => options with { LearningRate = (float)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.LearningRateDecay) => options with { LearningRateDecay = (float)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.FactorRegularization) => options with { FactorRegularization = (float)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.RatingRegularization) => options with { RatingRegularization = (float)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.BiasRegularization) => options with { BiasRegularization = (float)value },
        nameof(BiasedMatrixFactorizationTrainer.Options.InitialScale) => options with { InitialScale = (float)value },
        _ => throw new InvalidOperationException($"'{name}' is not a searchable option of BiasedMatrixFactorizationTrainer.Options."),
    };

    private static SearchableOption Describe<TOptions>(string name, string shortName, SearchScale usualScale)
    {
        PropertyInfo property = typeof(TOptions).GetProperty(name)
            ?? throw new InvalidOperationException($"{typeof(TOptions).Name} has no property {name}.");
        RangeAttribute range = property.GetCustomAttribute<RangeAttribute>()
            ?? throw new InvalidOperationException($"{typeof(TOptions).Name}.{name} has no [Range].");
        return new SearchableOption(name, shortName, property.PropertyType == typeof(int), usualScale,
            Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture));
    }
}
