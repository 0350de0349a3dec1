namespace Personalize.Core.Data;

/// <summary>What <see cref="RatingMatrix"/> does when a user rated the same item more than once.</summary>
public enum DuplicateRatingPolicy
{
    /// <summary>Keep the first rating and reject the others, reporting each with its line (the default: nothing is merged silently).</summary>
    Reject = 0,

    /// <summary>Use the mean of the ratings.</summary>
    Average = 1,

    /// <summary>Use the sum of the ratings (for counts such as plays).</summary>
    Sum = 2,
}
