using System.Collections;

namespace Personalize.Core.Recommending;

/// <summary>Candidates in ranked order, best first, with whether the order is personal: what <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/> returns,
/// and what <see cref="CatalogBrowser.Browse(BrowseRequest, RankedList, Preferences.UserPreferences?)"/> filters, sorts and pages.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RankedList : IReadOnlyList<RankedItem>
{
    private readonly RankedItem[] _items;

    internal RankedList(string userId, RecommendationSource source, RankedItem[] items)
    {
        UserId = userId;
        Source = source;
        _items = items;
    }

    /// <summary>Gets the user the order is for (empty when nobody's).</summary>
    public string UserId { get; }

    /// <summary>Gets whether the order is personalized (<see cref="RecommendationSource.Personalized"/>), for a user the model does not
    /// know (<see cref="RecommendationSource.PopularFallback"/>), or non-personal (<see cref="RecommendationSource.NonPersonal"/>).</summary>
    public RecommendationSource Source { get; }

    /// <summary>Gets how many candidates the list holds.</summary>
    public int Count => _items.Length;

    /// <summary>Gets a candidate by rank (0 is the best).</summary>
    /// <param name="index">The 0-based rank.</param>
    /// <returns>The candidate.</returns>
    public RankedItem this[int index] => _items[index];

    /// <summary>Orders candidates by their own score alone (ties keep the candidates' order), for callers without a model: the
    /// non-personal order <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/> would give without popularity.</summary>
    /// <param name="candidates">The candidates.</param>
    /// <returns>The list, with <see cref="Source"/> <see cref="RecommendationSource.NonPersonal"/> and scores min-max normalized.</returns>
    /// <exception cref="ArgumentException">A candidate's id is null or its score is not finite.</exception>
    public static RankedList ByScore(IReadOnlyList<RankCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        float[] scores = Recommender.NormalizedCandidateScores(candidates);
        return new RankedList("", RecommendationSource.NonPersonal, Recommender.Order(candidates, scores, null));
    }

    /// <inheritdoc />
    public IEnumerator<RankedItem> GetEnumerator() => ((IEnumerable<RankedItem>)_items).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
