using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Recommending;

/// <summary>How <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/> blends a candidate's own score with the user's taste. Immutable and safe to share
/// between threads.</summary>
public sealed record RankOptions
{
    /// <summary>Gets w, the weight of the user's taste in the blended score <c>(1 − w) · candidate score + w · model score</c>, both
    /// min-max normalized to [0, 1] over the candidates.</summary>
    /// <remarks>0 keeps the candidates' own order (personalization only breaks ties by popularity); 1 orders by the model alone. The
    /// default was measured (<c>personalize evaluate --protocol search</c>: the purchased item's reciprocal rank for a one-word query from
    /// its title): taste orders the many matches of a short query, and the text score still separates strong from weak matches. Lower it
    /// when candidate scores carry more than taste can know (long, precise queries; a merchandiser's order).</remarks>
    /// <value>The default is 0.7.</value>
    [Range(0.0, 1.0)]
    public float PersonalizationWeight { get; init; } = RankDefaults.PersonalizationWeight;

    /// <summary>Gets whether the ranking may be personalized; <see langword="false"/> gives the non-personal order (candidate score,
    /// ties by popularity). A user's opt-out cannot be overridden.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Personalize { get; init; } = true;
}
