using Personalize.Cli.Sample;

namespace Personalize.Cli.Tests;

public sealed class SampleShopGeneratorTests
{
    [Fact]
    public void Default_options_reproduce_the_bundled_sample_byte_for_byte()
    {
        string bundled = FindBundledSample();
        string folder = Path.Combine(Path.GetTempPath(), "personalize-sample-" + Guid.NewGuid().ToString("N"));
        try
        {
            SampleShopGenerator.Write(folder, new SampleShopOptions());
            foreach (string file in new[] { "items.csv", "events.csv", "ratings.csv" })
            {
                Assert.True(File.ReadAllBytes(Path.Combine(bundled, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, file))),
                    $"{file} differs from samples/data/{file}: the generator's output changed; regenerate the bundled sample and its README numbers.");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(23)]
    public void Rejection_draws_follow_the_exact_softmax_of_the_table(int userIndex)
    {
        const int Draws = 400_000;
        var options = new SampleShopOptions { Items = 300, Users = 30, TargetEvents = 3000 };
        ShopCatalog catalog = SampleShopGenerator.BuildCatalog(options, 0, 90 * 86_400L);
        UserTaste user = SampleShopGenerator.BuildUsers(options, catalog)[userIndex];
        var exact = new SampleShopGenerator.Chooser(catalog, exactTable: true);
        var fast = new SampleShopGenerator.Chooser(catalog, exactTable: false);
        exact.Prepare(user);
        fast.Prepare(user);

        double[] weights = catalog.Items.Select(exact.Weight).ToArray();
        int category = user.Categories[0];
        double[] inCategory = catalog.Items.Select((item, i) => item.Category == category ? weights[i] : 0.0).ToArray();

        var rng = new Random(1234 + userIndex);
        var any = new int[catalog.Items.Length];
        var focused = new int[catalog.Items.Length];
        for (int d = 0; d < Draws; d++)
        {
            any[fast.SampleAny(rng)]++;
            focused[fast.SampleInCategory(category, rng)]++;
        }

        // With 400,000 draws over 300 items the expected total variation distance of a correct sampler is about 0.01; leaving out
        // the price factor or the brand bonus moves it past 0.1.
        Assert.True(TotalVariation(any, weights) < 0.02, $"SampleAny: TV = {TotalVariation(any, weights):F4} (user {userIndex})");
        Assert.True(TotalVariation(focused, inCategory) < 0.02, $"SampleInCategory: TV = {TotalVariation(focused, inCategory):F4} (user {userIndex})");
        Assert.All(focused.Select((count, i) => (count, i)).Where(x => x.count > 0), x => Assert.Equal(category, catalog.Items[x.i].Category));
    }

    private static double TotalVariation(int[] counts, double[] weights)
    {
        double total = weights.Sum();
        long n = counts.Sum(c => (long)c);
        double distance = 0.0;
        for (int i = 0; i < counts.Length; i++)
        {
            distance += Math.Abs(((double)counts[i] / n) - (weights[i] / total));
        }

        return distance / 2.0;
    }

    private static string FindBundledSample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", "data");
            if (File.Exists(Path.Combine(candidate, "events.csv")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("samples/data not found above " + AppContext.BaseDirectory);
    }
}
