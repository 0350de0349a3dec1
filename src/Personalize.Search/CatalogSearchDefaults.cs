namespace Personalize.Search;

/// <summary>The documented defaults of <see cref="CatalogSearchOptions"/>.</summary>
internal static class CatalogSearchDefaults
{
    public const int MaxQueryLength = 256;
    public const int MaxQueryTerms = 10;
    public const int FuzzyBelow = 3;
    public const int MaxExpansions = 50;
    public const int MinPrefixLength = 2;

    /// <summary>Terms longer than this are matched exactly only: no prefix or fuzzy expansion (bounds the automaton's cost).</summary>
    public const int MaxExpandedTermLength = 32;

    /// <summary>The default fields; those the catalogue lacks are skipped.</summary>
    public static readonly SearchField[] Fields =
    [
        new("title", 3f), new("name", 3f), new("brand", 2f), new("category", 1.5f), new("tags", 1f),
    ];
}
