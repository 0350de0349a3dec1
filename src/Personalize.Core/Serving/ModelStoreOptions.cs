using System.ComponentModel.DataAnnotations;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Serving;

/// <summary>How a <see cref="ModelStore"/> checks the models offered to it and serves them. Immutable and safe to share between threads.</summary>
public sealed record ModelStoreOptions : IValidatableObject
{
    /// <summary>Gets the kind of model the store serves; a model of another kind is rejected.</summary>
    /// <remarks>Implicit scores rank items and have no unit, explicit scores are predicted ratings: a service built for one usually
    /// misreads the other, so a swap may not change the kind silently.</remarks>
    /// <value>The default is <see langword="null"/>: the kind of the first model the store serves.</value>
    public FactorModelKind? ExpectedKind { get; init; }

    /// <summary>Gets the options of the <see cref="Recommending.Recommender"/> built for every model the store serves.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="RecommenderOptions"/> defaults.</value>
    public RecommenderOptions? Recommender { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExpectedKind is { } kind && !Enum.IsDefined(kind))
        {
            yield return OptionsValidation.Error(nameof(ExpectedKind), (int)kind, "must be Implicit, Explicit or null.");
        }
    }
}
