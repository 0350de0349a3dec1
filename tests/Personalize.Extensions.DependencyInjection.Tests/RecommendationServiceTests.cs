using Microsoft.Extensions.Logging;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>Queries through the DI service: answers, cold start, filters, limits, the start-up log and the query metrics.</summary>
public sealed class RecommendationServiceTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly FactorModel _model = TinyModels.Implicit(seed: 1);
    private readonly string _modelPath;

    public RecommendationServiceTests() => _modelPath = TinyModels.Save(_folder, "shop.pzm", _model);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ForUser_answers_what_a_recommender_over_the_model_answers()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        RecommendationList list = harness.Service.ForUser("U007", 10);

        Assert.Equal(RecommendationSource.Personalized, list.Source);
        Assert.Equal(TinyModels.Answer(_model, "U007"), TinyModels.Key(list));
    }

    [Fact]
    public void An_unknown_user_gets_the_popular_fallback_and_it_is_reported_and_counted()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        RecommendationList list = harness.Service.ForUser("new-visitor", 5);

        Assert.Equal(RecommendationSource.PopularFallback, list.Source);
        Assert.Equal(5, list.Count);
        Measurement fallback = Assert.Single(harness.Metrics.Of(PersonalizeDiagnostics.Fallbacks));
        Assert.Equal("popular-fallback", fallback.Tags["source"]);
    }

    [Fact]
    public void The_cold_start_policy_comes_from_the_recommender_options()
    {
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.Recommender = new RecommenderOptions { ColdStart = ColdStartPolicy.Empty };
        });

        RecommendationList list = harness.Service.ForUser("new-visitor", 5);

        Assert.Equal((RecommendationSource.Empty, 0), (list.Source, list.Count));
    }

    [Fact]
    public void A_filter_text_is_read_against_the_catalogue_and_applied_before_ranking()
    {
        string catalog = TinyModels.Catalog(_folder);
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.CatalogPath = catalog;
        });

        RecommendationList acme = harness.Service.ForUser("U003", 8, "brand = \"Acme\"");
        RecommendationList again = harness.Service.ForUser("U003", 8, "brand = \"Acme\"");

        Assert.Equal(8, acme.Count);
        Assert.All(acme, r => Assert.Equal(0, int.Parse(r.ItemId[1..], System.Globalization.CultureInfo.InvariantCulture) % 2));
        Assert.Equal(TinyModels.Key(acme), TinyModels.Key(again));
        Assert.Equal([true, true], harness.Metrics.Of(PersonalizeDiagnostics.Queries).Select(m => m.Tags["filtered"]));
    }

    [Fact]
    public void The_catalogue_is_read_with_the_catalog_options_such_as_another_id_column_and_delimiter()
    {
        string catalog = TinyModels.Catalog(_folder);
        string sku = _folder.Write("sku.csv", File.ReadAllText(catalog).Replace(',', ';').Replace("item_id;", "sku;", StringComparison.Ordinal));
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.CatalogPath = sku;
            o.Catalog = new Personalize.Core.Data.ItemCatalogOptions { IdColumn = "sku", Delimiter = ";" };
        });
        using var plain = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.CatalogPath = catalog;
        });

        Assert.Equal(TinyModels.Key(plain.Service.ForUser("U003", 8, "brand = \"Acme\" and price < 20")),
            TinyModels.Key(harness.Service.ForUser("U003", 8, "brand = \"Acme\" and price < 20")));
        Assert.NotEmpty(harness.Service.ForUser("U003", 8, "brand = \"Acme\" and price < 20"));
    }

    [Fact]
    public void Recommend_names_the_model_version_that_answered_and_a_built_filter_answers_as_its_text()
    {
        string catalog = TinyModels.Catalog(_folder);
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.CatalogPath = catalog;
        });

        ServedRecommendations first = harness.Service.Recommend("U003", 8, "brand = \"Acme\"");
        ServedRecommendations built = harness.Service.Recommend("U003", 8, Filter.Where("brand").EqualTo("Acme"));
        Assert.True(harness.Service.TrySwap(TinyModels.Implicit(seed: 2), "retrained").Accepted);
        ServedRecommendations after = harness.Service.Recommend("U003", 8);

        Assert.Equal((1L, _modelPath), (first.ModelVersion, first.ModelSource));
        Assert.Equal(TinyModels.Key(first.List), TinyModels.Key(built.List));
        Assert.Equal((2L, "retrained"), (after.ModelVersion, after.ModelSource));
        Assert.Equal(8, after.List.Count);
        var unknown = Assert.Throws<ArgumentException>(() => harness.Service.Recommend("U003", 8, Filter.Where("colour").EqualTo("red")));
        Assert.StartsWith("The filter names the attribute 'colour', which the catalogue does not have", unknown.Message);
    }

    [Fact]
    public void A_blank_filter_means_no_filter()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        RecommendationList list = harness.Service.ForUser("U003", 10, "  ");

        Assert.Equal(TinyModels.Answer(_model, "U003"), TinyModels.Key(list));
    }

    [Fact]
    public void An_invalid_filter_text_throws_the_syntax_error_with_its_position()
    {
        string catalog = TinyModels.Catalog(_folder);
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.CatalogPath = catalog;
        });

        var error = Assert.Throws<FilterSyntaxException>(() => harness.Service.ForUser("U003", 8, "brand in (\"Acme\" \"Zen\")"));

        Assert.True(error.Position > 0);
        Assert.Empty(harness.Metrics.Of(PersonalizeDiagnostics.Queries));

        // 'not bought' needs purchases the service's methods do not take: the advice names what does (it named RecommendationRequest).
        var notBought = Assert.Throws<ArgumentException>(() => harness.Service.ForUser("U003", 8, "not bought"));
        Assert.Contains("take a lease (Acquire) and call lease.Recommender.Recommend with RecommendationRequest.PurchasedItems", notBought.Message);
        Assert.Throws<ArgumentException>(() => harness.Service.Recommend("U003", 8, Filter.NotBought));
    }

    [Fact]
    public void A_filter_without_a_catalogue_is_refused_saying_what_to_set()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        var error = Assert.Throws<InvalidOperationException>(() => harness.Service.ForUser("U003", 8, "brand = \"Acme\""));

        Assert.Contains("set PersonalizeOptions.CatalogPath", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(51)]
    public void A_count_outside_0_to_MaxCount_is_refused(int count)
    {
        using var harness = new ServingHarness(o =>
        {
            o.ModelPath = _modelPath;
            o.MaxCount = 50;
        });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => harness.Service.ForUser("U003", count));

        Assert.StartsWith("The count must be between 0 and PersonalizeOptions.MaxCount (50).", error.Message);
    }

    [Fact]
    public void Loading_the_model_is_logged_with_its_file_and_size()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);

        _ = harness.Service.ModelVersion;

        LogEntry entry = Assert.Single(harness.Logs.WithEventId(1));
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal($"Loaded model {_modelPath}: Implicit, {TinyModels.Users} users, {_model.Items.Count} items, 8 factors (version 1).", entry.Message);
    }

    [Fact]
    public void Every_query_is_counted_by_source_and_timed()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath, clock);

        for (int i = 0; i < 5; i++)
        {
            harness.Service.ForUser($"U{i:D3}", 3);
        }

        harness.Service.ForUser("stranger", 3);

        IReadOnlyList<Measurement> queries = harness.Metrics.Of(PersonalizeDiagnostics.Queries);
        Assert.Equal(6, queries.Sum(m => m.Value));
        Assert.Equal(5, queries.Count(m => (string?)m.Tags["source"] == "personalized"));
        Assert.Equal(1, harness.Metrics.Sum(PersonalizeDiagnostics.Fallbacks));
        IReadOnlyList<Measurement> durations = harness.Metrics.Of(PersonalizeDiagnostics.QueryDuration);
        Assert.Equal(6, durations.Count);
        Assert.All(durations, d => Assert.Equal(0, d.Value));   // the fake clock did not move
    }
}
