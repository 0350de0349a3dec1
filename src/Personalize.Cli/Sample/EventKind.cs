namespace Personalize.Cli.Sample;

/// <summary>Kind of an interaction.</summary>
internal enum EventKind : byte
{
    /// <summary>Product page view.</summary>
    View,

    /// <summary>Add to cart.</summary>
    Cart,

    /// <summary>Purchase.</summary>
    Purchase,
}
