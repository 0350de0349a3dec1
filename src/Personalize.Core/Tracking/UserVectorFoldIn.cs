namespace Personalize.Core.Tracking;

/// <summary>Computes a user's vector from their recent interactions against a model's fixed item factors (fold-in).</summary>
/// <param name="userId">The user (a user the model knows is folded in from their training history plus these interactions).</param>
/// <param name="itemIndices">Distinct item indices (the solver may reorder or overwrite them).</param>
/// <param name="weights">The summed event weight of each item (the solver may overwrite them).</param>
/// <param name="userVector">Receives the vector (length: the model's number of factors).</param>
/// <returns>Whether a vector was written (not when the events add nothing to a known user's training history).</returns>
internal delegate bool UserVectorFoldIn(string userId, Span<int> itemIndices, Span<float> weights, Span<float> userVector);
