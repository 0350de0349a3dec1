namespace Personalize.Core.Recommending;

/// <summary>
/// Why a user's score for an item is what it is: the items of their history that contributed most, computed from the model.
/// </summary>
/// <remarks>
/// <para>For implicit ALS the user's vector is <c>x = W Σ_j c_j y_j</c> with <c>W = (YᵀC Y + λI)⁻¹</c>, so the score of item <c>i</c> is
/// <c>Σ_j c_j · y_iᵀ W y_j</c>: one additive part per history item <c>j</c>, its confidence times the similarity of <c>i</c> and
/// <c>j</c> as the user's own weighting <c>W</c> sees it (Hu, Koren and Volinsky 2008, section 5). For explicit models the same holds
/// with the residual rating <c>r_j − μ − b_j</c> in place of <c>c_j</c>, and the global and item biases form
/// <see cref="BaseScore"/>.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class ScoreExplanation
{
    internal ScoreExplanation(string itemId, int itemIndex, float score, float baseScore, IReadOnlyList<ScoreContribution> contributions,
        float otherContributions, int historyCount, float reconciled = 0)
    {
        Reconciled = reconciled;
        ItemId = itemId;
        ItemIndex = itemIndex;
        Score = score;
        BaseScore = baseScore;
        Contributions = contributions;
        OtherContributions = otherContributions;
        HistoryCount = historyCount;
    }

    /// <summary>Gets how much the contributions were moved, in all, so that they add up to the trained vector's score: the trained
    /// score minus the score of the history solved exactly. 0 for folded-in users of implicit models and for users an explicit model does
    /// not know, whose score is the solved one.</summary>
    /// <remarks>It is spread over the history items in proportion to the size of their parts. For implicit models it is usually a small
    /// fraction of <see cref="Score"/>; for explicit models trained by Bayesian sampling or as an average of several models it can be as
    /// large as the personalized part, and the contributions are then a rough guide.</remarks>
    public float Reconciled { get; }

    /// <summary>Gets the explained item's id.</summary>
    public string ItemId { get; }

    /// <summary>Gets the explained item's index in the model.</summary>
    public int ItemIndex { get; }

    /// <summary>Gets the score that is explained: for a user the model knows, explained by id, the score
    /// <see cref="Recommender.ForUser(string, int, Filtering.CompiledFilter?)"/> shows (the trained vector's); for a folded-in user, that user's score.</summary>
    /// <remarks>For a trained user explained by id this is the score of the trained vector; the parts come from the history solved
    /// exactly, and <see cref="Reconciled"/> is the difference.</remarks>
    public float Score { get; }

    /// <summary>Gets the part of the score that does not come from the history: the global and item biases (explicit models), 0 for
    /// implicit ones.</summary>
    public float BaseScore { get; }

    /// <summary>Gets the largest contributions, largest first (at most the number asked for).</summary>
    public IReadOnlyList<ScoreContribution> Contributions { get; }

    /// <summary>Gets the sum of the contributions of the history items not listed in <see cref="Contributions"/>.</summary>
    public float OtherContributions { get; }

    /// <summary>Gets how many history items the score is made of.</summary>
    public int HistoryCount { get; }
}
