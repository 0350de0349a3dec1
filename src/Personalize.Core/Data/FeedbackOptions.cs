namespace Personalize.Core.Data;

/// <summary>How an <see cref="InteractionLog"/> becomes a <see cref="FeedbackMatrix"/>: time decay of older events.</summary>
/// <remarks>Immutable and safe to share between threads.</remarks>
public sealed record FeedbackOptions
{
    /// <summary>Gets the half-life of an event's weight: an event this old counts half as much as one at <see cref="AsOf"/>.</summary>
    /// <remarks>Recent behaviour usually predicts the next purchase better than old behaviour; a short half-life forgets faster.</remarks>
    /// <value>The default is <see langword="null"/>: no decay.</value>
    public TimeSpan? HalfLife { get; init; }

    /// <summary>Gets the instant ages are measured from; events after it count fully.</summary>
    /// <value>The default is <see langword="null"/>: the latest timestamp in the log.</value>
    public DateTimeOffset? AsOf { get; init; }
}
