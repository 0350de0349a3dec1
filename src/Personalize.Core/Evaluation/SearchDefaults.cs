namespace Personalize.Core.Evaluation;

/// <summary>The documented defaults of <see cref="SearchOptions"/>.</summary>
internal static class SearchDefaults
{
    public const SearchStrategy Strategy = SearchStrategy.Grid;
    public const int MaxCandidates = 20;
    public const int GridPointsPerRange = 3;
    public const int Seed = 42;
    public const int Patience = 3;
    public const int K = 10;

    /// <summary>The largest grid a search accepts; a larger one is almost certainly a mistake in the space.</summary>
    public const int MaxGridCandidates = 10_000;

    /// <summary>Values drawn or interpolated from a range are rounded to this many significant digits, so they read well.</summary>
    public const int SignificantDigits = 3;
}
