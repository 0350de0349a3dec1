using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>Loads the model when the host starts, so a bad model file stops start-up and the first query does not pay for the load; with a
/// tracker journal, also creates the tracker, so its journal is replayed (and a damaged snapshot stops start-up) before the first event.</summary>
internal sealed class PersonalizeStartup(IRecommendationService service, IOptions<PersonalizeOptions> options, IServiceProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = service.ModelVersion;   // constructing the service loaded and logged the model
        if (options.Value.EffectiveTracking().Journal is not null)
        {
            _ = provider.GetRequiredService<ILiveTracker>().Tracker;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
