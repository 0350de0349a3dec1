using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Serving;

/// <summary>What was built for one model is refused by another of the same shape (a filter, co-occurrence counts, a paging cursor), and
/// a model that cannot serve or be stored is refused where it would otherwise pass unseen.</summary>
public sealed class ModelIdentityTests
{
    /// <summary>The same factors as <paramref name="model"/> with the item ids in reverse order: same count, other numbering.</summary>
    private static FactorModel WithItemsReversed(FactorModel model) =>
        new(model.Kind, model.Users, IdMap.FromIds(model.Items.Ids.Reverse()), model.NumberOfFactors, model.UserFactors.ToArray(), model.ItemFactors.ToArray(),
            model.RawSeenOffsets.ToArray(), model.RawSeenItems.ToArray(), model.ItemPopularity.ToArray(), model.Properties);

    private static ItemCatalog Catalog(TempDirectory temp, FactorModel model) => ItemCatalog.ReadCsv(temp.Write("items.csv",
        "item_id,brand\n" + string.Concat(model.Items.Ids.Select((id, i) => $"{id},{(i % 3 == 0 ? "Acme" : "Zen")}\n"))));

    [Fact]
    public void A_filter_compiled_for_other_items_of_the_same_count_is_refused()
    {
        using var temp = new TempDirectory();
        FactorModel model = TestModels.Create(seed: 1);
        FactorModel other = WithItemsReversed(model);
        ItemCatalog catalog = Catalog(temp, model);
        using var recommender = new Recommender(model, catalog, preferences: null);
        using var otherRecommender = new Recommender(other, catalog, preferences: null);
        CompiledFilter own = recommender.Compile(Filter.Where("brand").EqualTo("Acme"));
        CompiledFilter foreign = otherRecommender.Compile(Filter.Where("brand").EqualTo("Acme"));

        RecommendationList list = recommender.ForUser(model.Users.GetId(0), 10, own);
        var exception = Assert.Throws<ArgumentException>(() => recommender.ForUser(model.Users.GetId(0), 10, foreign));

        Assert.All(list, r => Assert.Equal("Acme", catalog.GetText(catalog.GetIndex(r.ItemId), "brand")));
        Assert.StartsWith("The filter was compiled for another set of 100 items (other ids, or another order) than the model's", exception.Message);
    }

    [Fact]
    public void Co_occurrence_counts_numbered_by_other_items_of_the_same_count_are_refused()
    {
        FactorModel model = TestModels.Create(seed: 1);
        InteractionLog log = InteractionLog.Create([.. model.Users.Ids.Take(10).SelectMany(u => model.Items.Ids.Take(20).Select(i => new Interaction(u, i)))]);
        var reversed = FeedbackMatrix.FromLog(log);
        CooccurrenceIndex foreign = CooccurrenceIndex.Build(reversed, items: IdMap.FromIds(model.Items.Ids.Reverse()));
        CooccurrenceIndex own = CooccurrenceIndex.Build(reversed, items: model.Items);

        var exception = Assert.Throws<ArgumentException>(() => model.WithCooccurrence(foreign));

        Assert.Contains("another set of 100 items", exception.Message);
        Assert.NotNull(model.WithCooccurrence(own).Cooccurrence);
    }

    [Fact]
    public void A_cursor_from_another_model_of_the_same_shape_is_refused_and_one_from_the_same_model_loaded_again_is_not()
    {
        using var temp = new TempDirectory();
        FactorModel first = TestModels.Create(seed: 1), retrained = TestModels.Create(seed: 2);
        string path = Path.Combine(temp.Path, "m.pzm");
        ModelFile.Save(first, path);
        using var a = new Recommender(first);
        using var b = new Recommender(retrained);
        using var reloaded = new Recommender(ModelFile.Load(path));
        var request = new RecommendationRequest(first.Users.GetId(0)) { PageSize = 5 };
        string cursor = a.Recommend(request).NextCursor!;

        var exception = Assert.Throws<ArgumentException>(() => b.Recommend(request with { Cursor = cursor }));
        RecommendationPage next = reloaded.Recommend(request with { Cursor = cursor });

        Assert.Equal("cursor", exception.ParamName);
        Assert.Equal(a.Recommend(request with { Cursor = cursor }).Select(r => r.ItemId), next.Select(r => r.ItemId));
    }

    [Fact]
    public void The_store_refuses_a_model_whose_training_diverged()
    {
        FactorModel good = TestModels.Create(seed: 1);
        float[] items = good.ItemFactors.ToArray();
        items[17] = float.NaN;
        var diverged = new FactorModel(good.Kind, good.Users, good.Items, good.NumberOfFactors, good.UserFactors.ToArray(), items,
            good.RawSeenOffsets.ToArray(), good.RawSeenItems.ToArray(), good.ItemPopularity.ToArray(), good.Properties);
        using var store = new ModelStore(good, "good");

        ModelSwapResult result = store.TrySwap(diverged, "diverged");
        var exception = Assert.Throws<ArgumentException>(() => new ModelStore(diverged, "diverged"));

        Assert.False(result.Accepted);
        Assert.Contains("not a finite number (the factors of item 'item-2')", result.Reason);
        Assert.Equal(1, store.Version);
        Assert.Contains("training diverged", exception.Message);
    }

    [Fact]
    public void A_model_file_refuses_an_id_that_is_not_valid_unicode()
    {
        using var temp = new TempDirectory();
        FactorModel good = TestModels.Create(seed: 1, userCount: 2, itemCount: 3);
        var model = new FactorModel(good.Kind, IdMap.FromIds(["a\uD800", "a\uDC00"]), good.Items, good.NumberOfFactors, good.UserFactors.ToArray(),
            good.ItemFactors.ToArray(), good.RawSeenOffsets.ToArray(), good.RawSeenItems.ToArray(), good.ItemPopularity.ToArray(), good.Properties);
        string path = Path.Combine(temp.Path, "m.pzm");

        var exception = Assert.Throws<InvalidOperationException>(() => ModelFile.Save(model, path));

        Assert.Equal("The user id at index 0 is not valid Unicode text (a lone UTF-16 surrogate at position 1), which a model file cannot store; nothing was written. Build ids from whole characters.",
            exception.Message);
        Assert.False(File.Exists(path));
    }
}
