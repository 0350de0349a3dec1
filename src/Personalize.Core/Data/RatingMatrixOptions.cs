using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Data;

/// <summary>How a <see cref="RatingMatrix"/> is built from a log with ratings. Immutable and thread-safe.</summary>
public sealed record RatingMatrixOptions
{
    /// <summary>Gets what happens when a user rated the same item more than once.</summary>
    /// <value>The default is <see cref="DuplicateRatingPolicy.Reject"/>.</value>
    public DuplicateRatingPolicy Duplicates { get; init; } = DuplicateRatingPolicy.Reject;

    /// <summary>Gets whether a rejected duplicate throws (<see cref="BadRowPolicy.Fail"/>) or is skipped and reported.</summary>
    /// <value>The default is <see cref="BadRowPolicy.Fail"/>.</value>
    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    /// <summary>Gets how many rejected rows the report keeps; all are counted.</summary>
    /// <value>The default is 1000.</value>
    [Range(0, int.MaxValue)]
    public int MaxReportedRejections { get; init; } = CsvInteractionReaderDefaults.MaxReportedRejections;
}
