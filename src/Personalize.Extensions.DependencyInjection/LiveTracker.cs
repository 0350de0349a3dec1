using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Serving;
using Personalize.Core.Tracking;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>
/// The <see cref="ILiveTracker"/> of a <see cref="RecommendationService"/>: one <see cref="EventTracker"/> at a time, over the items of
/// one model version, moved to each newer version the service serves. Tracking calls hold a shared lock; a move holds it exclusively, so
/// no event lands on a tracker while its state is being copied.
/// </summary>
internal sealed class LiveTracker : ILiveTracker, IDisposable
{
    private readonly RecommendationService _service;
    private readonly Func<FactorModel, EventTracker> _create;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private Following _current;
    private bool _disposed;

    /// <summary>Creates the tracker over the model the service serves now (with a journal, this replays it).</summary>
    public LiveTracker(RecommendationService service, Func<FactorModel, EventTracker> create, ILogger logger)
    {
        _service = service;
        _create = create;
        _logger = logger;
        using ModelLease lease = service.Acquire();
        _current = new Following(create(lease.Model), lease.Model, lease.Version);
    }

    /// <inheritdoc />
    public EventTracker Tracker => Sync().Tracker;

    /// <summary>The model version the tracker follows now (without moving it).</summary>
    internal long Version => Volatile.Read(ref _current).Version;

    /// <inheritdoc />
    public bool TryGetTracker(ModelLease lease, [NotNullWhen(true)] out EventTracker? tracker)
    {
        ArgumentNullException.ThrowIfNull(lease);
        long version = lease.Version;
        Following current = Volatile.Read(ref _current);
        if (version > current.Version || current.Tracker.IsClosed)
        {
            current = MoveTo(lease.Model, version);
        }

        tracker = version == current.Version ? current.Tracker : null;
        return tracker is not null;
    }

    /// <inheritdoc />
    public TrackOutcome Track(string userId, string itemId, string eventType, DateTimeOffset timestamp) =>
        Run(tracker => tracker.Track(userId, itemId, eventType, timestamp));

    /// <inheritdoc />
    public TrackOutcome TrackAnonymous(string itemId, string eventType, DateTimeOffset timestamp) =>
        Run(tracker => tracker.TrackAnonymous(itemId, eventType, timestamp));

    /// <inheritdoc />
    public TrackOutcome TrackSearch(string userId, string query, DateTimeOffset timestamp) =>
        Run(tracker => tracker.TrackSearch(userId, query, timestamp));

    /// <inheritdoc />
    public long Replay(InteractionLog log, DateTimeOffset? until = null, CancellationToken cancellationToken = default) =>
        Run(tracker => tracker.Replay(log, until, cancellationToken));

    /// <summary>Moves the tracker to the served model if a swap made it newer; called by the service right after an accepted swap.</summary>
    /// <returns>The tracker and the version it follows.</returns>
    internal Following Sync()
    {
        Following current = Volatile.Read(ref _current);
        if (current.Version == _service.ModelVersion && !current.Tracker.IsClosed)
        {
            return current;
        }

        using ModelLease lease = _service.Acquire();
        return MoveTo(lease.Model, lease.Version);
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _current.Tracker.Dispose();   // flushes and closes the journal
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private T Run<T>(Func<EventTracker, T> call)
    {
        Sync();
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return call(_current.Tracker);   // a swap after Sync moves this tracker's state, this event included, once the lock is free
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Moves the state to a tracker over a newer model, with tracking paused; returns what the tracker follows afterwards.</summary>
    private Following MoveTo(FactorModel model, long version)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Following current = _current;
            if (current.Tracker.IsClosed)
            {
                return OpenAgain(current, model, version);
            }

            if (version <= current.Version)
            {
                return current;   // another caller moved it meanwhile
            }

            EventTracker next;
            try
            {
                next = current.Tracker.MoveTo(model);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EventJournalException)
            {
                Log.TrackerMoveFailed(_logger, exception, current.Version, version);
                Reopen(current);
                throw;
            }

            return Follow(next, model, version, current.Version);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>After a failed move: when the old tracker was closed (its journal handed over but not taken), opens it again over its
    /// model, so tracking goes on there; the next call tries the move again. When that fails too, the closed tracker stays, and the next
    /// call opens one again (<see cref="OpenAgain"/>).</summary>
    private void Reopen(Following current)
    {
        if (!current.Tracker.IsClosed)
        {
            return;   // the snapshot could not be written, or there is no journal: the old tracker keeps tracking
        }

        try
        {
            Volatile.Write(ref _current, current with { Tracker = _create(current.Model) });
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EventJournalException)
        {
            // Left closed: the journal directory holds the snapshot the move wrote, and the next call opens a tracker on it.
        }
    }

    /// <summary>Opens a tracker on the journal a failed move left closed, over the newer of the model it followed and
    /// <paramref name="model"/>; the journal's snapshot carries the state. Called under the write lock.</summary>
    /// <exception cref="IOException">The journal still cannot be opened; the next call tries again.</exception>
    private Following OpenAgain(Following closed, FactorModel model, long version)
    {
        (FactorModel target, long targetVersion) = version > closed.Version ? (model, version) : (closed.Model, closed.Version);
        EventTracker opened;
        try
        {
            opened = _create(target);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EventJournalException)
        {
            Log.TrackerMoveFailed(_logger, exception, closed.Version, targetVersion);
            throw;
        }

        return Follow(opened, target, targetVersion, closed.Version);
    }

    /// <summary>Makes <paramref name="tracker"/>, over <paramref name="model"/>, the one tracking calls use, and logs the move from
    /// <paramref name="from"/>. Called under the write lock.</summary>
    private Following Follow(EventTracker tracker, FactorModel model, long version, long from)
    {
        Following moved = new(tracker, model, version);
        Volatile.Write(ref _current, moved);
        TrackingReport report = tracker.GetReport();
        Log.TrackerMoved(_logger, from, version, report.Users, model.Items.Count, report.Journal?.Directory ?? "(in memory)");
        return moved;
    }

    /// <summary>A tracker and the model (and its version) whose items it follows.</summary>
    internal sealed record Following(EventTracker Tracker, FactorModel Model, long Version);
}
