namespace Personalize.Core.Recommending;

/// <summary>What <see cref="Recommender"/> answers for a user the model does not know.</summary>
public enum ColdStartPolicy
{
    /// <summary>The most popular items in training (the default): every user gets a list.</summary>
    Popular = 0,

    /// <summary>An empty list, so the caller can fill the slot another way.</summary>
    Empty = 1,
}
