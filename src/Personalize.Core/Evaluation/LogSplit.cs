using Personalize.Core.Data;

namespace Personalize.Core.Evaluation;

/// <summary>A log split into a training part and a test part, made by <see cref="TrainTestSplit"/>.</summary>
/// <remarks>Both parts share the source log's id maps, so an index means the same user or item in both; each part keeps its rows in
/// source order. Immutable and thread-safe.</remarks>
/// <param name="Train">The rows to train on.</param>
/// <param name="Test">The held-out rows to evaluate on.</param>
public sealed record LogSplit(InteractionLog Train, InteractionLog Test);
