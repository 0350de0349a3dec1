using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Personalize.Core.Tracking;
using Personalize.Extensions.DependencyInjection;
using Personalize.Storefront.Api;
using Personalize.Storefront.Shop;
using Personalize.Storefront.Web;

namespace Personalize.Storefront;

/// <summary>Builds the storefront: the sample shop served with <c>AddPersonalize</c>, pages, the JSON API, the rate limiter and hot swap.</summary>
public static class StorefrontApp
{
    /// <summary>Builds the app from command-line arguments and configuration (section <c>Storefront</c>; see README "Run the storefront").</summary>
    /// <param name="args">Arguments such as <c>--urls http://127.0.0.1:5080</c> or <c>--Storefront:Model=shop.pzm</c>.</param>
    /// <param name="configure">Changes the builder before the app is built (tests use it to set configuration); may be null.</param>
    /// <returns>The app, ready to <c>RunAsync</c> or <c>StartAsync</c>.</returns>
    /// <remarks>Without <c>Storefront:Model</c>, a model is trained at start-up with fixed options (seconds on the sample shop, no tuning).</remarks>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        Configure(builder.Services, builder.Configuration);
        WebApplication app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    /// <summary>Builds and runs the app until it is stopped. A start-up problem the settings or files cause (a bad setting, a missing
    /// file, a model that fails its checks, a journal in use) is written as one "error:" message instead of a stack trace.</summary>
    /// <param name="args">The command-line arguments, as for <see cref="Build"/>.</param>
    /// <param name="error">Where the start-up problem is written (the console's error stream).</param>
    /// <param name="configure">Changes the builder before the app is built (tests use it); may be null.</param>
    /// <returns>0 once the app stopped; 2 when it could not start for such a problem.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        WebApplication? app = null;
        try
        {
            app = Build(args, configure);
            await app.StartAsync();
        }
        catch (Exception exception) when (StartupProblem(exception) is { } message)
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await error.WriteLineAsync($"error: {message}");
            return 2;
        }

        await using (app)
        {
            // Only start-up is caught: a failure while serving or stopping keeps its trace.
            await app.WaitForShutdownAsync();
            return 0;
        }
    }

    /// <summary>The message of a start-up failure that the settings or files cause; null for anything else (a bug keeps its trace).</summary>
    private static string? StartupProblem(Exception exception) => exception switch
    {
        OptionsValidationException invalid => "the settings are not valid:" + string.Concat(invalid.Failures.Select(f => Environment.NewLine + "  " + f)),
        StorefrontStartupException or Core.Models.ModelFormatException or Core.Data.InteractionDataException
            or IOException or UnauthorizedAccessException => exception.Message,
        _ => null,
    };

    /// <summary>Registers the storefront's services (used by <see cref="Build"/> and by <c>WebApplicationFactory</c> through Program).</summary>
    private static void Configure(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorefrontOptions>(configuration.GetSection("Storefront"));
        StorefrontOptions options = StorefrontOptions.Read(configuration.GetSection("Storefront"));   // before anything is read or trained
        ShopData data = ShopData.Load(options);
        services.AddSingleton(data);
        string journal = ShopData.JournalDirectory(options);
        ShopClock clock = ShopClock.Open(data.Start, journal);
        services.AddSingleton(clock);

        // Exactly as a user's app registers the library: the model file and its last-good copy, the catalogue for filter text, hot swap on
        // file change, and the live tracker with its journal (it follows the served model across swaps).
        services.AddPersonalize(o =>
        {
            o.ModelPath = data.ModelPath;
            o.LastGoodModelPath = ShopData.LastGoodModelPath(options);
            o.CatalogPath = data.ItemsPath;
            o.MaxCount = options.MaxPageSize;
            o.WatchForChanges = options.WatchModel;
            o.ReloadDelay = options.ReloadDelay;
            o.TimeProvider = clock;   // the live tracker's "now" (trending, buy again) is the shop's, not the whole app's
            o.Tracking = new EventTrackerOptions
            {
                ShortHalfLife = TimeSpan.FromHours(6),   // the sample shop has a few events per item per day (README: 6 h / 7 d)
                BaselineHalfLife = TimeSpan.FromDays(7),
                MaxUsers = options.MaxUsers,
                MaxItemsPerUser = options.MaxItemsPerUser,
                Journal = new EventJournalOptions(journal) { FlushPolicy = options.JournalFlush, SnapshotAfterRecords = options.SnapshotAfterEvents },
            };
        });
        services.AddSingleton<Shop.Shop>();
        services.AddHostedService<ShopWarmup>();
        services.AddAntiforgery();   // page forms carry a token (PageEndpoints); the JSON API does not (README "Forms and the API")
        // A query value that does not bind (count=abc) is a 400 naming the parameter and the value, as the API's own checks are, instead
        // of a bare "Bad Request".
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Title = "A parameter could not be read.";
                context.ProblemDetails.Detail = bad.Message;
            }
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(ApiEndpoints.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RateLimit, Window = options.RateLimitWindow, QueueLimit = 0 }));
            limiter.OnRejected = async (context, token) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Results.Problem(title: "Too many requests.",
                    detail: $"The API takes {options.RateLimit} requests per {options.RateLimitWindow.TotalSeconds:0.###} s from one address; wait and try again.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
        });
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRateLimiter();
        PageEndpoints.Map(app);
        ApiEndpoints.Map(app);
    }

    /// <summary>Seeds a new journal with the sample history and builds the first model snapshot (search, home pages) before the first
    /// request, after AddPersonalize loaded the model and replayed the journal.</summary>
    private sealed class ShopWarmup(Shop.Shop shop, IOptions<StorefrontOptions> options, ILogger<ShopWarmup> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            shop.SeedJournal();
            ShopSnapshot snapshot = shop.Current;
            Core.Tracking.TrackingReport tracking = snapshot.Tracker.GetReport();
            logger.LogInformation("Storefront ready: model version {Version} ({Source}), {Items} items, data from {Data}; rate limit {Limit} per {Window}; "
                + "event journal {Journal}: {Replayed} records replayed after snapshot {Snapshot}, {Users} users held (at most {MaxUsers}).",
                snapshot.Version, snapshot.Source, shop.Catalog.Count, shop.Data.Directory, options.Value.RateLimit, options.Value.RateLimitWindow,
                shop.JournalDirectory, tracking.Journal?.RecordsReplayed, tracking.Journal?.SnapshotSequence, tracking.Users, options.Value.MaxUsers);
            if (snapshot.Fallback is { } fallback)
            {
                logger.LogWarning("Serving the last-good copy {LastGood} instead of {Model}, which failed its checks: {Reason} Replace the model file "
                    + "(atomically) and reload to serve it again.", fallback.LastGoodModelPath, fallback.ModelPath, fallback.Reason);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
