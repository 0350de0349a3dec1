namespace Personalize.Cli.Sample;

/// <summary>What <see cref="SampleShopGenerator.Write"/> produced.</summary>
internal sealed record SampleShopSummary
{
    /// <summary>Directory the files were written to (as given).</summary>
    public required string Directory { get; init; }

    /// <summary>Rows of <c>items.csv</c>.</summary>
    public required int Items { get; init; }

    /// <summary>Size of the user id space (<see cref="SampleShopOptions.Users"/>).</summary>
    public required int Users { get; init; }

    /// <summary>Users with at least one row in <c>events.csv</c>.</summary>
    public required int ActiveUsers { get; init; }

    /// <summary>Rows of <c>events.csv</c> with <c>event_type = view</c>.</summary>
    public required int Views { get; init; }

    /// <summary>Rows of <c>events.csv</c> with <c>event_type = cart</c>.</summary>
    public required int Carts { get; init; }

    /// <summary>Rows of <c>events.csv</c> with <c>event_type = purchase</c>.</summary>
    public required int Purchases { get; init; }

    /// <summary>Purchases of an item the same user had already purchased earlier.</summary>
    public required int RepeatPurchases { get; init; }

    /// <summary>Rows of <c>ratings.csv</c>.</summary>
    public required int Ratings { get; init; }

    /// <summary>Ratings whose planted value fell outside [1, 5] and was clamped.</summary>
    public required int ClampedRatings { get; init; }

    /// <summary>Ids of the items that trend in the last days before <see cref="SampleShopOptions.End"/>.</summary>
    public required IReadOnlyList<string> SurgeItemIds { get; init; }

    /// <summary>Bytes of <c>items.csv</c>.</summary>
    public required long ItemsBytes { get; init; }

    /// <summary>Bytes of <c>events.csv</c>.</summary>
    public required long EventsBytes { get; init; }

    /// <summary>Bytes of <c>ratings.csv</c>.</summary>
    public required long RatingsBytes { get; init; }

    /// <summary>Rows of <c>events.csv</c>.</summary>
    public int Events => Views + Carts + Purchases;

    /// <summary>Total bytes of the three files.</summary>
    public long BytesWritten => ItemsBytes + EventsBytes + RatingsBytes;
}
