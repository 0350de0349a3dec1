namespace Personalize.Core.Internal;

/// <summary>The weight-to-confidence transform shared by the implicit trainer and fold-in (which must not depend on Training), and the
/// model property that records which one a model was trained with.</summary>
internal static class ConfidenceWeights
{
    /// <summary>The model property naming the transform: <see cref="LogarithmicValue"/> or <c>linear</c> (models without it are linear).</summary>
    public const string Property = Models.ModelPropertyNames.Weighting;

    /// <summary>The property's value for the logarithmic transform.</summary>
    public const string LogarithmicValue = "log";

    /// <summary>The logarithmic transform <c>ln(1 + w)</c>; negative weights count as 0.</summary>
    public static float Logarithm(float weight) => MathF.Log(1 + MathF.Max(0, weight));
}
