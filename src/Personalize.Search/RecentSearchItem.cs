namespace Personalize.Search;

/// <summary>One item of "new for your recent searches".</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="ItemIndex">The item's index in the catalogue.</param>
/// <param name="Score">The item's score in the results of <paramref name="Query"/> for the user (text relevance blended with taste, in
/// [0, 1]).</param>
/// <param name="Query">The recent search the item matched.</param>
public readonly record struct RecentSearchItem(string ItemId, int ItemIndex, float Score, string Query);
