using System.Diagnostics.Metrics;
using Personalize.Core.Recommending;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>The instruments of the <see cref="PersonalizeDiagnostics.MeterName"/> meter. Thread-safe.</summary>
internal sealed class PersonalizeMetrics : IDisposable
{
    private static readonly KeyValuePair<string, object?> Filtered = new("filtered", true);
    private static readonly KeyValuePair<string, object?> Unfiltered = new("filtered", false);
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _queries;
    private readonly Counter<long> _fallbacks;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _swaps;
    private readonly Counter<long> _rejectedSwaps;

    /// <summary>Creates the instruments on a meter from the host's factory, or on a meter of their own when there is no factory.</summary>
    public PersonalizeMetrics(IMeterFactory? meterFactory, Func<long> modelVersion)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(PersonalizeDiagnostics.MeterName) ?? new Meter(PersonalizeDiagnostics.MeterName);
        _queries = _meter.CreateCounter<long>(PersonalizeDiagnostics.Queries, "{query}", "Recommendation queries answered.");
        _fallbacks = _meter.CreateCounter<long>(PersonalizeDiagnostics.Fallbacks, "{query}", "Queries for unknown users, answered by the cold-start policy.");
        _duration = _meter.CreateHistogram<double>(PersonalizeDiagnostics.QueryDuration, "s", "Time to answer a recommendation query.");
        _swaps = _meter.CreateCounter<long>(PersonalizeDiagnostics.Swaps, "{swap}", "Accepted model swaps.");
        _rejectedSwaps = _meter.CreateCounter<long>(PersonalizeDiagnostics.RejectedSwaps, "{swap}", "Rejected model swaps (bad or incompatible files).");
        _meter.CreateObservableGauge(PersonalizeDiagnostics.ModelVersion, modelVersion, "{version}", "Version of the served model.");
    }

    public void Query(RecommendationSource source, bool filtered, TimeSpan elapsed)
    {
        var sourceTag = new KeyValuePair<string, object?>("source", SourceName(source));
        KeyValuePair<string, object?> filteredTag = filtered ? Filtered : Unfiltered;
        _queries.Add(1, sourceTag, filteredTag);
        if (source != RecommendationSource.Personalized)
        {
            _fallbacks.Add(1, sourceTag);
        }

        _duration.Record(elapsed.TotalSeconds, filteredTag);
    }

    public void Swap(bool accepted)
    {
        if (accepted)
        {
            _swaps.Add(1);
        }
        else
        {
            _rejectedSwaps.Add(1);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal static string SourceName(RecommendationSource source) => source switch
    {
        RecommendationSource.Personalized => "personalized",
        RecommendationSource.PopularFallback => "popular-fallback",
        RecommendationSource.Empty => "empty",
        _ => "unknown",
    };
}
