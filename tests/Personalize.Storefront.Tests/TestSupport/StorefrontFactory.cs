using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Personalize.Storefront.Tests.TestSupport;

/// <summary>
/// The storefront in a test server (<see cref="WebApplicationFactory{TEntryPoint}"/>), serving its own copy of <see cref="ShopModels.First"/>
/// with its own preference database, so tests never share state through files.
/// </summary>
public sealed class StorefrontFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _settings;

    public StorefrontFactory() : this([])
    {
    }

    internal StorefrontFactory(Dictionary<string, string> settings)
    {
        ModelPath = _state.File("shop.pzm");
        File.Copy(ShopModels.First, ModelPath);
        _settings = new Dictionary<string, string>
        {
            ["Storefront:Data"] = ShopModels.Data,
            ["Storefront:Model"] = ModelPath,
            ["Storefront:StateDirectory"] = _state.Path,
            ["Storefront:WatchModel"] = "false",
            ["Storefront:RateLimit"] = "1000000",
        };
        foreach ((string key, string value) in settings)
        {
            _settings[key] = value;
        }
    }

    /// <summary>The model file this storefront serves (and reloads).</summary>
    public string ModelPath { get; }

    /// <summary>Replaces the served model file atomically (a copy next to it, then a rename over it), as a deployment would.</summary>
    public void ReplaceModel(string source)
    {
        string temporary = ModelPath + ".incoming";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, ModelPath, overwrite: true);
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> Problem(HttpResponseMessage response, int status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJson(HttpClient client, string url) => await Json(await client.GetAsync(url));

    public static Task<HttpResponseMessage> PostEvents(HttpClient client, object body) => client.PostAsJsonAsync("/api/events", body);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach ((string key, string value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _state.Dispose();
        }
    }
}
