using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Tracking;

// Moving the state to a tracker over another item numbering (a model swapped in with other items, or the same items in another order):
// the state is captured as a snapshot payload, which names items by id, and restored into the new tracker, which matches the ids against
// its own items. With a journal the payload goes through the snapshot file, so the journal directory changes hands.
public sealed partial class EventTracker
{
    /// <summary>Moves the state to a new tracker over another model's items, matched by item id: for a model swapped in while serving.</summary>
    /// <param name="model">The model whose <see cref="FactorModel.Items"/> the new tracker follows, as for
    /// <see cref="EventTracker(FactorModel, EventTrackerOptions?, ItemCatalog?, TimeProvider?)"/>.</param>
    /// <returns>The new tracker, with this tracker's options, catalogue and clock.</returns>
    /// <remarks>
    /// <para>Every surface of the new tracker names the same items as this one's, now numbered as the new model numbers them: recently
    /// viewed, buy again, trending (overall and per category), recent searches and each user's tracked items and weights (the input of
    /// fold-in, which the new tracker solves against the new model's items). State of items the new model lacks is dropped; items it adds
    /// start with no events. The counts of <see cref="GetReport"/> carry over, but for <see cref="TrackingReport.CancelledPurchases"/>.</para>
    /// <para>With <see cref="EventTrackerOptions.Journal"/>, this writes a snapshot, closes this tracker (as <see cref="Dispose"/> does)
    /// and opens the new one on the same directory, which restores the snapshot; tracking on this tracker afterwards throws
    /// <see cref="ObjectDisposedException"/>. Without a journal the state is copied in memory and this tracker is left as it was.</para>
    /// <para>Events tracked on this tracker while it moves, or after, are not carried over: pause tracking around the move and send later
    /// events to the new tracker. Thread-safe with respect to <see cref="SaveSnapshot"/> and <see cref="Dispose"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This tracker was disposed or already moved (with a journal).</exception>
    /// <exception cref="IOException">With a journal: the snapshot could not be written (this tracker is unchanged and still open), or the
    /// new tracker could not open the journal (this tracker is closed; open a tracker on the directory again).</exception>
    public EventTracker MoveTo(FactorModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Move(() => new EventTracker(model, Options, _catalog, _time));
    }

    /// <summary>Moves the state to a new tracker over another set of items, matched by item id (see <see cref="MoveTo(FactorModel)"/>).</summary>
    /// <param name="items">The items the new tracker knows, in index order.</param>
    /// <returns>The new tracker, with this tracker's options, catalogue and clock.</returns>
    /// <remarks>As <see cref="MoveTo(FactorModel)"/>, for a tracker built over an item map.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This tracker was disposed or already moved (with a journal).</exception>
    /// <exception cref="IOException">With a journal: the snapshot could not be written (this tracker is unchanged and still open), or the
    /// new tracker could not open the journal (this tracker is closed).</exception>
    public EventTracker MoveTo(IdMap items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Move(() => new EventTracker(items, Options, _catalog, _time));
    }

    private EventTracker Move(Func<EventTracker> create)
    {
        lock (_snapshotLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_journal is null)
            {
                EventTracker next = create();
                byte[] payload;
                lock (_journalLock)
                {
                    payload = CaptureSnapshot();
                }

                next.RestoreSnapshot("(the state of the tracker it moved from)", payload);
                return next;
            }

            WriteSnapshot();   // the new tracker restores it; no record follows it, since this tracker closes now
            Close();
        }

        return create();
    }
}
