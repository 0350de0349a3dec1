namespace Personalize.Storefront.Tests.TestSupport;

/// <summary>
/// A test that drives Chromium. On a machine without it (a fresh machine with only the .NET SDK, where the README's <c>dotnet test</c>
/// must pass) the test is reported as skipped, with the reason; where <c>PERSONALIZE_REQUIRE_BROWSER=1</c> (set by <c>.ci/run</c>, which
/// installs Chromium) it always runs, and a missing browser fails it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>The Chromium binary: <c>PERSONALIZE_CHROMIUM</c>, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("PERSONALIZE_CHROMIUM") ?? "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium) && Environment.GetEnvironmentVariable("PERSONALIZE_REQUIRE_BROWSER") != "1")
        {
            Skip = $"Chromium is not installed at {Chromium}. Install it ('apt-get install -y chromium') or point PERSONALIZE_CHROMIUM at a "
                + "Chromium binary; .ci/run installs it and sets PERSONALIZE_REQUIRE_BROWSER=1, so there the test always runs.";
        }
    }
}
