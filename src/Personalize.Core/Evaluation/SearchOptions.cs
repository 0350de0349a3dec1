using System.ComponentModel.DataAnnotations;
using Personalize.Core.Internal;

namespace Personalize.Core.Evaluation;

/// <summary>Settings for <see cref="HyperparameterSearch"/>. Immutable and safe to share between threads.</summary>
public sealed record SearchOptions : IValidatableObject
{
    /// <summary>Gets how candidates are picked from the space.</summary>
    /// <value>The default is <see cref="SearchStrategy.Grid"/>.</value>
    public SearchStrategy Strategy { get; init; } = SearchDefaults.Strategy;

    /// <summary>Gets how many candidates a random search trains at most.</summary>
    /// <remarks>Fewer are trained when the space has fewer distinct points. A grid search ignores it and trains the whole grid.</remarks>
    /// <value>The default is 20.</value>
    [Range(1, 10_000)]
    public int MaxCandidates { get; init; } = SearchDefaults.MaxCandidates;

    /// <summary>Gets how many points a grid search takes from each range (both ends included), spread on the range's scale.</summary>
    /// <remarks>Each extra point multiplies the grid's size; listed values are used as given.</remarks>
    /// <value>The default is 3.</value>
    [Range(2, 100)]
    public int GridPointsPerRange { get; init; } = SearchDefaults.GridPointsPerRange;

    /// <summary>Gets the seed of the random draws: the same space, options and seed give the same candidates.</summary>
    /// <remarks>The trainers keep the seed of the base options, so every candidate starts from comparable initial factors.</remarks>
    /// <value>The default is 42.</value>
    public int Seed { get; init; } = SearchDefaults.Seed;

    /// <summary>Gets how many epochs in a row a candidate may go without improving its best validation metric before it stops early.</summary>
    /// <remarks>Smaller values save time and may stop a slow starter too soon; the epochs after the best one are never kept.</remarks>
    /// <value>The default is 3.</value>
    [Range(1, 10_000)]
    public int Patience { get; init; } = SearchDefaults.Patience;

    /// <summary>Gets the fewest epochs a candidate runs before early stopping may stop it.</summary>
    /// <remarks>Candidates trained by SGD often score slightly worse for several epochs before they improve, while their factors grow
    /// from the small random start; without this grace period, <see cref="Patience"/> would stop them at the start. The best epoch may
    /// still be any epoch, including one inside the grace period.</remarks>
    /// <value>The default is <see langword="null"/>: a fifth of each candidate's NumberOfIterations, rounded up (3 of 15, 10 of 50).</value>
    [Range(1, 10_000)]
    public int? MinimumEpochs { get; init; }

    /// <summary>Gets the list length K of the ranking metric (NDCG@K) that scores implicit-feedback candidates.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 1000)]
    public int K { get; init; } = SearchDefaults.K;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Strategy))
        {
            yield return OptionsValidation.Error(nameof(Strategy), (int)Strategy, "must be Grid or Random.");
        }
    }
}
