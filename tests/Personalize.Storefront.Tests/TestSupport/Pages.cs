using System.Text.RegularExpressions;

namespace Personalize.Storefront.Tests.TestSupport;

/// <summary>Reads the storefront's HTML by the data attributes it puts on shelves and cards.</summary>
internal static partial class Pages
{
    /// <summary>The markup of one home-page shelf, from its opening tag to the next shelf.</summary>
    public static string Shelf(string html, string name)
    {
        int start = html.IndexOf($"data-shelf=\"{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the page has no shelf '{name}'");
        int end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    /// <summary>The item ids of the product cards in some markup, in page order.</summary>
    public static IReadOnlyList<string> ItemIds(string html) => [.. CardPattern().Matches(html).Select(m => m.Groups["item"].Value)];

    /// <summary>The brands of the product cards in some markup.</summary>
    public static IReadOnlyList<string> Brands(string html) => [.. CardPattern().Matches(html).Select(m => m.Groups["brand"].Value)];

    /// <summary>The model version in the footer.</summary>
    public static long FooterVersion(string html) => long.Parse(FooterPattern().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The anti-forgery token in the hidden field of the page's forms that post.</summary>
    public static string AntiforgeryToken(string html)
    {
        Match match = TokenPattern().Match(html);
        Assert.True(match.Success, "the page has no anti-forgery field");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a page form as a browser does: opens the page the form is on (which sets the anti-forgery cookie), then posts the
    /// fields with the page's token.</summary>
    public static async Task<HttpResponseMessage> PostForm(HttpClient client, string page, string action, params (string Name, string Value)[] fields)
    {
        string token = AntiforgeryToken(await client.GetStringAsync(page));
        return await client.PostAsync(action, new FormUrlEncodedContent([.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value)), new(AntiforgeryField, token)]));
    }

    /// <summary>The name of the form field that carries the token (ASP.NET Core's default).</summary>
    public const string AntiforgeryField = "__RequestVerificationToken";

    [GeneratedRegex("<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"([^\"]+)\">")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("class=\"card\" href=\"[^\"]*\" data-item=\"(?<item>[^\"]*)\" data-brand=\"(?<brand>[^\"]*)\"")]
    private static partial Regex CardPattern();

    [GeneratedRegex("id=\"model-version\" data-version=\"(\\d+)\"")]
    private static partial Regex FooterPattern();
}
