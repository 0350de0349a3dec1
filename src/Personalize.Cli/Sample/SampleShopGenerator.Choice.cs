using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>
    /// Largest users × items for which every user gets the exact cumulative softmax table (one <see cref="Math.Exp"/> per item per
    /// user). The bundled sample (5,000 × 2,000) and every shop up to this size keep the byte-identical output they always had;
    /// larger shops draw from the same distribution by rejection, so the generator stays linear in events when users and items grow
    /// with them (50,000 users × 20,000 items took 26 s with the table, most of it here).
    /// </summary>
    internal const long ExactChoiceTableBudget = 50_000_000;

    /// <summary>
    /// A user's choice distribution: softmax over items of the planted utility (the Gumbel-max choice rule). Two ways to draw from
    /// it, chosen once per shop (<see cref="ExactChoiceTableBudget"/>):
    /// <list type="bullet">
    /// <item><b>Table</b>: cumulative weights in category-grouped order, so "any item" and "item of category c" are one binary search
    /// each; O(items) per user.</item>
    /// <item><b>Rejection</b>: the utility is a sum of a category term, a brand term, a price term and a quality term, so
    /// exp(utility) factors. The proposal leaves out the price factor (at most 1): a category by its exact proposal mass (O(categories
    /// × the user's brands) per user), then "whole category" or "one of the user's brands" by mass, then an item by its quality
    /// weight from a per-category or per-(category, brand) cumulative table built once. The item is kept with probability
    /// exp(-PriceSensitivity × distance² / Temperature), which makes the draw exact. After <see cref="MaxRejections"/> rejections
    /// the draw falls back to an exact scan, so a pathological catalogue cannot loop.</item>
    /// </list>
    /// </summary>
    internal sealed class Chooser
    {
        /// <summary>Rejections after which a draw scans its items exactly instead.</summary>
        private const int MaxRejections = 256;

        /// <summary>The catalog.</summary>
        private readonly ShopCatalog _catalog;

        /// <summary>Whether this chooser builds the exact table per user.</summary>
        private readonly bool _exactTable;

        /// <summary>Cumulative softmax weights over <see cref="ShopCatalog.Order"/> (table mode, and the fallback scans).</summary>
        private readonly double[] _cumulative;

        /// <summary>Whether a brand is preferred by the current user.</summary>
        private readonly bool[] _preferredBrand;

        /// <summary>Category affinity of the current user per leaf.</summary>
        private readonly double[] _categoryAffinity;

        /// <summary>Rejection mode: item indices grouped by category, then brand, then index.</summary>
        private readonly int[] _byBrand = [];

        /// <summary>Rejection mode: quality weights over <see cref="_byBrand"/>, cumulative within each category.</summary>
        private readonly double[] _qualityCdf = [];

        /// <summary>Rejection mode: start of (category c, brand b) in <see cref="_byBrand"/> at <c>c * brands + b</c>; length
        /// categories × brands + 1.</summary>
        private readonly int[] _segmentStart = [];

        /// <summary>Rejection mode: the current user's proposal mass per category, cumulative.</summary>
        private readonly double[] _categoryCdf;

        /// <summary>Rejection mode: the current user's quality mass of preferred brands per category.</summary>
        private readonly double[] _preferredMass;

        /// <summary>exp(BrandAffinity / Temperature).</summary>
        private static readonly double s_brandFactor = Math.Exp(BrandAffinity / Temperature);

        /// <summary>The current user.</summary>
        private UserTaste? _user;

        /// <summary>Whether <see cref="_cumulative"/> holds the current user's exact table.</summary>
        private bool _tableReady;

        /// <summary>Creates the chooser for a catalog.</summary>
        /// <param name="catalog">The catalog.</param>
        /// <param name="exactTable">Whether to build each user's exact table (see <see cref="ExactChoiceTableBudget"/>).</param>
        public Chooser(ShopCatalog catalog, bool exactTable)
        {
            _catalog = catalog;
            _exactTable = exactTable;
            _cumulative = new double[catalog.Order.Length];
            _preferredBrand = new bool[Brands.Length];
            _categoryAffinity = new double[Categories.Length];
            _categoryCdf = new double[Categories.Length];
            _preferredMass = new double[Categories.Length];
            if (exactTable)
            {
                return;
            }

            // Counting sort by (category, brand); within a segment ascending index.
            int brandCount = Brands.Length;
            ItemSpec[] items = catalog.Items;
            _segmentStart = new int[(Categories.Length * brandCount) + 1];
            foreach (ItemSpec item in items)
            {
                _segmentStart[(item.Category * brandCount) + item.Brand + 1]++;
            }

            for (int s = 1; s < _segmentStart.Length; s++)
            {
                _segmentStart[s] += _segmentStart[s - 1];
            }

            int[] fill = (int[])_segmentStart.Clone();
            _byBrand = new int[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                _byBrand[fill[(items[i].Category * brandCount) + items[i].Brand]++] = i;
            }

            _qualityCdf = new double[items.Length];
            for (int c = 0; c < Categories.Length; c++)
            {
                double sum = 0.0;
                for (int k = _segmentStart[c * brandCount]; k < _segmentStart[(c + 1) * brandCount]; k++)
                {
                    sum += QualityFactor(items[_byBrand[k]]);
                    _qualityCdf[k] = sum;
                }
            }
        }

        /// <summary>Whether <paramref name="brand"/> is one of the current user's brands.</summary>
        /// <param name="brand">Brand index.</param>
        /// <returns>True when preferred.</returns>
        public bool IsPreferredBrand(int brand) => _preferredBrand[brand];

        /// <summary>Whether <paramref name="category"/> is one of the current user's categories.</summary>
        /// <param name="category">Leaf index.</param>
        /// <returns>True when preferred.</returns>
        public bool IsPreferredCategory(int category) => _categoryAffinity[category] > OtherCategoryAffinity;

        /// <summary>Prepares the draws of <paramref name="user"/>.</summary>
        /// <param name="user">The user.</param>
        public void Prepare(UserTaste user)
        {
            _user = user;
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

            _tableReady = false;
            if (_exactTable)
            {
                BuildTable();
                return;
            }

            int brandCount = Brands.Length;
            double total = 0.0;
            for (int c = 0; c < Categories.Length; c++)
            {
                double preferred = 0.0;
                foreach (int b in user.Brands)
                {
                    preferred += SegmentMass(c, (c * brandCount) + b);
                }

                _preferredMass[c] = preferred;
                total += CategoryProposalMass(c);
                _categoryCdf[c] = total;
            }
        }

        /// <summary>Draws an item from the whole catalog.</summary>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        public int SampleAny(Random rng)
        {
            if (!_exactTable)
            {
                for (int attempt = 0; attempt < MaxRejections; attempt++)
                {
                    int category = SampleCdf(_categoryCdf, rng);
                    if (TryProposeInCategory(category, rng, out int item))
                    {
                        return item;
                    }
                }

                EnsureTable();
            }

            return _catalog.Order[SearchCdf(_cumulative, 0, _cumulative.Length, rng.NextDouble() * _cumulative[^1])];
        }

        /// <summary>Draws an item of leaf <paramref name="category"/>.</summary>
        /// <param name="category">Leaf index.</param>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        public int SampleInCategory(int category, Random rng)
        {
            if (!_exactTable)
            {
                for (int attempt = 0; attempt < MaxRejections; attempt++)
                {
                    if (TryProposeInCategory(category, rng, out int item))
                    {
                        return item;
                    }
                }

                EnsureTable();
            }

            int from = _catalog.CategoryStart[category];
            int to = _catalog.CategoryStart[category + 1];
            double low = from == 0 ? 0.0 : _cumulative[from - 1];
            double high = _cumulative[to - 1];
            return _catalog.Order[SearchCdf(_cumulative, from, to, low + (rng.NextDouble() * (high - low)))];
        }

        /// <summary>The exact softmax weight of an item for the current user, exp(utility / Temperature).</summary>
        /// <param name="item">The item.</param>
        /// <returns>The weight.</returns>
        internal double Weight(ItemSpec item)
        {
            double distance = item.PriceLevel - _user!.PriceLevel;
            double utility = _categoryAffinity[item.Category]
                + (_preferredBrand[item.Brand] ? BrandAffinity : 0.0)
                - (PriceSensitivity * distance * distance)
                + (QualityWeight * (item.Rating - 4.0));
            return Math.Exp(utility / Temperature);
        }

        /// <summary>Fills <see cref="_cumulative"/> with the current user's exact table (the order of the sums is part of the output).</summary>
        private void BuildTable()
        {
            double sum = 0.0;
            int[] order = _catalog.Order;
            for (int k = 0; k < order.Length; k++)
            {
                sum += Weight(_catalog.Items[order[k]]);
                _cumulative[k] = sum;
            }

            _tableReady = true;
        }

        /// <summary>Builds the exact table once per user, for the rare draw that was rejected too often.</summary>
        private void EnsureTable()
        {
            if (!_tableReady)
            {
                BuildTable();
            }
        }

        /// <summary>One proposal in <paramref name="category"/>, kept with the price factor as probability.</summary>
        /// <param name="category">Leaf index.</param>
        /// <param name="rng">Random stream.</param>
        /// <param name="item">The item when kept.</param>
        /// <returns>Whether the proposal was kept.</returns>
        private bool TryProposeInCategory(int category, Random rng, out int item)
        {
            int brandCount = Brands.Length;
            int categoryFirst = category * brandCount;
            double whole = SegmentMass(category, categoryFirst, categoryFirst + brandCount);
            double target = rng.NextDouble() * (whole + ((s_brandFactor - 1.0) * _preferredMass[category]));
            int segment = -1;
            if (target >= whole)
            {
                // One of the user's brands, by its quality mass; then an item of that brand.
                double left = (target - whole) / (s_brandFactor - 1.0);
                foreach (int b in _user!.Brands)
                {
                    double mass = SegmentMass(category, categoryFirst + b);
                    if (mass > 0.0)
                    {
                        segment = categoryFirst + b;
                        if (left < mass)
                        {
                            break;
                        }

                        left -= mass;
                    }
                }
            }

            int from = segment < 0 ? _segmentStart[categoryFirst] : _segmentStart[segment];
            int to = segment < 0 ? _segmentStart[categoryFirst + brandCount] : _segmentStart[segment + 1];
            if (from == to)
            {
                item = -1;
                return false;
            }

            double low = from == _segmentStart[categoryFirst] ? 0.0 : _qualityCdf[from - 1];
            double high = _qualityCdf[to - 1];
            item = _byBrand[SearchCdf(_qualityCdf, from, to, low + (rng.NextDouble() * (high - low)))];
            double distance = _catalog.Items[item].PriceLevel - _user!.PriceLevel;
            return rng.NextDouble() < Math.Exp(-PriceSensitivity * distance * distance / Temperature);
        }

        /// <summary>Quality mass of segments <c>[first, last)</c> of one category.</summary>
        private double SegmentMass(int category, int first, int last)
        {
            int from = _segmentStart[first];
            int to = _segmentStart[last];
            if (from == to)
            {
                return 0.0;
            }

            double low = from == _segmentStart[category * Brands.Length] ? 0.0 : _qualityCdf[from - 1];
            return _qualityCdf[to - 1] - low;
        }

        /// <summary>Quality mass of one (category, brand) segment.</summary>
        private double SegmentMass(int category, int segment) => SegmentMass(category, segment, segment + 1);

        /// <summary>The current user's proposal mass of a category: exp(affinity) × (all items + the brand bonus on preferred brands).</summary>
        private double CategoryProposalMass(int category) =>
            Math.Exp(_categoryAffinity[category] / Temperature)
            * (SegmentMass(category, category * Brands.Length, (category + 1) * Brands.Length) + ((s_brandFactor - 1.0) * _preferredMass[category]));

        /// <summary>exp(QualityWeight × (rating - 4) / Temperature).</summary>
        private static double QualityFactor(ItemSpec item) => Math.Exp(QualityWeight * (item.Rating - 4.0) / Temperature);
    }
}
