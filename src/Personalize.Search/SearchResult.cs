using Personalize.Core.Recommending;

namespace Personalize.Search;

/// <summary>One page of search results, with how the query was read.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SearchResult
{
    internal SearchResult(TextMatch match, RecommendationPage page, IReadOnlyList<RelatedItem> related)
    {
        Match = match;
        Page = page;
        Related = related;
    }

    /// <summary>Gets how the query was read and every item its text matched, before filters and preferences.</summary>
    public TextMatch Match { get; }

    /// <summary>Gets the page: the items (<see cref="Recommendation.ItemIndex"/> is the catalogue index, <see cref="Recommendation.Score"/>
    /// the blended score in [0, 1]), whether the order is personalized, the total count, the next cursor and the facets.</summary>
    public RecommendationPage Page { get; }

    /// <summary>Gets "related to your search": the items most related to the page's results, best first, none of which the query matched,
    /// each passing the request's filter and the user's saved blocks (<see cref="SearchRequest.Related"/> of them at most; empty when
    /// none were asked for or there is no recommender). <see cref="RelatedItem.ItemIndex"/> is the model's index, not the catalogue's.</summary>
    public IReadOnlyList<RelatedItem> Related { get; }
}
