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

    [GeneratedRegex("class=\"card\" href=\"[^\"]*\" data-item=\"(?<item>[^\"]*)\" data-brand=\"(?<brand>[^\"]*)\"")]
    private static partial Regex CardPattern();

    [GeneratedRegex("id=\"model-version\" data-version=\"(\\d+)\"")]
    private static partial Regex FooterPattern();
}
