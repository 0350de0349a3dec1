namespace Personalize.Core.Tracking;

/// <summary>What <see cref="EventTracker.Track"/> (or <see cref="EventTracker.TrackSearch"/>) did with an event.</summary>
public enum TrackOutcome
{
    /// <summary>The event updated the user's state and the item's counters.</summary>
    Accepted = 0,

    /// <summary>The item is not in the tracker's item map; the event was counted (by item id) in <see cref="EventTracker.GetReport"/>.</summary>
    UnknownItem = 1,

    /// <summary>The event type is not one of <see cref="EventTrackerOptions.EventWeights"/>; the event was counted in
    /// <see cref="EventTracker.GetReport"/>.</summary>
    UnknownEventType = 2,

    /// <summary>The search query was empty or white space (<see cref="EventTracker.TrackSearch"/>); nothing was recorded.</summary>
    EmptyQuery = 3,
}
