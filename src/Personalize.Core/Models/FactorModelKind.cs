namespace Personalize.Core.Models;

/// <summary>What a <see cref="FactorModel"/> was trained to predict.</summary>
public enum FactorModelKind
{
    /// <summary>Preference from implicit feedback (views, carts, purchases): scores rank items and have no unit.</summary>
    Implicit = 1,

    /// <summary>Explicit ratings: a score is a predicted rating (global bias + user bias + item bias + factors).</summary>
    Explicit = 2,
}
