using System.Numerics.Tensors;

namespace Personalize.Core.Recommending;

/// <summary>Explanations: which past items made an item's score ("because you bought X").</summary>
public sealed partial class Recommender
{
    /// <summary>Explains a user's score for an item by the items of their training history that contributed most.</summary>
    /// <param name="userId">The user; one the model does not know has no history, so the explanation is empty, and its score is the base
    /// score alone: 0 for an implicit model, the global mean plus the item's bias (the rating predicted for a stranger) for an explicit one.</param>
    /// <param name="itemId">The item, usually one recommended to the user.</param>
    /// <param name="count">How many contributions to list at most.</param>
    /// <returns>The explanation. For a user the model knows, its <see cref="ScoreExplanation.Score"/> is the score
    /// <see cref="ForUser(string, int, Filtering.CompiledFilter?)"/> shows (the trained vector's), and <see cref="ScoreExplanation.BaseScore"/> plus every
    /// contribution adds up to it.</returns>
    /// <remarks>The parts come from the user's training history solved exactly, whose vector differs from the trained one: slightly for
    /// implicit ALS (the trainer's last item update comes after the last user update), more for explicit models, whose trainers are not
    /// one ridge step (SGD; the average of several models and Bayesian sampling most, where the difference can be as large as the parts
    /// themselves, and the parts are then a rough guide). That difference, <see cref="ScoreExplanation.Reconciled"/>, is spread over the
    /// history items in proportion to the size of their parts, so the parts add up to the score the user was shown.</remarks>
    /// <exception cref="ArgumentException">The model does not know the item.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public ScoreExplanation Explain(string userId, string itemId, int count)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(itemId);
        FoldedUser folded = FoldIn(userId, []);
        return Model.Users.TryGetIndex(userId, out int user) ? Explain(folded, itemId, count, user) : Explain(folded, itemId, count);
    }

    /// <summary>Explains a folded-in user's score for an item by the history items (training and new events) that contributed most.</summary>
    /// <param name="user">The user, folded in by this recommender.</param>
    /// <param name="itemId">The item.</param>
    /// <param name="count">How many contributions to list at most.</param>
    /// <returns>The explanation: <see cref="ScoreExplanation.BaseScore"/> plus every history item's contribution equals
    /// <see cref="ScoreExplanation.Score"/>, the score <see cref="ForUser(FoldedUser, int, Filtering.CompiledFilter?)"/> gives the item.</returns>
    /// <remarks>Costs one triangular solve with the factorization kept from the fold-in, plus one dot product per history item.</remarks>
    /// <exception cref="ArgumentException">The model does not know the item, or the user was folded in for another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public ScoreExplanation Explain(FoldedUser user, string itemId, int count) => Explain(user, itemId, count, trainedUser: -1);

    /// <summary>Explains a folded-in user's score; with <paramref name="trainedUser"/> at least 0, the score of that user's trained vector,
    /// the difference spread over the history items in proportion to their parts.</summary>
    private ScoreExplanation Explain(FoldedUser user, string itemId, int count, int trainedUser)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckOwner(user);
        if (!Model.Items.TryGetIndex(itemId, out int item))
        {
            throw new ArgumentException($"The item '{itemId}' is not in the model, so its score cannot be explained.", nameof(itemId));
        }

        FoldInSolver solver = Solver();
        int factors = solver.FactorCount, n = solver.Dimension;
        float baseScore = Model.GlobalBias + Model.GetItemBias(item);
        ReadOnlySpan<float> y = Model.GetItemFactors(item);
        float score = baseScore + user.Bias + TensorPrimitives.Dot(user.Factors, y);

        // z = A⁻¹ f_i; the contribution of history item j is coefficient_j · zᵀ f_j.
        var z = new float[n];
        solver.Features(item, z);
        Internal.Cholesky.Solve(user.CholeskyFactor, z, n);
        ReadOnlySpan<int> history = user.ItemIndices;
        ReadOnlySpan<float> weights = user.ItemWeights;
        var values = new float[history.Length];
        var order = new int[history.Length];
        double personalized = 0;
        for (int h = 0; h < history.Length; h++)
        {
            int j = history[h];
            float similarity = TensorPrimitives.Dot(z.AsSpan(0, factors), Model.GetItemFactors(j)[..factors]) + (solver.IsExplicit ? z[factors] : 0f);
            values[h] = solver.Coefficient(j, weights[h]) * similarity * user.FactorScale;
            if (solver.HasItemItem)
            {
                values[h] += user.PartScale * solver.ItemItemContribution(j, item);
            }
            order[h] = h;
            personalized += values[h];
        }

        float reconciled = 0;
        // A known user of an explicit model is folded in as the trained vector plus the ridge's change (see AnchorToTrainedUser): the
        // parts explain the ridge solution, and what the trained vector adds is reconciled as for a user explained by id.
        bool anchored = solver.IsExplicit && user.IsKnownUser;
        if ((trainedUser >= 0 || anchored) && history.Length > 0)
        {
            // The score ForUser shows: the trained vector, summed as the scan sums it (item part, then the user's offset).
            float shown = trainedUser < 0 ? score
                : TensorPrimitives.Dot(Model.GetUserFactors(trainedUser), y) + Model.GetItemBias(item) + (Model.GlobalBias + Model.GetUserBias(trainedUser));
            double magnitude = 0;
            foreach (float value in values)
            {
                magnitude += Math.Abs(value);
            }

            double residual = (double)(shown - baseScore) - personalized;
            if (magnitude > 0)
            {
                for (int h = 0; h < values.Length; h++)
                {
                    values[h] = (float)(values[h] + residual * Math.Abs(values[h]) / magnitude);
                }

                reconciled = (float)residual;
                score = shown;
            }
        }

        Array.Sort(order, (a, b) => values[a] != values[b] ? values[b].CompareTo(values[a]) : a.CompareTo(b));   // history is ascending, so h order is item order
        int listed = Math.Min(count, history.Length);
        var contributions = new ScoreContribution[listed];
        string[] ids = Model.Items.RawIds;
        float total = score - baseScore;
        for (int r = 0; r < listed; r++)
        {
            int h = order[r];
            contributions[r] = new ScoreContribution(ids[history[h]], history[h], values[h], total != 0 ? values[h] / total : 0f);
        }

        double others = 0;
        for (int r = listed; r < order.Length; r++)
        {
            others += values[order[r]];
        }

        return new ScoreExplanation(ids[item], item, score, baseScore, contributions, (float)others, history.Length, reconciled);
    }
}
