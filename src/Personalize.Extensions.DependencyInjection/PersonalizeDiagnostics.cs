namespace Personalize.Extensions.DependencyInjection;

/// <summary>The names of the meter and instruments that <see cref="IRecommendationService"/> reports on.</summary>
/// <remarks>Subscribe with a <see cref="System.Diagnostics.Metrics.MeterListener"/> or, with OpenTelemetry,
/// <c>.WithMetrics(m =&gt; m.AddMeter(PersonalizeDiagnostics.MeterName))</c>. The meter is created through the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> when one is registered.</remarks>
public static class PersonalizeDiagnostics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Personalize";

    /// <summary>Counter of answered queries, tagged <c>source</c> (personalized, popular-fallback, empty) and <c>filtered</c> (true, false).</summary>
    public const string Queries = "personalize.queries";

    /// <summary>Counter of queries for users the model does not know, answered by the cold-start policy; tagged <c>source</c>.</summary>
    public const string Fallbacks = "personalize.fallbacks";

    /// <summary>Histogram of query latency in seconds, from the call to the finished list; tagged <c>filtered</c>.</summary>
    public const string QueryDuration = "personalize.query.duration";

    /// <summary>Counter of accepted model swaps (reloads, loads of other files and in-memory swaps).</summary>
    public const string Swaps = "personalize.model.swaps";

    /// <summary>Counter of rejected model swaps: files that were missing, corrupted, truncated or incompatible.</summary>
    public const string RejectedSwaps = "personalize.model.swaps.rejected";

    /// <summary>Observable gauge of the served model's version.</summary>
    public const string ModelVersion = "personalize.model.version";
}
