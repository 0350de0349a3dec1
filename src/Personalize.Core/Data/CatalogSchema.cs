namespace Personalize.Core.Data;

/// <summary>The attributes a catalogue has and their types: what filters can name and how their values are read.</summary>
/// <remarks>Attribute names are matched exactly (ordinal). Immutable and thread-safe.</remarks>
public sealed class CatalogSchema
{
    private readonly Dictionary<string, AttributeType> _types;
    private readonly string[] _names;

    /// <summary>Creates a schema.</summary>
    /// <param name="attributes">The attributes and their types; names must be non-empty and distinct.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a type is not defined.</exception>
    public CatalogSchema(IEnumerable<KeyValuePair<string, AttributeType>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _types = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var (name, type) in attributes)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("An attribute name is empty.", nameof(attributes));
            }

            if (!Enum.IsDefined(type))
            {
                throw new ArgumentException($"Attribute '{name}' has the undefined type {(int)type}.", nameof(attributes));
            }

            if (!_types.TryAdd(name, type))
            {
                throw new ArgumentException($"Attribute '{name}' is declared twice.", nameof(attributes));
            }

            names.Add(name);
        }

        _names = [.. names];
    }

    /// <summary>Gets the attribute names in declaration order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Gets how many attributes there are.</summary>
    public int Count => _names.Length;

    /// <summary>Tries to get an attribute's type.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="type">The type, when found.</param>
    /// <returns><see langword="true"/> when the schema has the attribute.</returns>
    public bool TryGetType(string name, out AttributeType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _types.TryGetValue(name, out type);
    }
}
