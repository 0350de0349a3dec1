namespace Personalize.Cli.Sample;

/// <summary>A leaf category of the planted catalog.</summary>
/// <param name="Path">Path written to <c>items.csv</c> (<c>Parent/Leaf</c>).</param>
/// <param name="Parent">Index into the parent list.</param>
/// <param name="Weight">Relative share of catalog items and of user interest.</param>
/// <param name="MedianPrice">Median of the log-normal base price.</param>
/// <param name="PriceSigma">Log-scale standard deviation of the base price within a brand.</param>
/// <param name="Consumable">Whether buyers re-order items of this category.</param>
/// <param name="Nouns">Product nouns used in titles.</param>
/// <param name="Packs">Optional size/pack suffixes appended to titles.</param>
/// <param name="PackFactors">Price multipliers of <paramref name="Packs"/>.</param>
/// <param name="Tags">Category tag words.</param>
internal sealed record CategorySpec(
    string Path,
    int Parent,
    double Weight,
    double MedianPrice,
    double PriceSigma,
    bool Consumable,
    string[] Nouns,
    string[] Packs,
    double[] PackFactors,
    string[] Tags);
