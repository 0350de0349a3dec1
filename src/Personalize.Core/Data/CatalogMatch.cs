namespace Personalize.Core.Data;

/// <summary>How a catalogue and a model's items overlap: items only in the catalogue are browsable but never recommended by the
/// model; items only in the model have no attributes, so filters on attributes leave them out.</summary>
/// <param name="InBoth">Items in the catalogue and the model.</param>
/// <param name="OnlyInCatalogue">Items in the catalogue that the model does not know.</param>
/// <param name="OnlyInModel">Items the model knows that the catalogue does not have.</param>
/// <param name="MissingFromCatalogue">The first (up to 100) ids of items only in the model, for the report.</param>
public sealed record CatalogMatch(int InBoth, int OnlyInCatalogue, int OnlyInModel, IReadOnlyList<string> MissingFromCatalogue);
