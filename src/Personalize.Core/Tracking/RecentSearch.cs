namespace Personalize.Core.Tracking;

/// <summary>One of a user's recent searches.</summary>
/// <param name="Query">The query as the user last typed it (white space trimmed and collapsed, cut at 200 characters).</param>
/// <param name="SearchedAt">When the user last searched it.</param>
/// <param name="Count">How many times the user searched it (ignoring case) while it was among their recent searches.</param>
public readonly record struct RecentSearch(string Query, DateTimeOffset SearchedAt, int Count);
