using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

/// <summary><see cref="Recommender.RelatedTo(IReadOnlyList{string}, int, CompiledFilter?)"/> against a plain reference that blends every item.</summary>
public sealed class RelatedItemsTests
{
    /// <summary>A random model of 120 items whose co-occurrence index is counted from random feedback over the same item ids.</summary>
    internal static FactorModel ModelWithCooccurrence(int seed, int items = 120, int factors = 8)
    {
        FactorModel model = TestModels.Create(seed, userCount: 20, itemCount: items, numberOfFactors: factors, onGrid: false);
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < 300; u++)
        {
            int group = u % 6;
            for (int e = 0; e < 6; e++)
            {
                int item = random.NextDouble() < 0.7 ? group * (items / 6) + random.Next(items / 6) : random.Next(items);
                rows.Add(new Interaction($"v{u}", $"item-{item}"));
            }
        }

        FeedbackMatrix data = FeedbackMatrix.FromLog(InteractionLog.Create(rows));
        return model.WithCooccurrence(CooccurrenceIndex.Build(data, new CooccurrenceOptions { NumberOfNeighbors = 15 }, model.Items));
    }

    private sealed record Expected(int Item, double Score, double Factor, int Count, bool InFactorTop);

    /// <summary>Blends every eligible non-input item in double, ranks them all, and marks the top k by factors alone.</summary>
    private static (Expected[] Ranked, double KthFactor) Reference(FactorModel model, int[] inputs, int k, ItemSimilarity similarity, float weight,
        Func<int, bool>? eligible = null)
    {
        int rank = model.NumberOfFactors, items = model.Items.Count;
        int[] distinct = [.. inputs.Distinct()];
        double Similarity(int a, int b)
        {
            double dot = 0, na = 0, nb = 0;
            for (int d = 0; d < rank; d++)
            {
                double x = model.GetItemFactors(a)[d], y = model.GetItemFactors(b)[d];
                dot += x * y;
                na += x * x;
                nb += y * y;
            }

            return similarity == ItemSimilarity.Dot ? dot : na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
        }

        CooccurrenceIndex? index = model.Cooccurrence;
        var candidates = new List<Expected>();
        for (int j = 0; j < items; j++)
        {
            if (distinct.Contains(j) || (eligible is not null && !eligible(j)))
            {
                continue;
            }

            double factor = distinct.Average(i => Similarity(i, j));
            double cooccurrence = 0;
            int count = 0;
            foreach (int i in distinct)
            {
                int at = index is null ? -1 : index.GetNeighbors(i).IndexOf(j);
                if (at >= 0)
                {
                    cooccurrence += index!.GetSimilarities(i)[at];
                    count += index.GetCounts(i)[at];
                }
            }

            double w = index is null ? 0 : weight;
            candidates.Add(new Expected(j, (1 - w) * factor + w * cooccurrence / distinct.Length, factor, count, false));
        }

        var factorTop = candidates.OrderByDescending(c => c.Factor).ThenBy(c => c.Item).Take(k).ToList();
        double kth = factorTop.Count == 0 ? double.NegativeInfinity : factorTop[^1].Factor;
        var top = factorTop.Select(c => c.Item).ToHashSet();
        Expected[] ranked = [.. candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Item).Take(k).Select(c => c with { InFactorTop = top.Contains(c.Item) })];
        return (ranked, kth);
    }

    private static void AssertMatchesReference(FactorModel model, RelatedItemList actual, int[] inputs, int k, ItemSimilarity similarity, float weight,
        Func<int, bool>? eligible = null, string context = "")
    {
        var (expected, kthFactor) = Reference(model, inputs, k, similarity, weight, eligible);
        Assert.Equal(expected.Length, actual.Count);
        var all = Reference(model, inputs, model.Items.Count, similarity, weight, eligible).Ranked.ToDictionary(e => e.Item);
        for (int r = 0; r < expected.Length; r++)
        {
            RelatedItem item = actual[r];
            string where = $"{context} rank {r} (item {item.ItemIndex})";
            ReferenceTopK.AssertClose(expected[r].Score, item.Score, 1e-4, where + ": score against the reference's score at this rank");
            Expected own = all[item.ItemIndex];
            ReferenceTopK.AssertClose(own.Score, item.Score, 1e-4, where + ": score against the item's reference score");
            ReferenceTopK.AssertClose(own.Factor, item.FactorSimilarity, 1e-4, where + ": factor similarity");
            Assert.Equal(own.Count, item.CooccurrenceCount);
            bool factorTop = own.Factor > kthFactor + 1e-5 || (Math.Abs(own.Factor - kthFactor) <= 1e-5 && item.Source != RelatedItemSource.Cooccurrence);
            RelatedItemSource source = factorTop ? (own.Count > 0 ? RelatedItemSource.Both : RelatedItemSource.Factors) : RelatedItemSource.Cooccurrence;
            Assert.True(source == item.Source, $"{where}: expected source {source} but got {item.Source}");
        }

        Assert.Equal(actual.Count, actual.Select(i => i.ItemIndex).Distinct().Count());
    }

    public static TheoryData<ItemSimilarity, float, int[]> Queries => new()
    {
        { ItemSimilarity.Cosine, 0.5f, [3] },
        { ItemSimilarity.Cosine, 0.5f, [3, 40, 41, 3] },
        { ItemSimilarity.Dot, 0.5f, [77] },
        { ItemSimilarity.Cosine, 0f, [10, 11] },
        { ItemSimilarity.Cosine, 0.9f, [100] },
        { ItemSimilarity.Dot, 1f, [5, 90] },
    };

    [Theory, MemberData(nameof(Queries))]
    public void RelatedTo_matches_a_reference_that_blends_every_item(ItemSimilarity similarity, float weight, int[] inputs)
    {
        FactorModel model = ModelWithCooccurrence(seed: 61);
        using var recommender = new Recommender(model, new RecommenderOptions { RelatedItemsSimilarity = similarity, CooccurrenceWeight = weight });
        string[] ids = [.. inputs.Select(model.Items.GetId)];

        RelatedItemList list = recommender.RelatedTo(ids, 12);

        Assert.True(list.UsedCooccurrence);
        AssertMatchesReference(model, list, inputs, 12, similarity, weight, context: $"{similarity} w={weight}");
        Assert.Contains(list, i => i.CooccurrenceCount > 0);
    }

    [Fact]
    public void RelatedTo_uses_the_factors_alone_when_the_model_has_no_cooccurrence_index()
    {
        FactorModel model = ModelWithCooccurrence(seed: 62).WithCooccurrence(null);
        using var recommender = new Recommender(model);

        RelatedItemList list = recommender.RelatedTo(["item-7"], 10);

        Assert.False(list.UsedCooccurrence);
        Assert.All(list, i => Assert.Equal(RelatedItemSource.Factors, i.Source));
        Assert.All(list, i => Assert.Equal(0, i.CooccurrenceCount));
        AssertMatchesReference(model, list, [7], 10, ItemSimilarity.Cosine, 0.5f);
    }

    [Fact]
    public void RelatedTo_leaves_out_every_input_item_and_counts_a_repeated_one_once()
    {
        FactorModel model = ModelWithCooccurrence(seed: 63);
        using var recommender = new Recommender(model);
        string[] basket = ["item-1", "item-2", "item-1", "item-25"];

        RelatedItemList list = recommender.RelatedTo(basket, model.Items.Count);

        Assert.Equal(["item-1", "item-2", "item-25"], list.InputItemIds);
        Assert.Equal(model.Items.Count - 3, list.Count);
        Assert.DoesNotContain(list, i => basket.Contains(i.ItemId));
    }

    [Fact]
    public void RelatedTo_skips_and_reports_unknown_items_and_is_empty_when_none_is_known()
    {
        FactorModel model = ModelWithCooccurrence(seed: 64);
        using var recommender = new Recommender(model);

        RelatedItemList some = recommender.RelatedTo(["nope", "item-4", "nope", "gone"], 5);
        RelatedItemList none = recommender.RelatedTo(["nope"], 5);

        Assert.Equal(["nope", "gone"], some.UnknownItemIds);
        Assert.Equal(["item-4"], some.InputItemIds);
        Assert.Equal(5, some.Count);
        Assert.Empty(none);
        Assert.Equal(["nope"], none.UnknownItemIds);
        Assert.Empty(none.InputItemIds);
    }

    [Theory]
    [InlineData(3, 10)]    // 30 % eligible: a full scan that checks the bits
    [InlineData(1, 10)]    // 10 % eligible: only the eligible items are scored
    [InlineData(1, 50)]    // fewer eligible items than asked for: all of them
    public void RelatedTo_returns_only_items_that_pass_the_filter_and_as_many_as_asked_while_enough_pass(int bucketsBelow, int count)
    {
        using var folder = new TempDirectory();
        FactorModel model = ModelWithCooccurrence(seed: 65);
        string csv = folder.Write("items.csv", "item_id,bucket\n" + string.Join('\n', Enumerable.Range(0, model.Items.Count).Select(i => $"item-{i},{i % 10}")) + "\n");
        CompiledFilter filter = FilterCompiler.Compile(Filter.Where("bucket").LessThan(bucketsBelow), ItemCatalog.ReadCsv(csv), model.Items);
        using var recommender = new Recommender(model);
        bool Eligible(int i) => i % 10 < bucketsBelow;

        RelatedItemList list = recommender.RelatedTo(["item-20", "item-31"], count, filter);

        int eligibleOthers = Enumerable.Range(0, model.Items.Count).Count(i => Eligible(i) && i != 20 && i != 31);
        Assert.Equal(Math.Min(count, eligibleOthers), list.Count);
        Assert.All(list, i => Assert.True(Eligible(i.ItemIndex), $"item {i.ItemIndex} does not pass the filter"));
        AssertMatchesReference(model, list, [20, 31], count, ItemSimilarity.Cosine, 0.5f, Eligible);
    }

    [Fact]
    public void RelatedTo_rejects_an_index_outside_the_model_and_a_filter_for_another_item_set()
    {
        using var folder = new TempDirectory();
        FactorModel model = ModelWithCooccurrence(seed: 66);
        using var recommender = new Recommender(model);
        string csv = folder.Write("items.csv", "item_id,bucket\nitem-0,1\n");
        CompiledFilter other = FilterCompiler.Compile(Filter.Where("bucket").LessThan(3), ItemCatalog.ReadCsv(csv), IdMap.FromIds(["item-0"]));
        var destination = new RelatedItem[5];

        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => recommender.RelatedTo([model.Items.Count], null, destination));
        var filter = Assert.Throws<ArgumentException>(() => recommender.RelatedTo(["item-0"], 5, other));

        Assert.Contains($"item index {model.Items.Count} is not in the model", outside.Message);
        Assert.Contains("compiled for 1 items, but the model has 120", filter.Message);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(200, 3)]
    public void RelatedTo_into_a_span_allocates_nothing_after_a_warm_up(int count, int inputs)
    {
        FactorModel model = ModelWithCooccurrence(seed: 67, items: 600, factors: 16);
        using var recommender = new Recommender(model);
        var destination = new RelatedItem[count];
        int[] query = [.. Enumerable.Range(0, inputs).Select(i => 7 * i + 1)];
        for (int warmUp = 0; warmUp < 200; warmUp++)   // past tiered compilation's call counting, which allocates once on this thread
        {
            query[0] = warmUp % 100;
            recommender.RelatedTo(query, null, destination);
        }

        long written = 0;
        long allocated = SteadyState.FewestBytesAllocated(() =>
        {
            for (int call = 0; call < 100; call++)
            {
                query[0] = call;
                written += recommender.RelatedTo(query, null, destination);
            }
        }, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(runs * 100L * count, written);
    }
}
