using Personalize.Core.Recommending;

namespace Personalize.Search;

/// <summary>One page of search results, with how the query was read.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SearchResult
{
    internal SearchResult(TextMatch match, RecommendationPage page)
    {
        Match = match;
        Page = page;
    }

    /// <summary>Gets how the query was read and every item its text matched, before filters and preferences.</summary>
    public TextMatch Match { get; }

    /// <summary>Gets the page: the items (<see cref="Recommendation.ItemIndex"/> is the catalogue index, <see cref="Recommendation.Score"/>
    /// the blended score in [0, 1]), whether the order is personalized, the total count, the next cursor and the facets.</summary>
    public RecommendationPage Page { get; }
}
