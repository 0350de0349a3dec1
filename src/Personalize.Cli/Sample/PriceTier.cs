namespace Personalize.Cli.Sample;

/// <summary>Price level of a user.</summary>
internal enum PriceTier
{
    /// <summary>Prefers cheap items.</summary>
    Budget,

    /// <summary>Prefers typical prices.</summary>
    Mid,

    /// <summary>Prefers expensive items.</summary>
    Premium,
}
