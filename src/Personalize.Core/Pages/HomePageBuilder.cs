using System.Buffers;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;

namespace Personalize.Core.Pages;

/// <summary>
/// Builds a user's home page: several shelves ("for you", "related to what you viewed", "you viewed recently", "buy it again",
/// "selling fast") from one model and one live event stream, each item shown once, with the provider's business rules and the user's
/// filter and saved preferences applied to every shelf.
/// </summary>
/// <remarks>
/// <para>Shelves are filled from one eligibility bitset: the page's business filter and blocked items, the user's filter (the request's,
/// else their saved default) and saved blocks, then each shelf's own filter; each item placed removes itself from the bitset, so no
/// other shelf repeats it and the others still fill up while enough items are eligible. Shelves claim items in order of how specific
/// they are to the person, whatever their place on the page: buy again, recently viewed, for you, related to what they viewed,
/// trending (shelves of one kind in page order). An item due for re-order was also viewed; it goes to "buy again", where it says most,
/// and "recently viewed" shows the other views. Pinned items are reserved first and placed at their slots.</para>
/// <para>Without an <see cref="EventTracker"/> the live shelves (related to viewed, recently viewed, buy again, trending) are empty. A user
/// who opted out of personalization gets popular items for "for you", trending as usual, and no history-based shelves. Thread-safe.</para>
/// </remarks>
public sealed class HomePageBuilder
{
    private const int RelatedAnchors = 5;

    /// <summary>Creates a builder.</summary>
    /// <param name="recommender">The recommender (with a catalogue when filters are used, and a preference store for
    /// <see cref="BuildAsync"/>).</param>
    /// <param name="tracker">The live event tracker over the same model's items, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The tracker follows other items than the recommender's model.</exception>
    public HomePageBuilder(Recommender recommender, EventTracker? tracker = null)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        if (tracker is not null && tracker.Items.Count != recommender.Model.Items.Count)
        {
            throw new ArgumentException($"The tracker follows {tracker.Items.Count} items but the model has {recommender.Model.Items.Count}; create it over the same model.", nameof(tracker));
        }

        Recommender = recommender;
        Tracker = tracker;
        if (tracker is not null && tracker.VectorFoldIn is null && tracker.NumberOfFactors == recommender.Model.NumberOfFactors)
        {
            tracker.VectorFoldIn = EventTracker.FoldInWith(recommender);   // a tracker made over the model alone: fold in with this recommender
        }
    }

    /// <summary>Gets the recommender.</summary>
    public Recommender Recommender { get; }

    /// <summary>Gets the live event tracker, or <see langword="null"/>.</summary>
    public EventTracker? Tracker { get; }

    /// <summary>Builds a page, reading the user's saved preferences from the recommender's <see cref="Recommending.Recommender.PreferenceStore"/>.</summary>
    /// <param name="request">The page.</param>
    /// <param name="cancellationToken">Cancels reading the preferences.</param>
    /// <returns>The page.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid (all problems listed).</exception>
    /// <exception cref="InvalidOperationException">A filter needs a catalogue and the recommender has none, a saved preference is invalid, or a filter of the page given in the request (the page's, the business one or a shelf's) has 'not seen' or 'not bought' (a saved default filter may: its other conditions apply, and each shelf decides what the user has seen or bought).</exception>
    public async Task<HomePage> BuildAsync(HomePageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        UserPreferences? preferences = Recommender.PreferenceStore is null ? null
            : await Recommender.PreferenceStore.GetAsync(request.UserId, cancellationToken).ConfigureAwait(false);
        return Build(request, preferences);
    }

    /// <summary>Refuses 'not seen' and 'not bought' in a filter of the page: only their attribute conditions would be applied, so the rule
    /// would be dropped in silence.</summary>
    private static CompiledFilter WithoutSeenRules(CompiledFilter filter, string what) => filter.ExcludesSeen || filter.ExcludesBought
        ? throw new InvalidOperationException($"The {what} '{FilterText.Format(filter.Filter)}' has 'not seen' or 'not bought'; each shelf decides what "
            + "the user has seen or bought (for you leaves seen items out, buy again is what they bought), so leave the rule out of a filter of the page.")
        : filter;

    /// <summary>Builds a page with the preferences given (or none).</summary>
    /// <param name="request">The page.</param>
    /// <param name="preferences">The user's saved preferences, or <see langword="null"/>.</param>
    /// <returns>The page.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The request is invalid (all problems listed).</exception>
    /// <exception cref="InvalidOperationException">A filter needs a catalogue and the recommender has none, a saved preference is invalid, or a filter of the page given in the request (the page's, the business one or a shelf's) has 'not seen' or 'not bought' (a saved default filter may: its other conditions apply, and each shelf decides what the user has seen or bought).</exception>
    public HomePage Build(HomePageRequest request, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Internal.OptionsValidation.ThrowIfInvalid(request, nameof(HomePageRequest));
        var model = Recommender.Model;
        int n = model.Items.Count;
        ItemSpace space = Recommender.Space;
        (Filter? userFilter, Filter? blocksOnly, _, IReadOnlyList<string> userBlocked) =
            space.Resolve(request.UserId, request.Filter, null, request.ApplyPreferences, preferences);
        bool personal = preferences?.PersonalizationOptOut != true;

        // The page's bitset: business rules and the user's blocks (what pins must pass) ...
        ulong[] allowed = Bits(request.BusinessFilter is null ? null : WithoutSeenRules(space.Compile(request.BusinessFilter), "business filter"), n);
        if (blocksOnly is not null)
        {
            And(allowed, space.Compile(blocksOnly).Bits);
        }

        foreach (string id in request.BlockedItems.Concat(userBlocked))
        {
            if (model.Items.TryGetIndex(id, out int item))
            {
                Clear(allowed, item);
            }
        }

        // ... then the user's narrowing filter, for everything else.
        ulong[] eligible = (ulong[])allowed.Clone();
        if (userFilter is not null)
        {
            // A page filter in the request may not hold 'not seen' or 'not bought' (each shelf decides that). Without one, the page filter
            // is the user's saved default, made for lists (where 'not seen' leaves out what they had): its other conditions narrow
            // every shelf, and the rules are left to the shelves (for you leaves seen items out; buy again and recently viewed are
            // what they bought and viewed). Refusing it failed every home page of that user until they changed the setting.
            CompiledFilter compiled = space.Compile(userFilter);
            And(eligible, (request.Filter is null ? compiled : WithoutSeenRules(compiled, "page filter")).Bits);
        }

        // Pins are reserved before any shelf is filled.
        var pins = new Dictionary<string, List<(int Slot, int Item)>>(StringComparer.Ordinal);
        foreach (PinnedItem pin in request.Pinned)
        {
            if (model.Items.TryGetIndex(pin.ItemId, out int item) && IsSet(allowed, item))
            {
                Clear(allowed, item);
                Clear(eligible, item);
                (pins.TryGetValue(pin.Shelf, out var list) ? list : pins[pin.Shelf] = []).Add((pin.Slot, item));
            }
        }

        // Shelves claim items in order of how much an item means on them (see FillPriority), and the page shows them in the order asked.
        var shelves = new Shelf[request.Shelves.Count];
        foreach (int position in Enumerable.Range(0, request.Shelves.Count).OrderBy(i => FillPriority(request.Shelves[i].Kind)).ThenBy(i => i))
        {
            ShelfRequest shelfRequest = request.Shelves[position];
            List<(int Slot, int Item)> shelfPins = pins.TryGetValue(shelfRequest.Name, out var p) ? p : [];
            int organic = Math.Max(0, shelfRequest.Count - shelfPins.Count);
            ulong[] shelfBits = (ulong[])eligible.Clone();
            if (shelfRequest.Filter is not null)
            {
                And(shelfBits, WithoutSeenRules(space.Compile(shelfRequest.Filter), $"filter of shelf '{shelfRequest.Name}'").Bits);
            }

            var filter = new CompiledFilter(shelfRequest.Filter ?? userFilter ?? Filter.NotSeen, shelfBits, n, excludesSeen: false, space.ToCatalog);
            (RecommendationSource source, List<ShelfItem> items) = Fill(shelfRequest.Kind, request.UserId, organic, filter, personal);
            foreach ((int slot, int item) in shelfPins.OrderBy(x => x.Slot))
            {
                items.Insert(Math.Min(slot, items.Count), new ShelfItem(model.Items.GetId(item), item, 0, Pinned: true));
            }

            foreach (ShelfItem placed in items)
            {
                Clear(eligible, placed.ItemIndex);
            }

            shelves[position] = new Shelf(shelfRequest.Name, shelfRequest.Kind, source, items);
        }

        return new HomePage(request.UserId, shelves);
    }

    /// <summary>
    /// The order in which shelves claim items, most specific to the person first: an item due for re-order is also one they viewed, and
    /// shown under "buy again" it says more than under "recently viewed"; what they viewed says more there than in "for you", which
    /// in turn is more personal than "related" and "trending". Shelves of one kind claim in page order.
    /// </summary>
    internal static int FillPriority(ShelfKind kind) => kind switch
    {
        ShelfKind.BuyAgain => 0,
        ShelfKind.RecentlyViewed => 1,
        ShelfKind.ForYou => 2,
        ShelfKind.RelatedToRecentlyViewed => 3,
        _ => 4,
    };

    private (RecommendationSource Source, List<ShelfItem> Items) Fill(ShelfKind kind, string userId, int count, CompiledFilter filter, bool personal)
    {
        var items = new List<ShelfItem>(count);
        if (count == 0)
        {
            return (personal ? RecommendationSource.Personalized : RecommendationSource.NonPersonal, items);
        }

        switch (kind)
        {
            case ShelfKind.ForYou:
                return (ForYou(userId, count, filter, personal, items), items);
            case ShelfKind.TrendingNow:
                if (Tracker is not null)
                {
                    items.AddRange(Tracker.TrendingNow(count, filter).Select(t => new ShelfItem(t.ItemId, t.ItemIndex, t.Score, false)));
                }

                return (RecommendationSource.NonPersonal, items);
        }

        if (!personal)
        {
            return (RecommendationSource.NonPersonal, items);   // history-based shelves are personalization: none after an opt-out
        }

        if (Tracker is not null)
        {
            switch (kind)
            {
                case ShelfKind.RecentlyViewed:
                    items.AddRange(Tracker.RecentlyViewed(userId, count, filter).Select(v => new ShelfItem(v.ItemId, v.ItemIndex, 0, false)));
                    break;
                case ShelfKind.BuyAgain:
                    items.AddRange(Tracker.BuyAgain(userId, count, filter).Select(b => new ShelfItem(b.ItemId, b.ItemIndex, b.Score, false)));
                    break;
                case ShelfKind.RelatedToRecentlyViewed:
                    string[] anchors = [.. Tracker.RecentlyViewed(userId, RelatedAnchors).Select(v => v.ItemId)];
                    if (anchors.Length > 0)
                    {
                        items.AddRange(Recommender.RelatedTo(anchors, count, filter).Select(r => new ShelfItem(r.ItemId, r.ItemIndex, r.Score, false)));
                    }

                    break;
            }
        }

        return (RecommendationSource.Personalized, items);
    }

    private RecommendationSource ForYou(string userId, int count, CompiledFilter filter, bool personal, List<ShelfItem> items)
    {
        var model = Recommender.Model;
        RecommendationSource source;
        var buffer = new Recommendation[Math.Min(count, model.Items.Count)];
        int written;
        float[] vector = new float[model.NumberOfFactors];
        if (personal && Tracker is not null && Tracker.TryGetFoldedUserVector(userId, vector))
        {
            // Live events since training: the folded-in vector; leave out what the user has seen, in training or live.
            ulong[] bits = filter.Bits.ToArray();
            if (model.Users.TryGetIndex(userId, out int known) && Recommender.Options.ExcludeSeen)
            {
                foreach (int item in model.GetSeenItems(known))
                {
                    Clear(bits, item);
                }
            }

            int[] seen = ArrayPool<int>.Shared.Rent(64);
            int live;
            while ((live = Tracker.CopySeenAdditions(userId, seen)) < 0)
            {
                ArrayPool<int>.Shared.Return(seen);
                seen = ArrayPool<int>.Shared.Rent(-live);   // the user's items did not fit: as many as they now have
            }

            for (int i = 0; i < live; i++)
            {
                Clear(bits, seen[i]);
            }

            ArrayPool<int>.Shared.Return(seen);

            var folded = new CompiledFilter(filter.Filter, bits, filter.ItemCount, false, filter.ToCatalog, itemsFingerprint: filter.ItemsFingerprint);
            written = Recommender.ForUser(vector, 0, default, folded, buffer);
            source = RecommendationSource.Personalized;
        }
        else if (personal)
        {
            written = Recommender.ForUser(userId, filter, buffer, out source);
        }
        else
        {
            written = Recommender.Popular(buffer, filter);
            source = RecommendationSource.NonPersonal;
        }

        for (int r = 0; r < written; r++)
        {
            items.Add(new ShelfItem(buffer[r].ItemId, buffer[r].ItemIndex, buffer[r].Score, false));
        }

        return source;
    }

    private static ulong[] Bits(CompiledFilter? filter, int n)
    {
        var bits = new ulong[(n + 63) / 64];
        if (filter is not null)
        {
            filter.Bits.CopyTo(bits);
            return bits;
        }

        Array.Fill(bits, ulong.MaxValue);
        if ((n & 63) != 0)
        {
            bits[^1] = (1UL << (n & 63)) - 1;
        }

        return bits;
    }

    private static void And(ulong[] bits, ReadOnlySpan<ulong> other)
    {
        for (int w = 0; w < bits.Length; w++)
        {
            bits[w] &= other[w];
        }
    }

    private static void Clear(ulong[] bits, int item) => bits[item >> 6] &= ~(1UL << (item & 63));

    private static bool IsSet(ulong[] bits, int item) => (bits[item >> 6] & (1UL << (item & 63))) != 0;
}
