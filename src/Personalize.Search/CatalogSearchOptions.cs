using System.ComponentModel.DataAnnotations;

namespace Personalize.Search;

/// <summary>What a <see cref="CatalogSearchIndex"/> indexes and how it reads queries. Immutable and safe to share between threads.</summary>
public sealed record CatalogSearchOptions : IValidatableObject
{
    /// <summary>Gets the attributes to search and their boosts, or <see langword="null"/> for the defaults.</summary>
    /// <remarks>Named fields must be text, category or tags attributes of the catalogue. The defaults are the ones the catalogue has of
    /// <c>title</c> (3), <c>name</c> (3), <c>brand</c> (2), <c>category</c> (1.5) and <c>tags</c> (1). An index opened with fewer fields
    /// than it was built with (<see cref="CatalogSearchIndex.Open(string, Core.Data.ItemCatalog, CatalogSearchOptions?)"/>) matches whole
    /// words in those alone, but the word being typed (as a prefix), typos and stop words in every field it was built with, since those
    /// match the words of all fields together: to search fewer fields throughout, build the index with them.</remarks>
    /// <value>The default is <see langword="null"/>: title, name, brand, category and tags, where present.</value>
    public IReadOnlyList<SearchField>? Fields { get; init; }

    /// <summary>Gets how many characters of a query are read; the rest is ignored and the match says it was truncated.</summary>
    /// <remarks>Queries are untrusted input: the limit bounds the work of one query whatever a person pastes.</remarks>
    /// <value>The default is 256.</value>
    [Range(1, 4096)]
    public int MaxQueryLength { get; init; } = CatalogSearchDefaults.MaxQueryLength;

    /// <summary>Gets how many distinct words of a query are searched for (words such as "the" that are not searched for do not count); later
    /// words are ignored and the match says it was truncated.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 32)]
    public int MaxQueryTerms { get; init; } = CatalogSearchDefaults.MaxQueryTerms;

    /// <summary>Gets the number of matches below which the query is run again with typo tolerance for the words that no item has
    /// (words of 4–7 letters may be one edit away, longer words two, the first letter fixed). 0 turns typo tolerance off.</summary>
    /// <remarks>Exact matches come first when there are enough of them; fuzzy matching finds "runing shoes" but can also match words the
    /// person did not mean, so it is a fallback.</remarks>
    /// <value>The default is 3.</value>
    [Range(0, 1_000_000)]
    public int FuzzyBelow { get; init; } = CatalogSearchDefaults.FuzzyBelow;

    /// <summary>Gets how many indexed words a prefix (the last, unfinished word) or a misspelt word may expand to.</summary>
    /// <remarks>More expansions find more completions, at the cost of a longer query; the best-scoring expansions are kept.</remarks>
    /// <value>The default is 50.</value>
    [Range(1, 1024)]
    public int MaxExpansions { get; init; } = CatalogSearchDefaults.MaxExpansions;

    /// <summary>Gets how many characters the last word needs before it is also matched as a prefix (search as you type).</summary>
    /// <value>The default is 2.</value>
    [Range(1, 32)]
    public int MinPrefixLength { get; init; } = CatalogSearchDefaults.MinPrefixLength;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Fields is null)
        {
            yield break;
        }

        if (Fields.Count == 0)
        {
            yield return new ValidationResult("Fields is empty: name at least one attribute, or leave it null for the defaults.", [nameof(Fields)]);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SearchField? field in Fields)
        {
            if (field?.Attribute is null || field.Attribute.Length == 0)
            {
                yield return new ValidationResult("Fields holds a null field or an empty attribute name.", [nameof(Fields)]);
            }
            else if (!names.Add(field.Attribute))
            {
                yield return new ValidationResult($"Fields names '{field.Attribute}' twice.", [nameof(Fields)]);
            }
            else if (!float.IsFinite(field.Boost) || field.Boost <= 0)
            {
                yield return new ValidationResult($"Fields gives '{field.Attribute}' boost {field.Boost}: must be positive and finite.", [nameof(Fields)]);
            }
        }
    }
}
