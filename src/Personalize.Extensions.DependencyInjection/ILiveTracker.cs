using System.Diagnostics.CodeAnalysis;
using Personalize.Core.Data;
using Personalize.Core.Serving;
using Personalize.Core.Tracking;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>
/// The live event tracker that follows the served model: an <see cref="EventTracker"/> over the items of the model that
/// <see cref="IRecommendationService"/> serves, moved to the new model's items at every accepted swap. Registered as a singleton by
/// <see cref="PersonalizeServiceCollectionExtensions.AddPersonalize"/>.
/// </summary>
/// <remarks>
/// <para>An <see cref="EventTracker"/> numbers items as its model does, so after a swap to a model with other items (or the same items
/// in another order) the old tracker's item indices would name the wrong items in the new model's filters, shelves and fold-in. At each
/// accepted swap the state therefore moves, by item id, to a tracker over the new model (<see cref="EventTracker.MoveTo(Core.Models.FactorModel)"/>):
/// recently viewed, buy again, trending, recent searches and every user's tracked items carry over; state of items the new model lacks is
/// dropped. With a journal (<see cref="PersonalizeOptions.JournalDirectory"/>) the move writes a tracker snapshot and hands the journal
/// directory to the new tracker, so nothing is replayed twice and a restart replays the new tracker's state.</para>
/// <para>The move runs right after the swap, on the thread that swapped; tracking calls made meanwhile wait for it (reads do not). Track
/// through this interface, not through a held <see cref="EventTracker"/>: after a move, a journaled old tracker refuses events
/// (<see cref="ObjectDisposedException"/>) and an in-memory one no longer feeds the surfaces. Hold a tracker only as long as the model
/// lease it belongs to (<see cref="TryGetTracker"/>). All members are thread-safe.</para>
/// </remarks>
public interface ILiveTracker
{
    /// <summary>Gets the tracker over the items of the model served now (after a swap, once its state has moved).</summary>
    /// <remarks>Use it for the surfaces (<see cref="EventTracker.RecentlyViewed(string, int, Core.Filtering.CompiledFilter?)"/>,
    /// <see cref="EventTracker.TrendingNow(int, Core.Filtering.CompiledFilter?, string?)"/>, ...) and its report; for answers that must
    /// come from one model, pair it with a lease through <see cref="TryGetTracker"/>.</remarks>
    /// <exception cref="IOException">With a journal: a swap happened and the journal could not be handed to the new model's tracker.</exception>
    /// <exception cref="ObjectDisposedException">The service was disposed.</exception>
    EventTracker Tracker { get; }

    /// <summary>Gets the tracker over the items of a leased model, for per-model state such as a <see cref="Core.Pages.HomePageBuilder"/>.</summary>
    /// <param name="lease">A lease from <see cref="IRecommendationService.Acquire"/>.</param>
    /// <param name="tracker">The tracker whose item numbering is the lease's model's; <see langword="null"/> when this returns false.</param>
    /// <returns><see langword="true"/> when the tracker follows the lease's model (moving the state first when the lease is newer than
    /// the tracker); <see langword="false"/> when the tracker already follows a newer model than the lease's (a swap happened after the
    /// lease was taken): take a new lease.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lease"/> is null.</exception>
    /// <exception cref="IOException">With a journal: the journal could not be handed to the new model's tracker.</exception>
    /// <exception cref="ObjectDisposedException">The service or the lease was disposed.</exception>
    bool TryGetTracker(ModelLease lease, [NotNullWhen(true)] out EventTracker? tracker);

    /// <summary>Takes one event of a user on the tracker over the served model (see <see cref="EventTracker.Track"/>).</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="itemId">The item's id; one the served model lacks is counted as unknown, never thrown.</param>
    /// <param name="eventType">The event type, such as <c>view</c>.</param>
    /// <param name="timestamp">When it happened.</param>
    /// <returns>Whether the event was accepted, or why not.</returns>
    /// <exception cref="ArgumentException">An argument is null or empty, as for <see cref="EventTracker.Track"/>.</exception>
    /// <exception cref="IOException">With a journal: the record could not be written, or the journal could not be handed over at a swap.</exception>
    /// <exception cref="ObjectDisposedException">The service was disposed.</exception>
    TrackOutcome Track(string userId, string itemId, string eventType, DateTimeOffset timestamp);

    /// <summary>Takes one event of a visitor without an id: it counts toward trending only (see <see cref="EventTracker.TrackAnonymous"/>).</summary>
    /// <param name="itemId">The item's id.</param>
    /// <param name="eventType">The event type, such as <c>view</c>.</param>
    /// <param name="timestamp">When it happened.</param>
    /// <returns>Whether the event was accepted, or why not.</returns>
    /// <exception cref="ArgumentException">An argument is null, as for <see cref="EventTracker.TrackAnonymous"/>.</exception>
    /// <exception cref="IOException">With a journal: the record could not be written, or the journal could not be handed over at a swap.</exception>
    /// <exception cref="ObjectDisposedException">The service was disposed.</exception>
    TrackOutcome TrackAnonymous(string itemId, string eventType, DateTimeOffset timestamp);

    /// <summary>Takes one search of a user (see <see cref="EventTracker.TrackSearch"/>).</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="query">The search text.</param>
    /// <param name="timestamp">When it happened.</param>
    /// <returns>Whether the search was accepted, or why not.</returns>
    /// <exception cref="ArgumentException">An argument is null or empty, as for <see cref="EventTracker.TrackSearch"/>.</exception>
    /// <exception cref="IOException">With a journal: the record could not be written, or the journal could not be handed over at a swap.</exception>
    /// <exception cref="ObjectDisposedException">The service was disposed.</exception>
    TrackOutcome TrackSearch(string userId, string query, DateTimeOffset timestamp);

    /// <summary>Replays a log through the tracker over the served model, as <see cref="EventTracker.Replay"/> does: the way to seed it
    /// from history (once, when its journal is new). A swap waits until the replay ends.</summary>
    /// <param name="log">The log, with timestamps and event types.</param>
    /// <param name="until">Only rows at or before this instant are replayed; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the replay; rows already replayed stay.</param>
    /// <returns>How many rows were replayed (accepted or counted as unknown).</returns>
    /// <exception cref="ArgumentException">The log has no timestamps or no event types.</exception>
    /// <exception cref="OperationCanceledException">The replay was cancelled.</exception>
    /// <exception cref="IOException">With a journal: a record could not be written.</exception>
    /// <exception cref="ObjectDisposedException">The service was disposed.</exception>
    long Replay(InteractionLog log, DateTimeOffset? until = null, CancellationToken cancellationToken = default);
}
