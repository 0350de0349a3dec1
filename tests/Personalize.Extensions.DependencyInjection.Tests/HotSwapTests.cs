using Microsoft.Extensions.Logging;
using Personalize.Core.Models;
using Personalize.Core.Serving;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>Swaps through the DI service: accepted ones serve at once, rejected ones leave the old model serving and say why.</summary>
public sealed class HotSwapTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly FactorModel _first = TinyModels.Implicit(seed: 1);
    private readonly FactorModel _second = TinyModels.Implicit(seed: 2);
    private readonly string _modelPath;

    public HotSwapTests()
    {
        _modelPath = TinyModels.Save(_folder, "shop.pzm", _first);
        Assert.NotEqual(TinyModels.Answer(_first, "U005"), TinyModels.Answer(_second, "U005"));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Reload_after_the_file_was_replaced_serves_the_new_model_and_logs_and_counts_the_swap()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);
        _ = harness.Service.ModelVersion;
        ModelFile.Save(_second, _modelPath);

        ModelSwapResult result = harness.Service.Reload();

        Assert.True(result.Accepted, result.ToString());
        Assert.Equal(2, harness.Service.ModelVersion);
        Assert.Equal(TinyModels.Answer(_second, "U005"), TinyModels.Key(harness.Service.ForUser("U005", 10)));
        LogEntry entry = Assert.Single(harness.Logs.WithEventId(2));
        Assert.Equal($"Model swap accepted: {_modelPath} is now version 2 (Implicit, 40 users, {_second.Items.Count} items, 8 factors).", entry.Message);
        Assert.Equal(1, harness.Metrics.Sum(PersonalizeDiagnostics.Swaps));
        harness.Metrics.Observe();
        Assert.Equal(2, harness.Metrics.Of(PersonalizeDiagnostics.ModelVersion).Last().Value);
    }

    [Fact]
    public void A_retrained_model_swapped_in_from_memory_serves_at_once()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        ModelSwapResult result = harness.Service.TrySwap(_second, "retrained");

        Assert.True(result.Accepted);
        Assert.Equal(("retrained", 2L), (harness.Service.ModelSource, harness.Service.ModelVersion));
        Assert.Same(_second, harness.Service.Model);
    }

    [Fact]
    public void A_lease_keeps_its_model_and_version_together_across_a_swap()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        using ModelLease before = harness.Service.Acquire();
        ModelSwapResult result = harness.Service.TrySwap(_second, "retrained");
        using ModelLease after = harness.Service.Acquire();

        Assert.True(result.Accepted, result.ToString());
        Assert.Equal((1L, _modelPath), (before.Version, before.Source));
        Assert.Equal(TinyModels.Answer(_first, "U005"), TinyModels.Key(before.Recommender.ForUser("U005", 10)));
        Assert.Equal((2L, "retrained"), (after.Version, after.Source));
        Assert.Same(_second, after.Model);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "flipped", "checksum" },
        { "truncated", "truncated" },
        { "missing", "does not exist" },
        { "explicit", "the model is Explicit, but this store serves Implicit models" },
        { "text", "it is not a model file" },
    };

    [Theory, MemberData(nameof(BadFiles))]
    public void A_bad_or_incompatible_file_is_rejected_with_a_warning_saying_why_and_the_old_model_keeps_serving(string kind, string why)
    {
        string good = TinyModels.Save(_folder, "second.pzm", _second);
        string offered = kind switch
        {
            "flipped" => TinyModels.Flipped(_folder, good, "flipped.pzm"),
            "truncated" => TinyModels.Truncated(_folder, good, "truncated.pzm"),
            "missing" => _folder.File("missing.pzm"),
            "explicit" => TinyModels.Save(_folder, "explicit.pzm", TinyModels.Explicit(seed: 3)),
            _ => _folder.Write("text.pzm", "user_id,item_id\nU1,I1\n"),
        };
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        ModelSwapResult result = harness.Service.TryLoad(offered);

        Assert.False(result.Accepted);
        Assert.Contains(why, result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Path.GetFileName(offered), result.Reason);
        LogEntry entry = Assert.Single(harness.Logs.WithEventId(3));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal($"Model swap rejected: {result.Reason} (offered: {offered}). Still serving version 1 from {_modelPath}.", entry.Message);
        Assert.Equal(1, harness.Service.ModelVersion);
        Assert.Equal(TinyModels.Answer(_first, "U005"), TinyModels.Key(harness.Service.ForUser("U005", 10)));
        Assert.Equal(1, harness.Metrics.Sum(PersonalizeDiagnostics.RejectedSwaps));
        Assert.Equal(0, harness.Metrics.Sum(PersonalizeDiagnostics.Swaps));
    }

    [Fact]
    public void ExpectedKind_lets_a_service_serve_rating_models()
    {
        string ratings = TinyModels.Save(_folder, "ratings.pzm", TinyModels.Explicit(seed: 3));
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = ratings;
            o.ExpectedKind = FactorModelKind.Explicit;
        });

        ModelSwapResult implicitOffer = harness.Service.TryLoad(_modelPath);

        Assert.Equal(FactorModelKind.Explicit, harness.Service.Model.Kind);
        Assert.False(implicitOffer.Accepted);
        Assert.Contains("the model is Implicit, but this store serves Explicit models", implicitOffer.Reason);
    }
}
