namespace Personalize.Core.Data;

/// <summary>What a load read, accepted and rejected. <see cref="Read"/> always equals <see cref="Accepted"/> + <see cref="Rejected"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class LoadReport
{
    internal LoadReport(string source, long accepted, long rejected, IReadOnlyList<RejectedRow> rejectedRows, TimeSpan elapsed)
    {
        Source = source;
        Accepted = accepted;
        Rejected = rejected;
        RejectedRows = rejectedRows;
        Elapsed = elapsed;
    }

    /// <summary>Gets the file path or the description of the source that was read.</summary>
    public string Source { get; }

    /// <summary>Gets how many data rows were read (the header is not counted).</summary>
    public long Read => Accepted + Rejected;

    /// <summary>Gets how many rows were accepted.</summary>
    public long Accepted { get; }

    /// <summary>Gets how many rows were rejected.</summary>
    public long Rejected { get; }

    /// <summary>Gets the first rejected rows, with their reasons.</summary>
    /// <remarks>At most <see cref="CsvInteractionReaderOptions.MaxReportedRejections"/> are kept; <see cref="Rejected"/> counts them all.</remarks>
    public IReadOnlyList<RejectedRow> RejectedRows { get; }

    /// <summary>Gets how long the load took.</summary>
    public TimeSpan Elapsed { get; }
}
