namespace Personalize.Cli.Sample;

/// <summary>One generated catalog item.</summary>
internal sealed class ItemSpec
{
    /// <summary>Leaf category index.</summary>
    public required int Category { get; init; }

    /// <summary>Brand index.</summary>
    public required int Brand { get; init; }

    /// <summary>Display title.</summary>
    public required string Title { get; init; }

    /// <summary>Price with two decimals.</summary>
    public required decimal Price { get; init; }

    /// <summary>Standardised log base price within the category (about -2 .. 2; budget &lt; 0 &lt; premium).</summary>
    public required double PriceLevel { get; init; }

    /// <summary>Displayed average rating (one decimal).</summary>
    public required double Rating { get; init; }

    /// <summary>Number of reviews behind <see cref="Rating"/>.</summary>
    public required int RatingCount { get; init; }

    /// <summary>Whether the item is in stock at the end of the window.</summary>
    public required bool InStock { get; init; }

    /// <summary>Listing time (Unix seconds); no events before it.</summary>
    public required long AddedAt { get; init; }

    /// <summary>Time it sold out (Unix seconds), <see cref="long.MaxValue"/> when in stock; no carts after it.</summary>
    public required long SoldOutAt { get; init; }

    /// <summary>Typical re-order interval in days for consumables, 0 otherwise.</summary>
    public required int RepurchaseDays { get; init; }

    /// <summary>The <c>|</c>-separated tags field.</summary>
    public required string Tags { get; init; }
}
