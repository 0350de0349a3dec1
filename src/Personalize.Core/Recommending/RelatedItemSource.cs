namespace Personalize.Core.Recommending;

/// <summary>Why an item is in a related-items list.</summary>
public enum RelatedItemSource
{
    /// <summary>Its factors are among the most similar to the input's (it would be in the list on factor similarity alone), and no
    /// user had both in the log the co-occurrence index was built from (or the model has no index).</summary>
    Factors = 1,

    /// <summary>Users had it together with the input ("customers who viewed this also viewed"), and it is there because of that: on
    /// factor similarity alone it would not be in the list.</summary>
    Cooccurrence = 2,

    /// <summary>Both: users had it together with the input, and its factors alone would also have put it in the list.</summary>
    Both = 3,
}
