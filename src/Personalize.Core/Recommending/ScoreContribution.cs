namespace Personalize.Core.Recommending;

/// <summary>How much one item of the user's history adds to the score of a recommended item ("because you bought X").</summary>
/// <param name="ItemId">The history item's id.</param>
/// <param name="ItemIndex">The history item's index in the model.</param>
/// <param name="Value">Its additive part of the score; the parts of all history items plus <see cref="ScoreExplanation.BaseScore"/> make
/// <see cref="ScoreExplanation.Score"/>. Negative when the item pulls the score down.</param>
/// <param name="Share">Its share of the personalized part of the score, <c>Value / (Score − BaseScore)</c> (0 when that part is 0).</param>
public readonly record struct ScoreContribution(string ItemId, int ItemIndex, float Value, float Share);
