using Microsoft.Win32.SafeHandles;

namespace Personalize.Core.Tracking;

// The durable form (EventTrackerOptions.Journal): every accepted event is appended to the journal and applied under one lock, so the
// journal's order is the order the state saw; a snapshot copies the state under the same lock, at a known sequence number; start-up loads
// the snapshot and replays the records after it through the same code as live tracking.
public sealed partial class EventTracker : IDisposable
{
    private const string LockFileName = "tracker.lock";
    private readonly Lock _journalLock = new();
    private readonly Lock _snapshotLock = new();
    private EventJournal? _journal;
    private SafeFileHandle? _directoryLock;
    private ITimer? _flushTimer;
    private string _journalDirectory = "";
    private JournalRecovery? _recovery;
    private long _snapshotSequence;
    private long _recordsSinceSnapshot;
    private long _snapshotsWritten;
    private string? _lastSnapshotError;
    private int _snapshotScheduled;
    private bool _disposed;

    /// <summary>Writes a snapshot of the tracker's state now, then starts a new journal segment and deletes the segments the snapshot covers.
    /// With no journal it does nothing.</summary>
    /// <remarks>Tracking waits while the state is copied in memory (about as long as copying the tracker's memory); the file is written
    /// after that, while tracking goes on. Snapshots are also taken in the background every
    /// <see cref="EventJournalOptions.SnapshotAfterRecords"/> records. Thread-safe; concurrent calls run one after the other.</remarks>
    /// <returns>The sequence number of the last record the snapshot includes, or 0 without a journal.</returns>
    /// <exception cref="IOException">The snapshot could not be written; the old snapshot and every journal record are kept.</exception>
    /// <exception cref="ObjectDisposedException">The tracker was disposed.</exception>
    public long SaveSnapshot()
    {
        if (_journal is null)
        {
            return 0;
        }

        lock (_snapshotLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return WriteSnapshot();
        }
    }

    /// <summary>Gets whether this tracker was disposed, or closed by <see cref="MoveTo(Models.FactorModel)"/> handing its journal over: it tracks
    /// no more (with a journal, tracking throws <see cref="ObjectDisposedException"/>). After a move that failed with
    /// <see cref="IOException"/>, this tells whether the journal was already handed over: then open a tracker on the directory again.</summary>
    public bool IsClosed => Volatile.Read(ref _disposed);

    /// <summary>Flushes the journal to disk and closes it (no snapshot is written: the next start-up replays the journal since the last
    /// one). Tracking after this throws <see cref="ObjectDisposedException"/> when there is a journal; without one, it does nothing.</summary>
    public void Dispose()
    {
        lock (_snapshotLock)
        {
            if (!_disposed)
            {
                Close();
            }
        }
    }

    /// <summary>Flushes and closes the journal and releases the directory's lock file. Called under the snapshot lock.</summary>
    private void Close()
    {
        _disposed = true;
        _flushTimer?.Dispose();
        lock (_journalLock)
        {
            _journal?.Dispose();
        }

        _directoryLock?.Dispose();
    }

    /// <summary>Opens the journal: takes the directory's lock file, loads the snapshot, replays the records after it, cuts off a damaged tail
    /// and opens the last segment for appending. Called once, at the end of the constructor.</summary>
    private void OpenJournal(EventJournalOptions options)
    {
        _journalDirectory = Path.GetFullPath(options.Directory);
        Directory.CreateDirectory(_journalDirectory);
        string lockPath = Path.Combine(_journalDirectory, LockFileName);
        try
        {
            _directoryLock = File.OpenHandle(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            // Most often another tracker holds the lock, but a full disk or a read-only file system fails here too: say what the system said.
            throw new IOException($"The event journal in '{_journalDirectory}' is in use by another tracker, or its lock file could not be made "
                + $"({lockPath}: {e.Message}): use one directory per tracker, and dispose a tracker before opening its journal again.", e);
        }

        try
        {
            if (TrackerSnapshotFile.Read(_journalDirectory) is var (sequence, payload))
            {
                RestoreSnapshot(Path.Combine(_journalDirectory, TrackerSnapshotFile.FileName), payload);
                _snapshotSequence = sequence;
            }

            _recovery = EventJournal.Recover(_journalDirectory, _snapshotSequence, ApplyRecord, CancellationToken.None);
            _journal = EventJournal.OpenForAppend(_journalDirectory, _recovery, _recovery.LastSequence);
            _recordsSinceSnapshot = _recovery.RecordsReplayed;
            if (options.FlushPolicy == JournalFlushPolicy.GroupCommit)
            {
                EventJournal journal = _journal;
                _flushTimer = _time.CreateTimer(static state => ((EventJournal)state!).Flush(), journal, options.FlushInterval, options.FlushInterval);
            }
        }
        catch
        {
            _journal?.Dispose();
            _directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>Applies one replayed record exactly as the live call applied it (ids are matched by id, so a record for an item the
    /// tracker's map no longer has is counted as unknown, as a live event would be).</summary>
    private void ApplyRecord(JournalRecord record)
    {
        if (record.Kind == JournalRecordKind.Search)
        {
            ApplySearch(record.UserId!, record.ItemIdOrQuery!, record.Ticks);
            return;
        }

        int type = EventTypeIndex(record.EventType!);
        if (type < 0)
        {
            _unknownEventTypes.Add(record.EventType!);
            return;
        }

        if (!Items.TryGetIndex(record.ItemIdOrQuery!, out int item))
        {
            _unknownItems.Add(record.ItemIdOrQuery!);
            return;
        }

        if (record.Kind == JournalRecordKind.Anonymous)
        {
            CountForTrending(item, record.Ticks);
            _accepted.Increment();
        }
        else
        {
            Accept(record.UserId!, item, type, record.Ticks);
        }
    }

    /// <summary>Journals an accepted event, applies it, and returns once the record is as durable as the flush policy promises.</summary>
    private void TrackDurably(JournalRecordKind kind, string? userId, int item, int type, long ticks, string? query = null) =>
        AfterAppend(AppendAndApply(kind, userId, item, type, ticks, query));

    /// <summary>Appends the record and applies the event under the journal lock (so the journal's order is the state's order); returns the
    /// record's sequence number. Nothing is applied when the append fails.</summary>
    private long AppendAndApply(JournalRecordKind kind, string? userId, int item, int type, long ticks, string? query)
    {
        if (userId is { Length: > EventJournalDefaults.MaxIdLength })
        {
            throw new ArgumentException(
                $"The user id is {userId.Length} characters long; with a journal, ids may have at most {EventJournalDefaults.MaxIdLength}.",
                nameof(userId));
        }

        lock (_journalLock)
        {
            EventJournal journal = _journal!;
            long sequence;
            if (kind == JournalRecordKind.Search)
            {
                sequence = journal.Append(kind, ticks, userId, query, null);
                ApplySearch(userId!, query!, ticks);
            }
            else
            {
                string itemId = Items.RawIds[item];
                if (itemId.Length > EventJournalDefaults.MaxIdLength)
                {
                    throw new ArgumentException(
                        $"The item id is {itemId.Length} characters long; with a journal, ids may have at most {EventJournalDefaults.MaxIdLength}.",
                        "itemId");
                }

                sequence = journal.Append(kind, ticks, userId, itemId, _eventNames[type]);
                if (kind == JournalRecordKind.Anonymous)
                {
                    CountForTrending(item, ticks);
                    _accepted.Increment();
                }
                else
                {
                    Accept(userId!, item, type, ticks);
                }
            }

            _recordsSinceSnapshot++;
            return sequence;
        }
    }

    /// <summary>Waits for the flush the policy promises, and schedules a background snapshot when one is due.</summary>
    private void AfterAppend(long sequence)
    {
        EventJournalOptions options = Options.Journal!;
        if (options.FlushPolicy == JournalFlushPolicy.EveryRecord)
        {
            _journal!.WaitDurable(sequence);
        }

        if (Volatile.Read(ref _recordsSinceSnapshot) >= options.SnapshotAfterRecords && Interlocked.CompareExchange(ref _snapshotScheduled, 1, 0) == 0)
        {
            // A thread of its own, not the thread pool: a pool kept busy by parallel work (training, scoring) can leave a queued item
            // waiting for minutes (seen in CI: no snapshot in 60 s with 4 pool threads busy), and the journal grows while it waits.
            // Snapshots are rare (every SnapshotAfterRecords records), so a thread each costs nothing that matters.
            new Thread(static tracker => ((EventTracker)tracker!).SnapshotInBackground())
            {
                IsBackground = true,
                Name = "Personalize journal snapshot",
            }.Start(this);
        }
    }

    private void SnapshotInBackground()
    {
        try
        {
            lock (_snapshotLock)
            {
                if (!_disposed)
                {
                    WriteSnapshot();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Volatile.Write(ref _lastSnapshotError, e.Message);
        }
        finally
        {
            Volatile.Write(ref _snapshotScheduled, 0);
        }
    }

    /// <summary>Copies the state under the journal lock and rotates the journal, then writes the snapshot file and deletes the segments it
    /// covers. Called under the snapshot lock. A crash at any point leaves a snapshot and the segments after it.</summary>
    private long WriteSnapshot()
    {
        byte[] payload;
        long sequence;
        IReadOnlyList<string> covered;
        lock (_journalLock)
        {
            payload = CaptureSnapshot();
            sequence = _journal!.LastSequence;
            covered = _journal.Rotate();
            _recordsSinceSnapshot = 0;
        }

        TrackerSnapshotFile.Write(_journalDirectory, sequence, payload);
        foreach (string path in covered)
        {
            EventJournal.DeleteSegment(path);
        }

        Interlocked.Increment(ref _snapshotsWritten);
        Volatile.Write(ref _lastSnapshotError, null);
        return sequence;
    }

    private JournalReport? JournalReport()
    {
        if (_recovery is not { } recovery)
        {
            return null;
        }

        return new JournalReport(_journalDirectory, _snapshotSequence, recovery.RecordsReplayed, recovery.RecordsDropped, recovery.BytesDropped,
            recovery.DroppedReason, _journal?.LastSequence ?? recovery.LastSequence, Interlocked.Read(ref _snapshotsWritten),
            Volatile.Read(ref _lastSnapshotError));
    }
}
