using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Personalize.Extensions.DependencyInjection.Tests.TestSupport;

/// <summary>A service provider with AddPersonalize, a test logger, metrics (recorded) and optionally a fake clock.</summary>
internal sealed class ServingHarness : IDisposable
{
    public ServingHarness(Action<PersonalizeOptions> configure, TimeProvider? timeProvider = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddMetrics();
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddPersonalize(configure);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Metrics = new MetricsRecorder(Provider.GetRequiredService<IMeterFactory>());
    }

    public TestLoggerProvider Logs { get; } = new();

    public ServiceProvider Provider { get; }

    public MetricsRecorder Metrics { get; }

    public IRecommendationService Service => Provider.GetRequiredService<IRecommendationService>();

    public void Dispose()
    {
        Provider.Dispose();
        Metrics.Dispose();
    }
}
