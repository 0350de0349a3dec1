using System.Collections;

namespace Personalize.Core.Recommending;

/// <summary>A user's ranked recommendations, best first, and where they came from.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RecommendationList : IReadOnlyList<Recommendation>
{
    private readonly Recommendation[] _items;

    internal RecommendationList(string userId, RecommendationSource source, Recommendation[] items)
    {
        UserId = userId;
        Source = source;
        _items = items;
    }

    /// <summary>Gets the user the list is for.</summary>
    public string UserId { get; }

    /// <summary>Gets whether the list is personalized or a fallback.</summary>
    public RecommendationSource Source { get; }

    /// <summary>Gets how many recommendations the list holds.</summary>
    public int Count => _items.Length;

    /// <summary>Gets a recommendation by rank (0 is the best).</summary>
    /// <param name="index">The 0-based rank.</param>
    public Recommendation this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<Recommendation> GetEnumerator() => ((IEnumerable<Recommendation>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
