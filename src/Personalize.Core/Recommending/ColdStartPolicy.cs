namespace Personalize.Core.Recommending;

/// <summary>What <see cref="Recommender"/> answers for a user the model does not know.</summary>
public enum ColdStartPolicy
{
    /// <summary>The most popular items in training (the default). Items of popularity 0 are never listed, so a model without popularity
    /// (an imported factor model without interactions) answers unknown users with an empty list (<see cref="RecommendationSource.Empty"/>).</summary>
    Popular = 0,

    /// <summary>An empty list, so the caller can fill the slot another way.</summary>
    Empty = 1,
}
