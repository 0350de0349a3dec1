using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Recommending;

/// <summary>How <see cref="Recommender.Rank"/> blends a candidate's own score with the user's taste. Immutable and safe to share
/// between threads.</summary>
public sealed record RankOptions
{
    /// <summary>Gets w, the weight of the user's taste in the blended score <c>(1 − w) · candidate score + w · model score</c>, both
    /// min-max normalized to [0, 1] over the candidates.</summary>
    /// <remarks>0 keeps the candidates' own order (personalization only breaks ties by popularity); 1 orders by the model alone. The
    /// default lets taste reorder candidates whose own scores are close, while a much better match (such as an exact title hit in a
    /// search) stays ahead of a weak one the user would like more.</remarks>
    /// <value>The default is 0.3.</value>
    [Range(0.0, 1.0)]
    public float PersonalizationWeight { get; init; } = RankDefaults.PersonalizationWeight;

    /// <summary>Gets whether the ranking may be personalized; <see langword="false"/> gives the non-personal order (candidate score,
    /// ties by popularity). A user's opt-out cannot be overridden.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Personalize { get; init; } = true;
}
