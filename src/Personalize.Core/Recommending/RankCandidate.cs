namespace Personalize.Core.Recommending;

/// <summary>One candidate for <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/>: an item and how well it matched something other than the user's taste,
/// such as a search query's text score.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="Score">The candidate's own relevance: higher is better, on any scale (it is normalized over the candidates); must be
/// finite.</param>
public readonly record struct RankCandidate(string ItemId, float Score);
