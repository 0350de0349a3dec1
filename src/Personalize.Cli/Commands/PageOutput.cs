using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Recommending;
using Spectre.Console;

namespace Personalize.Cli.Commands;

/// <summary>Shared by <c>recommend</c> (paged mode) and <c>browse</c>: the filter/sort/cursor/facet options and how a page is printed.</summary>
internal static class PageOutput
{
    public static Filter? ParseFilter(string? text, ItemCatalog? catalog)
    {
        if (text is null)
        {
            return null;
        }

        if (catalog is null)
        {
            throw new UsageException("--filter needs --items: the catalogue whose attributes the filter reads.");
        }

        FilterParseResult parsed = FilterText.Parse(text, catalog.Schema);
        if (!parsed.TryGetValue(out Filter? value))
        {
            throw FilterError(parsed.Error!);
        }

        return value;
    }

    /// <summary>The usage error for a <c>--filter</c> that does not parse, at its column (and line, when the text spans lines).</summary>
    public static UsageException FilterError(FilterSyntaxException error) => new(error.Line > 1
        ? $"--filter, line {error.Line}, column {error.Column}: {error.Reason}"
        : $"--filter, column {error.Column}: {error.Reason}");

    /// <summary>Parses <c>--filter</c> for a list of the catalogue or a user's recommendations: <see cref="ParseFilter"/>, and
    /// <c>not bought</c> refused (see <see cref="RefuseNotBought"/>).</summary>
    public static Filter? ParseListFilter(string? text, ItemCatalog? catalog)
    {
        Filter? filter = ParseFilter(text, catalog);
        if (filter is not null)
        {
            RefuseNotBought(filter);
        }

        return filter;
    }

    /// <summary>Parses and compiles <c>--filter</c> for a model's items (<see cref="ParseListFilter"/>, then
    /// <see cref="FilterCompiler.Compile"/>), with the compiler's refusals as usage errors.</summary>
    public static CompiledFilter CompileListFilter(string text, ItemCatalog catalog, IdMap items)
    {
        Filter filter = ParseListFilter(text, catalog)!;
        try
        {
            return FilterCompiler.Compile(filter, catalog, items);
        }
        catch (ArgumentException exception)
        {
            throw UsageException.For("--filter", exception);
        }
    }

    /// <summary>When a filtered list is empty, notes each text value of the filter that no item has exactly but some item has in another
    /// case (<c>brand = "acme"</c> for <c>Acme</c>), or, for <c>under</c>, as the start of a path segment (<c>"Kitch"</c> for
    /// <c>Kitchen</c>): values match exactly, so an empty list is otherwise a puzzle.</summary>
    public static void NoteNearMisses(Filter? filter, ItemCatalog? catalog, int total)
    {
        if (filter is null || catalog is null || total > 0)
        {
            return;
        }

        foreach (Filter condition in Conditions(filter))
        {
            if (condition.Attribute is not { } attribute || !catalog.Schema.TryGetType(attribute, out _))
            {
                continue;
            }

            var have = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < catalog.Count; i++)
            {
                switch (catalog.GetValue(i, attribute))
                {
                    case string text:
                        have.Add(text);
                        break;
                    case string[] tags:
                        have.UnionWith(tags);
                        break;
                }
            }

            foreach (FilterValue value in condition.Values)
            {
                if (value.Type != FilterValueType.Text)
                {
                    continue;
                }

                string wanted = value.Text;
                bool under = condition.Kind == FilterKind.Under;
                bool Matches(string v, StringComparison comparison) => under
                    ? v.Equals(wanted, comparison) || v.StartsWith(wanted + "/", comparison)
                    : v.Equals(wanted, comparison);
                if (have.Any(v => Matches(v, StringComparison.Ordinal)))
                {
                    continue;
                }

                string? near = have.Where(v => Matches(v, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).FirstOrDefault();
                string? start = under && near is null
                    ? have.Select(v => v.Split('/')).SelectMany(parts => Enumerable.Range(1, parts.Length).Select(n => string.Join('/', parts.Take(n))))
                        .Where(p => p.StartsWith(wanted, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).FirstOrDefault()
                    : null;
                if (near is not null || start is not null)
                {
                    string hint = near is not null ? $"\"{near}\" differs only in case" : $"\"{start}\" is a path that starts so";
                    CliConsole.Error.WriteLine(
                        $"note: no item has {attribute} {(under ? "under " : "")}\"{wanted}\"; {hint} (values match exactly, paths by whole segments).");
                }
            }
        }
    }

    /// <summary>The attribute conditions of a filter that must hold for an item to pass (not those under <c>not</c>).</summary>
    private static IEnumerable<Filter> Conditions(Filter filter) => filter.Kind switch
    {
        FilterKind.And or FilterKind.Or => filter.Operands.SelectMany(Conditions),
        FilterKind.Not => [],
        _ => [filter],
    };

    /// <summary>Refuses <c>not bought</c>: it needs the user's purchases, and a model file holds what they had, not what they bought.</summary>
    public static void RefuseNotBought(Filter filter)
    {
        if (HasNotBought(filter))
        {
            throw new UsageException(
                "--filter: 'not bought' needs the user's purchases, which a model file does not hold; use 'not seen' (the items in the user's training history), or leave it out.");
        }
    }

    /// <summary>Whether <c>not bought</c> appears anywhere in a filter.</summary>
    public static bool HasNotBought(Filter filter) => filter.Kind == FilterKind.NotBought || filter.Operands.Any(HasNotBought);

    public static SortOrder? ParseSort(string? text) =>
        text is null ? null
        : SortOrderText.TryParse(text, out SortOrder sort) ? sort
        : throw new UsageException($"--sort '{text}' is not a sort order (expected {string.Join(", ", SortOrderText.ValidNames)}).");

    public static IReadOnlyList<FacetRequest> ParseFacets(string? text, ItemCatalog? catalog, bool includeEmpty)
    {
        if (text is null)
        {
            return includeEmpty ? throw new UsageException("--empty-facets needs --facets: the attributes whose values are counted.") : [];
        }

        if (catalog is null)
        {
            throw new UsageException("--facets needs --items: the catalogue whose attributes are counted.");
        }

        try
        {
            IReadOnlyList<FacetRequest> facets = FacetRequest.ParseList(text);
            foreach (FacetRequest facet in facets)
            {
                if (!catalog.Schema.TryGetType(facet.Attribute, out AttributeType type))
                {
                    throw new UsageException($"--facets: the catalogue has no attribute '{facet.Attribute}'; it has: {string.Join(", ", catalog.Schema.Names)}.");
                }

                if (type == AttributeType.DateTime)
                {
                    throw new UsageException($"--facets: '{facet.Attribute}' is a date-time attribute, which has no facets.");
                }
            }

            return includeEmpty ? [.. facets.Select(facet => facet with { IncludeEmpty = true })] : facets;
        }
        catch (ArgumentException exception)
        {
            throw UsageException.For("--facets", exception);
        }
    }

    /// <summary>Runs a page query, turning the library's refusals of bad input (cursor, filter, sort attribute) into usage errors.</summary>
    public static T Run<T>(Func<T> query)
    {
        try
        {
            return query();
        }
        catch (ArgumentException exception) when (exception.ParamName is "cursor")
        {
            throw UsageException.For("--cursor", exception);
        }
        catch (ArgumentException exception)
        {
            throw UsageException.For("", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new UsageException(exception.Message);
        }
    }

    /// <summary>Writes a page as a table, CSV or JSON; with <paramref name="related"/> (a search's "related to your search" shelf) the
    /// CSV gains <c>list</c> and <c>source</c> columns and rows for the shelf, and the JSON a <c>related</c> array.</summary>
    public static void Write(RecommendationPage page, string format, ItemTitles titles, string? outPath, ItemCatalog? catalog = null,
        IReadOnlyList<RelatedItem>? related = null, bool withSource = false)
    {
        int first = page.FirstRank;
        SortedColumn? sorted = SortedColumn.For(page.Sort, catalog);
        string? text = format switch
        {
            "csv" when related is not null => CsvWithRelated(page, first, sorted, related),
            "csv" => Csv(page, first, sorted, withSource),
            "json" => Json(page, first, titles, sorted, related),
            _ => null,
        };

        if (text is null)
        {
            if (outPath is not null)
            {
                throw new UsageException("--out needs --format csv or json; the table is for reading on screen.");
            }

            WriteTable(page, first, titles, sorted);
            return;
        }

        if (outPath is not null)
        {
            OutputFile.Write(outPath, text);
            CliConsole.Out.WriteLine($"Wrote page {page.PageNumber} ({page.Count} items of {page.TotalCount}) to {outPath}.");
        }
        else
        {
            CliConsole.Out.Profile.Out.Writer.Write(text);
        }

        if (format == "csv" && page.NextCursor is not null)
        {
            CliConsole.Error.WriteLine($"next page: --cursor {page.NextCursor}");
        }
    }

    public static string Source(RecommendationSource source) => source switch
    {
        RecommendationSource.Personalized => "personalized",
        RecommendationSource.PopularFallback => "popular-fallback",
        RecommendationSource.NonPersonal => "non-personal",
        _ => "empty",
    };

    private static string Csv(RecommendationPage page, int first, SortedColumn? sorted, bool withSource)
    {
        var builder = new StringBuilder(withSource ? "item_id,rank,score,source" : "item_id,rank,score");
        builder.Append(sorted is null ? "\n" : "," + RecommendCommand.CsvField(sorted.Attribute) + "\n");
        for (int r = 0; r < page.Count; r++)
        {
            builder.Append(RecommendCommand.CsvField(page[r].ItemId)).Append(',').Append((first + r).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(page[r].Score.ToString("G7", CultureInfo.InvariantCulture));
            if (withSource)
            {
                builder.Append(',').Append(Source(page.Source));
            }

            if (sorted is not null)
            {
                builder.Append(',').Append(RecommendCommand.CsvField(sorted.Text(page[r].ItemId) ?? ""));
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>A page and its related shelf in one CSV: <c>list,item_id,rank,score,source</c> (then the sorted attribute), where
    /// <c>list</c> is <c>results</c> or <c>related</c>, <c>source</c> is the page's personalization for results and the related item's
    /// source (<c>factors</c>, <c>co-occurrence</c> or <c>both</c>) for the shelf, whose ranks start at 1.</summary>
    private static string CsvWithRelated(RecommendationPage page, int first, SortedColumn? sorted, IReadOnlyList<RelatedItem> related)
    {
        var builder = new StringBuilder("list,item_id,rank,score,source");
        builder.Append(sorted is null ? "\n" : "," + RecommendCommand.CsvField(sorted.Attribute) + "\n");
        void Row(string list, string itemId, int rank, float score, string source)
        {
            builder.Append(list).Append(',').Append(RecommendCommand.CsvField(itemId)).Append(',').Append(rank.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(score.ToString("G7", CultureInfo.InvariantCulture)).Append(',').Append(source);
            if (sorted is not null)
            {
                builder.Append(',').Append(RecommendCommand.CsvField(sorted.Text(itemId) ?? ""));
            }

            builder.Append('\n');
        }

        for (int r = 0; r < page.Count; r++)
        {
            Row("results", page[r].ItemId, first + r, page[r].Score, Source(page.Source));
        }

        for (int r = 0; r < related.Count; r++)
        {
            Row("related", related[r].ItemId, r + 1, related[r].Score, RelatedCommand.SourceName(related[r].Source));
        }

        return builder.ToString();
    }

    private static string Json(RecommendationPage page, int first, ItemTitles titles, SortedColumn? sorted, IReadOnlyList<RelatedItem>? related)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            if (page.UserId.Length > 0)
            {
                writer.WriteString("user_id", page.UserId);
            }

            writer.WriteString("source", Source(page.Source));
            writer.WriteString("sort", SortOrderText.Format(page.Sort));
            if (page.Filter is not null)
            {
                writer.WriteString("filter", FilterText.Format(page.Filter));
            }

            writer.WriteNumber("page", page.PageNumber);
            writer.WriteNumber("total", page.TotalCount);
            if (page.NextCursor is null)
            {
                writer.WriteNull("next_cursor");
            }
            else
            {
                writer.WriteString("next_cursor", page.NextCursor);
            }

            writer.WriteStartArray("items");
            for (int r = 0; r < page.Count; r++)
            {
                writer.WriteStartObject();
                writer.WriteString("item_id", page[r].ItemId);
                writer.WriteNumber("rank", first + r);
                writer.WriteNumber("score", page[r].Score);
                if (sorted is not null)
                {
                    // A number as a JSON number (the price 10, not "10"); a date as ISO 8601 text; a missing value as null.
                    if (sorted.Number(page[r].ItemId) is { } number)
                    {
                        writer.WriteNumber(sorted.Attribute, number);
                    }
                    else if (sorted.Text(page[r].ItemId) is { } value)
                    {
                        writer.WriteString(sorted.Attribute, value);
                    }
                    else
                    {
                        writer.WriteNull(sorted.Attribute);
                    }
                }

                if (titles.Get(page[r].ItemId) is { } title)
                {
                    writer.WriteString("title", title);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("facets");
            foreach (Facet facet in page.Facets)
            {
                writer.WriteStartObject();
                writer.WriteString("attribute", facet.Attribute);
                writer.WriteNumber("missing", facet.Missing);
                writer.WriteStartArray("values");
                foreach (FacetValue value in facet.Values)
                {
                    writer.WriteStartObject();
                    writer.WriteString("label", value.Label);
                    writer.WriteNumber("count", value.Count);
                    writer.WriteString("filter", FilterText.Format(value.Filter));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (related is not null)
            {
                writer.WriteStartArray("related");
                for (int r = 0; r < related.Count; r++)
                {
                    writer.WriteStartObject();
                    writer.WriteString("item_id", related[r].ItemId);
                    writer.WriteNumber("rank", r + 1);
                    writer.WriteNumber("score", related[r].Score);
                    writer.WriteString("source", RelatedCommand.SourceName(related[r].Source));
                    if (titles.Get(related[r].ItemId) is { } title)
                    {
                        writer.WriteString("title", title);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteTable(RecommendationPage page, int first, ItemTitles titles, SortedColumn? sorted)
    {
        string who = page.UserId.Length > 0 ? $"[bold]{Markup.Escape(page.UserId)}[/] " : "";
        var table = new Table().Title($"{who}({Source(page.Source)}, sort {SortOrderText.Format(page.Sort)}, page {page.PageNumber})")
            .AddColumns("rank", "item", "score");
        if (sorted is not null)
        {
            table.AddColumn(Markup.Escape(sorted.Attribute));
        }

        table.Border(TableBorder.Rounded);
        for (int r = 0; r < page.Count; r++)
        {
            string[] cells = [(first + r).ToString(CultureInfo.InvariantCulture), Markup.Escape(titles.Describe(page[r].ItemId)),
                page[r].Score.ToString("F4", CultureInfo.InvariantCulture)];
            table.AddRow(sorted is null ? cells : [.. cells, Markup.Escape(sorted.Text(page[r].ItemId) ?? "")]);
        }

        CliConsole.Out.Write(table);
        if (page.Filter is not null)
        {
            CliConsole.Out.MarkupLine($"filter: {Markup.Escape(FilterText.Format(page.Filter))}");
        }

        CliConsole.Out.WriteLine(page.Count == 0
            ? $"No items on page {page.PageNumber} ({page.TotalCount} in the list)."
            : $"Items {first}-{first + page.Count - 1} of {page.TotalCount}.");
        CliConsole.Out.WriteLine(page.NextCursor is null ? "Last page." : $"Next page: --cursor {page.NextCursor}");
        foreach (Facet facet in page.Facets)
        {
            string values = string.Join(", ", facet.Values.Select(v => $"{v.Label} ({v.Count})"));
            string missing = facet.Missing > 0 ? $"; no value: {facet.Missing}" : "";
            CliConsole.Out.WriteLine($"{facet.Attribute}: {values}{missing}");
        }
    }
}

/// <summary>The catalogue attribute a list is sorted by (price, rating or date added), shown beside each item: a list sorted by price
/// shows prices, not only scores.</summary>
internal sealed class SortedColumn(ItemCatalog catalog, string attribute)
{
    public string Attribute { get; } = attribute;

    /// <summary>The column for a sort order, or null when the order is by relevance or popularity, or the catalogue lacks the attribute.</summary>
    public static SortedColumn? For(SortOrder sort, ItemCatalog? catalog)
    {
        var names = new CatalogAttributes();
        string? attribute = sort switch
        {
            SortOrder.PriceAscending or SortOrder.PriceDescending => names.Price,
            SortOrder.Rating => names.Rating,
            SortOrder.Newest => names.Added,
            _ => null,
        };
        return catalog is not null && attribute is not null && catalog.Schema.TryGetType(attribute, out _) ? new SortedColumn(catalog, attribute) : null;
    }

    /// <summary>The item's value when it is a number, or null.</summary>
    public decimal? Number(string itemId)
    {
        int index = catalog.GetIndex(itemId);
        return index >= 0 && catalog.GetValue(index, Attribute) is decimal value ? value : null;
    }

    /// <summary>The item's value as text (dates in ISO 8601), or null when it has none.</summary>
    public string? Text(string itemId)
    {
        int index = catalog.GetIndex(itemId);
        return index < 0 ? null : catalog.GetValue(index, Attribute) switch
        {
            null => null,
            DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
            object value => value.ToString(),
        };
    }
}
