using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.Models;

public sealed class CooccurrenceIndexTests
{
    /// <summary>Random feedback with taste: each user mostly takes items of one of 4 groups, with event weights 1..10.</summary>
    internal static FeedbackMatrix Feedback(int seed, int users = 80, int items = 40, int perUser = 8)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < users; u++)
        {
            int group = u % 4;
            int count = 1 + random.Next(perUser);
            for (int e = 0; e < count; e++)
            {
                int item = random.NextDouble() < 0.8 ? group * (items / 4) + random.Next(items / 4) : random.Next(items);
                rows.Add(new Interaction($"u{u}", $"i{item}", Value: 1 + random.Next(10)));
            }
        }

        return FeedbackMatrix.FromLog(InteractionLog.Create(rows));
    }

    /// <summary>The plain reference: for every pair, how many users have both (each user's items as a set).</summary>
    private static (int[,] Counts, int[] Users) BruteForce(FeedbackMatrix data)
    {
        int items = data.NumberOfItems;
        var counts = new int[items, items];
        var users = new int[items];
        for (int u = 0; u < data.NumberOfUsers; u++)
        {
            int[] mine = data.GetItems(u).ToArray();
            foreach (int a in mine)
            {
                users[a]++;
                foreach (int b in mine)
                {
                    if (a != b)
                    {
                        counts[a, b]++;
                    }
                }
            }
        }

        return (counts, users);
    }

    [Fact]
    public void Build_counts_every_pair_like_a_brute_force_count_when_nothing_is_dropped()
    {
        FeedbackMatrix data = Feedback(seed: 1);
        var (expected, users) = BruteForce(data);

        CooccurrenceIndex index = CooccurrenceIndex.Build(data, new CooccurrenceOptions { MinimumCount = 1, NumberOfNeighbors = 1000 });

        for (int i = 0; i < data.NumberOfItems; i++)
        {
            Assert.Equal(users[i], index.GetUserCount(i));
            int[] neighbors = index.GetNeighbors(i).ToArray();
            int[] expectedNeighbors = [.. Enumerable.Range(0, data.NumberOfItems).Where(j => expected[i, j] > 0)];
            Assert.Equal(expectedNeighbors, neighbors);
            for (int k = 0; k < neighbors.Length; k++)
            {
                int j = neighbors[k];
                Assert.Equal(expected[i, j], index.GetCounts(i)[k]);
                Assert.Equal(expected[i, j] / Math.Sqrt((double)users[i] * users[j]), index.GetSimilarities(i)[k], 1e-6);
            }
        }
    }

    [Fact]
    public void Build_keeps_each_items_most_similar_neighbours_and_drops_pairs_seen_too_rarely()
    {
        FeedbackMatrix data = Feedback(seed: 2, users: 150);
        var (counts, users) = BruteForce(data);
        var options = new CooccurrenceOptions { MinimumCount = 3, NumberOfNeighbors = 4 };

        CooccurrenceIndex index = CooccurrenceIndex.Build(data, options);

        int kept = 0;
        for (int i = 0; i < data.NumberOfItems; i++)
        {
            int[] expected = [.. Enumerable.Range(0, data.NumberOfItems)
                .Where(j => j != i && counts[i, j] >= 3)
                .OrderByDescending(j => (float)(counts[i, j] / Math.Sqrt((double)users[i] * users[j])))
                .ThenBy(j => j)
                .Take(4)
                .Order()];
            Assert.Equal(expected, index.GetNeighbors(i).ToArray());
            Assert.All(index.GetCounts(i).ToArray(), c => Assert.True(c >= 3));
            kept += expected.Length;
        }

        Assert.True(kept > data.NumberOfItems, "the data should give most items some neighbours, or the test proves little");
        Assert.Equal(kept, index.NumberOfEntries);
    }

    [Fact]
    public void Build_counts_only_the_heaviest_items_of_a_user_over_the_cap()
    {
        // u0 has 5 items with weights 5, 1, 4, 2, 3 (i0..i4); with a cap of 3 only i0, i2 and i4 count for u0.
        var rows = new List<Interaction>();
        float[] weights = [5, 1, 4, 2, 3];
        for (int i = 0; i < 5; i++)
        {
            rows.Add(new Interaction("u0", $"i{i}", Value: weights[i]));
        }

        rows.Add(new Interaction("u1", "i1"));
        rows.Add(new Interaction("u1", "i3"));
        FeedbackMatrix data = FeedbackMatrix.FromLog(InteractionLog.Create(rows));

        CooccurrenceIndex index = CooccurrenceIndex.Build(data, new CooccurrenceOptions { MinimumCount = 1, MaxItemsPerUser = 3 });

        int I(string id) => data.Items.GetIndex(id);
        Assert.Equal([I("i2"), I("i4")], index.GetNeighbors(I("i0")).ToArray());
        Assert.Equal([I("i3")], index.GetNeighbors(I("i1")).ToArray());
        Assert.Equal(1, index.GetUserCount(I("i1")));
        Assert.Equal(1, index.GetUserCount(I("i0")));
    }

    [Fact]
    public void Build_gives_the_same_index_for_any_number_of_threads()
    {
        FeedbackMatrix data = Feedback(seed: 3, users: 400, items: 300, perUser: 20);

        CooccurrenceIndex one = CooccurrenceIndex.Build(data, new CooccurrenceOptions { NumberOfThreads = 1, NumberOfNeighbors = 10 });
        CooccurrenceIndex four = CooccurrenceIndex.Build(data, new CooccurrenceOptions { NumberOfThreads = 4, NumberOfNeighbors = 10 });

        Assert.Equal(one.NumberOfEntries, four.NumberOfEntries);
        for (int i = 0; i < data.NumberOfItems; i++)
        {
            Assert.Equal(one.GetNeighbors(i).ToArray(), four.GetNeighbors(i).ToArray());
            Assert.Equal(one.GetCounts(i).ToArray(), four.GetCounts(i).ToArray());
        }
    }

    [Fact]
    public void Build_for_a_target_item_map_matches_items_by_id_and_counts_the_entries_it_cannot_place()
    {
        var rows = new List<Interaction>
        {
            new("u0", "a"), new("u0", "b"), new("u0", "new"),
            new("u1", "b"), new("u1", "a"),
        };
        FeedbackMatrix data = FeedbackMatrix.FromLog(InteractionLog.Create(rows));
        IdMap target = IdMap.FromIds(["z", "b", "a"]);

        CooccurrenceIndex index = CooccurrenceIndex.Build(data, new CooccurrenceOptions { MinimumCount = 1 }, target);

        Assert.Equal(3, index.ItemCount);
        Assert.Equal(1, index.UnmatchedEntryCount);
        Assert.Equal([2], index.GetNeighbors(1).ToArray());
        Assert.Equal([2], index.GetCounts(1).ToArray());
        Assert.Equal(0, index.GetNeighbors(0).Length);
        Assert.Equal(1f, index.GetSimilarities(2)[0], 6);
    }

    [Fact]
    public void New_options_have_the_documented_defaults()
    {
        var options = new CooccurrenceOptions();

        Assert.Equal(100, options.NumberOfNeighbors);
        Assert.Equal(2, options.MinimumCount);
        Assert.Equal(200, options.MaxItemsPerUser);
        Assert.Null(options.NumberOfThreads);
    }

    [Fact]
    public void Build_reports_every_invalid_option_at_once()
    {
        var options = new CooccurrenceOptions { NumberOfNeighbors = 0, MinimumCount = 0, MaxItemsPerUser = 1 };

        var error = Assert.Throws<ValidationException>(() => CooccurrenceIndex.Build(Feedback(seed: 4), options));

        Assert.Equal("CooccurrenceOptions is invalid (3 errors): NumberOfNeighbors = 0: must be between 1 and 100000. "
            + "MinimumCount = 0: must be between 1 and 2147483647. MaxItemsPerUser = 1: must be between 2 and 1000000.", error.Message);
    }

    [Fact]
    public void A_model_rejects_an_index_built_for_another_item_count()
    {
        FeedbackMatrix data = Feedback(seed: 5);
        FactorModel model = TestSupport.TestModels.Create(seed: 5, itemCount: data.NumberOfItems + 1);

        var error = Assert.Throws<ArgumentException>(() => model.WithCooccurrence(CooccurrenceIndex.Build(data)));

        Assert.Contains($"covers {data.NumberOfItems} items, but the model has {data.NumberOfItems + 1}", error.Message);
    }
}
