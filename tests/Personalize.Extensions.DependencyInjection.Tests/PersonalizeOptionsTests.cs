using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>Options are validated when the host starts: one clear error for a missing or nonexistent model, all errors together.</summary>
public sealed class PersonalizeOptionsTests
{
    private static IHost BuildHost(Action<PersonalizeOptions> configure)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddPersonalize(configure);
        return builder.Build();
    }

    [Fact]
    public void Defaults_are_the_documented_values()
    {
        var options = new PersonalizeOptions();

        Assert.Equal((null, null, null, 1000, false, TimeSpan.FromSeconds(2)),
            (options.ModelPath, options.CatalogPath, options.ExpectedKind, options.MaxCount, options.WatchForChanges, options.ReloadDelay));
        Assert.Equal(new RecommenderOptions(), options.Recommender);
        Assert.Null(options.LastGoodModelPath);
        Assert.Null(options.TimeProvider);
    }

    [Fact]
    public async Task A_missing_model_path_stops_start_up_with_one_clear_error()
    {
        using IHost host = BuildHost(_ => { });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string failure = Assert.Single(error.Failures);
        Assert.Contains("ModelPath is required: set it to the model file to serve", failure);
    }

    [Fact]
    public async Task A_model_path_that_does_not_exist_stops_start_up_naming_the_file()
    {
        using var folder = new TempDirectory();
        string missing = folder.File("missing.pzm");
        using IHost host = BuildHost(o => o.ModelPath = missing);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string failure = Assert.Single(error.Failures);
        Assert.Contains($"ModelPath = '{missing}': the file does not exist", failure);
        Assert.Contains("expected a model file written by ModelFile.Save or personalize train.", failure);
    }

    [Fact]
    public async Task A_model_path_that_is_a_folder_and_a_journal_directory_that_is_a_file_or_under_one_are_named_at_start_up()
    {
        using var folder = new TempDirectory();
        string file = folder.Write("journal", "not a folder");
        foreach (string journal in new[] { file, Path.Combine(file, "sub") })
        {
            using IHost host = BuildHost(o =>
            {
                o.ModelPath = folder.Path;
                o.JournalDirectory = journal;
            });

            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

            Assert.Equal(2, error.Failures.Count());
            Assert.Contains(error.Failures, f => f.Contains($"ModelPath = '{folder.Path}': it is a folder, not a file"));
            Assert.Contains(error.Failures, f => f.Contains($"JournalDirectory = '{journal}': ", StringComparison.Ordinal)
                && f.Contains(journal == file ? "it is a file, not a folder" : $"'{file}' is a file, so the folder cannot be created"));
        }
    }

    [Fact]
    public async Task Every_invalid_option_is_reported_together()
    {
        using var folder = new TempDirectory();
        string model = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        using IHost host = BuildHost(o =>
        {
            o.ModelPath = model;
            o.CatalogPath = folder.File("no-items.csv");
            o.MaxCount = 0;
            o.ReloadDelay = TimeSpan.FromSeconds(-1);
            o.ExpectedKind = (FactorModelKind)7;
            o.Recommender = new RecommenderOptions { NumberOfThreads = 0 };
            o.Catalog = new Personalize.Core.Data.ItemCatalogOptions { Delimiter = "\"" };
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(6, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("Catalog: ") && f.Contains("Delimiter"));
        Assert.Contains(error.Failures, f => f.Contains("CatalogPath = '") && f.Contains("no-items.csv': the file does not exist"));
        Assert.Contains(error.Failures, f => f.Contains("MaxCount"));
        Assert.Contains(error.Failures, f => f.Contains("ReloadDelay"));
        Assert.Contains(error.Failures, f => f.Contains("ExpectedKind = 7: must be Implicit, Explicit or null."));
        Assert.Contains(error.Failures, f => f.Contains("Recommender: ") && f.Contains("NumberOfThreads"));
    }

    [Fact]
    public async Task Blank_catalogue_and_journal_paths_are_unset_as_validation_takes_them()
    {
        // An empty configuration value passed validation as unset, then failed at start-up without naming the option (CatalogPath), or
        // was used as a folder named by spaces (JournalDirectory).
        using var folder = new TempDirectory();
        string model = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        using IHost host = BuildHost(o => { o.ModelPath = model; o.CatalogPath = ""; o.JournalDirectory = "  "; });

        await host.StartAsync();

        var service = host.Services.GetRequiredService<IRecommendationService>();
        Assert.Equal(10, service.ForUser("U005", 10).Count);
        var refused = Assert.Throws<InvalidOperationException>(() => service.ForUser("U005", 10, "in_stock"));
        Assert.StartsWith("A filter needs an item catalogue", refused.Message);
        Assert.Null(host.Services.GetRequiredService<ILiveTracker>().Tracker.GetReport().Journal);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_corrupted_model_file_stops_start_up_with_the_format_error()
    {
        using var folder = new TempDirectory();
        string good = TinyModels.Save(folder, "good.pzm", TinyModels.Implicit(seed: 1));
        string bad = TinyModels.Flipped(folder, good, "bad.pzm");
        using IHost host = BuildHost(o => o.ModelPath = bad);

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => host.StartAsync());

        Assert.Equal(bad, error.FilePath);
        Assert.StartsWith("bad.pzm: section '", error.Message);
    }

    [Fact]
    public async Task A_valid_configuration_starts_the_host_with_the_model_loaded()
    {
        using var folder = new TempDirectory();
        FactorModel model = TinyModels.Implicit(seed: 1);
        string path = TinyModels.Save(folder, "shop.pzm", model);
        using IHost host = BuildHost(o => o.ModelPath = path);

        await host.StartAsync();
        var service = host.Services.GetRequiredService<IRecommendationService>();

        Assert.Equal((1L, path), (service.ModelVersion, service.ModelSource));
        Assert.Equal(TinyModels.Answer(model, "U001"), TinyModels.Key(service.ForUser("U001", 10)));
        await host.StopAsync();
    }
}
