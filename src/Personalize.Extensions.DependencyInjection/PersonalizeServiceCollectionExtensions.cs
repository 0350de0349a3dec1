using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Personalize.Core.Tracking;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>Registers Personalize.Core's recommendation service in an <see cref="IServiceCollection"/>.</summary>
public static class PersonalizeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IRecommendationService"/> as a singleton serving the model file of <see cref="PersonalizeOptions.ModelPath"/>
    /// (or its last-good copy, <see cref="PersonalizeOptions.LastGoodModelPath"/>, when the file fails its checks at start-up), and an
    /// <see cref="ILiveTracker"/> singleton for live events, whose <see cref="EventTracker"/> follows the served model's items across swaps
    /// (see <see cref="PersonalizeOptions.Tracking"/> and <see cref="PersonalizeOptions.JournalDirectory"/>), with the options validated when
    /// the host starts, a hosted service that loads the model (and, with a journal, replays the tracker's journal) at start-up, logging through
    /// <see cref="ILogger"/>, metrics on the <see cref="PersonalizeDiagnostics.MeterName"/> meter and, if asked, reloading when the
    /// file changes.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, such as <c>o =&gt; o.ModelPath = "shop.pzm"</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <remarks>
    /// <para>With a host, invalid options (such as a missing or nonexistent <see cref="PersonalizeOptions.ModelPath"/>) stop start-up with
    /// an <see cref="OptionsValidationException"/> listing every error, a corrupted model file with no good last-good copy stops it with a
    /// <see cref="Core.Models.ModelFormatException"/>, and a damaged tracker snapshot with an <see cref="EventJournalException"/> (a torn journal
    /// tail is dropped and logged as a warning instead). Without a host, the same happens on the first resolution of the service.</para>
    /// <para>Uses the registered <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/> and <see cref="TimeProvider"/> (unless
    /// <see cref="PersonalizeOptions.TimeProvider"/> is set) when there are any (no logging, a meter of its own, and
    /// <see cref="TimeProvider.System"/> otherwise). Calling it twice configures the same
    /// single service.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddPersonalize(this IServiceCollection services, Action<PersonalizeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PersonalizeOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<RecommendationService>(provider =>
        {
            PersonalizeOptions options = provider.GetRequiredService<IOptions<PersonalizeOptions>>().Value;
            return new RecommendationService(options,
                provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(IRecommendationService).FullName!) ?? NullLogger.Instance,
                options.TimeProvider ?? provider.GetService<TimeProvider>() ?? TimeProvider.System,
                provider.GetService<IMeterFactory>());
        });
        services.TryAddSingleton<IRecommendationService>(provider => provider.GetRequiredService<RecommendationService>());
        services.TryAddSingleton<ILiveTracker>(provider => provider.GetRequiredService<RecommendationService>().Live);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, PersonalizeStartup>());
        return services;
    }
}
