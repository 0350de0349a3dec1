using Microsoft.Extensions.Hosting;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>Loads the model when the host starts, so a bad model file stops start-up and the first query does not pay for the load.</summary>
internal sealed class PersonalizeStartup(IRecommendationService service) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = service.ModelVersion;   // constructing the service loaded and logged the model
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
