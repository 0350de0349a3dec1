namespace Personalize.Core.Recommending;

/// <summary>One recommended item.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="ItemIndex">The item's index in the model.</param>
/// <param name="Score">The model's score: higher is better. For popularity fallbacks, the item's popularity.</param>
public readonly record struct Recommendation(string ItemId, int ItemIndex, float Score);
