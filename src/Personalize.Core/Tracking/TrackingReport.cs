namespace Personalize.Core.Tracking;

/// <summary>What an <see cref="EventTracker"/> has received so far: every event is either accepted or counted as rejected, with the reason.</summary>
/// <remarks>A snapshot: immutable and thread-safe. <see cref="Received"/> = <see cref="Accepted"/> + <see cref="UnknownItems"/> +
/// <see cref="UnknownEventTypes"/> + <see cref="CancelledPurchases"/> always holds.</remarks>
public sealed class TrackingReport
{
    internal TrackingReport(long accepted, long unknownItems, long unknownEventTypes, IReadOnlyDictionary<string, long> unknownItemIds,
        IReadOnlyDictionary<string, long> unknownEventTypeNames, bool listsEveryUnknownItem, int users, long evictedUsers, long evictedUserItems,
        JournalReport? journal)
    {
        EvictedUsers = evictedUsers;
        EvictedUserItems = evictedUserItems;
        Journal = journal;
        ListsEveryUnknownItem = listsEveryUnknownItem;
        Accepted = accepted;
        UnknownItems = unknownItems;
        UnknownEventTypes = unknownEventTypes;
        UnknownItemIds = unknownItemIds;
        UnknownEventTypeNames = unknownEventTypeNames;
        Users = users;
    }

    /// <summary>Gets how many events were received (tracked one by one or replayed from a log).</summary>
    public long Received => Accepted + UnknownItems + UnknownEventTypes + CancelledPurchases;

    /// <summary>Gets how many purchase rows of replayed logs had a quantity of 0 (a cancelled line of an order): they are not orders, so
    /// they were not applied. Counted by this tracker's <see cref="EventTracker.Replay"/> calls alone: not being applied, they are not
    /// journaled or kept in snapshots, so a tracker restored from its journal, or moved to another model, counts from 0.</summary>
    public long CancelledPurchases { get; init; }

    /// <summary>Gets how many events were accepted.</summary>
    public long Accepted { get; }

    /// <summary>Gets how many events named an item the tracker does not know (not in its item map).</summary>
    public long UnknownItems { get; }

    /// <summary>Gets how many events had an event type the tracker does not know.</summary>
    public long UnknownEventTypes { get; }

    /// <summary>Gets the unknown item ids and how many events named each, for the first <see cref="EventTrackerOptions.UnknownItemIdCapacity"/>
    /// distinct ids; events for later ids are in <see cref="UnknownItems"/> only.</summary>
    public IReadOnlyDictionary<string, long> UnknownItemIds { get; }

    /// <summary>Gets the unknown event type names and how many events had each (up to 100 distinct names).</summary>
    public IReadOnlyDictionary<string, long> UnknownEventTypeNames { get; }

    /// <summary>Gets how many distinct users the tracker holds state for.</summary>
    public int Users { get; }

    /// <summary>Gets how many users were evicted to keep the tracker within <see cref="EventTrackerOptions.MaxUsers"/> (a user evicted twice
    /// counts twice). Replayed from a journal's snapshot, so it counts since the journal began.</summary>
    public long EvictedUsers { get; }

    /// <summary>Gets how many (user, item) entries were forgotten to keep users within <see cref="EventTrackerOptions.MaxItemsPerUser"/>.</summary>
    public long EvictedUserItems { get; }

    /// <summary>Gets what the journal recovered at start-up and has written since; <see langword="null"/> without
    /// <see cref="EventTrackerOptions.Journal"/>.</summary>
    public JournalReport? Journal { get; }

    /// <summary>Gets whether <see cref="UnknownItemIds"/> lists every unknown item id (no id was left out for lack of room).</summary>
    public bool ListsEveryUnknownItem { get; }
}
