namespace Personalize.Core.Evaluation;

/// <summary>How the values of a <see cref="SearchParameter"/> range are spread between its minimum and maximum.</summary>
public enum SearchScale
{
    /// <summary>Evenly: grid points are equally spaced and random draws are uniform. Suits counts such as factors and epochs.</summary>
    Linear = 0,

    /// <summary>Evenly in the logarithm: 0.01..1 gives the grid 0.01, 0.1, 1. Suits regularization strengths and learning rates, whose
    /// effect depends on their order of magnitude. The minimum must be above 0.</summary>
    Logarithmic = 1,
}
