namespace Personalize.Core.Evaluation;

/// <summary>How <see cref="HyperparameterSearch"/> picks the candidates it trains from a <see cref="SearchSpace"/>.</summary>
public enum SearchStrategy
{
    /// <summary>Every combination of the listed values, with each range cut into <see cref="SearchOptions.GridPointsPerRange"/> points.
    /// Exhaustive and easy to read; its size is the product of the sizes, so it suits few options with few values.</summary>
    Grid = 0,

    /// <summary>Up to <see cref="SearchOptions.MaxCandidates"/> distinct candidates drawn from the seed: list values uniformly, ranges
    /// uniformly on their scale. Covers wide ranges and many options at a fixed cost.</summary>
    Random = 1,
}
