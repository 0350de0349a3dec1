using System.ComponentModel.DataAnnotations;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Serving;

/// <summary>Hot swap: a valid file replaces the served model, a bad one is rejected with a reason, and leases keep their model.</summary>
public sealed class ModelStoreTests
{
    private static string[] Answer(Recommender recommender, string user) => [.. recommender.ForUser(user, 10).Select(r => r.ItemId)];

    private static string[] Answer(FactorModel model, string user)
    {
        using var recommender = new Recommender(model);
        return Answer(recommender, user);
    }

    [Fact]
    public void Open_serves_the_file_as_version_1()
    {
        using var folder = new TempDirectory();
        string path = folder.File("shop.pzm");
        FactorModel model = TestModels.Create(seed: 1);
        ModelFile.Save(model, path);

        using ModelStore store = ModelStore.Open(path);
        using ModelLease lease = store.Acquire();

        Assert.Equal((1L, path, FactorModelKind.Implicit), (lease.Version, lease.Source, store.ExpectedKind));
        Assert.Equal(Answer(model, "user-3"), Answer(lease.Recommender, "user-3"));
    }

    [Fact]
    public void TryLoad_accepts_a_valid_file_and_new_leases_answer_from_it()
    {
        using var folder = new TempDirectory();
        FactorModel first = TestModels.Create(seed: 1), second = TestModels.Create(seed: 2);
        ModelFile.Save(second, folder.File("second.pzm"));
        using var store = new ModelStore(first, "first");
        Assert.NotEqual(Answer(first, "user-3"), Answer(second, "user-3"));

        ModelSwapResult result = store.TryLoad(folder.File("second.pzm"));

        Assert.True(result.Accepted, result.ToString());
        Assert.Equal((2L, (string?)null, folder.File("second.pzm")), (result.Version, result.Reason, result.Source));
        Assert.Same(result.Model, store.Model);
        using ModelLease lease = store.Acquire();
        Assert.Equal(Answer(second, "user-3"), Answer(lease.Recommender, "user-3"));
    }

    [Fact]
    public void A_lease_taken_before_a_swap_keeps_its_model_and_the_old_recommender_is_released_after_the_last_lease()
    {
        FactorModel first = TestModels.Create(seed: 1), second = TestModels.Create(seed: 2);
        using var store = new ModelStore(first, "first", new ModelStoreOptions { Recommender = new RecommenderOptions { NumberOfThreads = 2 } });
        ModelSnapshot old = store.CurrentSnapshot!;
        ModelLease inFlight = store.Acquire();
        ModelLease other = store.Acquire();

        Assert.True(store.TrySwap(second, "second").Accepted);

        Assert.Same(first, inFlight.Model);
        Assert.Equal(Answer(first, "user-5"), Answer(inFlight.Recommender, "user-5"));
        inFlight.Dispose();
        inFlight.Dispose();   // twice is harmless and must not release the other lease's reference
        Assert.False(old.IsReleased);
        other.Dispose();
        Assert.True(old.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => inFlight.Model);
        Assert.False(store.CurrentSnapshot!.IsReleased);
    }

    [Fact]
    public void TryLoad_rejects_a_file_with_a_flipped_byte_and_the_old_model_keeps_serving()
    {
        using var folder = new TempDirectory();
        FactorModel first = TestModels.Create(seed: 1);
        string bad = folder.File("flipped.pzm");
        ModelFile.Save(TestModels.Create(seed: 2), bad);
        byte[] bytes = File.ReadAllBytes(bad);
        SectionLayout factors = ModelFileLayout.Find(bytes, "IFAC");
        bytes[factors.PayloadOffset + factors.PayloadLength / 2] ^= 0x40;
        File.WriteAllBytes(bad, bytes);
        using var store = new ModelStore(first, "first");

        ModelSwapResult result = store.TryLoad(bad);

        Assert.False(result.Accepted);
        Assert.Equal(1, result.Version);
        Assert.IsType<ModelFormatException>(result.Exception);
        Assert.Contains("flipped.pzm", result.Reason);
        Assert.Contains("IFAC", result.Reason);
        Assert.Contains("checksum", result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Same(first, store.Model);
        using ModelLease lease = store.Acquire();
        Assert.Equal(Answer(first, "user-1"), Answer(lease.Recommender, "user-1"));
    }

    [Fact]
    public void TryLoad_rejects_a_truncated_file()
    {
        using var folder = new TempDirectory();
        string bad = folder.File("truncated.pzm");
        ModelFile.Save(TestModels.Create(seed: 2), bad);
        byte[] bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length * 2 / 3)]);
        using var store = new ModelStore(TestModels.Create(seed: 1), "first");

        ModelSwapResult result = store.TryLoad(bad);

        Assert.False(result.Accepted);
        Assert.StartsWith("truncated.pzm: ", result.Reason);
        Assert.Equal(1, store.Version);
    }

    [Fact]
    public void TryLoad_rejects_a_missing_file_naming_it()
    {
        using var folder = new TempDirectory();
        using var store = new ModelStore(TestModels.Create(seed: 1), "first");

        ModelSwapResult result = store.TryLoad(folder.File("missing.pzm"));

        Assert.False(result.Accepted);
        Assert.IsType<FileNotFoundException>(result.Exception);
        Assert.Contains("missing.pzm", result.Reason);
        Assert.Equal("first", store.Source);
    }

    [Fact]
    public void TryLoad_rejects_a_model_of_another_kind()
    {
        using var folder = new TempDirectory();
        string explicitPath = folder.File("ratings.pzm");
        ModelFile.Save(TestModels.Create(seed: 2, withBiases: true), explicitPath);
        using var store = new ModelStore(TestModels.Create(seed: 1), "first");

        ModelSwapResult result = store.TryLoad(explicitPath);

        Assert.False(result.Accepted);
        Assert.Equal("ratings.pzm: the model is Explicit, but this store serves Implicit models (ModelStoreOptions.ExpectedKind); "
            + "serve it from a store of its own kind.", result.Reason);
        Assert.Equal(FactorModelKind.Implicit, store.Model.Kind);
    }

    [Fact]
    public void TrySwap_rejects_a_model_without_users()
    {
        using var store = new ModelStore(TestModels.Create(seed: 1), "first");

        ModelSwapResult result = store.TrySwap(TestModels.Create(seed: 2, userCount: 0), "empty retrain");
        ModelSwapResult dated = store.TrySwap(TestModels.Create(seed: 2, userCount: 0), "nightly retrain 2024/05/01");

        Assert.False(result.Accepted);
        Assert.Equal("empty retrain: the model has 0 users and 100 items; a served model needs at least one of each.", result.Reason);
        Assert.Null(result.Model);
        Assert.StartsWith("nightly retrain 2024/05/01: the model has 0 users", dated.Reason);   // a description, not a path (was "01: ...")
    }

    [Fact]
    public void Open_rejects_a_model_of_the_wrong_kind_with_a_format_exception_naming_the_file()
    {
        using var folder = new TempDirectory();
        string path = folder.File("ratings.pzm");
        ModelFile.Save(TestModels.Create(seed: 2, withBiases: true), path);

        var error = Assert.Throws<ModelFormatException>(() => ModelStore.Open(path, new ModelStoreOptions { ExpectedKind = FactorModelKind.Implicit }));

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith("ratings.pzm: the model is Explicit", error.Message);
    }

    [Fact]
    public void The_constructor_rejects_an_empty_model()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModelStore(TestModels.Create(seed: 2, itemCount: 0), "empty"));

        Assert.StartsWith("empty: the model has 30 users and 0 items", error.Message);
    }

    [Fact]
    public void Disposing_the_store_stops_new_leases_but_a_lease_in_flight_finishes()
    {
        FactorModel model = TestModels.Create(seed: 1);
        var store = new ModelStore(model, "first");
        ModelSnapshot current = store.CurrentSnapshot!;
        ModelLease lease = store.Acquire();

        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Acquire());
        Assert.Throws<ObjectDisposedException>(() => store.TrySwap(TestModels.Create(seed: 2), "late"));
        Assert.Equal(Answer(model, "user-2"), Answer(lease.Recommender, "user-2"));
        Assert.False(current.IsReleased);
        lease.Dispose();
        Assert.True(current.IsReleased);
    }

    [Fact]
    public void Options_defaults_are_documented_values()
    {
        var options = new ModelStoreOptions();

        Assert.Null(options.ExpectedKind);
        Assert.Null(options.Recommender);
    }

    [Fact]
    public void Invalid_options_are_reported_with_the_exact_message()
    {
        var error = Assert.Throws<ValidationException>(() =>
            new ModelStore(TestModels.Create(seed: 1), "first", new ModelStoreOptions { ExpectedKind = (FactorModelKind)9 }));

        Assert.Equal("ModelStoreOptions is invalid (1 error): ExpectedKind = 9: must be Implicit, Explicit or null.", error.Message);
    }
}
