using System.Globalization;

namespace Personalize.Storefront.Shop;

/// <summary>
/// The shop's "now": the sample log ends on a fixed day, so the clock starts at the log's last event and runs at real speed from there.
/// Trending, buy-again and recently-viewed then read the sample as if it had just happened, and live events land after it in time order.
/// </summary>
/// <remarks>The wall-clock instant at which the shop's clock read the log's end (its origin) is kept beside the event journal, so after
/// a restart the clock runs on from where it was and new events still land after the journaled ones.</remarks>
internal sealed class ShopClock(DateTimeOffset start, DateTimeOffset origin) : TimeProvider
{
    private const string OriginFile = "shop-clock.txt";

    /// <summary>The clock that starts now, or goes on from the origin kept in <paramref name="journalDirectory"/>.</summary>
    public static ShopClock Open(DateTimeOffset start, string journalDirectory)
    {
        Directory.CreateDirectory(journalDirectory);
        string path = Path.Combine(journalDirectory, OriginFile);
        if (File.Exists(path) && DateTimeOffset.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset kept))
        {
            return new ShopClock(start, kept);
        }

        DateTimeOffset origin = System.GetUtcNow();
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, origin.ToString("O", CultureInfo.InvariantCulture));
        File.Move(temporary, path, overwrite: true);
        return new ShopClock(start, origin);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => start + (System.GetUtcNow() - origin);
}
