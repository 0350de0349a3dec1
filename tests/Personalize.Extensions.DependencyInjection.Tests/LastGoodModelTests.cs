using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Personalize.Core.Models;
using Personalize.Core.Serving;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>
/// <see cref="PersonalizeOptions.LastGoodModelPath"/>: every model that starts serving is copied there after its checks; a model file
/// damaged in place is replaced at start-up by that copy (logged and reported by <see cref="IRecommendationService.Fallback"/>); without a
/// good copy start-up stops naming the file and why no copy could stand in.
/// </summary>
public sealed class LastGoodModelTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly FactorModel _first = TinyModels.Implicit(seed: 1);
    private readonly FactorModel _second = TinyModels.Implicit(seed: 2);
    private readonly string _modelPath;
    private readonly string _lastGood;

    public LastGoodModelTests()
    {
        _modelPath = TinyModels.Save(_folder, "shop.pzm", _first);
        _lastGood = _folder.File(Path.Combine("state", "shop.last-good.pzm"));
        Assert.NotEqual(TinyModels.Answer(_first, "U005"), TinyModels.Answer(_second, "U005"));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_model_loaded_at_start_up_becomes_the_last_good_copy_and_a_good_reload_replaces_it()
    {
        using (var harness = new ServingHarness(Configure))
        {
            Assert.Null(harness.Service.Fallback);
            Assert.Equal(TinyModels.Answer(_first, "U005"), TinyModels.Answer(ModelFile.Load(_lastGood), "U005"));
            Assert.Contains($"Model version 1 written to the last-good copy {_lastGood}.", harness.Logs.WithEventId(11).Select(e => e.Message));

            ModelFile.Save(_second, _modelPath);
            Assert.True(harness.Service.Reload().Accepted);
        }

        Assert.Equal(TinyModels.Answer(_second, "U005"), TinyModels.Answer(ModelFile.Load(_lastGood), "U005"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_lastGood)!, "*.tmp"));   // written through a temporary file and a rename
    }

    [Theory]
    [InlineData("torn")]
    [InlineData("flipped")]
    [InlineData("empty")]
    public void A_model_file_damaged_in_place_before_a_restart_serves_the_last_good_copy_and_says_so(string damage)
    {
        using (var harness = new ServingHarness(Configure))
        {
            _ = harness.Service.ModelVersion;   // the first start wrote the copy
        }

        Damage(_modelPath, damage);
        using var restarted = new ServingHarness(Configure);

        IRecommendationService service = restarted.Service;
        ModelFallback fallback = Assert.IsType<ModelFallback>(service.Fallback);
        Assert.Equal((_modelPath, _lastGood, 1L), (fallback.ModelPath, fallback.LastGoodModelPath, fallback.Version));
        Assert.StartsWith("shop.pzm: ", fallback.Reason);
        Assert.Equal((_lastGood, 1L), (service.ModelSource, service.ModelVersion));
        Assert.Equal(TinyModels.Answer(_first, "U005"), TinyModels.Key(service.ForUser("U005", 10)));
        LogEntry entry = Assert.Single(restarted.Logs.WithEventId(10));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains($"The model file {_modelPath} failed its checks, so the last-good copy {_lastGood}", entry.Message);
        Assert.Contains(fallback.Reason, entry.Message);
        Assert.Empty(restarted.Logs.WithEventId(11));   // the copy is not rewritten with itself
    }

    [Fact]
    public void While_the_last_good_copy_serves_a_good_model_file_takes_over_and_becomes_the_copy()
    {
        using (var harness = new ServingHarness(Configure))
        {
            _ = harness.Service.ModelVersion;
        }

        Damage(_modelPath, "torn");
        using var restarted = new ServingHarness(Configure);
        Assert.NotNull(restarted.Service.Fallback);

        ModelFile.Save(_second, _modelPath);
        ModelSwapResult result = restarted.Service.Reload();

        Assert.True(result.Accepted, result.ToString());
        Assert.Null(restarted.Service.Fallback);
        Assert.Equal((_modelPath, 2L), (restarted.Service.ModelSource, restarted.Service.ModelVersion));
        Assert.Equal(TinyModels.Answer(_second, "U005"), TinyModels.Answer(ModelFile.Load(_lastGood), "U005"));
    }

    [Fact]
    public void A_bad_file_offered_for_a_reload_keeps_the_serving_model_and_leaves_the_last_good_copy_alone()
    {
        using var harness = new ServingHarness(Configure);
        _ = harness.Service.ModelVersion;   // resolving the service loads the model and writes the copy
        byte[] copy = File.ReadAllBytes(_lastGood);
        Damage(_modelPath, "flipped");

        ModelSwapResult result = harness.Service.Reload();

        Assert.False(result.Accepted);
        Assert.Equal(1, harness.Service.ModelVersion);
        Assert.Equal(TinyModels.Answer(_first, "U005"), TinyModels.Key(harness.Service.ForUser("U005", 10)));
        Assert.Equal(copy, File.ReadAllBytes(_lastGood));
        Assert.Null(harness.Service.Fallback);
    }

    [Fact]
    public async Task Without_a_last_good_copy_a_damaged_model_file_stops_start_up_saying_no_copy_could_stand_in()
    {
        Damage(_modelPath, "flipped");
        using IHost host = BuildHost(Configure);

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => host.StartAsync());
        using var harness = new ServingHarness(Configure);
        Assert.Throws<ModelFormatException>(() => harness.Service);

        Assert.Contains(_lastGood, Assert.Single(harness.Logs.WithEventId(13)).Message);   // "no model could serve" is logged for damage too
        Assert.Equal(_modelPath, error.FilePath);
        Assert.StartsWith("shop.pzm: section '", error.Message);
        Assert.EndsWith($"No model could serve instead: the last-good copy {_lastGood} does not exist yet (it is written once a model has loaded and passed its checks).",
            error.Message);
    }

    [Fact]
    public async Task When_the_last_good_copy_is_damaged_too_start_up_stops_naming_both()
    {
        using (var harness = new ServingHarness(Configure))
        {
            _ = harness.Service.ModelVersion;
        }

        Damage(_modelPath, "torn");
        Damage(_lastGood, "flipped");
        using IHost host = BuildHost(Configure);

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => host.StartAsync());

        Assert.Equal(_modelPath, error.FilePath);
        Assert.Contains($"No model could serve instead: the last-good copy {_lastGood} failed its checks too (shop.last-good.pzm: ", error.Message);
    }

    [Fact]
    public void A_last_good_copy_that_cannot_be_written_is_a_warning_and_serving_goes_on()
    {
        File.WriteAllText(_folder.File("state"), "a file where the copy's folder should be");
        using var harness = new ServingHarness(Configure);

        Assert.Equal(1, harness.Service.ModelVersion);
        LogEntry entry = Assert.Single(harness.Logs.WithEventId(12));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains(_lastGood, entry.Message);
    }

    [Fact]
    public void A_model_the_copy_cannot_hold_is_a_warning_and_the_swap_stands()
    {
        // ModelFile.Save refuses an id that is not valid UTF-16 with InvalidOperationException; TrySwap threw it after the swap applied.
        using var harness = new ServingHarness(Configure);
        Assert.Equal(1, harness.Service.ModelVersion);
        FactorModel unsavable = FactorModel.FromFactors(_second.Kind, _second.Users,
            Personalize.Core.Data.IdMap.FromIds([.. Enumerable.Range(0, _second.Items.Count).Select(i => i == 0 ? "I\uD800x" : _second.Items.GetId(i))]),
            _second.NumberOfFactors, _second.UserFactors, _second.ItemFactors);

        ModelSwapResult swap = harness.Service.TrySwap(unsavable, "in memory");

        Assert.True(swap.Accepted);
        Assert.Equal(2, harness.Service.ModelVersion);
        Assert.Contains(_lastGood, Assert.Single(harness.Logs.WithEventId(12)).Message);
    }

    [Fact]
    public async Task The_last_good_copy_may_not_be_the_catalogue()
    {
        // It overwrote items.csv with the model at start-up; the next start failed reading the catalogue.
        string items = _folder.Write("items.csv", "item_id,brand\nI0001,Acme\n");
        using IHost host = BuildHost(o => { o.ModelPath = _modelPath; o.CatalogPath = items; o.LastGoodModelPath = items; });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"LastGoodModelPath = '{items}': the same file as CatalogPath", Assert.Single(error.Failures));
        Assert.StartsWith("item_id,brand", File.ReadAllText(items));
    }

    [Fact]
    public async Task The_last_good_copy_may_not_be_the_model_file_itself()
    {
        using IHost host = BuildHost(o => { o.ModelPath = _modelPath; o.LastGoodModelPath = _modelPath; });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string failure = Assert.Single(error.Failures);
        Assert.Contains($"LastGoodModelPath = '{_modelPath}': the same file as ModelPath; the last-good copy must be a file of its own", failure);
    }

    private void Configure(PersonalizeOptions options)
    {
        options.ModelPath = _modelPath;
        options.LastGoodModelPath = _lastGood;
    }

    private static IHost BuildHost(Action<PersonalizeOptions> configure)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddPersonalize(configure);
        return builder.Build();
    }

    /// <summary>Damages a model file in place, as a copy over it cut off by a crash would (not through a temporary file and a rename).</summary>
    private static void Damage(string path, string how)
    {
        byte[] bytes = File.ReadAllBytes(path);
        switch (how)
        {
            case "torn":
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "flipped":
                bytes[bytes.Length * 2 / 3] ^= 0x5A;
                File.WriteAllBytes(path, bytes);
                break;
            default:
                File.WriteAllBytes(path, []);
                break;
        }
    }
}
