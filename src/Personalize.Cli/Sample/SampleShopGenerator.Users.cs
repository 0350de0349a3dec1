using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>Draws every user's planted taste and activity.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="catalog">The catalog.</param>
    /// <returns>One taste per user.</returns>
    internal static UserTaste[] BuildUsers(SampleShopOptions options, ShopCatalog catalog)
    {
        int leafCount = Categories.Length;
        int brandCount = Brands.Length;
        var users = new UserTaste[options.Users];
        var catWeights = new double[leafCount];
        var brandWeights = new double[brandCount];
        for (int u = 0; u < users.Length; u++)
        {
            Random rng = RandomStream(options.Seed, 2, u);

            double k = rng.NextDouble();
            int catCount = k < 0.30 ? 1 : k < 0.75 ? 2 : 3;
            for (int c = 0; c < leafCount; c++)
            {
                catWeights[c] = catalog.CategoryStart[c + 1] > catalog.CategoryStart[c] ? Categories[c].Weight : 0.0;
            }

            var cats = new int[catCount];
            var weights = new double[catCount];
            double sum = 0.0;
            for (int j = 0; j < catCount; j++)
            {
                int c = SampleWeighted(catWeights, rng);
                catWeights[c] = 0.0;
                cats[j] = c;
                weights[j] = 0.4 + Exponential(rng);
                sum += weights[j];
            }

            for (int j = 0; j < catCount; j++)
            {
                weights[j] /= sum;
            }

            Array.Sort(weights, cats);
            Array.Reverse(weights);
            Array.Reverse(cats);

            int brandCountWanted = 2 + rng.Next(3);
            var brands = new int[brandCountWanted];
            var taken = new bool[brandCount];
            for (int j = 0; j < brandCountWanted; j++)
            {
                bool fromCategories = rng.NextDouble() < 0.8;
                double total = 0.0;
                for (int b = 0; b < brandCount; b++)
                {
                    double w = 0.0;
                    if (!taken[b])
                    {
                        if (fromCategories)
                        {
                            for (int c = 0; c < catCount; c++)
                            {
                                w += weights[c] * catalog.BrandCategoryCount[b, cats[c]];
                            }
                        }
                        else
                        {
                            w = 1.0;
                        }
                    }

                    brandWeights[b] = w;
                    total += w;
                }

                if (total <= 0.0)
                {
                    for (int b = 0; b < brandCount; b++)
                    {
                        brandWeights[b] = taken[b] ? 0.0 : 1.0;
                    }
                }

                int chosen = SampleWeighted(brandWeights, rng);
                taken[chosen] = true;
                brands[j] = chosen;
            }

            double p = rng.NextDouble();
            PriceTier tier = p < 0.35 ? PriceTier.Budget : p < 0.80 ? PriceTier.Mid : PriceTier.Premium;
            double level = (tier == PriceTier.Budget ? -0.9 : tier == PriceTier.Mid ? 0.0 : 0.9) + (0.2 * Normal(rng));
            double activity = Math.Exp(Normal(rng));

            users[u] = new UserTaste
            {
                Categories = cats,
                CategoryWeights = weights,
                Brands = brands,
                Tier = tier,
                PriceLevel = level,
                Activity = activity,
            };
        }

        return users;
    }
}
