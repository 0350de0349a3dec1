namespace Personalize.Core.Recommending;

/// <summary>
/// A user vector folded in from events against the model's fixed item factors: an anonymous session, a user the model does not know,
/// or a known user with events since training. Recommend for it with <see cref="Recommender.ForUser(FoldedUser, int, Filtering.CompiledFilter?)"/>
/// and explain its scores with <see cref="Recommender.Explain(FoldedUser, string, int)"/>.
/// </summary>
/// <remarks>Create it with <see cref="Recommender.FoldIn(string?, IEnumerable{Data.Interaction}, Data.EventWeights?)"/> (a
/// <see langword="null"/> user id for an anonymous session), or from the events a live tracker holds with
/// <see cref="Tracking.EventTracker.FoldIn(string, Recommender)"/>; pass it as <see cref="RecommendationRequest.FoldedUser"/> for a
/// customized, paged list. Immutable and thread-safe; it belongs
/// to the recommender (model) that made it.</remarks>
public sealed class FoldedUser
{
    private readonly float[] _factors;
    private readonly int[] _items;
    private readonly float[] _weights;

    internal FoldedUser(Models.FactorModel model, string? userId, bool isKnownUser, float[] factors, float bias, int[] items, float[] weights,
        float[] choleskyFactor, int eventCount, int unknownEventCount, IReadOnlyList<string> unknownItemIds, float factorScale = 1f, float partScale = 0f)
    {
        FactorScale = factorScale;
        PartScale = partScale;
        Model = model;
        UserId = userId;
        IsKnownUser = isKnownUser;
        _factors = factors;
        Bias = bias;
        _items = items;
        _weights = weights;
        CholeskyFactor = choleskyFactor;
        EventCount = eventCount;
        UnknownEventCount = unknownEventCount;
        UnknownItemIds = unknownItemIds;
    }

    /// <summary>Gets the user's id, or <see langword="null"/> for an anonymous session.</summary>
    public string? UserId { get; }

    /// <summary>Gets whether the model knew the user, so that their training history is part of the vector.</summary>
    public bool IsKnownUser { get; }

    /// <summary>Gets the folded-in factors.</summary>
    public ReadOnlySpan<float> Factors => _factors;

    /// <summary>Gets the folded-in user bias (explicit models; 0 for implicit ones).</summary>
    public float Bias { get; }

    /// <summary>Gets the items the vector was solved from, ascending: the training history of a known user and the new events' items.</summary>
    public ReadOnlySpan<int> ItemIndices => _items;

    /// <summary>Gets the weight of each item, aligned with <see cref="ItemIndices"/>: the summed event weights (implicit) or the rating
    /// (explicit; the latest when an item was rated again).</summary>
    public ReadOnlySpan<float> ItemWeights => _weights;

    /// <summary>Gets how many of the given events were used (their item is in the model); from
    /// <see cref="Tracking.EventTracker.FoldIn(string, Recommender)"/>, how many distinct items the tracker holds for the user beyond their
    /// training history.</summary>
    public int EventCount { get; }

    /// <summary>Gets how many of the given events were skipped because the model does not know their item.</summary>
    public int UnknownEventCount { get; }

    /// <summary>Gets the distinct item ids of the skipped events, in the order first seen.</summary>
    public IReadOnlyList<string> UnknownItemIds { get; }

    internal Models.FactorModel Model { get; }

    /// <summary>The Cholesky factor L of the solved system, for explanations.</summary>
    internal float[] CholeskyFactor { get; }

    /// <summary>The scale of the solved factors in <see cref="Factors"/> (1 unless the model blends item-item values).</summary>
    internal float FactorScale { get; }

    /// <summary>The scale of the item-item values in <see cref="Factors"/> (0 unless the model blends them).</summary>
    internal float PartScale { get; }
}
