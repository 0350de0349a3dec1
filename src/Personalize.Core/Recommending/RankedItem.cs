namespace Personalize.Core.Recommending;

/// <summary>One candidate in the order <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/> gave it.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="CandidateIndex">The candidate's position in the list that was ranked, from 0.</param>
/// <param name="Score">The blended score in [0, 1]: higher is better. Scores are comparable within one ranked list only.</param>
public readonly record struct RankedItem(string ItemId, int CandidateIndex, float Score);
