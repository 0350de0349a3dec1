using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>What AddPersonalize registers.</summary>
public sealed class AddPersonalizeTests
{
    [Fact]
    public void Registers_one_singleton_service_and_one_start_up_loader_even_when_called_twice()
    {
        var services = new ServiceCollection();

        services.AddPersonalize(o => o.ModelPath = "a.pzm").AddPersonalize(o => o.MaxCount = 5);

        ServiceDescriptor service = Assert.Single(services, d => d.ServiceType == typeof(IRecommendationService));
        Assert.Equal(ServiceLifetime.Singleton, service.Lifetime);
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Equal(ServiceLifetime.Singleton, Assert.Single(services, d => d.ServiceType == typeof(ILiveTracker)).Lifetime);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(Personalize.Core.Tracking.EventTracker));   // it changes at each swap
    }

    [Fact]
    public void Both_configure_calls_apply_to_the_one_options_instance()
    {
        using var folder = new TempDirectory();
        string path = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        var services = new ServiceCollection();
        services.AddPersonalize(o => o.ModelPath = path).AddPersonalize(o => o.MaxCount = 5);
        using ServiceProvider provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<IRecommendationService>();

        Assert.Equal(5, service.ForUser("U001", 5).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => service.ForUser("U001", 6));
    }

    [Fact]
    public void Works_without_logging_metrics_or_a_clock_registered()
    {
        using var folder = new TempDirectory();
        string path = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        var services = new ServiceCollection();
        services.AddPersonalize(o => o.ModelPath = path);
        using ServiceProvider provider = services.BuildServiceProvider();

        var service = provider.GetRequiredService<IRecommendationService>();

        Assert.Equal(10, service.ForUser("U001", 10).Count);
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => PersonalizeServiceCollectionExtensions.AddPersonalize(null!, _ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddPersonalize(null!));
    }
}
