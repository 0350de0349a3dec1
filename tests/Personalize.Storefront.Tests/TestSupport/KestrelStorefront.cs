using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Personalize.Storefront.Tests.TestSupport;

/// <summary>
/// The storefront on a real Kestrel server on a loopback port, for a browser (the test server of <c>WebApplicationFactory</c> has no socket).
/// It serves its own copy of <see cref="ShopModels.First"/> with its own preference database.
/// </summary>
internal sealed class KestrelStorefront : IAsyncDisposable
{
    private readonly TempDirectory _state;
    private readonly WebApplication _app;

    private KestrelStorefront(TempDirectory state, WebApplication app, string address)
    {
        _state = state;
        _app = app;
        Address = address;
    }

    /// <summary>The base address, such as http://127.0.0.1:41234.</summary>
    public string Address { get; }

    public static async Task<KestrelStorefront> StartAsync()
    {
        var state = new TempDirectory();
        string model = state.File("shop.pzm");
        File.Copy(ShopModels.First, model);
        WebApplication app = StorefrontApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Storefront:Data"] = ShopModels.Data,
                ["Storefront:Model"] = model,
                ["Storefront:StateDirectory"] = state.Path,
                ["Storefront:WatchModel"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            }));
        await app.StartAsync();
        string address = app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        return new KestrelStorefront(state, app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state.Dispose();
    }
}
