using System.ComponentModel.DataAnnotations;
using Personalize.Core.Tracking;

namespace Personalize.Storefront.Shop;

/// <summary>The storefront's settings, bound from the <c>Storefront</c> configuration section (<c>--Storefront:Model=shop.pzm</c>).</summary>
internal sealed class StorefrontOptions
{
    /// <summary>The folder with items.csv and events.csv; found by walking up from the working folder to samples/data when unset.</summary>
    public string? Data { get; set; }

    /// <summary>The model file to serve; when unset, a model is trained at start-up into <see cref="StateDirectory"/>.</summary>
    public string? Model { get; set; }

    /// <summary>Where the trained model and the preference database live. Default: a folder under the system temp folder.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>The verified copy of the last model that served (the DI package's <c>LastGoodModelPath</c>): served instead of
    /// <see cref="Model"/> when that file fails its checks at start-up. Default: last-good.pzm in <see cref="StateDirectory"/>.</summary>
    public string? LastGoodModel { get; set; }

    /// <summary>The SQLite preference database. Default: prefs.db in <see cref="StateDirectory"/>.</summary>
    public string? Preferences { get; set; }

    /// <summary>Whether a replaced model file is reloaded by itself (the DI package's file watcher).</summary>
    public bool WatchModel { get; set; } = true;

    /// <summary>How long the model file must stay unchanged before it is reloaded.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests per client address per <see cref="RateLimitWindow"/> on the JSON API (ASP.NET Core's fixed-window limiter).</summary>
    [Range(1, int.MaxValue)]
    public int RateLimit { get; set; } = 600;

    /// <summary>The rate limiter's window.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest request body the API reads, in bytes.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024;

    /// <summary>The largest page of items one request may ask for.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;

    /// <summary>The event journal's directory (the live tracker's durable state). Default: events in <see cref="StateDirectory"/>.</summary>
    /// <remarks>One storefront at a time may use a journal directory (the tracker holds a lock file in it).</remarks>
    public string? Journal { get; set; }

    /// <summary>When a tracked event counts as written: <c>EveryRecord</c> (default: flushed to disk before the request is acknowledged,
    /// concurrent requests share a flush) or <c>GroupCommit</c> (handed to the OS: survives a killed process, not a power cut).</summary>
    public JournalFlushPolicy JournalFlush { get; set; } = JournalFlushPolicy.EveryRecord;

    /// <summary>Journal records between two tracker snapshots (each snapshot lets the journal before it be deleted).</summary>
    [Range(1, int.MaxValue)]
    public int SnapshotAfterEvents { get; set; } = 1_000_000;

    /// <summary>The most users the live tracker holds; beyond it the least recently active users are evicted (reported by /api/tracking).</summary>
    [Range(1, int.MaxValue)]
    public int MaxUsers { get; set; } = 100_000;

    /// <summary>The most items the live tracker holds per user; beyond it the user's least recently touched items are forgotten.</summary>
    [Range(1, 10_000_000)]
    public int MaxItemsPerUser { get; set; } = 500;

    /// <summary>Latent factors of the model trained at start-up (fixed, not tuned, so start-up stays quick).</summary>
    [Range(1, 1024)]
    public int Factors { get; set; } = 32;

    /// <summary>Training epochs of the model trained at start-up.</summary>
    [Range(1, 1000)]
    public int Epochs { get; set; } = 8;

    /// <summary>Seed of the model trained at start-up.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Reads the settings from the <c>Storefront</c> section and checks them: every value that is not of its setting's kind
    /// (<c>JournalFlush=Bogus</c>, <c>RateLimit=ten</c>) in one exception; when all of them read, every one out of range in one.</summary>
    /// <param name="section">The <c>Storefront</c> configuration section.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is not of its kind or is out of range.</exception>
    public static StorefrontOptions Read(IConfigurationSection section)
    {
        // The binder stops at the first value it cannot convert, with the converter's exception; these are all found, each named with
        // what its setting takes.
        var unreadable = new List<string>();
        foreach (System.Reflection.PropertyInfo property in typeof(StorefrontOptions).GetProperties())
        {
            string? text = section[property.Name];
            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (text is null || type == typeof(string) || Converts(type, text))
            {
                continue;
            }

            unreadable.Add($"{section.Path}:{property.Name}: '{text}' is not {Kind(type)}.");
        }

        if (unreadable.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(section.Path, typeof(StorefrontOptions), unreadable);
        }

        StorefrontOptions options = section.Get<StorefrontOptions>() ?? new StorefrontOptions();
        options.Validate();
        return options;
    }

    private static bool Converts(Type type, string text)
    {
        if (type.IsEnum)
        {
            // By name only: the converter also takes a number ("7", which no policy has) and a list of names ("EveryRecord, GroupCommit").
            return Enum.TryParse(type, text.Trim(), ignoreCase: true, out object? value) && Enum.GetName(type, value!) is not null
                && !text.Contains(',', StringComparison.Ordinal) && !char.IsAsciiDigit(text.Trim().TrimStart('-', '+').FirstOrDefault());
        }

        try
        {
            return System.ComponentModel.TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text) is not null;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException || exception.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Kind(Type type) =>
        type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
        : type == typeof(TimeSpan) ? "a duration, such as 00:00:01 for a second (hh:mm:ss, or d.hh:mm:ss)"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "a whole number"
        : $"a {type.Name}";

    /// <summary>Checks every setting and throws one exception listing all that are out of range.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range.</exception>
    private void Validate()
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), errors, validateAllProperties: true))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("Storefront", typeof(StorefrontOptions),
                [.. errors.Select(e => $"Storefront:{string.Join(",", e.MemberNames)}: {e.ErrorMessage}")]);
        }
    }
}
