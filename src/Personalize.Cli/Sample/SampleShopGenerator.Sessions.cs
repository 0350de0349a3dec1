using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>Generates the events of one user's sessions into the shared log.</summary>
    private sealed class SessionContext
    {
        /// <summary>The catalog.</summary>
        private readonly ShopCatalog _catalog;

        /// <summary>The current user's choice table.</summary>
        private readonly Chooser _chooser;

        /// <summary>Output log.</summary>
        private readonly List<ShopEvent> _events;

        /// <summary>Window start (Unix seconds).</summary>
        private readonly long _start;

        /// <summary>Window end (Unix seconds, exclusive).</summary>
        private readonly long _end;

        /// <summary>Start of the trend (Unix seconds).</summary>
        private readonly long _surgeStart;

        /// <summary>Cumulative hour weights.</summary>
        private readonly double[] _hourCdf;

        /// <summary>Consumables with a running re-order chain for the current user.</summary>
        private readonly HashSet<int> _chains = [];

        /// <summary>Items carted in the current session with their quantity.</summary>
        private readonly List<(int Item, int Quantity)> _carted = [];

        /// <summary>Scratch weights for picking a trending item.</summary>
        private readonly double[] _surgeWeights;

        /// <summary>Current user index.</summary>
        private int _user;

        /// <summary>Current user's taste.</summary>
        private UserTaste? _taste;

        /// <summary>Current user's random stream.</summary>
        private Random? _rng;

        /// <summary>Creates the context.</summary>
        /// <param name="catalog">The catalog.</param>
        /// <param name="chooser">Choice table (prepared per user by the caller).</param>
        /// <param name="events">Output log.</param>
        /// <param name="start">Window start.</param>
        /// <param name="end">Window end.</param>
        /// <param name="hourCdf">Cumulative hour weights.</param>
        public SessionContext(ShopCatalog catalog, Chooser chooser, List<ShopEvent> events, long start, long end, double[] hourCdf)
        {
            _catalog = catalog;
            _chooser = chooser;
            _events = events;
            _start = start;
            _end = end;
            _surgeStart = end - (SurgeDays * Day);
            _hourCdf = hourCdf;
            _surgeWeights = new double[catalog.SurgeItems.Length];
        }

        /// <summary>Switches to another user.</summary>
        /// <param name="user">User index.</param>
        /// <param name="taste">The user's taste.</param>
        /// <param name="rng">The user's behaviour stream.</param>
        public void Begin(int user, UserTaste taste, Random rng)
        {
            _user = user;
            _taste = taste;
            _rng = rng;
            _chains.Clear();
        }

        /// <summary>
        /// One browsing session starting at <paramref name="t"/>: views mostly in a focus category, some views carted,
        /// some carts bought at checkout; consumable purchases start a re-order chain.
        /// </summary>
        /// <param name="t">Session start (Unix seconds).</param>
        /// <param name="surgeVisit">Whether this is an extra visit that starts at a trending item.</param>
        public void BrowsingSession(long t, bool surgeVisit)
        {
            Random rng = _rng!;
            _carted.Clear();
            bool surging = t >= _surgeStart && _catalog.SurgeItems.Length > 0;
            int views = surgeVisit ? 2 + rng.Next(3) : 3 + Geometric(rng, 0.4, 12);
            int surgeSlot = surgeVisit ? 0 : surging && rng.NextDouble() < SurgeInSessionShare ? rng.Next(views) : -1;
            int focus = -1;
            for (int v = 0; v < views; v++)
            {
                int item = -1;
                bool isSurge = v == surgeSlot;
                if (isSurge)
                {
                    item = PickSurgeItem(rng);
                }
                else
                {
                    for (int attempt = 0; attempt < 8 && item < 0; attempt++)
                    {
                        int candidate = focus < 0 || rng.NextDouble() >= FocusShare
                            ? _chooser.SampleAny(rng)
                            : _chooser.SampleInCategory(focus, rng);
                        if (_catalog.Items[candidate].AddedAt <= t)
                        {
                            item = candidate;
                        }
                    }

                    if (item < 0)
                    {
                        continue;
                    }

                    if (focus < 0)
                    {
                        focus = _catalog.Items[item].Category;
                    }
                }

                Emit(t, item, EventKind.View, 1);
                ItemSpec spec = _catalog.Items[item];
                if (t < spec.SoldOutAt && !IsCarted(item) && rng.NextDouble() < CartProbability(spec, isSurge && surging))
                {
                    t += 8 + rng.Next(90);
                    int quantity = DrawQuantity(spec, rng);
                    Emit(t, item, EventKind.Cart, quantity);
                    _carted.Add((item, quantity));
                }

                t += 15 + (long)Math.Exp(3.6 + (0.8 * Normal(rng)));
            }

            long checkout = t + 30 + rng.Next(240);
            foreach ((int item, int quantity) in _carted)
            {
                ItemSpec spec = _catalog.Items[item];
                bool surgeItem = surging && Array.IndexOf(_catalog.SurgeItems, item) >= 0;
                if (rng.NextDouble() < BuyProbability(spec, surgeItem))
                {
                    Emit(checkout, item, EventKind.Purchase, quantity);
                    if (spec.RepurchaseDays > 0 && _chains.Add(item))
                    {
                        ReorderChain(item, checkout, quantity);
                    }
                }
            }
        }

        /// <summary>Re-orders a consumable every <see cref="ItemSpec.RepurchaseDays"/> (±jitter) while the user keeps buying it.</summary>
        /// <param name="item">The consumable.</param>
        /// <param name="bought">Time of the first purchase.</param>
        /// <param name="quantity">Quantity of the first purchase.</param>
        private void ReorderChain(int item, long bought, int quantity)
        {
            Random rng = _rng!;
            ItemSpec spec = _catalog.Items[item];
            long last = bought;
            while (rng.NextDouble() < RepeatProbability)
            {
                double gapDays = spec.RepurchaseDays * Math.Exp(0.12 * Normal(rng));
                long day = (last + (long)(gapDays * Day)) / Day;
                long t = (day * Day) + TimeOfDay(_hourCdf, rng);
                if (t <= last)
                {
                    t = last + Day;
                }

                if (t >= _end || t >= spec.SoldOutAt)
                {
                    return;
                }

                if (rng.NextDouble() < 0.5)
                {
                    Emit(t, item, EventKind.View, 1);
                    t += 10 + rng.Next(60);
                }

                if (rng.NextDouble() >= 0.8)
                {
                    quantity = DrawQuantity(spec, rng);
                }

                Emit(t, item, EventKind.Cart, quantity);
                t += 30 + rng.Next(240);
                Emit(t, item, EventKind.Purchase, quantity);
                last = t;
            }
        }

        /// <summary>Picks a trending item, three times likelier when it is in one of the user's categories.</summary>
        /// <param name="rng">Random stream.</param>
        /// <returns>Item index.</returns>
        private int PickSurgeItem(Random rng)
        {
            int[] surge = _catalog.SurgeItems;
            for (int s = 0; s < surge.Length; s++)
            {
                _surgeWeights[s] = _chooser.IsPreferredCategory(_catalog.Items[surge[s]].Category) ? 3.0 : 1.0;
            }

            return surge[SampleWeighted(_surgeWeights, rng)];
        }

        /// <summary>Probability that a view is carted: higher for preferred brands, categories, price fit and quality.</summary>
        /// <param name="item">Viewed item.</param>
        /// <param name="trending">Whether it is a trending item during the trend.</param>
        /// <returns>The probability.</returns>
        private double CartProbability(ItemSpec item, bool trending)
        {
            if (trending)
            {
                return 0.40;
            }

            double distance = item.PriceLevel - _taste!.PriceLevel;
            double p = 0.05
                + (_chooser.IsPreferredBrand(item.Brand) ? 0.12 : 0.0)
                + (0.07 * Math.Exp(-distance * distance))
                + (0.05 * (item.Rating - 4.0));
            if (!_chooser.IsPreferredCategory(item.Category))
            {
                p *= 0.5;
            }

            return Math.Clamp(p, 0.01, 0.6);
        }

        /// <summary>Probability that a carted item is bought at checkout.</summary>
        /// <param name="item">Carted item.</param>
        /// <param name="trending">Whether it is a trending item during the trend.</param>
        /// <returns>The probability.</returns>
        private double BuyProbability(ItemSpec item, bool trending)
        {
            if (trending)
            {
                return 0.65;
            }

            double p = 0.55 + (_chooser.IsPreferredBrand(item.Brand) ? 0.1 : 0.0) + (0.05 * (item.Rating - 4.0));
            return Math.Clamp(p, 0.2, 0.9);
        }

        /// <summary>Quantity of a cart/purchase: mostly 1, up to 3; consumables 1-6.</summary>
        /// <param name="item">The item.</param>
        /// <param name="rng">Random stream.</param>
        /// <returns>The quantity.</returns>
        private static int DrawQuantity(ItemSpec item, Random rng)
        {
            double u = rng.NextDouble();
            if (item.RepurchaseDays > 0)
            {
                return u < 0.40 ? 1 : u < 0.70 ? 2 : u < 0.85 ? 3 : u < 0.95 ? 4 : 6;
            }

            return u < 0.88 ? 1 : u < 0.97 ? 2 : 3;
        }

        /// <summary>Whether the item is already in the session's cart.</summary>
        /// <param name="item">Item index.</param>
        /// <returns>True when carted.</returns>
        private bool IsCarted(int item)
        {
            foreach ((int carted, _) in _carted)
            {
                if (carted == item)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Appends an event when it falls inside the window.</summary>
        /// <param name="t">Unix seconds.</param>
        /// <param name="item">Item index.</param>
        /// <param name="kind">Event kind.</param>
        /// <param name="quantity">Quantity.</param>
        private void Emit(long t, int item, EventKind kind, int quantity)
        {
            if (t >= _start && t < _end)
            {
                _events.Add(new ShopEvent(t, _user, item, kind, quantity));
            }
        }

        /// <summary>Number of failures before the first success, capped.</summary>
        /// <param name="rng">Random stream.</param>
        /// <param name="p">Success probability.</param>
        /// <param name="cap">Largest value returned.</param>
        /// <returns>The draw.</returns>
        private static int Geometric(Random rng, double p, int cap)
        {
            int k = 0;
            while (k < cap && rng.NextDouble() >= p)
            {
                k++;
            }

            return k;
        }
    }
}
