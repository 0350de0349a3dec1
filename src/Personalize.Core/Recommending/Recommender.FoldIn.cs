using System.Buffers;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Scoring;

namespace Personalize.Core.Recommending;

/// <summary>Fold-in: "for you" for new visitors and for users with events since training.</summary>
public sealed partial class Recommender
{
    private FoldInSolver? _foldInSolver;

    /// <summary>
    /// Folds in a user vector into a caller-owned buffer, without allocating: the trainer's least-squares step for one user against the
    /// model's fixed item factors, from a known user's training history and their events since training, or from an anonymous session's
    /// events alone.
    /// </summary>
    /// <param name="userId">The user, or <see langword="null"/> for an anonymous session; a user the model does not know is folded in
    /// from the new events alone, as a session is.</param>
    /// <param name="itemIndices">The new events' items by index, in any order; an item may repeat (its weights add up, as in training;
    /// for explicit models the last rating counts).</param>
    /// <param name="weights">Each event's weight, aligned with <paramref name="itemIndices"/>: the event-type weight (for example
    /// view 1, cart 4, purchase 10, as the model was trained with) for implicit models, the rating for explicit ones.</param>
    /// <param name="destination">Receives the user factors; its length must be <see cref="FactorModel.NumberOfFactors"/>.</param>
    /// <returns>The user bias to add to scores: 0 for implicit models, the folded-in bias for explicit ones.</returns>
    /// <remarks>
    /// <para>For implicit ALS this solves <c>(YᵀY + Σ_j c'_j y_j y_jᵀ + λ_u I) x = Σ_j (1 + c'_j) y_j</c> with
    /// <c>c'_j = α · w_j / mean training weight</c> and <c>λ_u = λ · (items + Σ c'_j)^ν</c>, reading α, λ and ν from the model's
    /// properties and the mean weight from its seen weights, exactly as <see cref="Training.ImplicitAlsTrainer"/> solves a user (exactly
    /// rather than by conjugate gradient). YᵀY is computed once per recommender, on first use. For explicit models it is the ridge
    /// regression of <c>r_j − μ − b_j</c> on the item factors and a bias. The cost is one Cholesky factorization of a
    /// factors × factors matrix plus factors² per item.</para>
    /// <para>For a known user, a new event on an item of the training history adds its weight to that item's (implicit) or replaces its
    /// rating (explicit). The training history's weights come from the model (<see cref="FactorModel.GetSeenWeights"/>); for a model that
    /// does not keep them, each training item counts with the mean training weight (implicit) or with the model's own predicted rating
    /// (explicit). For implicit models, with no new events the result is the user's training vector solved exactly. For explicit models
    /// (whose trainers are not one ridge step: SGD, averaged models, Bayesian sampling) a known user's result is the trained vector and
    /// bias plus what the new events change in the ridge solution, so with no new events it is the trained vector itself.</para>
    /// <para>Score the vector with <see cref="ForUser(ReadOnlySpan{float}, float, ReadOnlySpan{int}, CompiledFilter?, Span{Recommendation})"/>.
    /// The list form, with item ids and event types, is <see cref="FoldIn(string?, IEnumerable{Interaction}, EventWeights?)"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The spans' lengths do not match, or a weight is not finite (or, for implicit models, negative; for
    /// explicit models, a rating far outside the range the model was trained on: more than half its width beyond it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the model's items.</exception>
    public float FoldIn(string? userId, ReadOnlySpan<int> itemIndices, ReadOnlySpan<float> weights, Span<float> destination) =>
        FoldInSpans(userId is not null && Model.Users.TryGetIndex(userId, out int user) ? user : -1, itemIndices, weights, destination);

    /// <summary>Folds in a user from their training history (if the model knows them) and their events since training, or an anonymous
    /// session from its events.</summary>
    /// <param name="userId">The user, or <see langword="null"/> for an anonymous session; a user the model does not know is folded in
    /// from the events alone.</param>
    /// <param name="events">The events (since training, for a known user), in any order; their user ids are not used. Events whose item
    /// the model does not know are skipped and reported (<see cref="FoldedUser.UnknownItemIds"/>), never thrown.</param>
    /// <param name="eventWeights">The weights of the event types, as the model was trained with; <see langword="null"/> for
    /// <see cref="EventWeights.Default"/>. An event's weight is its type's weight (1 without a type) times its
    /// <see cref="Interaction.Value"/>. Explicit models use each event's <see cref="Interaction.Rating"/> instead.</param>
    /// <returns>The folded-in user (<see cref="FoldedUser.IsKnownUser"/> says whether the training history was included); with no known
    /// item its vector is zero and <see cref="ForUser(FoldedUser, int, CompiledFilter?)"/> answers with the cold-start policy.</returns>
    /// <remarks>Recommend for the result with <see cref="ForUser(FoldedUser, int, CompiledFilter?)"/> and explain it with
    /// <see cref="Explain(FoldedUser, string, int)"/>. The allocation-free form, with item indices and weights, is
    /// <see cref="FoldIn(string?, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>.</remarks>
    /// <exception cref="ArgumentException">An event has an event type the weights do not know, an invalid value, or (explicit models) no
    /// rating or one far outside the range the model was trained on (more than half its width beyond it).</exception>
    public FoldedUser FoldIn(string? userId, IEnumerable<Interaction> events, EventWeights? eventWeights = null) =>
        FoldInEvents(userId, userId is not null && Model.Users.TryGetIndex(userId, out int user) ? user : -1, events, eventWeights);

    /// <summary>
    /// For a user an implicit model knows, keeps of distinct (item index, summed weight) pairs only what is new: on an item of the
    /// user's training history, the weight beyond the training weight (<see cref="FactorModel.GetSeenWeights"/>, else the mean training
    /// weight); pairs with nothing beyond it are dropped, the rest moved to the front. Returns how many pairs are kept. Other users and
    /// rating models keep every pair. For <see cref="Tracking.EventTracker"/>, whose state is often seeded with the training log itself.
    /// </summary>
    internal int BeyondTraining(string userId, Span<int> itemIndices, Span<float> weights)
    {
        if (!Model.Users.TryGetIndex(userId, out int user) || Model.Kind == FactorModelKind.Explicit)
        {
            return itemIndices.Length;
        }

        FoldInSolver solver = Solver();
        ReadOnlySpan<int> history = Model.GetSeenItems(user);
        ReadOnlySpan<float> historyWeights = Model.GetSeenWeights(user);
        int kept = 0;
        for (int p = 0; p < itemIndices.Length; p++)
        {
            int item = itemIndices[p];
            float weight = weights[p];
            int h = history.BinarySearch(item);
            if (h >= 0)
            {
                float trained = historyWeights.IsEmpty ? solver.MeanWeight : historyWeights[h];
                weight -= trained;
                if (weight <= 1e-4f * Math.Max(1f, trained))
                {
                    continue;   // the training history already has it (sums in another order differ in the last bits)
                }
            }

            itemIndices[kept] = item;
            weights[kept] = weight;
            kept++;
        }

        return kept;
    }

    /// <summary>Folds in a user from their training history (if the model knows them) and distinct (item index, summed weight) pairs of
    /// new events, as a <see cref="FoldedUser"/> (for <see cref="Tracking.EventTracker.FoldIn(string, Recommender)"/>).</summary>
    internal FoldedUser FoldInPairs(string userId, ReadOnlySpan<int> itemIndices, ReadOnlySpan<float> weights) =>
        Folded(userId, Model.Users.TryGetIndex(userId, out int user) ? user : -1, itemIndices, weights, 0, [], Solver());

    /// <summary>Recommends for a folded-in user, best first.</summary>
    /// <param name="user">The user, folded in by this recommender.</param>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass this filter; <see langword="null"/> for all.</param>
    /// <returns>The list, without the user's history items when <see cref="RecommenderOptions.ExcludeSeen"/> (or the filter's
    /// <c>not seen</c>) says so; a user with no known item gets the cold-start answer.</returns>
    /// <exception cref="ArgumentException">The user was folded in for another model, or the filter was compiled for another item set.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public RecommendationList ForUser(FoldedUser user, int count, CompiledFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckOwner(user);
        var buffer = new Recommendation[Math.Min(count, Model.Items.Count)];
        RecommendationSource source;
        int written;
        if (user.ItemIndices.IsEmpty)
        {
            if (filter is not null)
            {
                CheckFilter(filter);
            }

            written = ColdStart(buffer, out source, filter);
        }
        else
        {
            source = RecommendationSource.Personalized;
            bool exclude = Options.ExcludeSeen || filter?.ExcludesSeen == true;
            written = ForUser(user.Factors, user.Bias, exclude ? user.ItemIndices : default, filter, buffer);
        }

        return new RecommendationList(user.UserId ?? "", source, written == buffer.Length ? buffer : buffer[..written]);
    }

    /// <summary>Recommends for a user vector (such as one from
    /// <see cref="FoldIn(string?, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>) into a caller-owned buffer, without
    /// allocating: the hot path for sessions.</summary>
    /// <param name="userFactors">The user factors; length <see cref="FactorModel.NumberOfFactors"/>.</param>
    /// <param name="userBias">The user bias added to every score (0 for implicit models).</param>
    /// <param name="excludedItems">Items to leave out, ascending and distinct (such as the session's items); empty for none.</param>
    /// <param name="filter">Only items that pass this filter; <see langword="null"/> for all.</param>
    /// <param name="destination">Receives the recommendations, best first; its length is how many are wanted.</param>
    /// <returns>How many recommendations were written: min(destination length, eligible items not excluded).</returns>
    /// <exception cref="ArgumentException">The vector has the wrong length, the excluded items are not ascending, or the filter was
    /// compiled for another item set or has <c>not bought</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An excluded index is outside the model's items.</exception>
    public int ForUser(ReadOnlySpan<float> userFactors, float userBias, ReadOnlySpan<int> excludedItems, CompiledFilter? filter,
        Span<Recommendation> destination)
    {
        int itemCount = Model.Items.Count;
        if (userFactors.Length != Model.NumberOfFactors)
        {
            ThrowHelper.LengthMismatch(nameof(userFactors), userFactors.Length, Model.NumberOfFactors, "one per factor");
        }

        for (int i = 0; i < excludedItems.Length; i++)
        {
            if ((uint)excludedItems[i] >= (uint)itemCount)
            {
                ThrowHelper.ItemIndexOutside(nameof(excludedItems), excludedItems[i], itemCount);
            }

            if (i > 0 && excludedItems[i] <= excludedItems[i - 1])
            {
                ThrowHelper.NotAscending(nameof(excludedItems), i);
            }
        }

        if (filter is not null)
        {
            CheckFilter(filter);
        }

        int k = Math.Min(destination.Length, itemCount);
        if (k == 0)
        {
            return 0;
        }

        float[] scores = ArrayPool<float>.Shared.Rent(k);
        int[] items = ArrayPool<int>.Shared.Rent(k);
        try
        {
            Span<float> bestScores = scores.AsSpan(0, k);
            Span<int> bestItems = items.AsSpan(0, k);
            int kept = 0;
            if (filter is not null && filter.EligibleCount * 4L < itemCount)
            {
                TopKScorer.ScanEligible(userFactors, Model.ItemFactors, excludedItems, filter.Bits, Model.RawItemBiases, bestScores, bestItems, ref kept);
            }
            else
            {
                ScanAll(userFactors, excludedItems, filter is null ? default : filter.Bits, bestScores, bestItems, ref kept);
            }

            MinHeap.SortDescending(bestScores, bestItems, kept);
            float offset = Model.GlobalBias + userBias;
            string[] ids = Model.Items.RawIds;
            for (int r = 0; r < kept; r++)
            {
                destination[r] = new Recommendation(ids[bestItems[r]], bestItems[r], bestScores[r] + offset);
            }

            return kept;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(items);
        }
    }

    private FoldInSolver Solver()
    {
        FoldInSolver? solver = Volatile.Read(ref _foldInSolver);
        if (solver is not null)
        {
            return solver;
        }

        solver = FoldInSolver.Create(Model);
        return Interlocked.CompareExchange(ref _foldInSolver, solver, null) ?? solver;
    }

    private void CheckOwner(FoldedUser user)
    {
        if (!ReferenceEquals(user.Model, Model))
        {
            throw new ArgumentException("The user was folded in by a recommender of another model; fold them in with this recommender.", nameof(user));
        }
    }

    private float FoldInSpans(int user, ReadOnlySpan<int> itemIndices, ReadOnlySpan<float> weights, Span<float> destination)
    {
        int rank = Model.NumberOfFactors;
        if (destination.Length != rank)
        {
            ThrowHelper.LengthMismatch(nameof(destination), destination.Length, rank, "one per factor");
        }

        FoldInSolver solver = Solver();
        int n = solver.Dimension;
        int capacity = itemIndices.Length + (user >= 0 ? Model.GetSeenItems(user).Length : 0);
        int[] mergedItems = ArrayPool<int>.Shared.Rent(capacity);
        float[] mergedWeights = ArrayPool<float>.Shared.Rent(capacity);
        float[] factor = ArrayPool<float>.Shared.Rent(n * n);
        float[] solution = ArrayPool<float>.Shared.Rent(n);
        try
        {
            int merged = Merge(user, itemIndices, weights, mergedItems, mergedWeights, solver);
            solver.Solve(mergedItems.AsSpan(0, merged), mergedWeights.AsSpan(0, merged), factor, solution);
            AnchorToTrainedUser(user, itemIndices.Length, solver, solution.AsSpan(0, n));
            solver.Complete(mergedItems.AsSpan(0, merged), solution, destination);
            return solver.IsExplicit ? solution[solver.FactorCount] : 0f;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(mergedItems);
            ArrayPool<float>.Shared.Return(mergedWeights);
            ArrayPool<float>.Shared.Return(factor);
            ArrayPool<float>.Shared.Return(solution);
        }
    }

    private FoldedUser FoldInEvents(string? userId, int user, IEnumerable<Interaction> events, EventWeights? eventWeights)
    {
        ArgumentNullException.ThrowIfNull(events);
        eventWeights ??= EventWeights.Default;
        FoldInSolver solver = Solver();
        var indices = new List<int>();
        var weights = new List<float>();
        var unknownIds = new List<string>();
        var unknownSet = new HashSet<string>(StringComparer.Ordinal);
        int unknownEvents = 0, position = 0;
        foreach (Interaction e in events)
        {
            float weight = EventWeight(e, position, eventWeights, solver.IsExplicit, Model);
            if (e.ItemId is null)
            {
                throw new ArgumentException($"The event at position {position} has no item id.", nameof(events));
            }

            if (Model.Items.TryGetIndex(e.ItemId, out int item))
            {
                indices.Add(item);
                weights.Add(weight);
            }
            else
            {
                unknownEvents++;
                if (unknownSet.Add(e.ItemId))
                {
                    unknownIds.Add(e.ItemId);
                }
            }

            position++;
        }

        return Folded(userId, user, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(indices),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(weights), unknownEvents, unknownIds, solver);
    }

    /// <summary>Solves a user from their training history (<paramref name="user"/> ≥ 0) and new events on known items.</summary>
    private FoldedUser Folded(string? userId, int user, ReadOnlySpan<int> indices, ReadOnlySpan<float> weights, int unknownEvents,
        List<string> unknownIds, FoldInSolver solver)
    {
        int rank = Model.NumberOfFactors, n = solver.Dimension;
        int capacity = indices.Length + (user >= 0 ? Model.GetSeenItems(user).Length : 0);
        var mergedItems = new int[capacity];
        var mergedWeights = new float[capacity];
        int merged = Merge(user, indices, weights, mergedItems, mergedWeights, solver);
        var factor = new float[n * n];
        var solution = new float[n];
        solver.Solve(mergedItems.AsSpan(0, merged), mergedWeights.AsSpan(0, merged), factor, solution);
        AnchorToTrainedUser(user, indices.Length, solver, solution);
        var vector = new float[rank];
        (float factorScale, float partScale) = solver.Complete(mergedItems.AsSpan(0, merged), solution, vector);
        return new FoldedUser(Model, userId, user >= 0, vector, solver.IsExplicit ? solution[solver.FactorCount] : 0f, mergedItems[..merged],
            mergedWeights[..merged], factor, indices.Length, unknownEvents, unknownIds, factorScale, partScale);
    }

    /// <summary>
    /// For a user an explicit model knows: moves <paramref name="solution"/> (the ridge solution of the training history and the new
    /// events, factors then bias) to the trained vector plus what the new events change in the ridge solution. The trainers of
    /// explicit models are not a ridge step (SGD, the average of several models, Bayesian sampling, rated items), so the ridge
    /// solution of the history alone differs from the trained vector (by a fifth of a star on a Bayesian model of the sample): without
    /// this, a known user's scores moved with no new event, and moved back and forth with each one. With no new event the result is
    /// the trained vector exactly. Implicit models are solved as their trainer solves a user, so they need no anchor.
    /// </summary>
    private void AnchorToTrainedUser(int user, int newEvents, FoldInSolver solver, Span<float> solution)
    {
        if (!solver.IsExplicit || user < 0)
        {
            return;
        }

        int k = solver.FactorCount, n = solver.Dimension;
        ReadOnlySpan<float> trained = Model.GetUserFactors(user);
        if (newEvents == 0)
        {
            trained.CopyTo(solution);
            solution[k] = Model.GetUserBias(user);
            return;
        }

        int count = Model.GetSeenItems(user).Length;
        int[] items = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        float[] weights = ArrayPool<float>.Shared.Rent(Math.Max(count, 1));
        float[] factor = ArrayPool<float>.Shared.Rent(n * n);
        float[] history = ArrayPool<float>.Shared.Rent(n);
        try
        {
            int merged = Merge(user, [], [], items, weights, solver);
            solver.Solve(items.AsSpan(0, merged), weights.AsSpan(0, merged), factor, history);
            for (int f = 0; f < k; f++)
            {
                solution[f] += trained[f] - history[f];
            }

            solution[k] += Model.GetUserBias(user) - history[k];
        }
        finally
        {
            ArrayPool<int>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(weights);
            ArrayPool<float>.Shared.Return(factor);
            ArrayPool<float>.Shared.Return(history);
        }
    }

    /// <summary>
    /// Whether a rating lies farther outside the range a model was trained on than half that range's width (at least 1): the lowest and
    /// highest ratings seen need not be the scale's ends (a 1-5 scale whose log has no 5 yet), but 99 on it, or -5, is a mistake.
    /// </summary>
    internal static bool FarOutside(float rating, float min, float max)
    {
        float slack = float.IsFinite(max - min) ? MathF.Max((max - min) / 2, 1) : 0;
        return rating < min - slack || rating > max + slack;
    }

    private static float EventWeight(in Interaction e, int position, EventWeights eventWeights, bool isExplicit, FactorModel model)
    {
        if (isExplicit)
        {
            if (e.Rating is not { } rating || !float.IsFinite(rating))
            {
                throw new ArgumentException($"The event at position {position} (item '{e.ItemId}') has no rating; an explicit model folds in ratings.", "events");
            }

            if (FarOutside(rating, model.MinRating, model.MaxRating))
            {
                // A rating of 99 on a 1-5 model moved the user's bias by ten stars: every score came out near 29.
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The event at position {position} (item '{e.ItemId}') has the rating {rating}, far outside the ratings the model was trained on ({model.MinRating} to {model.MaxRating})."), "events");
            }

            return rating;
        }

        float typeWeight = 1f;
        if (e.EventType is not null)
        {
            int type = eventWeights.IndexOf(e.EventType);
            if (type < 0)
            {
                throw new ArgumentException(
                    $"The event at position {position} (item '{e.ItemId}') has the event type '{e.EventType}', which the event weights do not know (known: {string.Join(", ", eventWeights.Names)}).", "events");
            }

            typeWeight = eventWeights.GetWeight(type);
        }

        float weight = typeWeight * e.Value;
        if (!float.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentException($"The event at position {position} (item '{e.ItemId}') has the value {e.Value}; values must be finite and 0 or more.", "events");
        }

        return weight;
    }

    /// <summary>
    /// Merges a known user's training history (if <paramref name="user"/> ≥ 0) with new events into ascending distinct items and their
    /// weights: implicit weights add up; for explicit models the last rating of an item wins. Returns how many items were written.
    /// </summary>
    private int Merge(int user, ReadOnlySpan<int> itemIndices, ReadOnlySpan<float> weights, Span<int> mergedItems, Span<float> mergedWeights,
        FoldInSolver solver)
    {
        int itemCount = Model.Items.Count;
        if (weights.Length != itemIndices.Length)
        {
            ThrowHelper.LengthMismatch(nameof(weights), weights.Length, itemIndices.Length, "one weight per item index");
        }

        for (int p = 0; p < itemIndices.Length; p++)
        {
            if ((uint)itemIndices[p] >= (uint)itemCount)
            {
                ThrowHelper.ItemIndexOutside(nameof(itemIndices), itemIndices[p], itemCount);
            }

            float w = weights[p];
            if (!float.IsFinite(w) || (!solver.IsExplicit && w < 0))
            {
                ThrowHelper.NegativeWeight(nameof(weights), p, w);
            }

            if (solver.IsExplicit && FarOutside(w, Model.MinRating, Model.MaxRating))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The rating at position {p} is {w}, far outside the ratings the model was trained on ({Model.MinRating} to {Model.MaxRating})."), nameof(weights));
            }
        }

        // New events, grouped by item in input order (key = item << 32 | position), so "last rating wins" is well defined.
        long[] keys = ArrayPool<long>.Shared.Rent(itemIndices.Length);
        try
        {
            Span<long> order = keys.AsSpan(0, itemIndices.Length);
            for (int p = 0; p < order.Length; p++)
            {
                order[p] = ((long)itemIndices[p] << 32) | (uint)p;
            }

            order.Sort();
            ReadOnlySpan<int> history = user >= 0 ? Model.GetSeenItems(user) : default;
            ReadOnlySpan<float> historyWeights = user >= 0 ? Model.GetSeenWeights(user) : default;
            int h = 0, e = 0, written = 0;
            while (h < history.Length || e < order.Length)
            {
                int fromHistory = h < history.Length ? history[h] : int.MaxValue;
                int fromEvents = e < order.Length ? (int)(order[e] >> 32) : int.MaxValue;
                int item = Math.Min(fromHistory, fromEvents);
                float weight = 0;
                if (fromHistory == item)
                {
                    weight = !historyWeights.IsEmpty ? historyWeights[h]
                        : solver.IsExplicit ? Model.Score(user, item) : solver.MeanWeight;
                    h++;
                }

                while (e < order.Length && (int)(order[e] >> 32) == item)
                {
                    float w = weights[(int)(uint)order[e]];
                    weight = solver.IsExplicit ? w : weight + w;
                    e++;
                }

                mergedItems[written] = item;
                mergedWeights[written] = weight;
                written++;
            }

            return written;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
        }
    }
}
