namespace Personalize.Core.Data;

/// <summary>What a load read, accepted and rejected. <see cref="Read"/> always equals <see cref="Accepted"/> + <see cref="Rejected"/> +
/// <see cref="Returns"/> (rows left out as returns or cancellations, which are not interactions).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class LoadReport
{
    /// <summary>Creates a report, for a reader written outside this library (such as <c>Personalize.ML</c>'s data view reader).</summary>
    /// <param name="source">The file path or a description of the source, such as <c>(IDataView)</c>.</param>
    /// <param name="accepted">How many rows were accepted.</param>
    /// <param name="rejected">How many rows were rejected.</param>
    /// <param name="rejectedRows">The first rejected rows (at most <paramref name="rejected"/>); copied.</param>
    /// <param name="elapsed">How long the load took.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="rejectedRows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or there are more rejected rows than <paramref name="rejected"/>.</exception>
    public LoadReport(string source, long accepted, long rejected, IReadOnlyList<RejectedRow> rejectedRows, TimeSpan elapsed)
        : this(source, accepted, rejected, rejectedRows, elapsed, [])
    {
    }

    /// <summary>Creates a report with notes about the source.</summary>
    /// <param name="source">The file path or a description of the source, such as <c>(IDataView)</c>.</param>
    /// <param name="accepted">How many rows were accepted.</param>
    /// <param name="rejected">How many rows were rejected.</param>
    /// <param name="rejectedRows">The first rejected rows (at most <paramref name="rejected"/>); copied.</param>
    /// <param name="elapsed">How long the load took.</param>
    /// <param name="notes">Things about the source worth telling its owner that rejected no row (see <see cref="Notes"/>); copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="rejectedRows"/> or <paramref name="notes"/> is
    /// <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or there are more rejected rows than <paramref name="rejected"/>.</exception>
    public LoadReport(string source, long accepted, long rejected, IReadOnlyList<RejectedRow> rejectedRows, TimeSpan elapsed, IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        Notes = [.. notes];
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rejectedRows);
        ArgumentOutOfRangeException.ThrowIfNegative(accepted);
        ArgumentOutOfRangeException.ThrowIfNegative(rejected);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rejectedRows.Count, rejected, nameof(rejectedRows));
        Source = source;
        Accepted = accepted;
        Rejected = rejected;
        RejectedRows = [.. rejectedRows];
        Elapsed = elapsed;
    }

    /// <summary>Gets the file path or the description of the source that was read.</summary>
    public string Source { get; }

    /// <summary>Gets how many data rows were read (the header is not counted).</summary>
    public long Read => Accepted + Rejected + Returns;

    /// <summary>Gets how many rows had a negative quantity (returns or cancellations, as retail logs write them) and were left out: they
    /// are not interactions, and neither accepted nor rejected. A note in <see cref="Notes"/> names the first one's line.</summary>
    public long Returns { get; init; }

    /// <summary>Gets how many rows were accepted.</summary>
    public long Accepted { get; }

    /// <summary>Gets how many rows were rejected.</summary>
    public long Rejected { get; }

    /// <summary>Gets the first rejected rows, with their reasons.</summary>
    /// <remarks>At most <see cref="CsvInteractionReaderOptions.MaxReportedRejections"/> are kept; <see cref="Rejected"/> counts them all.</remarks>
    public IReadOnlyList<RejectedRow> RejectedRows { get; }

    /// <summary>Gets things about the source worth telling its owner that rejected no row: a column that looks like the event type or the
    /// time but is not read as one, or timestamps that all fall in 1970 (numbers that were not Unix seconds). Each is one sentence.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Gets how long the load took.</summary>
    public TimeSpan Elapsed { get; }
}
