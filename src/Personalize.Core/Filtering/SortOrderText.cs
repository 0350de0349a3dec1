using System.Diagnostics.CodeAnalysis;

namespace Personalize.Core.Filtering;

/// <summary>Reads and writes <see cref="SortOrder"/> names for URLs, configuration and the command line: <c>relevance</c>,
/// <c>price-asc</c>, <c>price-desc</c>, <c>rating</c>, <c>newest</c>, <c>popularity</c>.</summary>
/// <remarks>Names compare case-insensitively; <see cref="Format"/> writes them in lower case. Thread-safe.</remarks>
public static class SortOrderText
{
    private static readonly string[] Names = ["relevance", "price-asc", "price-desc", "rating", "newest", "popularity"];

    /// <summary>Gets the valid names, in <see cref="SortOrder"/> order.</summary>
    public static IReadOnlyList<string> ValidNames => Names;

    /// <summary>Gets the name of a sort order.</summary>
    /// <param name="order">The order.</param>
    /// <returns>Its name, such as <c>price-asc</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined value.</exception>
    public static string Format(SortOrder order) =>
        (uint)order < (uint)Names.Length ? Names[(int)order] : throw new ArgumentOutOfRangeException(nameof(order), order, "Not a defined sort order.");

    /// <summary>Reads a sort order name.</summary>
    /// <param name="text">The name, such as <c>price-asc</c>.</param>
    /// <param name="order">The order, when the name is valid.</param>
    /// <returns>Whether the name is valid.</returns>
    public static bool TryParse(string? text, out SortOrder order)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (string.Equals(text?.Trim(), Names[i], StringComparison.OrdinalIgnoreCase))
            {
                order = (SortOrder)i;
                return true;
            }
        }

        order = SortOrder.Relevance;
        return false;
    }

    /// <summary>Reads a sort order name.</summary>
    /// <param name="text">The name, such as <c>price-asc</c>.</param>
    /// <returns>The order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The name is not one of <see cref="ValidNames"/>; the message lists them.</exception>
    public static SortOrder Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out SortOrder order) ? order : ThrowInvalid(text);
    }

    [DoesNotReturn]
    private static SortOrder ThrowInvalid(string text) =>
        throw new FormatException($"'{text}' is not a sort order; expected one of: {string.Join(", ", Names)}.");
}
