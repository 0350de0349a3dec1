using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Models;

/// <summary>How a <see cref="CooccurrenceIndex"/> is built. Immutable and safe to share between threads.</summary>
public sealed record CooccurrenceOptions
{
    /// <summary>Gets how many neighbours are kept per item: its most similar co-occurring items.</summary>
    /// <remarks>Related-item queries look at no more than these per input item. More neighbours cost 12 bytes each per item in memory
    /// and in the model file.</remarks>
    /// <value>The default is 100.</value>
    [Range(1, 100_000)]
    public int NumberOfNeighbors { get; init; } = CooccurrenceDefaults.NumberOfNeighbors;

    /// <summary>Gets how many users must have both items before a pair is kept.</summary>
    /// <remarks>A pair seen once is mostly chance; 2 or more keeps the evidence and drops most of the noise.</remarks>
    /// <value>The default is 2.</value>
    [Range(1, int.MaxValue)]
    public int MinimumCount { get; init; } = CooccurrenceDefaults.MinimumCount;

    /// <summary>Gets how many items of one user are counted at most: a user with more counts only their this many heaviest items
    /// (largest weight; on a tie, the lower item index).</summary>
    /// <remarks>The work of a user grows with the square of their item count, and a few very heavy users (crawlers, resellers) would
    /// otherwise dominate both the time and the counts.</remarks>
    /// <value>The default is 200.</value>
    [Range(2, 1_000_000)]
    public int MaxItemsPerUser { get; init; } = CooccurrenceDefaults.MaxItemsPerUser;

    /// <summary>Gets how many threads count in parallel; the index does not depend on it.</summary>
    /// <value>The default is <see langword="null"/>: one per processor.</value>
    [Range(1, 1024)]
    public int? NumberOfThreads { get; init; }
}
