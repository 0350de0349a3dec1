using System.Globalization;
using Microsoft.Playwright;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>
/// A shopper in a real browser (Debian's Chromium driven by Playwright, no browser download) against the storefront on Kestrel: search,
/// narrow by a facet, sort, open a product, buy it, see the home shelves change; block a brand and see it vanish everywhere. Screenshots
/// go to TestResults/storefront/ at the repository root.
/// </summary>
public sealed class BrowserTests
{
    [BrowserFact]
    public async Task A_shopper_searches_narrows_sorts_buys_and_blocks_a_brand()
    {
        string chromium = BrowserFactAttribute.Chromium;
        Assert.True(File.Exists(chromium),
            $"Chromium is not installed at {chromium}: the browser test needs it. Install it with 'apt-get install -y chromium' (.ci/run does), " +
            "or point PERSONALIZE_CHROMIUM at a Chromium binary.");
        string shots = ScreenshotFolder();
        await using KestrelStorefront shop = await KestrelStorefront.StartAsync();
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],   // CI runs as root, where Chromium's sandbox cannot start
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 1000 }, BaseURL = shop.Address });
        page.SetDefaultTimeout(120_000);   // a hang guard for a busy shared machine, not a speed claim
        page.SetDefaultNavigationTimeout(120_000);

        // Sign in as a sample user through the switcher.
        await page.GotoAsync("/");
        await page.SelectOptionAsync("#user", "U0042");
        await page.WaitForSelectorAsync("text=Welcome back, U0042");
        string[] viewedBefore = await Cards(page, "[data-shelf=viewed] .card");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "01-home.png"), FullPage = true });

        // Search.
        await page.FillAsync("#q", "kettle");
        // Wait for the search's navigation from the moment Enter is pressed, up to its document (a wait for the full load after the
        // press timed out once in CI with the page already idle), then for the results.
        Task searched = page.WaitForURLAsync(url => url.Contains("/search?q=kettle", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.PressAsync("#q", "Enter");
        await searched;
        await page.WaitForSelectorAsync("#total");
        int total = int.Parse(await page.GetAttributeAsync("#total", "data-total") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(total > 0, "no results for kettle");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "02-search.png"), FullPage = true });

        // Narrow by the first brand of the facet rail.
        ILocator facet = page.Locator("ul[data-facet=brand] a").First;
        string brand = (await facet.GetAttributeAsync("data-value"))!;
        int facetCount = int.Parse(await page.Locator("ul[data-facet=brand] li").First.Locator(".count").InnerTextAsync(), CultureInfo.InvariantCulture);
        await facet.ClickAsync();
        await page.WaitForSelectorAsync("#active-filter");
        await page.WaitForLoadStateAsync(LoadState.Load);   // the narrowed page has finished loading before the sort changes it
        Assert.Equal(facetCount.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#total", "data-total"));
        Assert.All(await Attribute(page, "#results .card", "data-brand"), b => Assert.Equal(brand, b));

        // Sort by price, low to high.
        // The select submits its form on change; wait for that navigation from the moment the option is chosen (not after it).
        Task sorted = page.WaitForURLAsync(url => url.Contains("sort=price-asc", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.SelectOptionAsync("#sort", "price-asc");
        await sorted;
        decimal[] prices = [.. (await page.Locator("#results .card .price").AllInnerTextsAsync()).Select(p => decimal.Parse(p.TrimStart('$'), CultureInfo.InvariantCulture))];
        Assert.NotEmpty(prices);
        Assert.Equal(prices.Order(), prices);
        Assert.Equal(brand, await page.Locator("#results .card").First.GetAttributeAsync("data-brand"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "03-search-narrowed-sorted.png"), FullPage = true });

        // Open the first in-stock product and buy it.
        await page.Locator("#results .card:not(:has(.oos))").First.ClickAsync();
        await page.WaitForSelectorAsync("#buy-now");
        string bought = (await page.GetAttributeAsync(".product", "data-item"))!;
        await page.ClickAsync("#buy-now");
        await page.WaitForSelectorAsync("#flash");
        Assert.Equal("Thank you for your order!", (await page.InnerTextAsync("#flash")).Trim());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "04-product-bought.png"), FullPage = true });

        // Home: the shelves follow the purchase without a retrain.
        await page.ClickAsync("header nav >> text=Home");
        await page.WaitForSelectorAsync("[data-shelf=viewed]");
        string[] viewedAfter = await Cards(page, "[data-shelf=viewed] .card");
        Assert.Equal(bought, viewedAfter[0]);
        Assert.NotEqual(viewedBefore, viewedAfter);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "05-home-after-purchase.png"), FullPage = true });

        // Block the brand the home page shows most, in the profile.
        string blocked = (await Attribute(page, ".card", "data-brand")).GroupBy(b => b).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        await page.ClickAsync("#profile-link");
        await page.CheckAsync($"input[name=block][value=\"{blocked}\"]");
        await page.ClickAsync("#save-preferences");
        await page.WaitForSelectorAsync("#flash");

        // It vanishes everywhere: home, search for its own name, related items on a product page.
        await page.GotoAsync("/");
        Assert.DoesNotContain(blocked, await Attribute(page, ".card", "data-brand"));
        Assert.NotEmpty(await Attribute(page, ".card", "data-brand"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "06-home-brand-blocked.png"), FullPage = true });
        await page.GotoAsync("/search?q=" + Uri.EscapeDataString(blocked));
        Assert.DoesNotContain(blocked, await Attribute(page, ".card", "data-brand"));
        await page.GotoAsync("/product/" + bought);
        Assert.DoesNotContain(blocked, await Attribute(page, "#related .card", "data-brand"));
    }

    private static async Task<string[]> Cards(IPage page, string selector) => await Attribute(page, selector, "data-item");

    private static async Task<string[]> Attribute(IPage page, string selector, string attribute) =>
        [.. (await page.Locator(selector).EvaluateAllAsync<string[]>($"els => els.map(e => e.getAttribute('{attribute}'))"))];

    private static string ScreenshotFolder()
    {
        DirectoryInfo? root = new(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Personalize.Core.sln")))
        {
            root = root.Parent;
        }

        string folder = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "TestResults", "storefront");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
