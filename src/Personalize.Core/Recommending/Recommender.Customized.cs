using System.Numerics;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Preferences;

namespace Personalize.Core.Recommending;

/// <content>Customized lists: the person's filter, sort order, paging, facets and saved preferences.</content>
public sealed partial class Recommender
{
    private readonly ItemSpace? _space;

    /// <summary>Creates a recommender over a model whose lists can be customized with the attributes of a catalogue and with the users'
    /// saved preferences.</summary>
    /// <param name="model">The model.</param>
    /// <param name="catalog">The items' attributes, for filters, attribute sorts and facets; <see langword="null"/> when there are none.</param>
    /// <param name="preferences">Where users' preferences are saved, read by <see cref="RecommendAsync"/>; <see langword="null"/> for none.</param>
    /// <param name="options">How to answer; <see langword="null"/> for the defaults.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public Recommender(FactorModel model, ItemCatalog? catalog, IPreferenceStore? preferences, RecommenderOptions? options = null)
        : this(model, options)
    {
        Catalog = catalog;
        PreferenceStore = preferences;
        _space = new ItemSpace(model.Items, catalog, model.ItemPopularity.ToArray(), Options.Attributes);
    }

    /// <summary>Gets the catalogue that filters, attribute sorts and facets read, or <see langword="null"/>.</summary>
    public ItemCatalog? Catalog { get; }

    /// <summary>Gets where users' saved preferences are read from, or <see langword="null"/>.</summary>
    public IPreferenceStore? PreferenceStore { get; }

    internal ItemSpace Space => _space ?? _lazySpace.Value;

    /// <summary>Compiles a filter for this recommender's model and catalogue, once: compiled filters are cached by value.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The compiled filter, for <see cref="ForUser(string, int, CompiledFilter?)"/>, <see cref="RelatedTo(IReadOnlyList{string}, int, CompiledFilter?)"/>
    /// and the span methods.</returns>
    /// <remarks>Without a catalogue, a filter made only of the per-user rules <c>not seen</c> and <c>not bought</c> compiles (they read
    /// the user's history, not the items' attributes); a filter with any attribute condition throws an
    /// <see cref="InvalidOperationException"/> naming the attributes it reads.</remarks>
    /// <exception cref="InvalidOperationException">The filter reads attributes and the recommender has no catalogue.</exception>
    /// <exception cref="ArgumentException">The filter does not fit the catalogue (see <see cref="FilterCompiler.Compile"/>), or puts
    /// <c>not seen</c> / <c>not bought</c> where it cannot be applied.</exception>
    public CompiledFilter Compile(Filter filter) => Space.Compile(filter);

    /// <summary>Builds one page of a user's customized list, with the preferences given (or none).</summary>
    /// <param name="request">The request.</param>
    /// <param name="preferences">The user's saved preferences, or <see langword="null"/> for none; <see cref="RecommendAsync"/> reads them
    /// from <see cref="PreferenceStore"/> instead.</param>
    /// <returns>The page. Filters are applied before ranking, so the page is full while enough items are eligible; the cursor
    /// continues exactly after the page's last item (no repeats, no gaps) for the same inputs.</returns>
    /// <remarks>
    /// <para>Relevance lists rank every eligible item by the user's score (ties by item index). Other sorts of a personalized list
    /// order the user's best <see cref="RecommendationRequest.CandidatePoolSize"/> eligible items by the attribute, ties by score then
    /// index; non-personal lists (unknown users, opt-outs) order every eligible item, with popularity as relevance.</para>
    /// <para>A user who opted out (or a request with <see cref="RecommendationRequest.Personalize"/> off) gets the non-personal list,
    /// and their history is not used, except that a filter's explicit <c>not seen</c> still applies. Thread-safe.</para>
    /// <para>With <see cref="RecommendationRequest.FoldedUser"/> (events since training), a personalized list is scored by the folded-in
    /// vector, and the items it was solved from are what <see cref="RecommenderOptions.ExcludeSeen"/> and <c>not seen</c> leave out. A
    /// cursor belongs to the fold it paged: after new events, start again from the first page.</para>
    /// </remarks>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another query, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">The request needs a catalogue (a filter with attribute conditions, an attribute sort, a
    /// blocked brand or category, or facets) and there is none, or a saved preference is invalid.</exception>
    public RecommendationPage Recommend(RecommendationRequest request, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Internal.OptionsValidation.ThrowIfInvalid(request, nameof(RecommendationRequest));
        ItemSpace space = Space;
        (Filter? filter, _, SortOrder sort, IReadOnlyList<string> blockedItems) =
            space.Resolve(request.UserId, request.Filter, request.Sort, request.ApplyPreferences, preferences);
        bool personal = request.Personalize && preferences?.PersonalizationOptOut != true;
        bool known = Model.Users.TryGetIndex(request.UserId, out int user);
        CompiledFilter? compiled = filter is null ? null : space.Compile(filter);
        bool explicitNotSeen = compiled?.ExcludesSeen == true;
        if (compiled?.ExcludesBought == true)
        {
            IReadOnlyList<string> purchased = request.PurchasedItems ?? throw new InvalidOperationException(
                $"The filter '{FilterText.Format(filter!)}' has 'not bought', which needs the user's purchases; set RecommendationRequest.PurchasedItems.");
            blockedItems = [.. blockedItems, .. purchased];
        }

        // Events since training, as the home page's "for you" shelf reads them: the folded-in vector, and the items it was solved from.
        FoldedUser? folded = request.FoldedUser;
        if (folded is not null)
        {
            CheckOwner(folded);
            if ((folded.UserId ?? "") != request.UserId)
            {
                throw new ArgumentException(folded.UserId is null
                    ? $"RecommendationRequest.FoldedUser is an anonymous session, but the request is for user '{request.UserId}'; fold the user in by their id."
                    : $"RecommendationRequest.FoldedUser is user '{folded.UserId}', but the request is for '{request.UserId}'.", nameof(request));
            }

            if (folded.EventCount == 0)
            {
                folded = null;   // nothing new: the list the model has
            }
        }

        RecommendationSource source = !personal ? RecommendationSource.NonPersonal
            : known || folded is not null ? RecommendationSource.Personalized
            : Options.ColdStart == ColdStartPolicy.Empty || !HasPopularity ? RecommendationSource.Empty : RecommendationSource.PopularFallback;
        if (source == RecommendationSource.Empty)
        {
            return new RecommendationPage(request.UserId, source, sort, filter, [], 1, 0, null, []);
        }

        bool excludeSeen = (personal && Options.ExcludeSeen) || explicitNotSeen;
        ReadOnlySpan<int> excluded = !excludeSeen ? default : folded is not null ? folded.ItemIndices : known ? Model.GetSeenItems(user) : default;
        bool live = personal && folded is not null;
        Action<ulong[], float[]>? scorer = live ? (bits, relevance) => ScoreEligible(folded!.Factors, Model.GlobalBias + folded.Bias, bits, relevance)
            : personal && known ? (bits, relevance) => ScoreEligible(Model.GetUserFactors(user), Model.GlobalBias + Model.GetUserBias(user), bits, relevance)
            : null;
        // A cursor belongs to the fold it paged: events between two pages change the scores and the items left out.
        string salt = $"{Model.Items.Count}:{Model.Users.Count}:{Model.NumberOfFactors}:{Model.ContentFingerprint:x16}";
        return space.Page(request.UserId, filter, sort, blockedItems, excluded, scorer, source, request.PageSize, request.Cursor,
            request.CandidatePoolSize, request.Facets, folded is null ? salt : $"{salt}:{FoldFingerprint(folded):x16}");
    }

    /// <summary>A hash of what a folded user's list depends on: its items, their weights and its bias.</summary>
    private static ulong FoldFingerprint(FoldedUser folded)
    {
        var hash = new System.IO.Hashing.XxHash64();
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(folded.ItemIndices));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(folded.ItemWeights));
        Span<float> bias = [folded.Bias];
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias));
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Builds one page of a user's customized list, reading their saved preferences from <see cref="PreferenceStore"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels reading the preferences.</param>
    /// <returns>The page (see <see cref="Recommend"/>).</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed or belongs to another query, or the filter does not fit the catalogue.</exception>
    /// <exception cref="InvalidOperationException">The request needs a catalogue (see <see cref="Recommend"/>) and there is none, or a saved
    /// preference is invalid.</exception>
    public async Task<RecommendationPage> RecommendAsync(RecommendationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        UserPreferences? preferences = PreferenceStore is null ? null : await PreferenceStore.GetAsync(request.UserId, cancellationToken).ConfigureAwait(false);
        return Recommend(request, preferences);
    }

    /// <summary>Scores the eligible items (the set bits) for a user vector into <paramref name="relevance"/>.</summary>
    private void ScoreEligible(ReadOnlySpan<float> factors, float offset, ulong[] bits, float[] relevance)
    {
        int words = (Model.Items.Count + 63) / 64;
        for (int w = 0; w < words; w++)
        {
            ulong word = bits[w];
            while (word != 0)
            {
                int item = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                relevance[item] = offset + Model.GetItemBias(item) + System.Numerics.Tensors.TensorPrimitives.Dot(factors, Model.GetItemFactors(item));
            }
        }
    }
}
