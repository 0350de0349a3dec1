using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;

namespace Personalize.Search;

/// <content>"New for your recent searches": the search history the live tracker keeps, turned into items.</content>
public sealed partial class ProductSearch
{
    /// <summary>The most results of one recent search that are looked at for items the user has not seen.</summary>
    private const int MaxScannedPerSearch = 10_000;

    /// <summary>Finds items that match one of the user's recent searches (<see cref="EventTracker.RecentSearches"/>) and that the user
    /// has not seen (<see cref="EventTracker.HasSeen"/>: not in the model's training data nor in a tracked event).</summary>
    /// <param name="tracker">The live tracker that recorded the searches (<see cref="EventTracker.TrackSearch"/>) and the user's events.</param>
    /// <param name="request">The user, how many items, how many recent searches and the filter.</param>
    /// <param name="preferences">The user's saved preferences, or <see langword="null"/>: blocked brands, items and categories never appear,
    /// and the saved default filter applies when the request has none.</param>
    /// <returns>Up to <see cref="RecentSearchesRequest.Count"/> distinct items. Each recent search's results are read in the user's search
    /// order (<see cref="Search"/>: text relevance blended with taste), and the list takes one from each search in turn, newest search
    /// first, so every recent search is represented. Empty when the user has no recent searches.</returns>
    /// <remarks>Reads at most 10,000 results of each search. Thread-safe. This overload reads no preference store: pass the user's
    /// preferences, or call <see cref="NewForRecentSearchesAsync"/>, which reads them from <see cref="PreferenceStore"/>.</remarks>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A saved preference is invalid.</exception>
    public IReadOnlyList<RecentSearchItem> NewForRecentSearches(EventTracker tracker, RecentSearchesRequest request, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(request);
        Validation.ThrowIfInvalid(request, nameof(RecentSearchesRequest));
        IReadOnlyList<RecentSearch> searches = tracker.RecentSearches(request.UserId, request.Searches);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        var perSearch = new List<RecentSearchItem>[searches.Count];
        for (int s = 0; s < searches.Count; s++)
        {
            perSearch[s] = Unseen(tracker, request, searches[s].Query, preferences);
        }

        // One from each search in turn, newest first, skipping items an earlier turn already took.
        var result = new List<RecentSearchItem>(request.Count);
        var next = new int[searches.Count];
        bool any = true;
        while (result.Count < request.Count && any)
        {
            any = false;
            for (int s = 0; s < searches.Count && result.Count < request.Count; s++)
            {
                List<RecentSearchItem> items = perSearch[s];
                while (next[s] < items.Count && !chosen.Add(items[next[s]].ItemId))
                {
                    next[s]++;
                }

                if (next[s] < items.Count)
                {
                    result.Add(items[next[s]++]);
                    any = true;
                }
            }
        }

        return [.. result];
    }

    /// <summary>Finds items for the user's recent searches as <see cref="NewForRecentSearches"/> does, reading the user's saved
    /// preferences from <see cref="PreferenceStore"/> (none when there is no store), as <see cref="SearchAsync"/> does.</summary>
    /// <param name="tracker">The live tracker that recorded the searches and the user's events.</param>
    /// <param name="request">The user, how many items, how many recent searches and the filter.</param>
    /// <param name="cancellationToken">Cancels reading the preferences.</param>
    /// <returns>The items (see <see cref="NewForRecentSearches"/>).</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A saved preference is invalid.</exception>
    public async Task<IReadOnlyList<RecentSearchItem>> NewForRecentSearchesAsync(EventTracker tracker, RecentSearchesRequest request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(request);
        UserPreferences? preferences = PreferenceStore is null
            ? null
            : await PreferenceStore.GetAsync(request.UserId, cancellationToken).ConfigureAwait(false);
        return NewForRecentSearches(tracker, request, preferences);
    }

    /// <summary>The best results of one query, in the user's search order, that the user has not seen: at most the requested count.</summary>
    private List<RecentSearchItem> Unseen(EventTracker tracker, RecentSearchesRequest request, string query, UserPreferences? preferences)
    {
        var unseen = new List<RecentSearchItem>(request.Count);
        var search = new SearchRequest(query)
        {
            UserId = request.UserId,
            Filter = request.Filter,
            ApplyPreferences = request.ApplyPreferences,
            PageSize = Math.Min(10_000, Math.Max(50, 2 * request.Count)),
        };
        int scanned = 0;
        string? cursor = null;
        do
        {
            RecommendationPage page = Search(search with { Cursor = cursor }, preferences).Page;
            foreach (Recommendation item in page)
            {
                if (!tracker.HasSeen(request.UserId, item.ItemId))
                {
                    unseen.Add(new RecentSearchItem(item.ItemId, item.ItemIndex, item.Score, query));
                    if (unseen.Count == request.Count)
                    {
                        return unseen;
                    }
                }
            }

            scanned += page.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null && scanned < MaxScannedPerSearch);
        return unseen;
    }
}
