using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Personalize.Core.Filtering;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tracking;
using Personalize.Extensions.DependencyInjection;
using Personalize.Search;
using Personalize.Storefront.Shop;

namespace Personalize.Storefront.Api;

/// <summary>
/// The JSON API beside the pages. Every answer names the model version that made it; bad input answers RFC 7807 problem details
/// (400, with the column of a bad filter), never 500; pages and bodies are bounded; the rate limiter guards the whole group.
/// </summary>
internal static class ApiEndpoints
{
    public const string RateLimitPolicy = "api";
    private static readonly string[] EventTypes = ["view", "cart", "purchase"];

    public static void Map(WebApplication app)
    {
        RouteGroupBuilder api = app.MapGroup("/api").RequireRateLimiting(RateLimitPolicy);
        api.MapGet("/recommendations", Recommendations);
        api.MapGet("/search", Search);
        api.MapGet("/related", Related);
        api.MapGet("/trending", Trending);
        // No anti-forgery token here, unlike the page forms: the API takes the user from the body, never from a cookie, so a request
        // forged by another site gains nothing that any client could not send directly; and it takes only application/json, which a
        // browser sends cross-site only after a CORS preflight this app never grants (a form can send text/plain, not JSON). What a real
        // deployment adds is authentication of the caller (an API key or an OAuth bearer token per client), not a form token.
        api.MapPost("/events", Events);
        api.MapGet("/recently-viewed", RecentlyViewed);
        api.MapGet("/tracking", Tracking);
        api.MapGet("/model", Model);
        app.MapPost("/admin/model/reload", Reload);
    }

    /// <summary>The served model: its version and file, and whether it is the last-good copy standing in for a model file that failed
    /// its checks at start-up (and why).</summary>
    private static IResult Model(Shop.Shop shop)
    {
        ShopSnapshot snapshot = shop.Current;
        ModelFallback? fallback = snapshot.Fallback;
        return Results.Ok(new
        {
            modelVersion = snapshot.Version,
            source = snapshot.Source,
            lastGood = fallback is not null,
            fallback = fallback is null ? null : new
            {
                modelPath = fallback.ModelPath,
                lastGoodModelPath = fallback.LastGoodModelPath,
                reason = fallback.Reason,
                lastGoodSavedAt = fallback.LastGoodSavedAt,
            },
        });
    }

    private static async Task<IResult> Recommendations(HttpContext http, Shop.Shop shop, IOptions<StorefrontOptions> options, string? user, int? count,
        string? filter, string? sort, string? cursor)
    {
        ShopSnapshot snapshot = shop.Current;
        if (Check(count, options.Value.MaxPageSize, "count", 10, out int size) is { } badCount)
        {
            return badCount;
        }

        (Filter? parsed, IResult? badFilter) = Filters(filter, shop);
        if (badFilter is not null)
        {
            return badFilter;
        }

        (SortOrder? order, string? sortError) = ShopQuery.ParseSort(sort);
        if (sortError is not null)
        {
            return Problem("The sort order is invalid.", sortError, new() { ["parameter"] = "sort" });
        }

        string userId = user ?? "";
        var request = new RecommendationRequest(userId)
        {
            PageSize = size,
            Filter = parsed,
            Sort = order,
            Cursor = cursor,
            Personalize = userId.Length > 0,
            ApplyPreferences = userId.Length > 0,
        };
        return await Answer(async () =>
        {
            // The tracker's events (replayed after a restart) count here as on the home page's "for you" shelf.
            RecommendationPage page = await snapshot.Recommender.RecommendAsync(
                request with { FoldedUser = snapshot.FoldIn(userId) }, http.RequestAborted);
            return Results.Ok(new
            {
                modelVersion = snapshot.Version,
                user = userId,
                source = Source(page.Source),
                sort = SortOrderText.Format(page.Sort),
                totalCount = page.TotalCount,
                nextCursor = page.NextCursor,
                items = page.Select(r => Item(shop, r.ItemId, r.Score)).ToArray(),
            });
        });
    }

    private static async Task<IResult> Search(HttpContext http, Shop.Shop shop, IOptions<StorefrontOptions> options, string? q, string? user,
        string? filter, string? sort, string? cursor, int? pageSize)
    {
        ShopSnapshot snapshot = shop.Current;
        if (string.IsNullOrWhiteSpace(q))
        {
            return Problem("The query is missing.", "Give the search text as q, such as /api/search?q=kettle.", new() { ["parameter"] = "q" });
        }

        if (Check(pageSize, options.Value.MaxPageSize, "pageSize", 20, out int size) is { } badSize)
        {
            return badSize;
        }

        (Filter? parsed, IResult? badFilter) = Filters(filter, shop);
        if (badFilter is not null)
        {
            return badFilter;
        }

        (SortOrder? order, string? sortError) = ShopQuery.ParseSort(sort);
        if (sortError is not null)
        {
            return Problem("The sort order is invalid.", sortError, new() { ["parameter"] = "sort" });
        }

        var request = new SearchRequest(q)
        {
            UserId = string.IsNullOrEmpty(user) ? null : user,
            PageSize = size,
            Filter = parsed,
            Sort = order,
            Cursor = cursor,
            Facets = StorefrontFacets.All,
            Related = 5,
        };
        return await Answer(async () =>
        {
            SearchResult result = await snapshot.Search.SearchAsync(request, http.RequestAborted);
            return Results.Ok(new
            {
                modelVersion = snapshot.Version,
                query = result.Match.Query,
                source = Source(result.Page.Source),
                sort = SortOrderText.Format(result.Page.Sort),
                totalCount = result.Page.TotalCount,
                nextCursor = result.Page.NextCursor,
                items = result.Page.Select(r => Item(shop, r.ItemId, r.Score)).ToArray(),
                facets = result.Page.Facets.Select(f => new
                {
                    attribute = f.Attribute,
                    values = f.Values.Select(v => new { label = v.Label, count = v.Count, filter = FilterText.Format(v.Filter) }).ToArray(),
                }).ToArray(),
                related = result.Related.Select(r => Item(shop, r.ItemId, r.Score)).ToArray(),
            });
        });
    }

    private static async Task<IResult> Related(HttpContext http, Shop.Shop shop, IOptions<StorefrontOptions> options, string? item, string? user, int? count)
    {
        ShopSnapshot snapshot = shop.Current;
        if (string.IsNullOrWhiteSpace(item))
        {
            return Problem("The item is missing.", "Give the item id as item, such as /api/related?item=I0291.", new() { ["parameter"] = "item" });
        }

        if (Check(count, options.Value.MaxPageSize, "count", 10, out int size) is { } badCount)
        {
            return badCount;
        }

        if (!snapshot.Model.Items.TryGetIndex(item, out _))
        {
            return Results.Problem(title: "Unknown item.", detail: $"The served model (version {snapshot.Version}) has no item '{item}'.",
                statusCode: StatusCodes.Status404NotFound, extensions: new Dictionary<string, object?> { ["parameter"] = "item" });
        }

        UserPreferences? preferences = string.IsNullOrEmpty(user) ? null : await shop.Preferences.GetAsync(user, http.RequestAborted);
        return Answer(() =>
        {
            IReadOnlyList<RelatedItem> related = StorefrontLists.Related(snapshot, item, size, preferences);
            return Results.Ok(new
            {
                modelVersion = snapshot.Version,
                item,
                items = related.Select(r => Item(shop, r.ItemId, r.Score)).ToArray(),
            });
        });
    }

    private static IResult Trending(Shop.Shop shop, IOptions<StorefrontOptions> options, int? count, string? category)
    {
        ShopSnapshot snapshot = shop.Current;
        if (Check(count, options.Value.MaxPageSize, "count", 10, out int size) is { } badCount)
        {
            return badCount;
        }

        if (!string.IsNullOrEmpty(category) && !shop.Categories.Any(c => c == category || c.StartsWith(category + "/", StringComparison.Ordinal)))
        {
            return Problem("Unknown category.", $"The catalogue has no category '{category}'; expected one of {string.Join(", ", shop.Categories)} or a parent.",
                new() { ["parameter"] = "category" });
        }

        return Answer(() =>
        {
            IReadOnlyList<TrendingItem> items = snapshot.Tracker.TrendingNow(size, filter: null, category: string.IsNullOrEmpty(category) ? null : category);
            return Results.Ok(new
            {
                modelVersion = snapshot.Version,
                items = items.Select(t => Item(shop, t.ItemId, t.Score)).ToArray(),
            });
        });
    }

    private static async Task<IResult> Events(HttpContext http, Shop.Shop shop, IOptions<StorefrontOptions> options)
    {
        if (!http.Request.HasJsonContentType())
        {
            return Results.Problem(title: "The body must be JSON.",
                detail: $"Send the events with Content-Type: application/json; this request has '{http.Request.ContentType}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        int limit = options.Value.MaxRequestBytes;
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        byte[]? body = await ReadBounded(http.Request.Body, limit, http.RequestAborted);
        if (body is null)
        {
            return TooLarge(limit);
        }

        List<EventBody> events;
        try
        {
            events = ParseEvents(body);
        }
        catch (JsonException exception)
        {
            return Problem("The body is not valid JSON.",
                $"Send one event {{\"user\":\"U0042\",\"item\":\"I0291\",\"type\":\"view\"}} or an array of them: {exception.Message}",
                new() { ["line"] = exception.LineNumber + 1, ["position"] = exception.BytePositionInLine + 1 });
        }
        catch (FormatException exception)
        {
            return Problem("The body is not an event or a list of events.", exception.Message, []);
        }

        const int MaxEvents = 100;
        const int MaxJournaledIdLength = 4096;   // the event journal's limit on an id
        if (events.Count is 0 or > MaxEvents)
        {
            return Problem("Wrong number of events.", $"Send 1 to {MaxEvents} events per request; this body has {events.Count}.", new() { ["count"] = events.Count });
        }

        for (int i = 0; i < events.Count; i++)
        {
            EventBody e = events[i];
            if (string.IsNullOrEmpty(e.Item) || shop.Item(e.Item) is null)
            {
                return Problem("Unknown item.", $"Event {i}: the catalogue has no item '{e.Item}'.", new() { ["index"] = i, ["field"] = "item" });
            }

            if (e.Type is null || !EventTypes.Contains(e.Type))
            {
                return Problem("Unknown event type.", $"Event {i}: '{e.Type}' is not an event type; expected view, cart or purchase.",
                    new() { ["index"] = i, ["field"] = "type" });
            }

            // Checked before any event is written, so a refused batch records nothing and a retry records nothing twice.
            if (!shop.Current.Model.Items.TryGetIndex(e.Item, out _))
            {
                return Problem("Item not tracked yet.", $"Event {i}: the item '{e.Item}' is in the catalogue but not in the served model (nobody had it "
                    + "in the training log), so its events cannot be tracked until a model that has it is served.", new() { ["index"] = i, ["field"] = "item" });
            }

            if (e.User is { Length: > MaxJournaledIdLength })
            {
                return Problem("User id too long.", $"Event {i}: the user id has {e.User.Length} characters; at most {MaxJournaledIdLength}.",
                    new() { ["index"] = i, ["field"] = "user" });
            }
        }

        // 202 only once every accepted event is journaled (Shop.Track returns after the journal write).
        int accepted = 0;
        for (int i = 0; i < events.Count; i++)
        {
            EventBody e = events[i];
            try
            {
                accepted += shop.Track(e.User ?? "", e.Item!, e.Type!) == TrackOutcome.Accepted ? 1 : 0;
            }
            catch (IOException exception)
            {
                return Results.Problem(title: "The event journal could not write.",
                    detail: (i == 0 ? "No event was recorded" : i == 1 ? "Event 0 was recorded" : $"Events 0 to {i - 1} were recorded")
                        + $"; event {i} and later were not ({exception.Message}). Retry those later.",
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    extensions: new Dictionary<string, object?> { ["recorded"] = i, ["accepted"] = accepted });
            }
        }

        return Results.Json(new { accepted, modelVersion = shop.Current.Version }, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult RecentlyViewed(Shop.Shop shop, IOptions<StorefrontOptions> options, string? user, int? count)
    {
        ShopSnapshot snapshot = shop.Current;
        if (Check(count, options.Value.MaxPageSize, "count", 10, out int size) is { } badCount)
        {
            return badCount;
        }

        if (string.IsNullOrEmpty(user))
        {
            return Problem("A user is required.", "Recently viewed items are per user: add ?user=ID.", new() { ["parameter"] = "user" });
        }

        IReadOnlyList<ViewedItem> items = snapshot.Tracker.RecentlyViewed(user, size);
        return Results.Ok(new
        {
            modelVersion = snapshot.Version,
            user,
            items = items.Select(v => new { id = v.ItemId, viewedAt = v.ViewedAt }).ToArray(),
        });
    }

    /// <summary>The live tracker's report: what it holds, what it evicted, and what the journal replayed at start-up (read-only).</summary>
    private static IResult Tracking(Shop.Shop shop, IOptions<StorefrontOptions> options)
    {
        ShopSnapshot snapshot = shop.Current;
        TrackingReport report = snapshot.Tracker.GetReport();
        JournalReport? journal = report.Journal;
        return Results.Ok(new
        {
            modelVersion = snapshot.Version,
            accepted = report.Accepted,
            unknownItems = report.UnknownItems,
            unknownEventTypes = report.UnknownEventTypes,
            users = report.Users,
            maxUsers = options.Value.MaxUsers,
            evictedUsers = report.EvictedUsers,
            evictedUserItems = report.EvictedUserItems,
            journal = journal is null ? null : new
            {
                snapshotSequence = journal.SnapshotSequence,
                recordsReplayed = journal.RecordsReplayed,
                recordsDropped = journal.RecordsDropped,
                bytesDropped = journal.BytesDropped,
                droppedReason = journal.DroppedReason,
                lastSequence = journal.LastSequence,
                snapshotsWritten = journal.SnapshotsWritten,
                lastSnapshotError = journal.LastSnapshotError,
            },
        });
    }

    private static IResult Reload(HttpContext http, IRecommendationService service)
    {
        if (http.Connection.RemoteIpAddress is { } address && !System.Net.IPAddress.IsLoopback(address))
        {
            return Results.Problem(title: "Forbidden.", detail: "Model reloads are accepted from this machine only.", statusCode: StatusCodes.Status403Forbidden);
        }

        ModelSwapResult result = service.Reload();
        return result.Accepted
            ? Results.Ok(new { accepted = true, version = result.Version, source = result.Source })
            : Results.Problem(title: "The model file was rejected; the old model keeps serving.", detail: result.Reason,
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["version"] = service.ModelVersion, ["source"] = result.Source });
    }

    private static object Item(Shop.Shop shop, string id, float score)
    {
        ItemInfo? info = shop.Item(id);
        return new { id, score, title = info?.Title, brand = info?.Brand, category = info?.Category, price = info?.Price, rating = info?.Rating, inStock = info?.InStock };
    }

    private static string Source(RecommendationSource source) => source switch
    {
        RecommendationSource.Personalized => "personalized",
        RecommendationSource.PopularFallback => "popular-fallback",
        RecommendationSource.NonPersonal => "non-personal",
        _ => "empty",
    };

    private static IResult? Check(int? value, int max, string name, int fallback, out int result)
    {
        result = value ?? fallback;
        return result < 1 || result > max
            ? Problem($"{name} is out of range.", $"{name} = {result}: must be between 1 and {max}.", new() { ["parameter"] = name, ["maximum"] = max })
            : null;
    }

    private static (Filter? Filter, IResult? Error) Filters(string? text, Shop.Shop shop)
    {
        (Filter? filter, FilterSyntaxException? error) = ShopQuery.ParseFilter(text, shop.Catalog);
        return error is null ? (filter, null) : (null, FilterProblem(error));
    }

    public static IResult FilterProblem(FilterSyntaxException error) => Results.Problem(
        title: "The filter is invalid.",
        detail: error.Message,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?>
        {
            ["parameter"] = "filter",
            ["column"] = error.Column,
            ["position"] = error.Position,
            ["reason"] = error.Reason,
            ["code"] = error.ErrorCode.ToString(),
        });

    private static IResult Problem(string title, string detail, Dictionary<string, object?> extensions) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest, extensions: extensions);

    private static IResult TooLarge(int limit) => Results.Problem(title: "The body is too large.",
        detail: $"Request bodies are limited to {limit} bytes; send fewer events per request.", statusCode: StatusCodes.Status413PayloadTooLarge,
        extensions: new Dictionary<string, object?> { ["limit"] = limit });

    /// <summary>Runs a query, turning what the library says about bad input (cursor, validation, saved preferences) into a 400.</summary>
    private static async Task<IResult> Answer(Func<Task<IResult>> query)
    {
        try
        {
            return await query();
        }
        catch (Exception exception) when (IsBadInput(exception))
        {
            return BadInput(exception);
        }
    }

    private static IResult Answer(Func<IResult> query)
    {
        try
        {
            return query();
        }
        catch (Exception exception) when (IsBadInput(exception))
        {
            return BadInput(exception);
        }
    }

    private static bool IsBadInput(Exception exception) =>
        exception is ArgumentException or ValidationException or InvalidOperationException or FilterSyntaxException;

    private static IResult BadInput(Exception exception) => exception is FilterSyntaxException syntax
        ? FilterProblem(syntax)
        : Problem("The request cannot be answered as asked.", exception.Message.Split(" (Parameter", 2)[0], []);

    private static async Task<byte[]?> ReadBounded(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit + 1];
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                return buffer[..total];
            }

            total += read;
        }

        return null;
    }

    private static List<EventBody> ParseEvents(byte[] body)
    {
        using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
        JsonElement root = document.RootElement;
        var events = new List<EventBody>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement element in root.EnumerateArray())
            {
                events.Add(ParseEvent(element, events.Count));
            }
        }
        else
        {
            events.Add(ParseEvent(root, 0));
        }

        return events;
    }

    private static EventBody ParseEvent(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Event {index} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}; expected an object such as {{\"user\":\"U0042\",\"item\":\"I0291\",\"type\":\"view\"}}.");
        }

        // A field the API does not read would be dropped in silence: a "timestamp" recorded as now, an "itemId" as no item.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!EventFields.Contains(property.Name))
            {
                throw new FormatException($"Event {index}: the field '{property.Name}' is not one the API reads; an event has user, item and type "
                    + "(names in lower case), and the shop records the time it receives it.");
            }

            if (!seen.Add(property.Name))
            {
                throw new FormatException($"Event {index}: the field '{property.Name}' is given twice.");
            }
        }

        return new EventBody(Text(element, "user", index), Text(element, "item", index), Text(element, "type", index));
    }

    private static readonly string[] EventFields = ["user", "item", "type"];

    private static string? Text(JsonElement element, string name, int index) =>
        !element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"Event {index}: '{name}' is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; ids and types are strings.");

    private sealed record EventBody(string? User, string? Item, string? Type);
}
