using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Recommending;

/// <summary>
/// <see cref="RecommenderOptions.ItemFactorCompression"/> = <see cref="ItemFactorCompression.Int8"/> gives exactly the lists of the fp32
/// scan (ids, indices and bit-identical scores) on a model trained by <see cref="ImplicitAlsTrainer"/>: for every user, on 1 and 2
/// threads, for k from 1 to more than the catalogue, with a filter, and for fold-in users. Random factors: <c>ScanInt8Tests</c>.
/// </summary>
public sealed class RecommenderInt8Tests
{
    private const int ItemCount = 1200;

    private static readonly Lazy<FactorModel> Trained = new(() =>
        new ImplicitAlsTrainer(new() { NumberOfFactors = 24, NumberOfIterations = 6, NumberOfThreads = 1, Seed = 5 })
            .Fit(CooccurrenceIndexTests.Feedback(seed: 91, users: 200, items: ItemCount, perUser: 40)));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ForUser_with_the_int8_copy_returns_the_fp32_lists_for_every_user_of_a_trained_model(int threads)
    {
        FactorModel model = Trained.Value;
        using var exact = new Recommender(model, new RecommenderOptions { NumberOfThreads = threads });
        using var compact = new Recommender(model, new RecommenderOptions { NumberOfThreads = threads, ItemFactorCompression = ItemFactorCompression.Int8 });

        foreach (int k in new[] { 1, 10, 50, model.Items.Count + 5 })
        {
            for (int user = 0; user < model.Users.Count; user++)
            {
                string userId = model.Users.RawIds[user];
                AssertSameList(exact.ForUser(userId, k), compact.ForUser(userId, k), $"{threads} threads, k {k}, user {userId}");
            }
        }
    }

    [Fact]
    public void ForUser_with_the_int8_copy_returns_the_fp32_lists_through_a_filter()
    {
        FactorModel model = Trained.Value;
        using var directory = new TempDirectory();
        var csv = new StringBuilder("item_id,bucket\n");
        var random = new Random(17);
        foreach (string item in model.Items.RawIds)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{item},{random.Next(10)}\n");
        }

        ItemCatalog catalog = ItemCatalog.ReadCsv(directory.Write("items.csv", csv.ToString()));
        // 70% of the items: the filtered query scans every item and checks the bitset (the path the int8 copy serves).
        CompiledFilter filter = FilterCompiler.Compile(Filter.Where("bucket").LessThan(7), catalog, model.Items);
        using var exact = new Recommender(model);
        using var compact = new Recommender(model, new RecommenderOptions { ItemFactorCompression = ItemFactorCompression.Int8 });

        for (int user = 0; user < model.Users.Count; user++)
        {
            string userId = model.Users.RawIds[user];
            AssertSameList(exact.ForUser(userId, 10, filter), compact.ForUser(userId, 10, filter), $"user {userId}");
        }
    }

    [Fact]
    public void ForUser_of_folded_in_factors_with_the_int8_copy_returns_the_fp32_list()
    {
        FactorModel model = Trained.Value;
        using var exact = new Recommender(model);
        using var compact = new Recommender(model, new RecommenderOptions { ItemFactorCompression = ItemFactorCompression.Int8 });
        var random = new Random(23);
        for (int session = 0; session < 20; session++)
        {
            int[] clicked = Enumerable.Range(0, model.Items.Count).OrderBy(_ => random.Next()).Take(1 + random.Next(15)).Order().ToArray();
            float[] weights = clicked.Select(_ => 1f + random.Next(3)).ToArray();
            var factors = new float[model.NumberOfFactors];
            exact.FoldIn(null, clicked, weights, factors);
            var expected = new Recommendation[20];
            var actual = new Recommendation[20];

            int expectedCount = exact.ForUser(factors, 0, clicked, null, expected);
            int actualCount = compact.ForUser(factors, 0, clicked, null, actual);

            AssertSameList(expected[..expectedCount], actual[..actualCount], $"session {session}");
        }
    }

    private static void AssertSameList(IReadOnlyList<Recommendation> expected, IReadOnlyList<Recommendation> actual, string context)
    {
        string Describe(IReadOnlyList<Recommendation> list) =>
            string.Join(", ", list.Select(r => $"{r.ItemId}#{r.ItemIndex}:{BitConverter.SingleToInt32Bits(r.Score):X8}"));

        Assert.True(Describe(expected) == Describe(actual), $"{context}:\n expected {Describe(expected)}\n but got  {Describe(actual)}");
    }
}
