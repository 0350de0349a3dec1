namespace Personalize.Cli.Sample;

/// <summary>A user's planted taste and activity.</summary>
internal sealed class UserTaste
{
    /// <summary>Preferred leaf categories, strongest first.</summary>
    public required int[] Categories { get; init; }

    /// <summary>Weights of <see cref="Categories"/> (sum to 1).</summary>
    public required double[] CategoryWeights { get; init; }

    /// <summary>Preferred brands.</summary>
    public required int[] Brands { get; init; }

    /// <summary>Price tier.</summary>
    public required PriceTier Tier { get; init; }

    /// <summary>Preferred standardised price level (tier centre plus jitter).</summary>
    public required double PriceLevel { get; init; }

    /// <summary>Relative activity (log-normal, drives the number of sessions).</summary>
    public required double Activity { get; init; }
}
