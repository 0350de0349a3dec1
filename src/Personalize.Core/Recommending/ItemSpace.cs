using System.Buffers;
using System.Collections.Concurrent;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;

namespace Personalize.Core.Recommending;

/// <summary>
/// The items a customized list draws from (a model's or a catalogue's), with what customization needs of them: their catalogue rows,
/// popularity, compiled filters and sort columns (both cached). Builds pages: preferences + request → filter, order, cursor, facets.
/// </summary>
internal sealed class ItemSpace
{
    private const int MaxCachedFilters = 256;

    /// <summary>A candidate list at most this fraction (1/n) of the items evaluates an uncached filter for itself instead of compiling
    /// it for every item.</summary>
    private const int SubsetFilterShare = 4;
    private readonly ConcurrentDictionary<Filter, CompiledFilter> _filters = new();
    private readonly ConcurrentDictionary<SortOrder, double[]> _sortColumns = new();
    private readonly CatalogAttributes _attributes;

    public ItemSpace(IdMap items, ItemCatalog? catalog, float[] popularity, CatalogAttributes attributes)
    {
        Items = items;
        Catalog = catalog;
        Popularity = popularity;
        _attributes = attributes;
        ToCatalog = catalog?.MapFrom(items) ?? Enumerable.Repeat(-1, items.Count).ToArray();
    }

    public IdMap Items { get; }

    public ItemCatalog? Catalog { get; }

    public float[] Popularity { get; }

    public int[] ToCatalog { get; }

    /// <summary>Gets a filter compiled earlier for these items, without compiling it.</summary>
    public bool TryGetCompiled(Filter filter, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CompiledFilter? compiled) =>
        _filters.TryGetValue(filter, out compiled);

    public CompiledFilter Compile(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (_filters.TryGetValue(filter, out CompiledFilter? compiled))
        {
            return compiled;
        }

        if (Catalog is null)
        {
            IReadOnlyList<string> attributes = FilterCompiler.Attributes(filter);
            if (attributes.Count > 0)
            {
                throw new InvalidOperationException($"The filter '{FilterText.Format(filter)}' reads the attribute{(attributes.Count == 1 ? "" : "s")} "
                    + $"{string.Join(", ", attributes.Select(a => $"'{a}'"))}, but the recommender has no catalogue; create it with "
                    + "new Recommender(model, catalog, preferences), or keep only 'not seen' and 'not bought', which need none.");
            }

            compiled = FilterCompiler.CompileWithoutCatalog(filter, Items, ToCatalog);
        }
        else
        {
            compiled = FilterCompiler.Compile(filter, Catalog, Items);
        }

        if (_filters.Count >= MaxCachedFilters)
        {
            _filters.Clear();
        }

        _filters[filter] = compiled;
        return compiled;
    }

    /// <summary>Resolves what applies to one request: the filter (request's or saved default, plus saved blocks), the sort, and the
    /// blocked item ids.</summary>
    /// <remarks><c>Blocks</c> is the part of the filter that comes from the saved blocked brands and categories alone (null when none).</remarks>
    public (Filter? Filter, Filter? Blocks, SortOrder Sort, IReadOnlyList<string> BlockedItems) Resolve(string userId, Filter? requestFilter,
        SortOrder? requestSort, bool applyPreferences, UserPreferences? preferences)
    {
        var parts = new List<Filter>();
        var blocks = new List<Filter>();
        Filter? combined = null;
        SortOrder sort = requestSort ?? SortOrder.Relevance;
        IReadOnlyList<string> blockedItems = [];
        if (requestFilter is not null)
        {
            parts.Add(requestFilter);
        }

        if (applyPreferences && preferences is not null)
        {
            if (requestFilter is null && !string.IsNullOrWhiteSpace(preferences.DefaultFilter))
            {
                FilterParseResult parsed = FilterText.Parse(preferences.DefaultFilter, Catalog?.Schema);
                if (!parsed.TryGetValue(out Filter? saved))
                {
                    throw new InvalidOperationException($"The saved default filter of user '{userId}' is invalid: {parsed.Error!.Message}", parsed.Error);
                }

                parts.Add(saved);
            }

            try
            {
                if (preferences.BlockedBrands.Count > 0)
                {
                    blocks.Add(Filter.Not(Filter.Where(_attributes.Brand).In(preferences.BlockedBrands)));
                }

                if (preferences.BlockedCategories.Count > 0)
                {
                    Filter[] under = [.. preferences.BlockedCategories.Select(c => Filter.Where(_attributes.Category).Under(c))];
                    blocks.Add(Filter.Not(under.Length == 1 ? under[0] : Filter.AnyOf(under)));
                }

                parts.AddRange(blocks);
                combined = AllOf(parts);   // the whole filter must fit its text limit too
            }
            catch (ArgumentException exception)
            {
                // Blocks are saved without a limit but applied as a filter, which has one: say whose preferences and what to do.
                throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"The saved preferences of user '{userId}' ({preferences.BlockedBrands.Count:N0} blocked brands, {preferences.BlockedCategories.Count:N0} blocked categories) cannot be applied as a filter: {exception.Message} Unblock some."),
                    exception);
            }

            if (requestSort is null && preferences.PreferredSort is { } preferred)
            {
                sort = SortOrderText.TryParse(preferred, out SortOrder saved) ? saved
                    : throw new InvalidOperationException($"The saved sort order '{preferred}' of user '{userId}' is not one of: {string.Join(", ", SortOrderText.ValidNames)}.");
            }

            blockedItems = preferences.BlockedItems;
        }
        else
        {
            combined = AllOf(parts);
        }

        return (combined, AllOf(blocks), sort, blockedItems);
    }

    private static Filter? AllOf(List<Filter> filters) => filters.Count switch
    {
        0 => null,
        1 => filters[0],
        _ => Filter.AllOf(filters),
    };

    /// <summary>The signed sort column for a non-relevance order, by item index (NaN = no value).</summary>
    public double[] SortColumn(SortOrder sort) => _sortColumns.GetOrAdd(sort, static (s, space) => space.BuildSortColumn(s), this);

    private double[] BuildSortColumn(SortOrder sort)
    {
        var result = new double[Items.Count];
        if (sort == SortOrder.Popularity)
        {
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = -Popularity[i];
            }

            return result;
        }

        (string attribute, AttributeType expected, double sign) = sort switch
        {
            SortOrder.PriceAscending => (_attributes.Price, AttributeType.Number, 1.0),
            SortOrder.PriceDescending => (_attributes.Price, AttributeType.Number, -1.0),
            SortOrder.Rating => (_attributes.Rating, AttributeType.Number, -1.0),
            SortOrder.Newest => (_attributes.Added, AttributeType.DateTime, -1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Not a defined sort order."),
        };
        string name = SortOrderText.Format(sort);
        ItemCatalog catalog = Catalog ?? throw new InvalidOperationException($"Sorting by '{name}' needs the items' attributes, but no catalogue was given.");
        if (!catalog.Schema.TryGetType(attribute, out AttributeType type) || type != expected)
        {
            throw new InvalidOperationException($"Sorting by '{name}' reads the {expected} attribute '{attribute}', which the catalogue "
                + (catalog.Schema.TryGetType(attribute, out _)
                    ? $"has as {type} (some value is not a {expected.ToString().ToLowerInvariant()}); declare its type ({attribute}:{expected.ToString().ToLowerInvariant()} in the CatalogSchema, --schema on the command line) to read it as one and have the bad rows named, or name the right attribute in RecommenderOptions.Attributes."
                    : $"does not have; it has: {string.Join(", ", catalog.Schema.Names)}. Name the right attribute in RecommenderOptions.Attributes (on the command line, the catalogue needs a '{attribute}' column)."));
        }

        double[] column = catalog.GetNumericColumn(attribute);
        for (int i = 0; i < result.Length; i++)
        {
            int c = ToCatalog[i];
            result[i] = c < 0 ? double.NaN : sign * column[c];
        }

        return result;
    }

    /// <summary>Builds one page.</summary>
    /// <param name="userId">Whose list (fingerprinted into the cursor).</param>
    /// <param name="filter">The resolved filter, or null.</param>
    /// <param name="sort">The resolved sort.</param>
    /// <param name="blockedItems">Item ids to leave out.</param>
    /// <param name="excluded">Item indices to leave out (such as the user's seen items), or empty.</param>
    /// <param name="scorer">Scores the eligible items into the relevance array when personalized.</param>
    /// <param name="source">What the page says about personalization.</param>
    /// <param name="pageSize">The page size.</param>
    /// <param name="cursor">The cursor, or null.</param>
    /// <param name="poolSize">The candidate pool for non-relevance sorts of personalized lists (0: whole list).</param>
    /// <param name="facets">The facet requests.</param>
    /// <param name="fingerprintSalt">Extra query identity for the cursor (such as the model's shape).</param>
    /// <param name="candidates">When given, only these items (a bitset over item indices) may appear, such as a ranked list's items.</param>
    /// <param name="shownScores">When given, the score each item shows by index (the relevance array then only orders).</param>
    public RecommendationPage Page(string userId, Filter? filter, SortOrder sort, IReadOnlyList<string> blockedItems, ReadOnlySpan<int> excluded,
        Action<ulong[], float[]>? scorer, RecommendationSource source, int pageSize, string? cursor, int poolSize, IReadOnlyList<FacetRequest> facets,
        string fingerprintSalt, ulong[]? candidates = null, float[]? shownScores = null)
    {
        int n = Items.Count;
        int words = (n + 63) / 64;
        CompiledFilter? compiled = filter is null ? null : Compile(filter);
        ulong[] bits = ArrayPool<ulong>.Shared.Rent(words);
        float[] relevance = ArrayPool<float>.Shared.Rent(n);
        try
        {
            if (compiled is not null)
            {
                compiled.Bits.CopyTo(bits);
            }
            else
            {
                bits.AsSpan(0, words).Fill(ulong.MaxValue);
                if ((n & 63) != 0)
                {
                    bits[words - 1] = (1UL << (n & 63)) - 1;
                }
            }

            foreach (string id in blockedItems)
            {
                if (Items.TryGetIndex(id, out int blocked))
                {
                    bits[blocked >> 6] &= ~(1UL << (blocked & 63));
                }
            }

            foreach (int item in excluded)
            {
                bits[item >> 6] &= ~(1UL << (item & 63));
            }

            if (candidates is not null)
            {
                for (int w = 0; w < words; w++)
                {
                    bits[w] &= candidates[w];
                }
            }

            Span<ulong> eligible = bits.AsSpan(0, words);
            if (scorer is not null)
            {
                scorer(bits, relevance);
            }
            else
            {
                Popularity.AsSpan().CopyTo(relevance);
            }

            bool personal = scorer is not null;
            ulong fingerprint = Fingerprint(userId, filter, sort, source, poolSize, fingerprintSalt);
            (OrderKey Last, int Page)? position = cursor is null ? null : ListCursor.Decode(cursor, fingerprint, nameof(cursor));
            double[]? primary = sort == SortOrder.Relevance ? null : SortColumn(sort);
            ListPager.Selection selection = ListPager.Select(eligible, relevance.AsSpan(0, n), primary, personal ? poolSize : 0, position?.Last, pageSize);
            var items = new Recommendation[selection.Page.Length];
            for (int r = 0; r < items.Length; r++)
            {
                OrderKey key = selection.Page[r];
                items[r] = new Recommendation(Items.GetId(key.Index), key.Index, shownScores is null ? key.Relevance : shownScores[key.Index]);
            }

            int pageNumber = (position?.Page ?? 0) + 1;
            string? next = selection.Remaining > 0 && items.Length > 0 ? ListCursor.Encode(fingerprint, selection.Page[^1], pageNumber) : null;
            IReadOnlyList<Facet> counted = [];
            if (facets.Count > 0)
            {
                ItemCatalog catalog = Catalog ?? throw new InvalidOperationException("Facet counts need the items' attributes, but no catalogue was given.");
                // One list, one count: a personalized list sorted by an attribute is its candidate pool, so the facets count the pool.
                if (selection.Pool is { } pool)
                {
                    eligible.Clear();
                    foreach (int item in pool)
                    {
                        eligible[item >> 6] |= 1UL << (item & 63);
                    }
                }

                counted = FacetCounter.Count(catalog, eligible, ToCatalog, facets);
            }

            return new RecommendationPage(userId, source, sort, filter, items, pageNumber, selection.Total, next, counted,
                selection.Total - selection.Remaining - items.Length + 1);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(bits);
            ArrayPool<float>.Shared.Return(relevance);
        }
    }

    /// <summary>Builds one page of a ranked candidate list (such as search matches) for a catalogue's items, in time and memory
    /// proportional to the candidates, not the catalogue: only the candidates are looked at, and the filter is read from its cached
    /// compiled form or evaluated for the candidates alone.</summary>
    /// <remarks>Gives exactly the page (items, scores, total, cursor, facets) that <see cref="Page"/> gives with the candidates as a
    /// bitset, their reversed rank as relevance and their ranked scores as shown scores: <c>CatalogBrowser.BrowseByCatalogScan</c>.
    /// Only for a space over a catalogue's own items.</remarks>
    public RecommendationPage CandidatePage(string userId, Filter? filter, SortOrder sort, IReadOnlyList<string> blockedItems, RankedList ranked,
        int pageSize, string? cursor, IReadOnlyList<FacetRequest> facets)
    {
        ItemCatalog catalog = Catalog!;
        int m = ranked.Count;
        int[] atRank = ArrayPool<int>.Shared.Rent(Math.Max(m, 1));
        int[] listedItems = ArrayPool<int>.Shared.Rent(Math.Max(m, 1));
        int[] listedRanks = ArrayPool<int>.Shared.Rent(Math.Max(m, 1));
        float[] relevance = ArrayPool<float>.Shared.Rent(Math.Max(m, 1));
        float[] shown = ArrayPool<float>.Shared.Rent(Math.Max(m, 1));
        double[]? primary = null;
        try
        {
            // Each candidate's catalogue index; a repeated item counts once, at its best place (its lowest rank).
            int listed = 0;
            for (int r = 0; r < m; r++)
            {
                int item = catalog.GetIndex(ranked[r].ItemId);
                atRank[r] = item;
                if (item >= 0)
                {
                    listedItems[listed] = item;
                    listedRanks[listed] = r;
                    listed++;
                }
            }

            Array.Sort(listedItems, listedRanks, 0, listed);
            for (int i = 1; i < listed; i++)
            {
                if (listedItems[i] == listedItems[i - 1])
                {
                    // A repeat: drop the later of the two ranks and carry the earlier one on to the next repeat, if any.
                    atRank[Math.Max(listedRanks[i - 1], listedRanks[i])] = -1;
                    listedRanks[i] = Math.Min(listedRanks[i - 1], listedRanks[i]);
                }
            }

            // In rank order: the list's identity (for the cursor), then the placed items in listedItems/relevance/shown.
            var hash = new System.IO.Hashing.XxHash64();
            Span<byte> entry = stackalloc byte[8];
            int placed = 0;
            for (int r = 0; r < m; r++)
            {
                int item = atRank[r];
                if (item < 0)
                {
                    continue;
                }

                float score = ranked[r].Score;
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(entry, item);
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(entry[4..], score);
                hash.Append(entry);
                listedItems[placed] = item;
                relevance[placed] = m - r;   // exact in float for up to 2^24 candidates; higher is earlier
                shown[placed] = score;
                placed++;
            }

            string salt = $"ranked:{catalog.Count}:{placed}:{hash.GetCurrentHashAsUInt64():x16}";
            ulong fingerprint = Fingerprint(userId, filter, sort, ranked.Source, 0, salt);

            // The filter: its compiled bitset when one is cached; otherwise evaluated for these items alone, unless they are so many
            // that compiling (and caching) it for the whole catalogue costs about the same.
            CompiledFilter? compiled = null;
            ulong[]? passing = null;
            if (filter is not null && !TryGetCompiled(filter, out compiled))
            {
                if (placed <= Items.Count / SubsetFilterShare)
                {
                    passing = FilterCompiler.EvaluateFor(filter, catalog, listedItems.AsSpan(0, placed).ToArray());
                }
                else
                {
                    compiled = Compile(filter);
                }
            }

            (OrderKey Last, int Page)? position = cursor is null ? null : ListCursor.Decode(cursor, fingerprint, nameof(cursor));
            int[]? blocked = null;
            if (blockedItems.Count > 0)
            {
                var indices = new List<int>(blockedItems.Count);
                foreach (string id in blockedItems)
                {
                    if (Items.TryGetIndex(id, out int b))
                    {
                        indices.Add(b);
                    }
                }

                blocked = [.. indices];
                Array.Sort(blocked);
            }

            // Keep the eligible ones, in place.
            int eligible = 0;
            for (int p = 0; p < placed; p++)
            {
                int item = listedItems[p];
                bool pass = (passing is not null ? (passing[p >> 6] & (1UL << (p & 63))) != 0 : compiled is null || compiled.IsEligible(item))
                    && (blocked is null || Array.BinarySearch(blocked, item) < 0);
                if (pass)
                {
                    listedItems[eligible] = item;
                    relevance[eligible] = relevance[p];
                    shown[eligible] = shown[p];
                    eligible++;
                }
            }

            ReadOnlySpan<double> primaryValues = default;
            if (sort != SortOrder.Relevance)
            {
                double[] column = SortColumn(sort);
                primary = ArrayPool<double>.Shared.Rent(Math.Max(eligible, 1));
                for (int e = 0; e < eligible; e++)
                {
                    primary[e] = column[listedItems[e]];
                }

                primaryValues = primary.AsSpan(0, eligible);
            }

            ListPager.Selection selection = ListPager.SelectFrom(listedItems.AsSpan(0, eligible), relevance.AsSpan(0, eligible),
                primaryValues, position?.Last, pageSize, out int[] pagePositions);
            var items = new Recommendation[selection.Page.Length];
            for (int r = 0; r < items.Length; r++)
            {
                OrderKey key = selection.Page[r];
                items[r] = new Recommendation(Items.GetId(key.Index), key.Index, shown[pagePositions[r]]);
            }

            int pageNumber = (position?.Page ?? 0) + 1;
            string? next = selection.Remaining > 0 && items.Length > 0 ? ListCursor.Encode(fingerprint, selection.Page[^1], pageNumber) : null;
            IReadOnlyList<Facet> counted = facets.Count > 0 ? FacetCounter.Count(catalog, listedItems.AsSpan(0, eligible), facets) : [];
            return new RecommendationPage(userId, ranked.Source, sort, filter, items, pageNumber, selection.Total, next, counted,
                selection.Total - selection.Remaining - items.Length + 1);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(atRank);
            ArrayPool<int>.Shared.Return(listedItems);
            ArrayPool<int>.Shared.Return(listedRanks);
            ArrayPool<float>.Shared.Return(relevance);
            ArrayPool<float>.Shared.Return(shown);
            if (primary is not null)
            {
                ArrayPool<double>.Shared.Return(primary);
            }
        }
    }

    /// <summary>The query identity a cursor carries: who, which filter, sort and source, the pool, and the list's own identity.</summary>
    private static ulong Fingerprint(string userId, Filter? filter, SortOrder sort, RecommendationSource source, int poolSize, string salt) =>
        ListCursor.Fingerprint(userId, filter is null ? "" : FilterText.Format(filter), SortOrderText.Format(sort), source.ToString(),
            poolSize.ToString(System.Globalization.CultureInfo.InvariantCulture), salt);
}
