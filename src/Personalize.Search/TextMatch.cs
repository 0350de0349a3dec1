using Personalize.Core.Recommending;

namespace Personalize.Search;

/// <summary>The items whose text matched a query, best first, and how the query was read.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TextMatch
{
    internal TextMatch(string query, IReadOnlyList<string> words, bool truncated, bool fuzzy, RankCandidate[] candidates)
    {
        Query = query;
        Words = words;
        Truncated = truncated;
        Fuzzy = fuzzy;
        Candidates = candidates;
    }

    /// <summary>Gets the query as it was read: cut to <see cref="CatalogSearchOptions.MaxQueryLength"/>, with control characters and
    /// unpaired surrogates replaced by spaces.</summary>
    public string Query { get; }

    /// <summary>Gets the query's words as matched (lower case, accents folded, unstemmed), at most
    /// <see cref="CatalogSearchOptions.MaxQueryTerms"/>.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Gets whether part of the query was ignored: it was longer than <see cref="CatalogSearchOptions.MaxQueryLength"/> or had
    /// more than <see cref="CatalogSearchOptions.MaxQueryTerms"/> words.</summary>
    public bool Truncated { get; }

    /// <summary>Gets whether exact words found fewer than <see cref="CatalogSearchOptions.FuzzyBelow"/> items, so typo-tolerant matches
    /// were added.</summary>
    public bool Fuzzy { get; }

    /// <summary>Gets every matching item with its text score (BM25, higher is better), best first, ties in catalogue order: the
    /// candidates for <see cref="Recommender.Rank(string, System.Collections.Generic.IReadOnlyList{RankCandidate}, RankOptions?, Personalize.Core.Preferences.UserPreferences?)"/>.</summary>
    public IReadOnlyList<RankCandidate> Candidates { get; }
}
