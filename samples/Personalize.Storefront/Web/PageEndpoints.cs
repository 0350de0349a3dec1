using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Personalize.Core.Filtering;
using Personalize.Core.Pages;
using Personalize.Core.Preferences;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;
using Personalize.Search;
using Personalize.Storefront.Shop;

namespace Personalize.Storefront.Web;

/// <summary>The shop's pages: home shelves, search with the customization rail, product, profile, and the user switcher.</summary>
internal static class PageEndpoints
{
    /// <summary>The promotion pinned to the first slot of "trending now" (it obeys stock and the user's blocks).</summary>
    public const string PromotedItem = "I1315";

    private static readonly (string Name, ShelfKind Kind, string Title)[] Shelves =
    [
        // Page order is fill order: each item is shown once, so "buy it again" comes before the shelves that could take its items.
        ("for-you", ShelfKind.ForYou, "Recommended for you"),
        ("again", ShelfKind.BuyAgain, "Buy it again"),
        ("viewed", ShelfKind.RecentlyViewed, "Recently viewed"),
        ("related", ShelfKind.RelatedToRecentlyViewed, "Related to what you viewed"),
        ("trending", ShelfKind.TrendingNow, "Trending now"),
    ];

    private static readonly (string Value, string Label)[] Sorts =
    [
        ("", "Best match"), ("price-asc", "Price: low to high"), ("price-desc", "Price: high to low"), ("rating", "Top rated"),
        ("newest", "Newest"), ("popularity", "Most popular"),
    ];

    public static void Map(WebApplication app)
    {
        app.MapGet("/", Home);
        app.MapGet("/search", SearchPage);
        app.MapGet("/product/{id}", Product);
        app.MapPost("/product/{id}/cart", (HttpContext http, Shop.Shop shop, string id) => Act(http, shop, id, "cart")).AddEndpointFilter(RequireAntiforgery);
        app.MapPost("/product/{id}/buy", (HttpContext http, Shop.Shop shop, string id) => Act(http, shop, id, "purchase")).AddEndpointFilter(RequireAntiforgery);
        app.MapGet("/profile", Profile);
        app.MapPost("/profile", SaveProfile).AddEndpointFilter(RequireAntiforgery);
        app.MapGet("/switch", (HttpContext http, string? user) =>
        {
            Visitor.Switch(http, Visitor.IsValid(user) ? user! : "");
            return Results.Redirect("/");
        });
    }

    /// <summary>Refuses a page form posted without the anti-forgery token of a page this shop served (a form on another site that posts
    /// here, with the shopper's cookies): 400, and nothing is tracked or saved.</summary>
    private static async ValueTask<object?> RequireAntiforgery(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        if (await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return await next(context);
        }

        Shop.Shop shop = http.RequestServices.GetRequiredService<Shop.Shop>();
        return Html.Page(http, shop, shop.Current, "Form not accepted",
            "<h1>This form could not be verified</h1><div class=\"warn\" id=\"error\">The form did not carry this shop's anti-forgery token "
            + "(it may have come from another site, or the page was open too long). Nothing was changed.</div><p>Go back, reload the page and "
            + "try again.</p>", StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> Home(HttpContext http, Shop.Shop shop)
    {
        ShopSnapshot snapshot = shop.Current;
        string user = Visitor.UserId(http);
        var request = new HomePageRequest(user, [.. Shelves.Select(s => new ShelfRequest(s.Name, s.Kind, 12))])
        {
            BusinessFilter = Filter.Where("in_stock").IsTrue(),
            Pinned = [new PinnedItem("trending", 0, PromotedItem)],
            ApplyPreferences = user.Length > 0,
        };
        HomePage page = await snapshot.Home.BuildAsync(request, http.RequestAborted);
        var html = new StringBuilder();
        html.Append("<h1>").Append(user.Length == 0 ? "Welcome to Nordlicht Market" : "Welcome back, " + Html.E(user)).Append("</h1>");
        foreach (Shelf shelf in page.Shelves)
        {
            (string _, ShelfKind _, string title) = Shelves.First(s => s.Name == shelf.Name);
            html.Append("<section class=\"shelf\" id=\"shelf-").Append(shelf.Name).Append("\" data-shelf=\"").Append(shelf.Name).Append("\"><h2>")
                .Append(Html.E(title)).Append("<span class=\"why\">").Append(Html.E(Why(shelf))).Append("</span></h2>");
            if (shelf.Items.Count == 0)
            {
                html.Append("<p class=\"empty\">").Append(Html.E(EmptyText(shelf.Kind, user))).Append("</p>");
            }
            else
            {
                html.Append("<div class=\"row\">");
                foreach (ShelfItem item in shelf.Items)
                {
                    if (shop.Item(item.ItemId) is { } info)
                    {
                        Html.Card(html, info, item.Pinned ? "Promoted" : null);
                    }
                }

                html.Append("</div>");
            }

            html.Append("</section>");
        }

        return Html.Page(http, shop, snapshot, "Home", html.ToString());
    }

    private static async Task<IResult> SearchPage(HttpContext http, Shop.Shop shop, string? q, string? f, string? sort, string? cursor)
    {
        ShopSnapshot snapshot = shop.Current;
        string user = Visitor.UserId(http);
        var html = new StringBuilder();
        if (string.IsNullOrWhiteSpace(q))
        {
            html.Append("<h1>Search</h1><p class=\"empty\">Type what you are looking for in the search box.</p>");
            return Html.Page(http, shop, snapshot, "Search", html.ToString());
        }

        (Filter? filter, FilterSyntaxException? filterError) = ShopQuery.ParseFilter(f, shop.Catalog);
        (SortOrder? order, string? sortError) = ShopQuery.ParseSort(sort);
        if (filterError is not null || sortError is not null)
        {
            html.Append("<h1>Results for “").Append(Html.E(q)).Append("”</h1><div class=\"warn\" id=\"error\">")
                .Append(Html.E(filterError?.Message ?? sortError)).Append("</div>");
            return Html.Page(http, shop, snapshot, "Search", html.ToString(), StatusCodes.Status400BadRequest, q);
        }

        var request = new SearchRequest(q)
        {
            UserId = user.Length == 0 ? null : user,
            PageSize = 24,
            Filter = filter,
            Sort = order,
            Cursor = cursor,
            Facets = StorefrontFacets.All,
            Related = 6,
        };
        SearchResult result;
        try
        {
            result = await snapshot.Search.SearchAsync(request, http.RequestAborted);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // A filter the search cannot apply ('not bought': a search does not know the shopper's purchases) is the shopper's to
            // change, as a syntax error is: the page says so instead of failing.
            html.Append("<div class=\"warn\" id=\"error\">").Append(Html.E(exception.Message.Split(" (Parameter", 2)[0])).Append("</div>");
            return Html.Page(http, shop, snapshot, "Search", html.ToString(), StatusCodes.Status400BadRequest, q);
        }

        RecommendationPage page = result.Page;
        html.Append("<div class=\"layout\"><aside class=\"rail\" id=\"facets\"><h3>Narrow your results</h3>");
        if (filter is not null)
        {
            html.Append("<p><span class=\"chip\" id=\"active-filter\">").Append(Html.E(FilterText.Format(filter))).Append("</span><a href=\"")
                .Append(SearchUrl(q, null, sort, null)).Append("\" id=\"clear-filter\">clear</a></p>");
        }

        foreach (Facet facet in page.Facets)
        {
            html.Append("<h3>").Append(Html.E(facet.Attribute)).Append("</h3><ul data-facet=\"").Append(Html.E(facet.Attribute)).Append("\">");
            foreach (FacetValue value in facet.Values.Where(v => v.Count > 0))
            {
                string narrowed = FilterText.Format(filter is null ? value.Filter : filter.And(value.Filter));
                html.Append("<li><a href=\"").Append(SearchUrl(q, narrowed, sort, null)).Append("\" data-value=\"").Append(Html.E(value.Label)).Append("\">")
                    .Append(Html.E(value.Label)).Append("</a><span class=\"count\">").Append(value.Count.ToString(CultureInfo.InvariantCulture))
                    .Append("</span></li>");
            }

            html.Append("</ul>");
        }

        html.Append("</aside><section><div class=\"toolbar\"><h1>Results for “").Append(Html.E(q)).Append("”</h1><span id=\"total\" data-total=\"")
            .Append(page.TotalCount).Append("\">").Append(page.TotalCount.ToString("N0", CultureInfo.InvariantCulture)).Append(" items")
            .Append(page.Source == RecommendationSource.Personalized ? ", in your order" : "").Append("</span>")
            .Append("<form method=\"get\" action=\"/search\"><input type=\"hidden\" name=\"q\" value=\"").Append(Html.E(q)).Append("\">");
        if (f is not null)
        {
            html.Append("<input type=\"hidden\" name=\"f\" value=\"").Append(Html.E(f)).Append("\">");
        }

        html.Append("<label for=\"sort\">Sort by </label><select id=\"sort\" name=\"sort\" onchange=\"this.form.submit()\">");
        foreach ((string value, string label) in Sorts)
        {
            html.Append("<option value=\"").Append(value).Append('"').Append((sort ?? "") == value ? " selected" : "").Append('>').Append(label).Append("</option>");
        }

        html.Append("</select><noscript><button type=\"submit\">Sort</button></noscript></form></div><div class=\"row\" id=\"results\">");
        foreach (Recommendation item in page)
        {
            if (shop.Item(item.ItemId) is { } info)
            {
                Html.Card(html, info);
            }
        }

        html.Append("</div>");
        if (page.Count == 0)
        {
            html.Append("<p class=\"empty\">Nothing matches; try fewer words or clear the filter.</p>");
        }

        if (page.NextCursor is not null)
        {
            html.Append("<p class=\"pager\"><a class=\"button\" id=\"next-page\" href=\"").Append(SearchUrl(q, f, sort, page.NextCursor)).Append("\">Next page →</a></p>");
        }

        html.Append("</section><aside class=\"aside\" id=\"related-to-search\"><h3>Related to your search</h3><div class=\"row\">");
        foreach (RelatedItem related in result.Related)
        {
            if (shop.Item(related.ItemId) is { } info)
            {
                Html.Card(html, info);
            }
        }

        html.Append("</div></aside></div>");
        return Html.Page(http, shop, snapshot, "Search: " + q, html.ToString(), query: q);
    }

    private static async Task<IResult> Product(HttpContext http, Shop.Shop shop, string id, string? done)
    {
        ShopSnapshot snapshot = shop.Current;
        string user = Visitor.UserId(http);
        if (shop.Item(id) is not { } item)
        {
            return Html.Page(http, shop, snapshot, "Not found", "<h1>Not found</h1><p>The shop has no item “" + Html.E(id) + "”.</p>", StatusCodes.Status404NotFound);
        }

        if (done is null)
        {
            shop.Track(user, id, "view");
        }

        UserPreferences? preferences = user.Length == 0 ? null : await shop.Preferences.GetAsync(user, http.RequestAborted);
        var html = new StringBuilder();
        if (done is "cart" or "purchase")
        {
            html.Append("<div class=\"flash\" id=\"flash\">").Append(done == "cart" ? "Added to your cart." : "Thank you for your order!").Append("</div>");
        }
        else if (done == "untracked")
        {
            html.Append("<div class=\"warn\" id=\"flash\">This item is new to the shop's model, so your action was not recorded; "
                + "it will count once a model that knows the item is served.</div>");
        }

        if (preferences?.BlockedBrands.Contains(item.Brand) == true)
        {
            html.Append("<div class=\"warn\">You blocked ").Append(Html.E(item.Brand)).Append(": its items are left out of your lists.</div>");
        }

        html.Append("<div class=\"product\" data-item=\"").Append(Html.E(item.Id)).Append("\" data-brand=\"").Append(Html.E(item.Brand)).Append("\"><div>");
        Html.Picture(html, item, "hero");
        html.Append("</div><div><div class=\"brand\">").Append(Html.E(item.Brand)).Append(" · ").Append(Html.E(item.Category)).Append("</div><h1>")
            .Append(Html.E(item.Title)).Append("</h1>");
        Html.Stars(html, item);
        html.Append("<p class=\"big-price\">").Append(Html.Money(item.Price)).Append("</p><p>").Append(item.InStock ? "In stock" : "<span class=\"oos\">Out of stock</span>")
            .Append("</p><p class=\"tags\">");
        foreach (string tag in item.Tags)
        {
            html.Append("<span>").Append(Html.E(tag)).Append("</span>");
        }

        html.Append("</p><div class=\"buy\">");
        if (item.InStock)
        {
            string token = Html.AntiforgeryField(http);
            html.Append("<form method=\"post\" action=\"/product/").Append(Html.U(id)).Append("/cart\">").Append(token)
                .Append("<button id=\"add-to-cart\" type=\"submit\">Add to cart</button></form>")
                .Append("<form method=\"post\" action=\"/product/").Append(Html.U(id)).Append("/buy\">").Append(token)
                .Append("<button id=\"buy-now\" type=\"submit\">Buy now</button></form>");
        }

        html.Append("</div>");
        Because(html, shop, snapshot, user, id, preferences);
        html.Append("</div></div><section class=\"shelf\" id=\"related\"><h2>Customers who viewed this also viewed</h2><div class=\"row\">");
        foreach (RelatedItem related in StorefrontLists.Related(snapshot, id, 12, preferences))
        {
            if (shop.Item(related.ItemId) is { } info)
            {
                Html.Card(html, info);
            }
        }

        html.Append("</div></section>");
        return Html.Page(http, shop, snapshot, item.Title, html.ToString());
    }

    /// <summary>"Because you bought X": the history items (training, and the events the live tracker holds: the seeded sample history
    /// and the live ones, which a restart replays from the journal) that contributed most to the user's score.</summary>
    private static void Because(StringBuilder html, Shop.Shop shop, ShopSnapshot snapshot, string user, string itemId, UserPreferences? preferences)
    {
        if (user.Length == 0 || preferences?.PersonalizationOptOut == true)
        {
            return;
        }

        ScoreExplanation explanation;
        try
        {
            explanation = snapshot.FoldIn(user) is { } folded
                ? snapshot.Recommender.Explain(folded, itemId, 3)
                : snapshot.Recommender.Explain(user, itemId, 3);   // a rating model: its own history (tracked events are not ratings)
        }
        catch (ArgumentException)
        {
            return;   // an item this model does not know: nothing to explain
        }

        List<ScoreContribution> parts = [.. explanation.Contributions.Where(c => c.Share > 0.01f && c.ItemId != itemId)];
        if (parts.Count == 0)
        {
            return;
        }

        html.Append("<div id=\"because\"><h3>Why we think you'll like it</h3><ul class=\"because\">");
        foreach (ScoreContribution part in parts)
        {
            ItemInfo? info = shop.Item(part.ItemId);
            html.Append("<li>Because you ").Append(snapshot.Tracker.HasBought(user, part.ItemId) ? "bought" : "viewed").Append(" <a href=\"/product/")
                .Append(Html.U(part.ItemId)).Append("\">").Append(Html.E(info?.Title ?? part.ItemId)).Append("</a> <small>(")
                .Append((part.Share * 100).ToString("0", CultureInfo.InvariantCulture)).Append("%)</small></li>");
        }

        html.Append("</ul></div>");
    }

    private static IResult Act(HttpContext http, Shop.Shop shop, string id, string eventType)
    {
        if (shop.Item(id) is null)
        {
            return Results.NotFound();
        }

        // An item the served model lacks cannot be tracked: say so on the page instead of thanking for an order that was not recorded.
        TrackOutcome outcome = shop.Track(Visitor.UserId(http), id, eventType);
        return Results.Redirect("/product/" + Html.U(id) + "?done=" + (outcome == TrackOutcome.Accepted ? eventType : "untracked"));
    }

    private static async Task<IResult> Profile(HttpContext http, Shop.Shop shop)
    {
        string user = Visitor.UserId(http);
        UserPreferences? preferences = user.Length == 0 ? null : await shop.Preferences.GetAsync(user, http.RequestAborted);
        return ProfilePage(http, shop, user, preferences ?? new UserPreferences(), null, null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SaveProfile(HttpContext http, Shop.Shop shop)
    {
        string user = Visitor.UserId(http);
        if (user.Length == 0 || !http.Request.HasFormContentType)
        {
            return ProfilePage(http, shop, user, new UserPreferences(), "Choose a user in the switcher to save preferences.", null, StatusCodes.Status400BadRequest);
        }

        IFormCollection form = await http.Request.ReadFormAsync(http.RequestAborted);
        UserPreferences? saved = await shop.Preferences.GetAsync(user, http.RequestAborted);
        string? defaultFilter = string.IsNullOrWhiteSpace(form["filter"]) ? null : form["filter"].ToString().Trim();
        string? sort = string.IsNullOrWhiteSpace(form["sort"]) ? null : form["sort"].ToString();
        var wanted = new UserPreferences
        {
            BlockedBrands = [.. form["block"].OfType<string>().Where(b => shop.Brands.Contains(b)).Distinct()],
            BlockedItems = saved?.BlockedItems ?? [],
            BlockedCategories = saved?.BlockedCategories ?? [],
            DefaultFilter = defaultFilter,
            PreferredSort = sort,
            PersonalizationOptOut = form["optout"] == "on",
            // The version the form was filled from (a form without one, as an old page posts, takes the stored one).
            Version = long.TryParse(form["version"], NumberStyles.None, CultureInfo.InvariantCulture, out long version) ? version : saved?.Version ?? 0,
        };
        (Filter? parsed, FilterSyntaxException? error) = ShopQuery.ParseFilter(defaultFilter, shop.Catalog);
        if (error is not null)
        {
            return ProfilePage(http, shop, user, wanted, error.Message, null, StatusCodes.Status400BadRequest);
        }

        CompiledFilter? compiled;
        try
        {
            compiled = parsed is null ? null : FilterCompiler.Compile(parsed, shop.Catalog, shop.Catalog.Items);
        }
        catch (ArgumentException exception)
        {
            // Read, but not applicable ('price < 10 or not seen': the rule applies to the whole filter only).
            return ProfilePage(http, shop, user, wanted, exception.Message.Split(" (Parameter", 2)[0], null, StatusCodes.Status400BadRequest);
        }

        if (compiled is { ExcludesBought: true })
        {
            // Search and the API's lists have no purchases to leave out: saved, the rule would fail them on every visit.
            return ProfilePage(http, shop, user, wanted, "'not bought' cannot be a saved default filter in this shop: its search does not know what "
                + "you bought. Use 'not seen' to leave out what you viewed or bought, or leave the rule out.", null, StatusCodes.Status400BadRequest);
        }

        if (ShopQuery.ParseSort(sort).Error is { } sortError)
        {
            return ProfilePage(http, shop, user, wanted, sortError, null, StatusCodes.Status400BadRequest);
        }

        try
        {
            UserPreferences stored = await shop.Preferences.SaveAsync(user, wanted, http.RequestAborted);
            return ProfilePage(http, shop, user, stored, null, "Saved. Your preferences now apply on every page.", StatusCodes.Status200OK);
        }
        catch (PreferenceConflictException exception)
        {
            return ProfilePage(http, shop, user, wanted, exception.Message + " Reload the page and save again.", null, StatusCodes.Status409Conflict);
        }
    }

    private static IResult ProfilePage(HttpContext http, Shop.Shop shop, string user, UserPreferences preferences, string? error, string? flash, int status)
    {
        ShopSnapshot snapshot = shop.Current;
        var html = new StringBuilder("<div class=\"profile\"><h1>Your preferences</h1>");
        if (flash is not null)
        {
            html.Append("<div class=\"flash\" id=\"flash\">").Append(Html.E(flash)).Append("</div>");
        }

        if (error is not null)
        {
            html.Append("<div class=\"warn\" id=\"error\">").Append(Html.E(error)).Append("</div>");
        }

        if (user.Length == 0)
        {
            html.Append("<p>You are browsing as an anonymous visitor. Choose a user in the switcher at the top to keep preferences.</p></div>");
            return Html.Page(http, shop, snapshot, "Profile", html.ToString(), status);
        }

        // The version the form was filled from goes back with it: a save from a stale tab is a conflict, not a silent overwrite.
        html.Append("<form method=\"post\" action=\"/profile\" id=\"preferences\">").Append(Html.AntiforgeryField(http))
            .Append("<input type=\"hidden\" name=\"version\" value=\"").Append(preferences.Version.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append("<h2>Brands you never want to see</h2><div class=\"brands\">");
        foreach (string brand in shop.Brands)
        {
            html.Append("<label><input type=\"checkbox\" name=\"block\" value=\"").Append(Html.E(brand)).Append('"')
                .Append(preferences.BlockedBrands.Contains(brand) ? " checked" : "").Append("> ").Append(Html.E(brand)).Append("</label>");
        }

        html.Append("</div><h2>Default filter</h2><p><small>Applied to search and recommendations when you give none, e.g. <code>price &lt;= 50 and rating &gt;= 4</code></small></p>")
            .Append("<input type=\"text\" name=\"filter\" id=\"default-filter\" value=\"").Append(Html.E(preferences.DefaultFilter)).Append("\">")
            .Append("<h2>Preferred sort</h2><select name=\"sort\" id=\"preferred-sort\">");
        foreach ((string value, string label) in Sorts)
        {
            html.Append("<option value=\"").Append(value).Append('"').Append((preferences.PreferredSort ?? "") == value ? " selected" : "").Append('>')
                .Append(value.Length == 0 ? "No preference" : label).Append("</option>");
        }

        html.Append("</select><h2>Personalization</h2><label><input type=\"checkbox\" name=\"optout\" id=\"optout\"")
            .Append(preferences.PersonalizationOptOut ? " checked" : "").Append("> Don't personalize my lists (show popular items instead)</label>")
            .Append("<p><button type=\"submit\" id=\"save-preferences\">Save preferences</button></p></form></div>");
        return Html.Page(http, shop, snapshot, "Profile", html.ToString(), status);
    }

    private static string SearchUrl(string q, string? filter, string? sort, string? cursor)
    {
        var url = new StringBuilder("/search?q=").Append(Html.U(q));
        if (!string.IsNullOrEmpty(filter))
        {
            url.Append("&f=").Append(Html.U(filter));
        }

        if (!string.IsNullOrEmpty(sort))
        {
            url.Append("&sort=").Append(Html.U(sort));
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            url.Append("&cursor=").Append(Html.U(cursor));
        }

        return Html.E(url.ToString());
    }

    private static string Why(Shelf shelf) => shelf.Kind switch
    {
        ShelfKind.ForYou => shelf.Source == RecommendationSource.Personalized ? "picked for you" : "popular with shoppers",
        ShelfKind.BuyAgain => "due for a re-order",
        ShelfKind.RecentlyViewed => "pick up where you left off",
        ShelfKind.RelatedToRecentlyViewed => "shoppers who viewed these also viewed",
        _ => "selling faster than usual",
    };

    private static string EmptyText(ShelfKind kind, string user) => kind switch
    {
        ShelfKind.RecentlyViewed or ShelfKind.RelatedToRecentlyViewed => user.Length == 0 ? "Choose a user to see this shelf." : "Nothing viewed yet.",
        ShelfKind.BuyAgain => user.Length == 0 ? "Choose a user to see this shelf." : "Nothing to re-order yet.",
        _ => "Nothing here right now.",
    };
}
