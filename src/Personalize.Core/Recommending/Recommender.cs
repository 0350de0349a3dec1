using System.Buffers;
using Personalize.Core.Filtering;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Scoring;

namespace Personalize.Core.Recommending;

/// <summary>
/// Answers "recommended for you" from a <see cref="FactorModel"/>: the user's best-scoring items, without the ones they already have;
/// and, from the same model, related items, fold-in for sessions, explanations and re-ranking.
/// </summary>
/// <remarks>
/// <para><b>One way in for each job.</b> Lists that a page shows come back as objects; the hot path writes into caller-owned spans.</para>
/// <list type="table">
/// <listheader><term>Job</term><description>Entry point (why it exists)</description></listheader>
/// <item><term>A customized for-you page</term><description><see cref="Recommend"/> / <see cref="RecommendAsync"/>: the filter,
/// sort, paging, facets and saved preferences in a <see cref="RecommendationRequest"/> (the async form reads the preferences from
/// <see cref="PreferenceStore"/>).</description></item>
/// <item><term>A top-N list for a user</term><description><see cref="ForUser(string, int, CompiledFilter?)"/>: no catalogue, no paging;
/// <see cref="ForUsers"/> for a batch in parallel; <see cref="ForUser(FoldedUser, int, CompiledFilter?)"/> for a folded-in
/// session.</description></item>
/// <item><term>Related items</term><description><see cref="RelatedTo(IReadOnlyList{string}, int, CompiledFilter?)"/>, for one item
/// (<c>["I0291"]</c>), a basket or search results.</description></item>
/// <item><term>Re-ranking, explaining, folding in</term><description><see cref="Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Preferences.UserPreferences?)"/>, <see cref="Explain(string, string, int)"/>
/// (trained user) or <see cref="Explain(FoldedUser, string, int)"/> (folded-in user), and
/// <see cref="FoldIn(string?, IEnumerable{Data.Interaction}, Data.EventWeights?)"/>.</description></item>
/// <item><term>The hot path, 0 bytes per call</term><description><see cref="ForUser(string, CompiledFilter?, Span{Recommendation}, out RecommendationSource)"/>,
/// <see cref="ForUserIndex"/> (evaluation by user index),
/// <see cref="ForUser(ReadOnlySpan{float}, float, ReadOnlySpan{int}, CompiledFilter?, Span{Recommendation})"/> (a vector from
/// <see cref="FoldIn(string?, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>) and
/// <see cref="RelatedTo(ReadOnlySpan{int}, CompiledFilter?, Span{RelatedItem})"/>.</description></item>
/// </list>
/// <para>Parameters read in one order: who (a user id, a folded-in user, a vector or items), then how many (lists) or the filter
/// (<see langword="null"/> for none) and the destination (spans), then the <c>out</c> source. Browsing the catalogue is
/// <see cref="CatalogBrowser"/>, shelves are <c>Pages.HomePageBuilder</c>, both request-shaped like <see cref="Recommend"/>.</para>
/// <para>A query scores every item with a SIMD dot product over the model's contiguous item factors and keeps the best k in a bounded
/// heap. A user the model does not know never causes an exception: <see cref="RecommenderOptions.ColdStart"/> answers, and the
/// result's <see cref="RecommendationList.Source"/> says so.</para>
/// <para>All members are thread-safe. Dispose the recommender to stop its scan threads when
/// <see cref="RecommenderOptions.NumberOfThreads"/> is more than 1.</para>
/// </remarks>
public sealed partial class Recommender : IDisposable
{
    private const int StackLimit = 128;

    private const string NotBoughtNeedsPurchases = "The filter has 'not bought', which needs the user's purchases; use Recommend with "
        + "RecommendationRequest.PurchasedItems, or leave the rule out.";
    private readonly int[] _popularOrder;
    private readonly ScanWorkers? _workers;
    private readonly Int8ItemFactors? _compact;
    private readonly Lazy<ItemSpace> _lazySpace;

    /// <summary>Creates a recommender over a model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">How to answer; <see langword="null"/> for the defaults.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public Recommender(FactorModel model, RecommenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new RecommenderOptions();
        OptionsValidation.ThrowIfInvalid(Options, nameof(RecommenderOptions));
        _popularOrder = PopularOrder(model.ItemPopularity);
        HasPopularity = _popularOrder.Length > 0 && model.ItemPopularity[_popularOrder[0]] > 0;
        if (Options.NumberOfThreads > 1)
        {
            _workers = new ScanWorkers(Options.NumberOfThreads - 1, maxK: 1024);
        }

        if (Options.ItemFactorCompression == ItemFactorCompression.Int8 && Int8ItemFactors.IsAccelerated && model.NumberOfFactors <= Int8ItemFactors.MaxRank)
        {
            _compact = Int8ItemFactors.Build(model.ItemFactors, model.NumberOfFactors);
        }

        _lazySpace = new Lazy<ItemSpace>(() => new ItemSpace(model.Items, null, model.ItemPopularity.ToArray(), Options.Attributes));
    }

    /// <summary>Gets the model this recommender serves.</summary>
    public FactorModel Model { get; }

    /// <summary>Gets how this recommender answers.</summary>
    public RecommenderOptions Options { get; }

    /// <summary>Whether some item has a popularity above 0; without it unknown users get an empty list
    /// (<see cref="RecommendationSource.Empty"/>), never arbitrary items.</summary>
    private bool HasPopularity { get; }

    /// <summary>Recommends up to <paramref name="count"/> items for a user, best first, optionally only items that pass a filter.</summary>
    /// <param name="userId">The user's id; an unknown id gets the cold-start answer (filtered too).</param>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass this filter, compiled for this recommender's model (<see cref="Compile"/>);
    /// <see langword="null"/> for all.</param>
    /// <returns>The best min(<paramref name="count"/>, eligible) items: the filter is applied before ranking, never after, so it never
    /// costs the user results while enough items match.</returns>
    /// <remarks>The top-N list without a catalogue, paging or preferences (a page with those is <see cref="Recommend"/>). Without a
    /// filter the scan may use the recommender's scan threads (<see cref="RecommenderOptions.NumberOfThreads"/>).</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for another item set, or has <c>not bought</c> (only
    /// <see cref="Recommend"/> knows the user's purchases).</exception>
    public RecommendationList ForUser(string userId, int count, CompiledFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (filter is null)
        {
            return List(userId, count, parallel: true);
        }

        var buffer = new Recommendation[Math.Min(count, Model.Items.Count)];
        int written = ForUser(userId, filter, buffer, out RecommendationSource source);
        return new RecommendationList(userId, source, written == buffer.Length ? buffer : buffer[..written]);
    }

    /// <summary>Recommends items for a user into a caller-owned buffer, without allocating: the hot path.</summary>
    /// <param name="userId">The user's id; an unknown id gets the cold-start answer (filtered too).</param>
    /// <param name="filter">Only items that pass this filter, compiled for this recommender's model (<see cref="Compile"/>);
    /// <see langword="null"/> for all.</param>
    /// <param name="destination">Receives the recommendations, best first; its length is how many are wanted.</param>
    /// <param name="source">Whether the answer is personalized or a fallback.</param>
    /// <returns>How many recommendations were written: min(destination length, eligible items).</returns>
    /// <remarks>Allocates nothing per call; scratch up to 128 results is on the stack, above that from <see cref="ArrayPool{T}.Shared"/>.
    /// Without a filter the scan may use the recommender's scan threads (<see cref="RecommenderOptions.NumberOfThreads"/>).</remarks>
    /// <exception cref="ArgumentException">The filter was compiled for another item set, or has <c>not bought</c> (only
    /// <see cref="Recommend"/> knows the user's purchases).</exception>
    public int ForUser(string userId, CompiledFilter? filter, Span<Recommendation> destination, out RecommendationSource source)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (filter is not null)
        {
            CheckFilter(filter);
        }

        if (!Model.Users.TryGetIndex(userId, out int user))
        {
            return ColdStart(destination, out source, filter);
        }

        source = RecommendationSource.Personalized;
        return Score(user, destination, parallel: true, filter);
    }

    /// <summary>Recommends items for many users, in parallel.</summary>
    /// <param name="userIds">The users.</param>
    /// <param name="count">How many items at most per user.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>One list per user, in the order of <paramref name="userIds"/>.</returns>
    /// <exception cref="ArgumentNullException">An id is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="OperationCanceledException">The batch was cancelled.</exception>
    public IReadOnlyList<RecommendationList> ForUsers(IReadOnlyList<string> userIds, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (int i = 0; i < userIds.Count; i++)
        {
            if (userIds[i] is null)
            {
                throw new ArgumentNullException(nameof(userIds), $"The user id at index {i} is null.");
            }
        }

        var results = new RecommendationList[userIds.Count];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, userIds.Count, parallel, i => results[i] = List(userIds[i], count, parallel: false));
        return results;
    }

    /// <summary>Stops the scan threads, if any.</summary>
    public void Dispose() => _workers?.Dispose();

    /// <summary>Checks that a filter fits this model's items and has no rule a span query cannot apply (<c>not bought</c>).</summary>
    private void CheckFilter(CompiledFilter filter)
    {
        if (!filter.Fits(Model.Items))
        {
            ThrowHelper.FilterForOtherModelItems(filter.ItemCount, Model.Items.Count);
        }

        if (filter.ExcludesBought)
        {
            throw new ArgumentException(NotBoughtNeedsPurchases, nameof(filter));
        }
    }

    /// <summary>Builds one user's list; <paramref name="parallel"/> lets the query use the scan threads (not from a batch).</summary>
    private RecommendationList List(string userId, int count, bool parallel)
    {
        var buffer = new Recommendation[Math.Min(count, Model.Items.Count)];
        RecommendationSource source;
        int written;
        if (Model.Users.TryGetIndex(userId, out int user))
        {
            source = RecommendationSource.Personalized;
            written = Score(user, buffer, parallel);
        }
        else
        {
            written = ColdStart(buffer, out source);
        }

        return new RecommendationList(userId, source, written == buffer.Length ? buffer : buffer[..written]);
    }

    /// <summary>Writes the top items for a known user given by index, best first, without allocating: the personalized list of
    /// <see cref="ForUser(string, CompiledFilter?, Span{Recommendation}, out RecommendationSource)"/> without the id lookup.</summary>
    /// <remarks>For callers that iterate the model's users by index, such as evaluation over every user of a test set.</remarks>
    /// <param name="userIndex">The user's index in <see cref="FactorModel.Users"/>.</param>
    /// <param name="destination">Receives up to its length recommendations.</param>
    /// <returns>How many were written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="userIndex"/> is not a user of the model.</exception>
    public int ForUserIndex(int userIndex, Span<Recommendation> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(userIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(userIndex, Model.Users.Count);
        return Score(userIndex, destination, parallel: true);
    }

    /// <summary>As <see cref="ForUserIndex"/>, on the calling thread alone (never the scan threads): for callers that ask for many users'
    /// lists at once from threads of their own, such as evaluation.</summary>
    /// <param name="userIndex">The user's index in <see cref="FactorModel.Users"/>; the caller checks it.</param>
    /// <param name="destination">Receives up to its length recommendations.</param>
    /// <returns>How many were written.</returns>
    internal int ForUserIndexOnThisThread(int userIndex, Span<Recommendation> destination) => Score(userIndex, destination, parallel: false);

    /// <summary>Scans every item on the calling thread: the int8 pre-scan and exact re-score when the recommender has the compact copy,
    /// the fp32 scan otherwise (the same results either way).</summary>
    private void ScanAll(ReadOnlySpan<float> user, ReadOnlySpan<int> excluded, ReadOnlySpan<ulong> eligible, Span<float> scores, Span<int> items, ref int kept)
    {
        if (_compact is not null)
        {
            TopKScorer.ScanInt8(user, Model.ItemFactors, _compact, 0, Model.Items.Count, excluded, eligible, Model.RawItemBiases, scores, items, ref kept);
        }
        else
        {
            TopKScorer.Scan(user, Model.ItemFactors, 0, Model.Items.Count, excluded, eligible, Model.RawItemBiases, scores, items, ref kept);
        }
    }

    private int Score(int user, Span<Recommendation> destination, bool parallel, CompiledFilter? filter = null)
    {
        int k = Math.Min(destination.Length, Model.Items.Count);
        if (k == 0)
        {
            return 0;
        }

        float[]? rentedScores = null;
        int[]? rentedItems = null;
        Span<float> scores = k <= StackLimit ? stackalloc float[StackLimit] : (rentedScores = ArrayPool<float>.Shared.Rent(k));
        Span<int> items = k <= StackLimit ? stackalloc int[StackLimit] : (rentedItems = ArrayPool<int>.Shared.Rent(k));
        scores = scores[..k];
        items = items[..k];
        try
        {
            int rank = Model.NumberOfFactors;
            int[] seenOffsets = Model.RawSeenOffsets;
            int excludedOffset = seenOffsets[user];
            int excludedLength = Options.ExcludeSeen || filter?.ExcludesSeen == true ? seenOffsets[user + 1] - excludedOffset : 0;
            int kept = 0;
            if (filter is not null)
            {
                ReadOnlySpan<int> excluded = Model.RawSeenItems.AsSpan(excludedOffset, excludedLength);
                if (filter.EligibleCount * 4L < Model.Items.Count)
                {
                    // Selective: score only the eligible items.
                    TopKScorer.ScanEligible(Model.GetUserFactors(user), Model.ItemFactors, excluded, filter.Bits, Model.RawItemBiases, scores, items, ref kept);
                }
                else
                {
                    ScanAll(Model.GetUserFactors(user), excluded, filter.Bits, scores, items, ref kept);
                }
            }
            else if (!parallel || _workers is null || !_workers.TryScan(Model.RawUserFactors, user * rank, rank, Model.RawItemFactors, Model.RawSeenItems,
                    excludedOffset, excludedLength, Model.RawItemBiases, scores, items, ref kept, _compact))
            {
                ScanAll(Model.GetUserFactors(user), Model.RawSeenItems.AsSpan(excludedOffset, excludedLength), default, scores, items, ref kept);
            }

            MinHeap.SortDescending(scores, items, kept);
            float offset = Model.GlobalBias + Model.GetUserBias(user);
            string[] ids = Model.Items.RawIds;
            for (int r = 0; r < kept; r++)
            {
                destination[r] = new Recommendation(ids[items[r]], items[r], scores[r] + offset);
            }

            return kept;
        }
        finally
        {
            if (rentedScores is not null)
            {
                ArrayPool<float>.Shared.Return(rentedScores);
            }

            if (rentedItems is not null)
            {
                ArrayPool<int>.Shared.Return(rentedItems);
            }
        }
    }

    private int ColdStart(Span<Recommendation> destination, out RecommendationSource source, CompiledFilter? filter = null)
    {
        if (Options.ColdStart == ColdStartPolicy.Empty || !HasPopularity)
        {
            source = RecommendationSource.Empty;
            return 0;
        }

        source = RecommendationSource.PopularFallback;
        return Popular(destination, filter);
    }

    /// <summary>The most popular items that pass the filter, most popular first (ties by item index); items of popularity 0 are never
    /// listed, so a model without popularity (an imported factor model without interactions) gives none.</summary>
    internal int Popular(Span<Recommendation> destination, CompiledFilter? filter)
    {
        string[] ids = Model.Items.RawIds;
        ReadOnlySpan<float> popularity = Model.ItemPopularity;
        int written = 0;
        for (int r = 0; r < _popularOrder.Length && written < destination.Length; r++)
        {
            int item = _popularOrder[r];
            if (!(popularity[item] > 0))
            {
                break;
            }

            if (filter is null || filter.IsEligible(item))
            {
                destination[written++] = new Recommendation(ids[item], item, popularity[item]);
            }
        }

        return written;
    }

    private static int[] PopularOrder(ReadOnlySpan<float> popularity)
    {
        var order = new int[popularity.Length];
        var keys = new float[popularity.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = float.IsNaN(popularity[i]) ? 0f : -popularity[i];   // NaN (never from a checked model) ranks as none, and equals itself
        }

        // Stable on ties: index order breaks them, as in scoring.
        Array.Sort(keys, order, Comparer<float>.Create(static (a, b) => a.CompareTo(b)));
        var result = new int[order.Length];
        int start = 0;
        while (start < order.Length)
        {
            int end = start;
            while (end < order.Length && keys[end] == keys[start])
            {
                end++;
            }

            Array.Sort(order, start, end - start);
            start = end;
        }

        order.CopyTo(result, 0);
        return result;
    }
}
