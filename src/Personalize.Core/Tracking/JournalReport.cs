namespace Personalize.Core.Tracking;

/// <summary>What an <see cref="EventTracker"/>'s journal recovered when the tracker was created, and what it has written since.</summary>
/// <remarks>A snapshot: immutable and thread-safe. A record is never misread: replay stops at the first record that fails a check (cut
/// short, a bad checksum, a length out of range, a sequence number out of order), and that record and everything after it are dropped,
/// counted here and described in <see cref="DroppedReason"/>.</remarks>
public sealed class JournalReport
{
    internal JournalReport(string directory, long snapshotSequence, long recordsReplayed, long recordsDropped, long bytesDropped,
        string? droppedReason, long lastSequence, long snapshotsWritten, string? lastSnapshotError)
    {
        Directory = directory;
        SnapshotSequence = snapshotSequence;
        RecordsReplayed = recordsReplayed;
        RecordsDropped = recordsDropped;
        BytesDropped = bytesDropped;
        DroppedReason = droppedReason;
        LastSequence = lastSequence;
        SnapshotsWritten = snapshotsWritten;
        LastSnapshotError = lastSnapshotError;
    }

    /// <summary>Gets the journal's directory (a full path).</summary>
    public string Directory { get; }

    /// <summary>Gets the sequence number of the last record the snapshot loaded at start-up covered, or 0 when there was none.</summary>
    public long SnapshotSequence { get; }

    /// <summary>Gets how many journal records after the snapshot were replayed at start-up.</summary>
    public long RecordsReplayed { get; }

    /// <summary>Gets how many records were dropped at start-up: the first damaged or cut-short record and every whole record found after
    /// it. 0 when the journal was intact.</summary>
    public long RecordsDropped { get; }

    /// <summary>Gets how many bytes were dropped from the journal at start-up (the damaged tail, cut off so that new records follow the
    /// last good one).</summary>
    public long BytesDropped { get; }

    /// <summary>Gets what was wrong with the first dropped record: the file, the byte offset, what was expected and what was found;
    /// <see langword="null"/> when nothing was dropped.</summary>
    public string? DroppedReason { get; }

    /// <summary>Gets the sequence number of the last record written (or replayed); records are numbered from 1.</summary>
    public long LastSequence { get; }

    /// <summary>Gets how many snapshots this tracker has written since it was created.</summary>
    public long SnapshotsWritten { get; }

    /// <summary>Gets why the last background snapshot failed, or <see langword="null"/> when none failed since the last that succeeded.
    /// The journal keeps every record until a snapshot succeeds.</summary>
    public string? LastSnapshotError { get; }
}
