using System.Runtime.InteropServices;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;

namespace Personalize.Search;

/// <summary>
/// Personalized product search: a query's text matches, re-ranked for the user (<see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Personalize.Core.Preferences.UserPreferences?)"/>), then filtered, sorted,
/// paged and faceted with the user's saved preferences like every other list (<see cref="CatalogBrowser"/>).
/// </summary>
/// <remarks>
/// <para>Relevance is the text score blended with the user's model score (<see cref="RankOptions.PersonalizationWeight"/>); anonymous,
/// unknown and opted-out users get text relevance with popularity breaking ties. Items the user has seen or bought are not left out: a
/// person searching for something they bought wants to find it. Blocked brands, items and categories never appear.</para>
/// <para>Facet counts and <see cref="RecommendationPage.TotalCount"/> are exact over every matching, eligible item. Thread-safe.</para>
/// </remarks>
public sealed partial class ProductSearch
{
    private readonly CatalogBrowser _browser;
    private readonly Lazy<(bool[] InCatalog, int Missing)> _catalogItems;

    /// <summary>Creates a search over an index.</summary>
    /// <param name="index">The text index; its catalogue is what filters, sorts and facets read.</param>
    /// <param name="recommender">The recommender whose model personalizes the order and gives popularity, or <see langword="null"/>
    /// for text relevance alone.</param>
    /// <param name="preferences">Where users' saved preferences are read by <see cref="SearchAsync"/>, or <see langword="null"/>.</param>
    /// <param name="rankOptions">How text and taste are blended; <see langword="null"/> for the defaults.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The rank options are invalid.</exception>
    public ProductSearch(CatalogSearchIndex index, Recommender? recommender = null, IPreferenceStore? preferences = null, RankOptions? rankOptions = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        Index = index;
        Recommender = recommender;
        RankOptions = rankOptions ?? new RankOptions();
        Validation.ThrowIfInvalid(RankOptions, nameof(Core.Recommending.RankOptions));
        _browser = new CatalogBrowser(index.Catalog, recommender?.Model, preferences, recommender?.Options.Attributes ?? new CatalogAttributes());
        _catalogItems = new(() => InCatalog(index.Catalog, recommender?.Model.Items));
    }

    /// <summary>Which of the model's items the catalogue has, and how many it lacks.</summary>
    private static (bool[] InCatalog, int Missing) InCatalog(ItemCatalog catalog, IdMap? items)
    {
        if (items is null)
        {
            return ([], 0);
        }

        var present = new bool[items.Count];
        int missing = 0;
        for (int i = 0; i < present.Length; i++)
        {
            present[i] = catalog.Items.TryGetIndex(items.GetId(i), out _);
            missing += present[i] ? 0 : 1;
        }

        return (present, missing);
    }

    /// <summary>Gets the text index.</summary>
    public CatalogSearchIndex Index { get; }

    /// <summary>Gets the recommender that personalizes the order, or <see langword="null"/>.</summary>
    public Recommender? Recommender { get; }

    /// <summary>Gets how text and taste are blended.</summary>
    public RankOptions RankOptions { get; }

    /// <summary>Gets where users' saved preferences are read from, or <see langword="null"/>.</summary>
    public IPreferenceStore? PreferenceStore => _browser.PreferenceStore;

    /// <summary>Searches, with the preferences given (or none).</summary>
    /// <param name="request">The request.</param>
    /// <param name="preferences">The searching user's saved preferences, or <see langword="null"/>.</param>
    /// <returns>One page of results.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another query, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A sort reads an attribute the catalogue lacks, or a saved preference is invalid.</exception>
    public SearchResult Search(SearchRequest request, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validation.ThrowIfInvalid(request, nameof(SearchRequest));
        if (request.FoldedUser is { } folded && (folded.UserId ?? "") != (request.UserId ?? ""))
        {
            throw new ArgumentException(
                $"SearchRequest.FoldedUser is {(folded.UserId is null ? "an anonymous session" : $"user '{folded.UserId}'")}, but the search is by {(request.UserId is null ? "an anonymous visitor" : $"'{request.UserId}'")}.",
                nameof(request));
        }

        TextMatch match = Index.Match(request.Query);
        RankOptions rankOptions = request.Personalize ? RankOptions : RankOptions with { Personalize = false };
        RankedList ranked = Recommender is not null && request.FoldedUser is not null
            ? Recommender.Rank(request.FoldedUser, match.Candidates, rankOptions, preferences)
            : Recommender is not null && request.UserId is not null
            ? Recommender.Rank(request.UserId, match.Candidates, rankOptions, preferences)
            : Recommender is not null
                ? Recommender.Rank("", match.Candidates, RankOptions with { Personalize = false })
                : RankedList.ByScore(match.Candidates);
        var browse = new BrowseRequest
        {
            UserId = request.UserId,
            PageSize = request.PageSize,
            Filter = request.Filter,
            Sort = request.Sort,
            Cursor = request.Cursor,
            ApplyPreferences = request.ApplyPreferences,
            Facets = request.Facets,
        };
        RecommendationPage page = _browser.Browse(browse, ranked, preferences);
        IReadOnlyList<RelatedItem> related = request.Related > 0 && Recommender is not null
            ? RelatedToResults(Recommender, request.Related, browse, match, page, preferences)
            : [];
        return new SearchResult(match, page, related);
    }

    /// <summary>The items most related to the page (as one basket) that the query did not match, with the page's filter and blocks.</summary>
    private RelatedItem[] RelatedToResults(Recommender recommender, int count, BrowseRequest browse, TextMatch match, RecommendationPage page,
        UserPreferences? preferences)
    {
        IdMap items = recommender.Model.Items;
        var basket = new List<int>(page.Count);
        foreach (Recommendation result in page)
        {
            if (items.TryGetIndex(result.ItemId, out int index))
            {
                basket.Add(index);
            }
        }

        if (basket.Count == 0)
        {
            return [];
        }

        var excluded = new HashSet<int>();
        foreach (RankCandidate candidate in match.Candidates)
        {
            if (items.TryGetIndex(candidate.ItemId, out int index))
            {
                excluded.Add(index);
            }
        }

        if (browse.ApplyPreferences && preferences is not null)
        {
            foreach (string blocked in preferences.BlockedItems)
            {
                if (items.TryGetIndex(blocked, out int index))
                {
                    excluded.Add(index);
                }
            }
        }

        // Ask for enough that the best `count` remain after the excluded ones are dropped: the scan leaves out only the basket. A
        // compiled filter holds catalogue items only; without one, the model's items that the catalogue lacks are dropped here too,
        // as a page never shows them.
        CompiledFilter? filter = _browser.CompileFilter(browse, items, preferences);
        CompiledFilter? scanFilter = filter;
        if (filter is { ExcludesSeen: true })
        {
            // The related scan has no user, so it refuses 'not seen': the user's history in the model is left out here, and the filter's
            // other conditions are checked item by item over a scan of every item (so the filter still costs no results).
            if (browse.UserId is { } user && recommender.Model.Users.TryGetIndex(user, out int userIndex))
            {
                foreach (int seen in recommender.Model.GetSeenItems(userIndex))
                {
                    excluded.Add(seen);
                }
            }

            scanFilter = null;
        }

        (bool[] inCatalog, int missing) = filter is null ? _catalogItems.Value : ([], 0);
        var buffer = new RelatedItem[scanFilter == filter ? Math.Min(items.Count, count + excluded.Count + missing) : items.Count];
        int written = recommender.RelatedTo(CollectionsMarshal.AsSpan(basket), scanFilter, buffer);
        var related = new List<RelatedItem>(count);
        for (int r = 0; r < written && related.Count < count; r++)
        {
            int item = buffer[r].ItemIndex;
            if (!excluded.Contains(item) && (missing == 0 || inCatalog[item]) && (scanFilter is not null || filter is null || filter.IsEligible(item)))
            {
                related.Add(buffer[r]);
            }
        }

        return [.. related];
    }

    /// <summary>Searches, reading the user's saved preferences from <see cref="PreferenceStore"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels reading the preferences.</param>
    /// <returns>One page of results (see <see cref="Search"/>).</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another query, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A sort reads an attribute the catalogue lacks, or a saved preference is invalid.</exception>
    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        UserPreferences? preferences = PreferenceStore is null || request.UserId is null
            ? null
            : await PreferenceStore.GetAsync(request.UserId, cancellationToken).ConfigureAwait(false);
        return Search(request, preferences);
    }
}
