using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Evaluation;

/// <summary>Measures top-K ranking quality on held-out interactions, for a model, for the most-popular baseline or for any ranking.</summary>
/// <remarks>
/// <para>Held-out rows are matched to the model by id, so the held-out log may have its own id maps or share the training log's. For
/// each held-out user the rules are, in order:</para>
/// <list type="number">
/// <item><description>A user the model does not know (cold start: no training rows) is skipped and counted in
/// <see cref="RankingReport.UsersSkipped"/>. No list is asked for, so no fallback is ever mixed into the averages.</description></item>
/// <item><description>A held-out item the model does not know (it first appears after training) cannot be recommended: it is left out of
/// the user's relevant set and counted once per (user, item) in <see cref="RankingReport.UnknownItemsSkipped"/>.</description></item>
/// <item><description>A held-out item the user interacted with in training is not relevant: recommenders leave seen items out by default,
/// and re-finding a known item is not what the metrics measure.</description></item>
/// <item><description>A user left with no relevant item is skipped and counted in <see cref="RankingReport.UsersSkipped"/>.</description></item>
/// </list>
/// <para>Every other user is evaluated: their list is asked for once and counted exactly as returned (its first K items). A seen item in
/// the list is never a hit, and it is counted in <see cref="RankingReport.SeenItemsRecommended"/>, which is 0 when seen items are
/// excluded. The metrics follow the standard definitions written out on <see cref="RankingReport"/>. Users are evaluated in ascending
/// model index order, so the same inputs give the same report. The methods share no state and are thread-safe.</para>
/// </remarks>
public static class RankingEvaluation
{
    private const int CancellationCheckInterval = 256;

    private delegate int ListFor(int user, Span<int> destination);

    /// <summary>Evaluates a recommender's lists.</summary>
    /// <remarks>The lists are the recommender's <c>ForUser</c> answers for the user's index, so its <see cref="RecommenderOptions.ExcludeSeen"/>
    /// applies: with <see langword="false"/>, seen items take places in the lists and show up in
    /// <see cref="RankingReport.SeenItemsRecommended"/>. The lists of up to 16,384 users at a time are built on every core, whatever the
    /// recommender's <see cref="RecommenderOptions.NumberOfThreads"/> (each list on one pool thread, never the recommender's scan
    /// threads), then counted in ascending user order, so the report is the one a list at a time gives.</remarks>
    /// <param name="recommender">The recommender; its model is the training side.</param>
    /// <param name="heldOut">The held-out interactions, matched to the model by id.</param>
    /// <param name="k">The list length, 1 or more.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The averages and counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recommender"/> or <paramref name="heldOut"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException">The evaluation was cancelled.</exception>
    public static RankingReport Evaluate(Recommender recommender, InteractionLog heldOut, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        Validate(heldOut, k);
        // The lists of a block of users are built on every core (each user's scan is independent and the recommender is thread-safe),
        // then counted in ascending user order as for any ranking, so the report is the one a list at a time gives.
        return Run(recommender.Model, heldOut, k, (users, first, count, lists, counts) =>
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, () => new Recommendation[k],
                (u, _, buffer) =>
                {
                    int written = recommender.ForUserIndexOnThisThread(users[first + u], buffer);
                    Span<int> destination = lists.AsSpan(u * k, k);
                    for (int r = 0; r < written; r++)
                    {
                        destination[r] = buffer[r].ItemIndex;
                    }

                    counts[u] = written;
                    return buffer;
                }, _ => { }), cancellationToken);
    }

    /// <summary>Evaluates the most-popular baseline: the most popular items in training that the user has not seen.</summary>
    /// <remarks>Popularity is <see cref="FactorModel.ItemPopularity"/>; ties go to the lower item index, as in the recommender's fallback.
    /// Run it on the same held-out log as the model to compare them under the same skip rules.</remarks>
    /// <param name="model">The model, for its popularity and seen items.</param>
    /// <param name="heldOut">The held-out interactions, matched to the model by id.</param>
    /// <param name="k">The list length, 1 or more.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The averages and counts; <see cref="RankingReport.SeenItemsRecommended"/> is 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="heldOut"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException">The evaluation was cancelled.</exception>
    public static RankingReport EvaluatePopularity(FactorModel model, InteractionLog heldOut, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Validate(heldOut, k);
        int[] order = Enumerable.Range(0, model.Items.Count).OrderByDescending(i => model.ItemPopularity[i]).ThenBy(i => i).ToArray();
        return Run(model, heldOut, k, (user, destination) =>
        {
            ReadOnlySpan<int> seen = model.GetSeenItems(user);
            int written = 0;
            foreach (int item in order)
            {
                if (written == destination.Length)
                {
                    break;
                }

                if (seen.BinarySearch(item) < 0)
                {
                    destination[written++] = item;
                }
            }

            return written;
        }, cancellationToken);
    }

    /// <summary>Evaluates any ranking, given as a function from a user's index to their list of item indices, best first.</summary>
    /// <remarks>
    /// Use it for rankings that do not come from a <see cref="Recommender"/>, such as another model or a hand-made baseline. The function
    /// is called once per evaluated user, on the calling thread, in ascending user index order, and never for skipped users. Its argument
    /// is an index in <paramref name="model"/>'s <see cref="FactorModel.Users"/>, and it returns indices in the model's
    /// <see cref="FactorModel.Items"/>. Only the first <paramref name="k"/> items count; a shorter list is allowed (precision still
    /// divides by K). Seen items in the list are counted as returned, in <see cref="RankingReport.SeenItemsRecommended"/>.
    /// </remarks>
    /// <param name="model">The model whose users, items and seen items define the training side.</param>
    /// <param name="heldOut">The held-out interactions, matched to the model by id.</param>
    /// <param name="k">The list length, 1 or more.</param>
    /// <param name="topKForUserIndex">Returns the ranking for a user index.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The averages and counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="heldOut"/> or <paramref name="topKForUserIndex"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A returned list has an item index outside the model's items, or the same item twice within its
    /// first <paramref name="k"/> items.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="topKForUserIndex"/> returned null.</exception>
    /// <exception cref="OperationCanceledException">The evaluation was cancelled.</exception>
    public static RankingReport EvaluateLists(FactorModel model, InteractionLog heldOut, int k, Func<int, IReadOnlyList<int>> topKForUserIndex,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(topKForUserIndex);
        Validate(heldOut, k);
        int itemCount = model.Items.Count;
        var listedFor = new int[itemCount];   // 1 + the user whose list last held the item: finds repeats without clearing
        return Run(model, heldOut, k, (user, destination) =>
        {
            IReadOnlyList<int> list = topKForUserIndex(user)
                ?? throw new InvalidOperationException(
                    $"The ranking for user '{model.Users.GetId(user)}' (index {user}) is null; return an empty list when there is nothing to recommend.");
            int written = Math.Min(list.Count, destination.Length);
            for (int r = 0; r < written; r++)
            {
                int item = list[r];
                if ((uint)item >= (uint)itemCount)
                {
                    throw new ArgumentException(
                        $"The ranking for user '{model.Users.GetId(user)}' (index {user}) has the item index {item} at position {r}; item indices must be between 0 and {itemCount - 1}.",
                        nameof(topKForUserIndex));
                }

                if (listedFor[item] == user + 1)
                {
                    throw new ArgumentException(
                        $"The ranking for user '{model.Users.GetId(user)}' (index {user}) lists the item '{model.Items.GetId(item)}' (index {item}) twice within its first {destination.Length}; each item may appear once.",
                        nameof(topKForUserIndex));
                }

                listedFor[item] = user + 1;
                destination[r] = item;
            }

            return written;
        }, cancellationToken);
    }

    private static void Validate(InteractionLog heldOut, int k)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"The list length k is {k}; it must be 1 or more.");
        }
    }

    /// <summary>Writes the lists of <c>count</c> users from <c>users[first]</c> on, K slots each in <c>lists</c> (from 0), and how many
    /// items each holds in <c>counts</c>.</summary>
    private delegate void ListsFor(int[] users, int first, int count, int[] lists, int[] counts);

    /// <summary>How many users' lists are held at a time (at most <see cref="MaxListSlots"/> items in all).</summary>
    private const int ListBlock = 16_384;

    /// <summary>The most list slots held at a time: 16M item indices, 64 MB.</summary>
    private const int MaxListSlots = 1 << 24;

    /// <summary>Counts the lists of every evaluated user in ascending index order, asking <paramref name="listFor"/> for one at a time.</summary>
    private static RankingReport Run(FactorModel model, InteractionLog heldOut, int k, ListFor listFor, CancellationToken cancellationToken) =>
        Run(model, heldOut, k, (users, first, count, lists, counts) =>
        {
            for (int u = 0; u < count; u++)
            {
                if (u % CancellationCheckInterval == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                counts[u] = listFor(users[first + u], lists.AsSpan(u * k, k));
            }
        }, cancellationToken);

    /// <summary>Counts the lists of every evaluated user in ascending index order, asking <paramref name="listsFor"/> for a block of
    /// users' lists at a time.</summary>
    private static RankingReport Run(FactorModel model, InteractionLog heldOut, int k, ListsFor listsFor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        (SortedDictionary<int, HashSet<int>> relevant, int otherUsers, int unknownItemCount) = Relevant(model, heldOut, newUsers: false);
        int[] users = [.. relevant.Where(pair => pair.Value.Count > 0).Select(pair => pair.Key)];
        int skipped = otherUsers + (relevant.Count - users.Length);
        int block = Math.Clamp(Math.Min(ListBlock, MaxListSlots / k), 1, Math.Max(1, users.Length));
        var lists = new int[block * k];
        var counts = new int[block];
        var sums = new Sums(k, model.Items.Count);
        for (int first = 0; first < users.Length; first += block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(block, users.Length - first);
            listsFor(users, first, count, lists, counts);
            for (int u = 0; u < count; u++)
            {
                int user = users[first + u];
                sums.Add(lists.AsSpan(u * k, counts[u]), model.GetSeenItems(user), relevant[user]);
            }
        }

        return sums.Report(skipped, unknownItemCount);
    }

    /// <summary>Evaluates the list a recommender gives users it does not know (cold start), on the held-out rows of exactly those users.</summary>
    /// <remarks>The complement of <see cref="Evaluate"/>, which skips these users: a held-out user unknown to the model gets
    /// <c>ForUser(userId, k)</c>, the recommender's cold-start list (its <see cref="ColdStartPolicy"/>: popular items, or none), and is
    /// scored on their held-out items that the model knows; a user with none is skipped. Known users are skipped and counted in
    /// <see cref="RankingReport.UsersSkipped"/>. On a time split this measures what a person who first arrives in the test period
    /// sees.</remarks>
    /// <param name="recommender">The recommender; its model is the training side.</param>
    /// <param name="heldOut">The held-out interactions, matched to the model by id.</param>
    /// <param name="k">The list length, 1 or more.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The averages and counts over new users.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recommender"/> or <paramref name="heldOut"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException">The evaluation was cancelled.</exception>
    public static RankingReport EvaluateNewUsers(Recommender recommender, InteractionLog heldOut, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        Validate(heldOut, k);
        FactorModel model = recommender.Model;
        (SortedDictionary<int, HashSet<int>> relevant, int knownUsers, int unknownItems) = Relevant(model, heldOut, newUsers: true);
        var sums = new Sums(k, model.Items.Count);
        var list = new int[k];
        int skipped = knownUsers, done = 0;
        foreach ((int user, HashSet<int> set) in relevant)
        {
            if (done++ % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (set.Count == 0)
            {
                skipped++;
                continue;
            }

            RecommendationList answer = recommender.ForUser(heldOut.Users.GetId(user), k);
            int n = Math.Min(k, answer.Count);
            for (int r = 0; r < n; r++)
            {
                list[r] = answer[r].ItemIndex;
            }

            sums.Add(list.AsSpan(0, n), default, set);
        }

        return sums.Report(skipped, unknownItems);
    }

    /// <summary>
    /// Each held-out user's relevant items (held-out items the model knows; for known users, not already seen), keyed by model index for
    /// known users or by held-out index for new ones (<paramref name="newUsers"/>), with the count of users of the other group and of
    /// (user, unknown item) pairs.
    /// </summary>
    private static (SortedDictionary<int, HashSet<int>> Relevant, int OtherUsers, int UnknownItems) Relevant(FactorModel model, InteractionLog heldOut,
        bool newUsers)
    {
        int[] userInModel = ToModelIndices(heldOut.Users, model.Users);
        int[] itemInModel = ToModelIndices(heldOut.Items, model.Items);
        var relevant = new SortedDictionary<int, HashSet<int>>();
        var otherUsers = new HashSet<int>();
        var unknownItems = new HashSet<long>();
        ReadOnlySpan<int> rowUsers = heldOut.UserIndices, rowItems = heldOut.ItemIndices;
        for (int row = 0; row < heldOut.Count; row++)
        {
            int modelUser = userInModel[rowUsers[row]];
            if ((modelUser >= 0) == newUsers)
            {
                otherUsers.Add(rowUsers[row]);
                continue;
            }

            int user = newUsers ? rowUsers[row] : modelUser;
            if (!relevant.TryGetValue(user, out HashSet<int>? set))
            {
                relevant[user] = set = [];
            }

            int item = itemInModel[rowItems[row]];
            if (item < 0)
            {
                unknownItems.Add(((long)user << 32) | (uint)rowItems[row]);
                continue;
            }

            if (newUsers || model.GetSeenItems(user).BinarySearch(item) < 0)
            {
                set.Add(item);
            }
        }

        return (relevant, otherUsers.Count, unknownItems.Count);
    }

    /// <summary>Running sums of the per-user metrics (the standard definitions on <see cref="RankingReport"/>).</summary>
    internal sealed class Sums
    {
        private readonly int _k;
        private readonly double[] _idealDcg;
        private readonly bool[] _recommended;
        private int _distinctRecommended, _evaluated, _hitUsers;
        private long _seenRecommended;
        private double _precision, _recall, _ndcg, _averagePrecision, _reciprocalRank;

        public Sums(int k, int items)
        {
            _k = k;
            _recommended = new bool[items];
            _idealDcg = new double[k + 1];   // _idealDcg[n]: the DCG of n hits at ranks 1..n
            for (int r = 0; r < k; r++)
            {
                _idealDcg[r + 1] = _idealDcg[r] + Gain(r);
            }
        }

        public void Add(ReadOnlySpan<int> list, ReadOnlySpan<int> seen, HashSet<int> set)
        {
            int hits = 0;
            double dcg = 0, precisionSum = 0, reciprocal = 0;
            for (int r = 0; r < list.Length; r++)
            {
                int item = list[r];
                if (!_recommended[item])
                {
                    _recommended[item] = true;
                    _distinctRecommended++;
                }

                if (seen.BinarySearch(item) >= 0)
                {
                    _seenRecommended++;
                    continue;
                }

                if (set.Contains(item))
                {
                    hits++;
                    dcg += Gain(r);
                    precisionSum += (double)hits / (r + 1);
                    if (reciprocal == 0)
                    {
                        reciprocal = 1.0 / (r + 1);
                    }
                }
            }

            int idealHits = Math.Min(_k, set.Count);
            _precision += (double)hits / _k;
            _recall += (double)hits / set.Count;
            _ndcg += dcg / _idealDcg[idealHits];
            _averagePrecision += precisionSum / idealHits;
            _reciprocalRank += reciprocal;
            _hitUsers += hits > 0 ? 1 : 0;
            _evaluated++;
        }

        public RankingReport Report(int skipped, int unknownItems)
        {
            double coverage = _recommended.Length == 0 ? 0 : (double)_distinctRecommended / _recommended.Length;
            int n = _evaluated;
            return n == 0
                ? new RankingReport(_k, 0, skipped, 0, 0, 0, 0, 0, 0, coverage, _seenRecommended, unknownItems)
                : new RankingReport(_k, n, skipped, _precision / n, _recall / n, _ndcg / n, (double)_hitUsers / n, _averagePrecision / n,
                    _reciprocalRank / n, coverage, _seenRecommended, unknownItems);
        }
    }

    /// <summary>The discounted gain of a hit at 0-based rank <paramref name="rank"/>: 1 / log2(rank + 2).</summary>
    private static double Gain(int rank) => 1 / Math.Log2(rank + 2);

    private static int[] ToModelIndices(IdMap heldOut, IdMap model)
    {
        var result = new int[heldOut.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = model.TryGetIndex(heldOut.GetId(i), out int index) ? index : -1;
        }

        return result;
    }
}
