namespace Personalize.Core.Recommending;

/// <summary>The documented defaults of <see cref="RankOptions"/>.</summary>
internal static class RankDefaults
{
    /// <summary>Chosen with <c>personalize evaluate --protocol search</c> (MRR@50 of the purchased item for a one-word title query): on the
    /// bundled sample 0.3 scored 0.180 against 0.316 for "history first, then popularity", 0.7 scored 0.386; on Last.fm 2k 0.3 scored
    /// 0.682 against 0.678, 0.7 scored 0.775 (the peak, 0.778, at 0.6). See benchmarks/README.md and the Search README.</summary>
    public const float PersonalizationWeight = 0.7f;
}
