using System.Text.RegularExpressions;

namespace Personalize.Storefront.Web;

/// <summary>Who is shopping: a user id from the switcher's cookie, or an anonymous visitor (the empty id).</summary>
internal static partial class Visitor
{
    public const string CookieName = "shop-user";

    /// <summary>The signed-in sample user, or "" for an anonymous visitor.</summary>
    public static string UserId(HttpContext http) =>
        http.Request.Cookies.TryGetValue(CookieName, out string? user) && IsValid(user) ? user! : "";

    /// <summary>Whether a user id is one the switcher accepts (letters, digits, '-' and '_', at most 64).</summary>
    public static bool IsValid(string? user) => user is not null && UserIdPattern().IsMatch(user);

    /// <summary>Signs in as a user, or out for an empty id.</summary>
    public static void Switch(HttpContext http, string user)
    {
        if (user.Length == 0)
        {
            http.Response.Cookies.Delete(CookieName);
            return;
        }

        http.Response.Cookies.Append(CookieName, user, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true });
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex UserIdPattern();
}
