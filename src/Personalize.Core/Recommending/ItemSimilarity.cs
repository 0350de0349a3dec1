namespace Personalize.Core.Recommending;

/// <summary>How two items' factor vectors are compared for related items.</summary>
public enum ItemSimilarity
{
    /// <summary>The cosine of the angle between the vectors (the default): in [-1, 1], blind to how popular or strongly expressed an
    /// item is, so niche items can be related to best sellers.</summary>
    Cosine = 0,

    /// <summary>The plain dot product: also rewards long vectors, which in implicit models belong to popular items.</summary>
    Dot = 1,
}
