namespace Personalize.Storefront.Shop;

/// <summary>
/// The shop's "now": the sample log ends on a fixed day, so the clock starts at the log's last event and runs at real speed from there.
/// Trending, buy-again and recently-viewed then read the sample as if it had just happened, and live events land after it in time order.
/// </summary>
internal sealed class ShopClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _started = System.GetTimestamp();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => start + System.GetElapsedTime(_started);
}
