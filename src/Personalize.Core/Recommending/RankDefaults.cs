namespace Personalize.Core.Recommending;

/// <summary>The documented defaults of <see cref="RankOptions"/>.</summary>
internal static class RankDefaults
{
    public const float PersonalizationWeight = 0.3f;
}
