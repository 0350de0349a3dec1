using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Personalize.Storefront.Shop;

namespace Personalize.Storefront.Web;

/// <summary>Server-rendered HTML: the page frame (header, user switcher, footer with the model version) and product cards.</summary>
internal static class Html
{
    /// <summary>HTML-encodes text for element content and attribute values.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>URL-encodes a query-string value.</summary>
    public static string U(string? text) => Uri.EscapeDataString(text ?? "");

    public static string Money(decimal price) => "$" + price.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Wraps a page body in the shop's frame.</summary>
    public static IResult Page(HttpContext http, Shop.Shop shop, ShopSnapshot snapshot, string title, string body, int status = 200, string? query = null)
    {
        string user = Visitor.UserId(http);
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · Nordlicht Market</title><style>").Append(Css).Append("</style></head><body>")
            .Append("<header class=\"top\"><a class=\"logo\" href=\"/\">Nordlicht<span>Market</span></a>")
            .Append("<form class=\"searchbox\" action=\"/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" id=\"q\" placeholder=\"Search kettles, tea, headphones…\" value=\"")
            .Append(E(query)).Append("\" aria-label=\"Search\"><button type=\"submit\">Search</button></form>")
            .Append("<form class=\"switcher\" action=\"/switch\" method=\"get\"><label for=\"user\">Shopping as</label><select id=\"user\" name=\"user\" onchange=\"this.form.submit()\">")
            .Append("<option value=\"\"").Append(user.Length == 0 ? " selected" : "").Append(">Anonymous visitor</option>");
        foreach (string sample in shop.SampleUsers.Append(user).Where(u => u.Length > 0).Distinct())
        {
            html.Append("<option value=\"").Append(E(sample)).Append('"').Append(sample == user ? " selected" : "").Append('>').Append(E(sample)).Append("</option>");
        }

        html.Append("</select><noscript><button type=\"submit\">Switch</button></noscript></form>")
            .Append("<nav><a href=\"/\">Home</a><a href=\"/profile\" id=\"profile-link\">Profile</a></nav></header>")
            .Append("<main>").Append(body).Append("</main>")
            .Append("<footer>Serving model <span id=\"model-version\" data-version=\"").Append(snapshot.Version).Append("\">version ")
            .Append(snapshot.Version).Append("</span> · ").Append(E(Path.GetFileName(snapshot.Source))).Append(" · ")
            .Append(snapshot.Model.Users.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" users, ")
            .Append(snapshot.Model.Items.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" items · events tracked: ")
            .Append(snapshot.Tracker.GetReport().Accepted.ToString(CultureInfo.InvariantCulture));
        if (snapshot.Fallback is { } fallback)
        {
            html.Append(" · <span id=\"last-good\" class=\"oos\" title=\"").Append(E(fallback.Reason)).Append("\">the last-good copy of the model: ")
                .Append(E(Path.GetFileName(fallback.ModelPath))).Append(" failed its checks</span>");
        }

        html.Append(" · Personalize.Core reference storefront</footer></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>The hidden anti-forgery field of a form that posts (ASP.NET Core's antiforgery: the token here, its pair in a cookie
    /// set with this response); <see cref="PageEndpoints"/> refuses a page form posted without them.</summary>
    public static string AntiforgeryField(HttpContext http)
    {
        AntiforgeryTokenSet tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>A product card linking to the product page; data attributes name the item and brand (for tests and scripts).</summary>
    public static void Card(StringBuilder html, ItemInfo item, string? note = null)
    {
        html.Append("<a class=\"card\" href=\"/product/").Append(U(item.Id)).Append("\" data-item=\"").Append(E(item.Id)).Append("\" data-brand=\"")
            .Append(E(item.Brand)).Append("\">");
        Picture(html, item, "thumb");
        html.Append("<span class=\"brand\">").Append(E(item.Brand)).Append("</span><span class=\"title\">").Append(E(item.Title)).Append("</span>")
            .Append("<span class=\"price\">").Append(Money(item.Price)).Append("</span>");
        Stars(html, item);
        if (!item.InStock)
        {
            html.Append("<span class=\"oos\">Out of stock</span>");
        }

        if (note is not null)
        {
            html.Append("<span class=\"note\">").Append(E(note)).Append("</span>");
        }

        html.Append("</a>");
    }

    /// <summary>A drawn product picture: a tile in the category's colour with the product's initials.</summary>
    public static void Picture(StringBuilder html, ItemInfo item, string cssClass)
    {
        int hue = (int)((uint)StableHash(item.Category) % 360);
        int shade = (int)((uint)StableHash(item.Id) % 20);
        string noun = item.Title.Length > item.Brand.Length ? item.Title[item.Brand.Length..].Trim() : item.Title;
        string initials = string.Concat(noun.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => char.IsLetter(w[0])).Take(2).Select(w => w[0]));
        html.Append("<span class=\"").Append(cssClass).Append("\" style=\"background:linear-gradient(135deg,hsl(").Append(hue).Append(",55%,")
            .Append(78 - shade).Append("%),hsl(").Append((hue + 40) % 360).Append(",60%,").Append(62 - shade).Append("%))\"><span>")
            .Append(E(initials)).Append("</span><small>").Append(E(item.Category.Replace("/", " › ", StringComparison.Ordinal))).Append("</small></span>");
    }

    public static void Stars(StringBuilder html, ItemInfo item)
    {
        int full = (int)Math.Round(item.Rating, MidpointRounding.AwayFromZero);
        html.Append("<span class=\"stars\" title=\"").Append(item.Rating.ToString("0.0", CultureInfo.InvariantCulture)).Append(" of 5\">")
            .Append(new string('★', Math.Clamp(full, 0, 5))).Append(new string('☆', 5 - Math.Clamp(full, 0, 5)))
            .Append(" <small>(").Append(item.RatingCount.ToString(CultureInfo.InvariantCulture)).Append(")</small></span>");
    }

    private static int StableHash(string text)
    {
        int hash = 17;
        foreach (char c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }

    private const string Css = """
        *{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;background:#f5f6f8}
        a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
        header.top{display:flex;gap:18px;align-items:center;padding:12px 24px;background:#14213d;color:#fff;flex-wrap:wrap}
        .logo{font-size:22px;font-weight:800;color:#fff}.logo span{color:#fca311;margin-left:2px}
        .searchbox{flex:1;display:flex;min-width:260px}.searchbox input{flex:1;padding:9px 12px;border:0;border-radius:6px 0 0 6px;font-size:15px}
        .searchbox button,button,.button{padding:9px 16px;border:0;border-radius:6px;background:#fca311;color:#14213d;font-weight:700;cursor:pointer;font-size:14px}
        .searchbox button{border-radius:0 6px 6px 0}.switcher{display:flex;gap:6px;align-items:center;font-size:13px}
        .switcher select{padding:6px;border-radius:6px}header nav a{color:#fff;margin-left:14px;font-weight:600}
        main{max-width:1240px;margin:0 auto;padding:18px 24px}footer{text-align:center;color:#6b7280;font-size:12px;padding:18px;border-top:1px solid #e5e7eb}
        h1{font-size:24px;margin:8px 0 14px}h2{font-size:18px;margin:22px 0 10px}
        .shelf{background:#fff;border-radius:10px;padding:6px 16px 14px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
        .shelf .why{color:#6b7280;font-size:12px;margin-left:8px;font-weight:400}
        .row{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
        .card{display:flex;flex-direction:column;gap:3px;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px;color:inherit;font-size:13px}
        .card:hover{border-color:#fca311;text-decoration:none}.thumb,.hero{display:flex;flex-direction:column;align-items:center;justify-content:center;border-radius:6px;color:#fff}
        .thumb{height:96px}.thumb span{font-size:30px;font-weight:800;text-shadow:0 1px 2px rgba(0,0,0,.25)}.thumb small{font-size:10px;opacity:.9}
        .hero{height:320px}.hero span{font-size:96px;font-weight:800;text-shadow:0 2px 4px rgba(0,0,0,.25)}.hero small{font-size:14px}
        .brand{color:#6b7280;font-size:11px;text-transform:uppercase;letter-spacing:.04em}.title{font-weight:600;min-height:34px}
        .price{font-weight:800;font-size:15px}.stars{color:#f59e0b;font-size:12px}.stars small{color:#6b7280}
        .oos{color:#b91c1c;font-size:11px;font-weight:700}.note{color:#047857;font-size:11px}.pin{color:#b45309;font-size:11px;font-weight:700}
        .layout{display:grid;grid-template-columns:230px 1fr 230px;gap:18px}.rail,.aside{background:#fff;border-radius:10px;padding:10px 14px;font-size:13px;align-self:start}
        .rail h3,.aside h3{font-size:13px;text-transform:uppercase;color:#6b7280;margin:12px 0 6px}.rail ul{list-style:none;padding:0;margin:0}
        .rail li{display:flex;justify-content:space-between;padding:2px 0}.rail .count{color:#6b7280}
        .toolbar{display:flex;justify-content:space-between;align-items:center;margin-bottom:10px;font-size:13px;gap:10px;flex-wrap:wrap}
        .chip{display:inline-block;background:#e0e7ff;border-radius:12px;padding:3px 10px;margin-right:6px;font-size:12px}
        .product{display:grid;grid-template-columns:1fr 1fr;gap:28px;background:#fff;border-radius:10px;padding:20px}
        .product .buy{display:flex;gap:10px;margin:16px 0}.product .buy form{margin:0}.big-price{font-size:28px;font-weight:800}
        .flash{background:#ecfdf5;border:1px solid #10b981;padding:8px 12px;border-radius:6px;margin-bottom:12px}
        .warn{background:#fef2f2;border:1px solid #ef4444;padding:8px 12px;border-radius:6px;margin-bottom:12px;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px}
        .because li{margin:4px 0}.tags span{background:#f3f4f6;border-radius:10px;padding:2px 8px;margin-right:4px;font-size:12px}
        .profile{background:#fff;border-radius:10px;padding:20px}.brands{columns:4;font-size:13px}.profile label{display:block;margin:3px 0}
        .profile input[type=text]{width:100%;padding:8px;font-family:ui-monospace,monospace}.pager{margin-top:14px}
        .empty{color:#6b7280;font-style:italic}
        """;
}
