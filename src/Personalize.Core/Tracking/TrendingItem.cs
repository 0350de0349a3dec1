namespace Personalize.Core.Tracking;

/// <summary>One item of the trending list, with the numbers behind its score.</summary>
/// <param name="ItemId">The caller's item id.</param>
/// <param name="ItemIndex">The item's index in <see cref="EventTracker.Items"/>.</param>
/// <param name="Score">(recent + m) / (expected + m), with m = <see cref="EventTrackerOptions.TrendingSmoothing"/>: above 1 the item is
/// busier than usual.</param>
/// <param name="RecentEvents">The item's events decayed with <see cref="EventTrackerOptions.ShortHalfLife"/> (about the events of the last
/// 1.44 half-lives).</param>
/// <param name="ExpectedEvents">What <paramref name="RecentEvents"/> would be at the item's baseline rate: its events decayed with
/// <see cref="EventTrackerOptions.BaselineHalfLife"/>, times short / baseline half-life.</param>
public readonly record struct TrendingItem(string ItemId, int ItemIndex, float Score, float RecentEvents, float ExpectedEvents);
