namespace Personalize.Core.Filtering;

/// <summary>Asks for the counts of one attribute's values over a list's eligible items, for a UI that shows "Acme (12)".</summary>
/// <remarks>
/// <para>Text and boolean attributes count each value; tags count each tag; category paths count each path and every path above it
/// (<c>Home/Kitchen</c> also counts under <c>Home</c>). Numbers count ranges: with <see cref="Edges"/> the ranges are
/// [−∞, e₀), [e₀, e₁), …, [eₙ, +∞); with <see cref="AtLeast"/> the thresholds are cumulative ("4 and up", "3 and up"). Without either,
/// a number whose catalogue values all lie in 0–5 (a rating) gets the thresholds 1, 2, 3, 4; any other number gets ranges on a 1–2–5
/// scale chosen from the catalogue's largest value, so the buckets stay the same as filters change.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record FacetRequest
{
    /// <summary>Creates a request for an attribute's counts with the default buckets.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <exception cref="ArgumentException"><paramref name="attribute"/> is empty.</exception>
    public FacetRequest(string attribute)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attribute);
        Attribute = attribute;
    }

    /// <summary>Gets the attribute.</summary>
    public string Attribute { get; }

    /// <summary>Gets the range boundaries for a number attribute, in increasing order, or <see langword="null"/> for the default.</summary>
    /// <value>The default is <see langword="null"/>. Set, the list is copied.</value>
    /// <exception cref="ArgumentException">The list set is empty or not strictly increasing.</exception>
    public IReadOnlyList<decimal>? Edges { get; init => field = value is null ? null : CheckEdges(value, nameof(Edges)); }

    /// <summary>Gets whether <see cref="Edges"/> are cumulative "at least" thresholds rather than range boundaries.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AtLeast { get; init; }

    /// <summary>Gets how many values to return at most for text, tag and category facets (the most frequent), or 0 for all.</summary>
    /// <value>The default is 0: all values.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative.</exception>
    public int MaxValues { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxValues), value, "MaxValues must be 0 (all) or more."); }

    /// <summary>Gets whether values and ranges that no eligible item has are listed, with a count of 0 (for a rail that shows every
    /// choice, greyed out); by default they are left out, so a rail never offers a choice that empties the list.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool IncludeEmpty { get; init; }

    /// <summary>Creates a request for ranges of a number attribute.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="edges">The range boundaries, in increasing order.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">The edges are empty or not strictly increasing.</exception>
    public static FacetRequest Ranges(string attribute, params IEnumerable<decimal> edges) => new(attribute) { Edges = CheckEdges(edges, nameof(edges)) };

    /// <summary>Creates a request for cumulative "at least" counts of a number attribute, such as ratings of 4 and up.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="thresholds">The thresholds, in increasing order; the counts come back highest first.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">The thresholds are empty or not strictly increasing.</exception>
    public static FacetRequest Thresholds(string attribute, params IEnumerable<decimal> thresholds) =>
        new(attribute) { Edges = CheckEdges(thresholds, nameof(thresholds)), AtLeast = true };

    /// <summary>Reads a comma-separated list of attribute names, such as <c>brand,category,price</c>, into default requests.</summary>
    /// <param name="text">The list.</param>
    /// <returns>One request per distinct name, in order.</returns>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static IReadOnlyList<FacetRequest> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] names = [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
        if (names.Length == 0)
        {
            throw new ArgumentException("The facet list is empty; expected attribute names separated by commas, such as 'brand,category,price'.", nameof(text));
        }

        return [.. names.Select(n => new FacetRequest(n))];
    }

    private static decimal[] CheckEdges(IEnumerable<decimal> edges, string name)
    {
        ArgumentNullException.ThrowIfNull(edges, name);
        decimal[] result = [.. edges];
        if (result.Length == 0)
        {
            throw new ArgumentException("At least one boundary is needed.", name);
        }

        for (int i = 1; i < result.Length; i++)
        {
            if (result[i] <= result[i - 1])
            {
                throw new ArgumentException($"The boundaries must increase strictly; {result[i]} at position {i} follows {result[i - 1]}.", name);
            }
        }

        return result;
    }
}
