namespace Personalize.Core.Training;

/// <summary>How <see cref="ImplicitAlsTrainer"/> solves each user's and item's least-squares problem.</summary>
public enum ImplicitAlsSolver
{
    /// <summary>A few conjugate-gradient steps from the previous epoch's value: O(n·k) per entity, the fast default.</summary>
    ConjugateGradient = 0,

    /// <summary>An exact Cholesky solve: O(n·k² + k³) per entity; slower, useful for checking and for few factors.</summary>
    Cholesky = 1,
}
