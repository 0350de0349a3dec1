using System.Net;
using System.Text.Json;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>ASP.NET Core's rate limiter guards the API: past the limit, 429 with problem details and a Retry-After.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Requests_past_the_limit_in_one_window_answer_429_and_pages_are_not_limited()
    {
        using var factory = new StorefrontFactory(new() { ["Storefront:RateLimit"] = "3", ["Storefront:RateLimitWindow"] = "01:00:00" });
        using HttpClient client = factory.CreateClient();

        HttpStatusCode[] codes = new HttpStatusCode[5];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = (await client.GetAsync("/api/trending?count=1")).StatusCode;
        }

        HttpResponseMessage limited = await client.GetAsync("/api/trending?count=1");
        JsonElement problem = await StorefrontFactory.Problem(limited, 429);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        Assert.Contains("3 requests per 3600 s", problem.GetProperty("detail").GetString());
        Assert.True(limited.Headers.RetryAfter is not null, "no Retry-After header");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }
}
