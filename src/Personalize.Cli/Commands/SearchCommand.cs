using System.ComponentModel;
using System.Globalization;
using System.Text;
using CsvHelper;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Search;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize search</c>: the catalogue's text matches for a query (or a file of queries), filtered, sorted, paged and
/// faceted like <c>browse</c>, and re-ranked for the user when a model is given. Seen items are not left out.</summary>
internal sealed class SearchCommand : Command<SearchCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--items <FILE>")]
        [Description("The catalogue (CSV with item_id and attribute columns); its title, name, brand, category and tags are searched (or the --fields given).")]
        public string? Items { get; init; }

        [CommandOption("--schema <TYPES>")]
        [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number.")]
        public string? Schema { get; init; }

        [CommandOption("--items-id-col <NAME>")]
        [Description("Column of the item id in the --items catalogue. Default: item_id")]
        public string? ItemsIdCol { get; init; }

        [CommandOption("--fields <FIELDS>")]
        [Description("The text columns of --items to search, each with an optional boost: title:3,description (default: title 3, name 3, brand 2, category 1.5 and tags 1, those the catalogue has).")]
        public string? Fields { get; init; }

        [CommandOption("-q|--query <TEXT>")]
        [Description("What a person typed: plain text, never query syntax.")]
        public string? Query { get; init; }

        [CommandOption("--queries-from <FILE>")]
        [Description("A CSV with columns user_id,query: search each, writing user_id,query,item_id,rank,score (the best --top of each).")]
        public string? QueriesFrom { get; init; }

        [CommandOption("-m|--model <MODEL>")]
        [Description("A model that re-ranks results for --user (text relevance blended with taste) and breaks ties by popularity.")]
        public string? Model { get; init; }

        [CommandOption("-u|--user <ID>")]
        [Description("The searching user: personal order with --model, saved preferences with --preferences.")]
        public string? User { get; init => field = value?.Trim(); }   // as the log's ids are read

        [CommandOption("--preferences <DB>")]
        [Description("The SQLite preference store (see 'personalize preferences'): blocked brands never appear, an opt-out gets the non-personal order.")]
        public string? Preferences { get; init; }

        [CommandOption("--filter <TEXT>")]
        [Description("Narrow the results, e.g. \"price <= 50 and in_stock\".")]
        public string? Filter { get; init; }

        [CommandOption("--sort <ORDER>")]
        [Description("relevance (default), price-asc, price-desc, rating, newest or popularity.")]
        public string? Sort { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many results: the page size when --page-size is not given, and the results per query of --queries-from. Default 10.")]
        public int Top { get; init; } = 10;

        [CommandOption("--page-size <N>")]
        [Description("Results per page (single query). Default: --top.")]
        public int? PageSize { get; init; }

        [CommandOption("--cursor <CURSOR>")]
        [Description("Continue after the previous page of the same query (the cursor it printed).")]
        public string? Cursor { get; init; }

        [CommandOption("--facets <ATTRIBUTES>")]
        [Description("Count values over every matching, eligible item, e.g. brand,category.")]
        public string? Facets { get; init; }

        [CommandOption("--empty-facets")]
        [Description("List facet values and ranges that no eligible item has, with a count of 0 (left out by default).")]
        public bool EmptyFacets { get; init; }

        [CommandOption("--related <N>")]
        [Description("Also show N items related to your search: the items most related to the page's results (needs --model), none the query matched, with the same filter. Single --query; a second table, csv rows with list=related, or a json 'related' array.")]
        public int? Related { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table, csv or json (a single query); --queries-from writes csv. Default table, or csv with --queries-from.")]
        public string? Format { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Write csv or json to a file.")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Items))
        {
            throw new UsageException("--items is required: the catalogue to search.");
        }

        if (settings.User is "")
        {
            throw new UsageException("--user is empty: give a user id, or leave --user out.");
        }

        if (settings.Out is not null)
        {
            OptionParsing.CheckOutput("--out", settings.Out, writesModel: false, settings.Items, settings.QueriesFrom, settings.Model, settings.Preferences);
        }

        if ((settings.Query is null) == (settings.QueriesFrom is null))
        {
            throw new UsageException("Give exactly one of --query TEXT or --queries-from FILE.");
        }

        if (settings.Top < 1 || settings.Top > 10_000)
        {
            throw new UsageException($"--top {settings.Top} must be between 1 and 10000.");
        }

        bool batch = settings.QueriesFrom is not null;
        if (settings.Related is { } related)
        {
            if (related < 1 || related > 1_000)
            {
                throw new UsageException($"--related {related} must be between 1 and 1000.");
            }

            if (settings.Model is null || batch)
            {
                throw new UsageException("--related needs --model (related items come from the model) and a single --query; "
                    + "--queries-from writes the results alone.");
            }
        }

        if (batch && (settings.Cursor is not null || settings.Facets is not null || settings.PageSize is not null || settings.User is not null))
        {
            throw new UsageException("--queries-from takes each query's user from its user_id column and writes the best --top results: "
                + "--user, --page-size, --cursor and --facets are for a single --query.");
        }

        if (batch && settings.Format is not null && !settings.Format.Equals("csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--queries-from writes csv (user_id,query,item_id,rank,score); --format {settings.Format} is for a single --query.");
        }

        int pageSize = settings.PageSize ?? settings.Top;
        string format = BrowseCommand.CheckPaging(pageSize, settings.Format ?? (batch ? "csv" : "table"), settings.PageSize is null ? "--top" : "--page-size", settings.Facets);
        if (settings.Preferences is not null && batch)
        {
            throw new UsageException("--preferences applies to one --user; it is not read for --queries-from.");
        }

        ItemCatalog catalog = CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
        var filter = PageOutput.ParseListFilter(settings.Filter, catalog);
        var sort = PageOutput.ParseSort(settings.Sort);
        var facets = PageOutput.ParseFacets(settings.Facets, catalog, settings.EmptyFacets);
        List<(string? User, string Query, long Line)>? queries = batch ? ReadQueries(settings.QueriesFrom!) : null;
        FactorModel? model = settings.Model is null ? null : ModelFile.Load(settings.Model);
        if (model is not null)
        {
            CatalogReading.WarnIfApart(catalog, model.Items, settings.Items);
        }

        UserPreferences? preferences = BrowseCommand.ReadPreferences(settings.Preferences, settings.User, settings.Filter, cancellationToken);
        using CatalogSearchIndex index = BuildIndex(catalog, settings.Fields);
        using Recommender? recommender = model is null ? null : new Recommender(model);
        var search = new ProductSearch(index, recommender);
        if (queries is null)
        {
            var request = new SearchRequest(settings.Query!)
            {
                UserId = settings.User,
                Filter = filter,
                Sort = sort,
                PageSize = pageSize,
                Cursor = settings.Cursor,
                Facets = facets,
                Related = settings.Related ?? 0,
            };
            SearchResult result = null!;
            RecommendationPage page = PageOutput.Run(() => (result = search.Search(request, preferences)).Page);
            if (result.Match.Truncated)
            {
                string limit = settings.Query!.Length > index.Options.MaxQueryLength
                    ? $"{index.Options.MaxQueryLength} characters"
                    : $"{index.Options.MaxQueryTerms} distinct words besides words such as 'the'";
                CliConsole.Error.WriteLine(
                    $"note: --query is longer than the search reads ({limit}); it searched for: {string.Join(' ', result.Match.Words)}.");
            }

            var titles = ItemTitles.FromCatalog(catalog);
            PageOutput.NoteNearMisses(page.Filter, catalog, page.TotalCount);
            PageOutput.Write(page, format, titles, settings.Out, catalog, related: settings.Related is null ? null : result.Related);
            if (settings.Related is not null && format == "table")
            {
                WriteRelated(result.Related, titles);
            }

            return CliApp.Success;
        }

        var csv = new StringBuilder("user_id,query,item_id,rank,score\n");
        int cut = 0, wordless = 0;
        long firstCut = 0, firstWordless = 0;
        foreach ((string? user, string query, long line) in queries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new SearchRequest(query) { UserId = user, Filter = filter, Sort = sort, PageSize = settings.Top };
            SearchResult result = PageOutput.Run(() => search.Search(request));
            RecommendationPage page = result.Page;
            if (result.Match.Truncated && cut++ == 0)
            {
                firstCut = line;
            }

            if (result.Match.Words.Count == 0 && wordless++ == 0)
            {
                firstWordless = line;
            }

            for (int r = 0; r < page.Count; r++)
            {
                csv.Append(RecommendCommand.CsvField(user ?? "")).Append(',').Append(RecommendCommand.CsvField(query)).Append(',')
                    .Append(RecommendCommand.CsvField(page[r].ItemId)).Append(',').Append((r + 1).ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(page[r].Score.ToString("G7", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        if (wordless > 0)
        {
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {wordless:N0} queries of {settings.QueriesFrom} have no words to search for, the first on line {firstWordless}; they have no results."));
        }

        if (cut > 0)
        {
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {cut:N0} queries of {settings.QueriesFrom} are longer than the search reads ({index.Options.MaxQueryLength} characters, or {index.Options.MaxQueryTerms} distinct words besides words such as 'the'), the first on line {firstCut}; each was searched for its first words."));
        }

        if (settings.Out is not null)
        {
            OutputFile.Write(settings.Out, csv.ToString());
            CliConsole.Out.WriteLine($"Wrote the results of {queries.Count} queries to {settings.Out}.");
        }
        else
        {
            CliConsole.Out.Profile.Out.Writer.Write(csv.ToString());
        }

        return CliApp.Success;
    }

    /// <summary>Writes "related to your search" as a table.</summary>
    private static void WriteRelated(IReadOnlyList<RelatedItem> related, ItemTitles titles)
    {
        var table = new Table().Title("Related to your search").AddColumns("rank", "item", "score", "source");
        table.Border(TableBorder.Rounded);
        for (int r = 0; r < related.Count; r++)
        {
            table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(titles.Describe(related[r].ItemId)),
                related[r].Score.ToString("F4", CultureInfo.InvariantCulture), RelatedCommand.SourceName(related[r].Source));
        }

        if (related.Count == 0)
        {
            CliConsole.Out.WriteLine("Related to your search: none (the page is empty, or every related item was matched or filtered out).");
            return;
        }

        CliConsole.Out.Write(table);
    }

    /// <summary>Reads the user_id,query rows of a queries file (an empty user id is an anonymous search).</summary>
    internal static List<(string? User, string Query, long Line)> ReadQueries(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The queries file '{path}' does not exist.", path);
        }

        var options = CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        var queries = new List<(string?, string, long)>();
        try
        {
            using CsvReader reader = CsvReader.FromFile(path, options);
            int user = -1, query = -1;
            for (int i = 0; i < reader.Headers.Count; i++)
            {
                string name = reader.Headers[i].Trim();
                user = name.Equals("user_id", StringComparison.OrdinalIgnoreCase) ? i : user;
                query = name.Equals("query", StringComparison.OrdinalIgnoreCase) ? i : query;
            }

            if (user < 0 || query < 0)
            {
                throw new InteractionDataException(path, 1, 0, user < 0 ? "user_id" : "query",
                    $"the header has no column '{(user < 0 ? "user_id" : "query")}' (it reads '{string.Join(',', reader.Headers)}'); expected user_id,query.");
            }

            while (reader.Read())
            {
                string? text = reader.FieldCount > query ? reader.GetStringOrNull(query) : null;
                if (text is null)
                {
                    throw new InteractionDataException(path, reader.LineNumber, query + 1, "query", "the query field is missing; expected user_id,query.");
                }

                string? id = reader.FieldCount > user ? reader.GetStringOrNull(user)?.Trim() : null;
                queries.Add((string.IsNullOrEmpty(id) ? null : id, text, reader.LineNumber));
            }
        }
        catch (CsvFormatException exception)
        {
            throw new InteractionDataException(path, exception.LineNumber, exception.FieldIndex + 1, null, $"the CSV is malformed: {exception.Message}");
        }

        return queries;
    }

    /// <summary>Builds the search index of the catalogue over <c>--fields</c> (name or name:boost, comma-separated), or the default fields.</summary>
    /// <exception cref="UsageException">A field is malformed, not a text column, or the catalogue has none of the default fields.</exception>
    private static CatalogSearchIndex BuildIndex(ItemCatalog catalog, string? fields)
    {
        CatalogSearchOptions? options = null;
        if (fields is not null)
        {
            var named = new List<SearchField>();
            foreach (string part in fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int colon = part.LastIndexOf(':');
                float boost = 1f;
                if (colon >= 0 && !(float.TryParse(part[(colon + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out boost)
                    && float.IsFinite(boost) && boost > 0))
                {
                    throw new UsageException($"--fields '{part}': the boost after ':' must be a positive number, such as title:3.");
                }

                named.Add(new SearchField(colon >= 0 ? part[..colon].Trim() : part, boost));
            }

            options = new CatalogSearchOptions { Fields = named };
        }

        try
        {
            return CatalogSearchIndex.Build(catalog, options);
        }
        catch (Exception exception) when (exception is ArgumentException or System.ComponentModel.DataAnnotations.ValidationException)
        {
            throw new UsageException($"{(fields is null ? "--items" : "--fields")}: {exception.Message}");
        }
    }
}
