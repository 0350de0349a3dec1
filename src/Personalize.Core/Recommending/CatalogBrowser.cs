using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Preferences;

namespace Personalize.Core.Recommending;

/// <summary>
/// Plain catalogue browsing: every catalogue item (in a model or not), narrowed and ordered by the person's filter and sort order, a
/// page at a time with exact facet counts, and the browsing user's saved preferences applied.
/// </summary>
/// <remarks>Non-personal: relevance is popularity from the model when one is given (items the model lacks count 0), otherwise
/// catalogue order. Pages follow the same total order and cursor rules as <see cref="Recommender.Recommend"/>. Thread-safe.</remarks>
public sealed class CatalogBrowser
{
    private readonly ItemSpace _space;
    private readonly FactorModel? _model;

    /// <summary>Creates a browser over a catalogue.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="model">A model whose popularity orders relevance, or <see langword="null"/> for catalogue order.</param>
    /// <param name="preferences">Where users' preferences are saved, read by <see cref="BrowseAsync"/>; <see langword="null"/> for none.</param>
    /// <param name="attributes">Which attributes are brand, category, price, rating and date added; <see langword="null"/> for the defaults.</param>
    public CatalogBrowser(ItemCatalog catalog, FactorModel? model = null, IPreferenceStore? preferences = null, CatalogAttributes? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        _model = model;
        PreferenceStore = preferences;
        var popularity = new float[catalog.Count];
        if (model is not null)
        {
            ReadOnlySpan<float> modelPopularity = model.ItemPopularity;
            for (int i = 0; i < popularity.Length; i++)
            {
                popularity[i] = model.Items.TryGetIndex(catalog.Items.GetId(i), out int m) ? modelPopularity[m] : 0;
            }
        }

        _space = new ItemSpace(catalog.Items, catalog, popularity, attributes ?? new CatalogAttributes());
    }

    /// <summary>Gets the catalogue.</summary>
    public ItemCatalog Catalog { get; }

    /// <summary>Gets where users' saved preferences are read from, or <see langword="null"/>.</summary>
    public IPreferenceStore? PreferenceStore { get; }

    /// <summary>Builds one page of the catalogue, with the preferences given (or none).</summary>
    /// <param name="request">The request.</param>
    /// <param name="preferences">The browsing user's preferences, or <see langword="null"/>.</param>
    /// <returns>The page; <see cref="Recommendation.ItemIndex"/> is the catalogue index and <see cref="Recommendation.Score"/> the
    /// popularity.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another query, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A sort reads an attribute the catalogue lacks, a saved preference is invalid, or the
    /// filter has <c>not bought</c> (a browse has no purchases) or <c>not seen</c> without a model (which holds the user's history; for a
    /// user it does not know, <c>not seen</c> leaves nothing out).</exception>
    public RecommendationPage Browse(BrowseRequest request, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Internal.OptionsValidation.ThrowIfInvalid(request, nameof(BrowseRequest));
        string user = request.UserId ?? "";
        (Filter? filter, _, SortOrder sort, IReadOnlyList<string> blockedItems) = _space.Resolve(user, request.Filter, request.Sort, request.ApplyPreferences, preferences);
        blockedItems = WithHistoryRules(user, filter, blockedItems);
        return _space.Page(user, filter, sort, blockedItems, default, null, RecommendationSource.NonPersonal, request.PageSize, request.Cursor, 0,
            request.Facets, $"catalogue:{Catalog.Count}:{_model?.ContentFingerprint ?? 0:x16}");
    }

    /// <summary>Builds one page of a ranked candidate list (such as search hits ordered by <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/>) like a browse:
    /// only the listed items, in the list's order for relevance, with the request's filter, sort order, cursor and facets and the
    /// browsing user's preferences.</summary>
    /// <param name="request">The request; its filter, sort, facets and preferences apply to the candidates.</param>
    /// <param name="ranked">The candidates, best first; ids the catalogue lacks are skipped, and a repeated id counts once, at its best
    /// place.</param>
    /// <param name="preferences">The browsing user's preferences, or <see langword="null"/>: blocked brands, items and categories
    /// never appear.</param>
    /// <returns>The page: <see cref="RecommendationPage.Source"/> is the ranked list's, <see cref="Recommendation.ItemIndex"/> the
    /// catalogue index and <see cref="Recommendation.Score"/> the ranked score. Relevance order is the list's order; other sorts order
    /// every eligible candidate, ties in the list's order. Facets count every eligible candidate, not just the page. The cursor belongs
    /// to this exact list: a cursor from another list (another query) is refused.</returns>
    /// <remarks>Thread-safe. O(n log n) for n candidates, whatever the catalogue's size: only the candidates are read, a filter is
    /// taken from the compiled filters cached for this catalogue or evaluated for the candidates alone, and a sort reads the catalogue's
    /// cached sort column.</remarks>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another list, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A sort reads an attribute the catalogue lacks, a saved preference is invalid, or the
    /// filter has <c>not bought</c> (a browse has no purchases) or <c>not seen</c> without a model (which holds the user's history; for a
    /// user it does not know, <c>not seen</c> leaves nothing out).</exception>
    public RecommendationPage Browse(BrowseRequest request, RankedList ranked, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(ranked);
        Internal.OptionsValidation.ThrowIfInvalid(request, nameof(BrowseRequest));
        string user = request.UserId ?? "";
        (Filter? filter, _, SortOrder sort, IReadOnlyList<string> blockedItems) = _space.Resolve(user, request.Filter, request.Sort, request.ApplyPreferences, preferences);
        blockedItems = WithHistoryRules(user, filter, blockedItems);
        return _space.CandidatePage(user, filter, sort, blockedItems, ranked, request.PageSize, request.Cursor, request.Facets);
    }

    /// <summary>Whether the browser has compiled this filter over the whole catalogue, for tests that a candidate page does not.</summary>
    internal bool HasCompiled(Filter filter) => _space.TryGetCompiled(filter, out _);

    /// <summary>The items a filter's <c>not seen</c> leaves out, added to the blocked ones: the user's history in the model (none for a
    /// user the model does not know). <c>not bought</c> needs purchases, which neither the request nor a model holds, so it is refused.</summary>
    private IReadOnlyList<string> WithHistoryRules(string user, Filter? filter, IReadOnlyList<string> blockedItems)
    {
        if (filter is null)
        {
            return blockedItems;
        }

        // Read from the filter itself: compiling it over the whole catalogue here would cost a search what its candidate page saves.
        (bool excludesSeen, bool excludesBought) = FilterCompiler.HistoryRules(filter);
        if (excludesBought)
        {
            throw new InvalidOperationException(
                $"The filter '{FilterText.Format(filter)}' has 'not bought', which needs the user's purchases, and a browse has none; use Recommender.Recommend with RecommendationRequest.PurchasedItems, or leave the rule out.");
        }

        if (!excludesSeen)
        {
            return blockedItems;
        }

        if (_model is null)
        {
            throw new InvalidOperationException(
                $"The filter '{FilterText.Format(filter)}' has 'not seen', which needs the user's history; create the browser with the model that holds it (--model on the command line).");
        }

        if (!_model.Users.TryGetIndex(user, out int index))
        {
            return blockedItems;
        }

        ReadOnlySpan<int> seen = _model.GetSeenItems(index);
        var blocked = new List<string>(blockedItems.Count + seen.Length);
        blocked.AddRange(blockedItems);
        foreach (int item in seen)
        {
            blocked.Add(_model.Items.GetId(item));
        }

        return blocked;
    }

    /// <summary>The reference for <see cref="Browse(BrowseRequest, RankedList, UserPreferences?)"/>: the same page computed the
    /// straightforward way, over arrays the size of the catalogue (membership bits, order and shown score of every item). Tests pin the
    /// candidate browse to it and benchmarks compare with it.</summary>
    internal RecommendationPage BrowseByCatalogScan(BrowseRequest request, RankedList ranked, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(ranked);
        Internal.OptionsValidation.ThrowIfInvalid(request, nameof(BrowseRequest));
        string user = request.UserId ?? "";
        (Filter? filter, _, SortOrder sort, IReadOnlyList<string> blockedItems) = _space.Resolve(user, request.Filter, request.Sort, request.ApplyPreferences, preferences);
        blockedItems = WithHistoryRules(user, filter, blockedItems);
        int n = Catalog.Count;
        var members = new ulong[(n + 63) / 64];
        var order = new float[n];
        var shown = new float[n];
        var hash = new System.IO.Hashing.XxHash64();
        Span<byte> entry = stackalloc byte[8];
        int placed = 0;
        for (int r = 0; r < ranked.Count; r++)
        {
            RankedItem candidate = ranked[r];
            int item = Catalog.GetIndex(candidate.ItemId);
            if (item < 0 || (members[item >> 6] & (1UL << (item & 63))) != 0)
            {
                continue;
            }

            members[item >> 6] |= 1UL << (item & 63);
            order[item] = ranked.Count - r;   // exact in float for up to 2^24 candidates; higher is earlier
            shown[item] = candidate.Score;
            placed++;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(entry, item);
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(entry[4..], candidate.Score);
            hash.Append(entry);
        }

        string salt = $"ranked:{Catalog.Count}:{placed}:{hash.GetCurrentHashAsUInt64():x16}";
        return _space.Page(user, filter, sort, blockedItems, default, (_, relevance) => order.CopyTo(relevance, 0), ranked.Source, request.PageSize,
            request.Cursor, 0, request.Facets, salt, members, shown);
    }

    /// <summary>Compiles, for another set of items (such as a model's), the filter a browse with this request applies: the request's
    /// filter or the user's saved default filter, and the saved blocked brands and categories; so that a list shown beside the page (such
    /// as the items related to search results) honours the same rules. Saved blocked items are not part of it: leave out
    /// <see cref="UserPreferences.BlockedItems"/> as well.</summary>
    /// <param name="request">The request; its filter and <see cref="BrowseRequest.ApplyPreferences"/> count, its sort and paging do not.</param>
    /// <param name="items">The items the compiled filter covers, in index order (a model's <see cref="FactorModel.Items"/>).</param>
    /// <param name="preferences">The browsing user's preferences, or <see langword="null"/>.</param>
    /// <returns>The compiled filter, or <see langword="null"/> when no filter applies.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A saved preference is invalid.</exception>
    public CompiledFilter? CompileFilter(BrowseRequest request, IdMap items, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(items);
        Internal.OptionsValidation.ThrowIfInvalid(request, nameof(BrowseRequest));
        (Filter? filter, _, _, _) = _space.Resolve(request.UserId ?? "", request.Filter, request.Sort, request.ApplyPreferences, preferences);
        return filter is null ? null : FilterCompiler.Compile(filter, Catalog, items);
    }

    /// <summary>Builds one page of the catalogue, reading the browsing user's preferences from <see cref="PreferenceStore"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels reading the preferences.</param>
    /// <returns>The page (see <see cref="Browse(BrowseRequest, UserPreferences?)"/>).</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another query, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">A sort reads an attribute the catalogue lacks, a saved preference is invalid, or the
    /// filter has <c>not bought</c> (a browse has no purchases) or <c>not seen</c> without a model (which holds the user's history; for a
    /// user it does not know, <c>not seen</c> leaves nothing out).</exception>
    public async Task<RecommendationPage> BrowseAsync(BrowseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        UserPreferences? preferences = PreferenceStore is null || request.UserId is null
            ? null
            : await PreferenceStore.GetAsync(request.UserId, cancellationToken).ConfigureAwait(false);
        return Browse(request, preferences);
    }
}
