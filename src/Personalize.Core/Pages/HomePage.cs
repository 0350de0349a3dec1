namespace Personalize.Core.Pages;

/// <summary>A built home page: its shelves in page order, no item twice.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class HomePage
{
    internal HomePage(string userId, IReadOnlyList<Shelf> shelves)
    {
        UserId = userId;
        Shelves = shelves;
    }

    /// <summary>Gets the user.</summary>
    public string UserId { get; }

    /// <summary>Gets the shelves, in the request's order.</summary>
    public IReadOnlyList<Shelf> Shelves { get; }

    /// <summary>Gets a shelf by name.</summary>
    /// <param name="name">The shelf's name.</param>
    /// <returns>The shelf.</returns>
    /// <exception cref="KeyNotFoundException">The page has no such shelf.</exception>
    public Shelf this[string name] => Shelves.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"The page has no shelf '{name}'.");
}
