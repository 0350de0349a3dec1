using System.ComponentModel.DataAnnotations;
using Personalize.Core.Filtering;
using Personalize.Core.Recommending;

namespace Personalize.Core.Pages;

/// <summary>One shelf of a home page: its name, what it shows, how many items, and an optional filter of its own.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ShelfRequest
{
    /// <summary>Creates a shelf request.</summary>
    /// <param name="name">The shelf's name, unique on the page (pins refer to it).</param>
    /// <param name="kind">What the shelf shows.</param>
    /// <param name="count">How many items it holds.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public ShelfRequest(string name, ShelfKind kind, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        Count = count;
    }

    /// <summary>Gets the shelf's name.</summary>
    public string Name { get; }

    /// <summary>Gets what the shelf shows.</summary>
    public ShelfKind Kind { get; }

    /// <summary>Gets how many items the shelf holds at most.</summary>
    [Range(1, 1000)]
    public int Count { get; }

    /// <summary>Gets a filter for this shelf only, joined with the page's filters; <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Filter? Filter { get; init; }
}
