using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>
    /// A user's choice distribution: softmax over items of the planted utility (the Gumbel-max choice rule),
    /// stored as cumulative weights in category-grouped order so both "any item" and "item of category c" draws are one binary search.
    /// </summary>
    private sealed class Chooser
    {
        /// <summary>The catalog.</summary>
        private readonly ShopCatalog _catalog;

        /// <summary>Cumulative softmax weights over <see cref="ShopCatalog.Order"/>.</summary>
        private readonly double[] _cumulative;

        /// <summary>Whether a brand is preferred by the current user.</summary>
        private readonly bool[] _preferredBrand;

        /// <summary>Category affinity of the current user per leaf.</summary>
        private readonly double[] _categoryAffinity;

        /// <summary>Creates the chooser for a catalog.</summary>
        /// <param name="catalog">The catalog.</param>
        public Chooser(ShopCatalog catalog)
        {
            _catalog = catalog;
            _cumulative = new double[catalog.Order.Length];
            _preferredBrand = new bool[Brands.Length];
            _categoryAffinity = new double[Categories.Length];
        }

        /// <summary>Whether <paramref name="brand"/> is one of the current user's brands.</summary>
        /// <param name="brand">Brand index.</param>
        /// <returns>True when preferred.</returns>
        public bool IsPreferredBrand(int brand) => _preferredBrand[brand];

        /// <summary>Whether <paramref name="category"/> is one of the current user's categories.</summary>
        /// <param name="category">Leaf index.</param>
        /// <returns>True when preferred.</returns>
        public bool IsPreferredCategory(int category) => _categoryAffinity[category] > OtherCategoryAffinity;

        /// <summary>Computes the choice table of <paramref name="user"/>.</summary>
        /// <param name="user">The user.</param>
        public void Prepare(UserTaste user)
        {
            Array.Fill(_preferredBrand, false);
            foreach (int b in user.Brands)
            {
                _preferredBrand[b] = true;
            }

            Array.Fill(_categoryAffinity, OtherCategoryAffinity);
            for (int j = 0; j < user.Categories.Length; j++)
            {
                _categoryAffinity[user.Categories[j]] = Math.Log(user.CategoryWeights[j]);
            }

            double sum = 0.0;
            int[] order = _catalog.Order;
            for (int k = 0; k < order.Length; k++)
            {
                ItemSpec item = _catalog.Items[order[k]];
                double distance = item.PriceLevel - user.PriceLevel;
                double utility = _categoryAffinity[item.Category]
                    + (_preferredBrand[item.Brand] ? BrandAffinity : 0.0)
                    - (PriceSensitivity * distance * distance)
                    + (QualityWeight * (item.Rating - 4.0));
                sum += Math.Exp(utility / Temperature);
                _cumulative[k] = sum;
            }
        }

        /// <summary>Draws an item from the whole catalog.</summary>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        public int SampleAny(Random rng) => _catalog.Order[SearchCdf(_cumulative, 0, _cumulative.Length, rng.NextDouble() * _cumulative[^1])];

        /// <summary>Draws an item of leaf <paramref name="category"/>.</summary>
        /// <param name="category">Leaf index.</param>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        public int SampleInCategory(int category, Random rng)
        {
            int from = _catalog.CategoryStart[category];
            int to = _catalog.CategoryStart[category + 1];
            double low = from == 0 ? 0.0 : _cumulative[from - 1];
            double high = _cumulative[to - 1];
            return _catalog.Order[SearchCdf(_cumulative, from, to, low + (rng.NextDouble() * (high - low)))];
        }
    }
}
