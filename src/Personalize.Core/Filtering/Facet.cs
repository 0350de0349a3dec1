using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>The counts of one attribute's values over a list's eligible items.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class Facet
{
    internal Facet(string attribute, AttributeType type, IReadOnlyList<FacetValue> values, int missing)
    {
        Attribute = attribute;
        Type = type;
        Values = values;
        Missing = missing;
    }

    /// <summary>Gets the attribute.</summary>
    public string Attribute { get; }

    /// <summary>Gets the attribute's type in the catalogue.</summary>
    public AttributeType Type { get; }

    /// <summary>Gets the values with their counts: text, tag and category values most frequent first (ties by value), number ranges
    /// in increasing order, "at least" thresholds highest first.</summary>
    public IReadOnlyList<FacetValue> Values { get; }

    /// <summary>Gets how many eligible items have no value for the attribute (or are not in the catalogue).</summary>
    public int Missing { get; }
}
