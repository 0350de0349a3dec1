using Personalize.Core.Recommending;

namespace Personalize.Core.Pages;

/// <summary>One shelf of a <see cref="HomePage"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class Shelf
{
    internal Shelf(string name, ShelfKind kind, RecommendationSource source, IReadOnlyList<ShelfItem> items)
    {
        Name = name;
        Kind = kind;
        Source = source;
        Items = items;
    }

    /// <summary>Gets the shelf's name.</summary>
    public string Name { get; }

    /// <summary>Gets what the shelf shows.</summary>
    public ShelfKind Kind { get; }

    /// <summary>Gets whether the shelf is personalized (<see cref="RecommendationSource.Personalized"/>), a fallback for a new user,
    /// non-personal (trending, or the user opted out), or empty by policy.</summary>
    public RecommendationSource Source { get; }

    /// <summary>Gets the items, in shelf order.</summary>
    public IReadOnlyList<ShelfItem> Items { get; }
}
