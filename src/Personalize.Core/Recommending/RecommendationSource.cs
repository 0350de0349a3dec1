namespace Personalize.Core.Recommending;

/// <summary>Where a list of recommendations came from.</summary>
public enum RecommendationSource
{
    /// <summary>Scored for this user by the model.</summary>
    Personalized = 0,

    /// <summary>The user is unknown to the model, so the most popular items were returned (<see cref="ColdStartPolicy.Popular"/>).</summary>
    PopularFallback = 1,

    /// <summary>The user is unknown to the model and <see cref="ColdStartPolicy.Empty"/> is set, or the model has no item popularity to
    /// fall back on (an imported factor model without interactions): nothing was returned.</summary>
    Empty = 2,

    /// <summary>Not personalized: the user opted out of personalization (<see cref="Preferences.UserPreferences.PersonalizationOptOut"/>)
    /// or the request turned it off, so the list is in non-personal (popularity) order and the user's history is not used.</summary>
    NonPersonal = 3,
}
