using Personalize.Core.Data;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

public sealed class EventTrackerTrackTests
{
    [Fact]
    public void Track_accepts_known_items_and_counts_unknown_items_and_event_types_without_throwing()
    {
        var f = new TrackerFixture();

        Assert.Equal(TrackOutcome.Accepted, f.Track("u1", "i1", "view"));
        Assert.Equal(TrackOutcome.Accepted, f.Track("u1", "i2", "PURCHASE"));
        Assert.Equal(TrackOutcome.UnknownItem, f.Track("u1", "nope", "view"));
        Assert.Equal(TrackOutcome.UnknownItem, f.Track("u2", "nope", "cart"));
        Assert.Equal(TrackOutcome.UnknownItem, f.Track("u2", "", "cart"));
        Assert.Equal(TrackOutcome.UnknownEventType, f.Track("u2", "i1", "wishlist"));

        TrackingReport report = f.Tracker.GetReport();
        Assert.Equal((6L, 2L, 3L, 1L), (report.Received, report.Accepted, report.UnknownItems, report.UnknownEventTypes));
        Assert.Equal(2, report.UnknownItemIds["nope"]);
        Assert.Equal(1, report.UnknownItemIds[""]);
        Assert.Equal(1, report.UnknownEventTypeNames["wishlist"]);
        Assert.True(report.ListsEveryUnknownItem);
        Assert.Equal(1, report.Users);   // u2 had no accepted event
    }

    [Fact]
    public void An_anonymous_event_counts_toward_trending_only()
    {
        var f = new TrackerFixture();

        Assert.Equal(TrackOutcome.Accepted, f.Tracker.TrackAnonymous("i4", "view", f.Clock.Now));
        Assert.Equal(TrackOutcome.UnknownItem, f.Tracker.TrackAnonymous("nope", "view", f.Clock.Now));
        Assert.Equal(TrackOutcome.UnknownEventType, f.Tracker.TrackAnonymous("i4", "like", f.Clock.Now));

        Assert.Equal("i4", Assert.Single(f.Tracker.TrendingNow(5)).ItemId);
        TrackingReport report = f.Tracker.GetReport();
        Assert.Equal((3L, 1L, 1L, 1L, 0), (report.Received, report.Accepted, report.UnknownItems, report.UnknownEventTypes, report.Users));
    }

    [Fact]
    public void The_report_lists_unknown_ids_up_to_its_capacity_and_still_counts_the_rest()
    {
        var f = new TrackerFixture(options: new EventTrackerOptions { UnknownItemIdCapacity = 3 });
        for (int i = 0; i < 10; i++)
        {
            f.Track("u", $"x{i}", "view");
            f.Track("u", "x0", "view");
        }

        TrackingReport report = f.Tracker.GetReport();

        Assert.Equal(20, report.UnknownItems);
        Assert.Equal(3, report.UnknownItemIds.Count);
        Assert.Equal(11, report.UnknownItemIds["x0"]);
        Assert.False(report.ListsEveryUnknownItem);
        Assert.Equal(report.Received, report.Accepted + report.UnknownItems + report.UnknownEventTypes);
    }

    [Fact]
    public void Track_rejects_missing_arguments_with_their_names()
    {
        var f = new TrackerFixture();

        Assert.Equal("userId", Assert.Throws<ArgumentNullException>(() => f.Tracker.Track(null!, "i1", "view", f.Clock.Now)).ParamName);
        Assert.Equal("userId", Assert.Throws<ArgumentException>(() => f.Tracker.Track("", "i1", "view", f.Clock.Now)).ParamName);
        Assert.Equal("itemId", Assert.Throws<ArgumentNullException>(() => f.Tracker.Track("u", null!, "view", f.Clock.Now)).ParamName);
        Assert.Equal("eventType", Assert.Throws<ArgumentNullException>(() => f.Tracker.Track("u", "i1", null!, f.Clock.Now)).ParamName);
    }

    [Fact]
    public void Seen_covers_tracked_items_and_the_model_training_data()
    {
        var model = TestSupport.TestModels.Create(seed: 3, userCount: 4, itemCount: 30, seenFraction: 0.3);
        var tracker = new EventTracker(model);
        int trainingItem = model.GetSeenItems(0)[0];
        string unseen = model.Items.GetId(Enumerable.Range(0, 30).First(i => !model.GetSeenItems(0).Contains(i)));

        Assert.True(tracker.HasSeen("user-0", model.Items.GetId(trainingItem)));
        Assert.False(tracker.HasSeen("user-0", unseen));

        tracker.Track("user-0", unseen, "cart", DateTimeOffset.UnixEpoch.AddYears(56));
        tracker.Track("visitor", unseen, "view", DateTimeOffset.UnixEpoch.AddYears(56));

        Assert.True(tracker.HasSeen("user-0", unseen));
        Assert.True(tracker.HasSeen("visitor", unseen));
        Assert.False(tracker.HasSeen("visitor", model.Items.GetId(trainingItem)));
        Assert.False(tracker.HasSeen("user-0", "not-an-item"));
        var seen = new int[4];
        Assert.Equal(1, tracker.CopySeenAdditions("user-0", seen));
        Assert.Equal(model.Items.GetIndex(unseen), seen[0]);
    }

    [Fact]
    public void Replay_gives_the_same_state_as_tracking_each_row_and_stops_at_until()
    {
        DateTimeOffset t0 = TrackerFixture.Start;
        Interaction[] rows =
        [
            new("u1", "i1", "view", t0),
            new("u1", "i2", "purchase", t0.AddMinutes(5)),
            new("u2", "zz", "view", t0.AddMinutes(6)),
            new("u1", "i3", "view", t0.AddMinutes(7)),
            new("u1", "i4", "view", t0.AddMinutes(8)),
        ];
        InteractionLog log = InteractionLog.Create(rows.Reverse(), EventWeights.Default);   // out of order on purpose
        var replayed = new TrackerFixture();
        var tracked = new TrackerFixture();
        foreach (Interaction row in rows[..4])
        {
            tracked.Tracker.Track(row.UserId, row.ItemId, row.EventType!, row.Timestamp!.Value);
        }

        long count = replayed.Tracker.Replay(log, until: t0.AddMinutes(7).AddSeconds(0.5));

        Assert.Equal(4, count);
        Assert.Equal(["i3", "i1"], replayed.Tracker.RecentlyViewed("u1", 10).Select(v => v.ItemId));
        Assert.Equal(tracked.Tracker.RecentlyViewed("u1", 10), replayed.Tracker.RecentlyViewed("u1", 10));
        TrackingReport report = replayed.Tracker.GetReport();
        Assert.Equal((4L, 3L, 1L), (report.Received, report.Accepted, report.UnknownItems));
        Assert.Equal(1, report.UnknownItemIds["zz"]);
        Assert.Equal(tracked.Tracker.TrendingNow(5), replayed.Tracker.TrendingNow(5));
    }

    [Fact]
    public void Replay_needs_timestamps_and_event_types()
    {
        var f = new TrackerFixture();
        InteractionLog untimed = InteractionLog.Create([new Interaction("u", "i1", "view")], EventWeights.Default);
        InteractionLog untyped = InteractionLog.Create([new Interaction("u", "i1", Timestamp: TrackerFixture.Start)]);

        Assert.Contains("no timestamps", Assert.Throws<ArgumentException>(() => f.Tracker.Replay(untimed)).Message);
        Assert.Contains("no event types", Assert.Throws<ArgumentException>(() => f.Tracker.Replay(untyped)).Message);
    }

    [Fact]
    public void Replay_counts_event_types_the_tracker_does_not_know()
    {
        var f = new TrackerFixture();
        EventWeights weights = EventWeights.Parse("view=1,like=2");
        InteractionLog log = InteractionLog.Create(
            [new("u", "i1", "view", TrackerFixture.Start), new("u", "i2", "like", TrackerFixture.Start)], weights);

        f.Tracker.Replay(log);

        TrackingReport report = f.Tracker.GetReport();
        Assert.Equal((1L, 1L), (report.Accepted, report.UnknownEventTypes));
        Assert.Equal(1, report.UnknownEventTypeNames["like"]);
    }

    [Fact]
    public void Interactions_for_fold_in_sum_the_event_weights_per_item()
    {
        var f = new TrackerFixture();
        f.Track("u", "i1", "view");
        f.Track("u", "i2", "view");
        f.Track("u", "i2", "cart");
        f.Track("u", "i2", "purchase");
        f.Track("u", "i3", "view");
        var items = new int[8];
        var weights = new float[8];

        int n = f.Tracker.CopyRecentInteractions("u", items, weights);

        var pairs = items[..n].Zip(weights[..n]).OrderBy(p => p.First).ToList();
        Assert.Equal([(1, 1f), (2, 15f), (3, 1f)], pairs);   // i2: view 1 + cart 4 + purchase 10
        Assert.Equal(0, f.Tracker.CopyRecentInteractions("nobody", items, weights));
        Assert.Equal(-3, f.Tracker.CopyRecentInteractions("u", items.AsSpan(0, 2), weights.AsSpan(0, 2)));
    }

    [Fact]
    public void The_folded_in_vector_is_solved_once_per_change_of_the_user_events()
    {
        var model = TestSupport.TestModels.Create(seed: 5, userCount: 2, itemCount: 10, numberOfFactors: 3);
        var tracker = new EventTracker(model);
        int solves = 0;
        var vector = new float[3];
        Assert.False(tracker.TryGetFoldedUserVector("v", vector));   // no solver wired yet

        // A stand-in for part A's solver: the weighted mean of the item vectors. Only the plumbing is under test here.
        tracker.VectorFoldIn = (_, items, weights, user) =>
        {
            solves++;
            user.Clear();
            for (int i = 0; i < items.Length; i++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(model.GetItemFactors(items[i]), weights[i], user, user);
            }

            return true;
        };
        tracker.Track("v", "item-1", "view", TrackerFixture.Start);

        Assert.True(tracker.TryGetFoldedUserVector("v", vector));
        Assert.True(tracker.TryGetFoldedUserVector("v", vector));
        Assert.Equal(1, solves);
        Assert.Equal(model.GetItemFactors(1).ToArray(), vector);

        tracker.Track("v", "item-2", "purchase", TrackerFixture.Start);
        Assert.True(tracker.TryGetFoldedUserVector("v", vector));
        Assert.Equal(2, solves);
        Assert.Equal(model.GetItemFactors(1)[0] + (10 * model.GetItemFactors(2)[0]), vector[0], 5);
        Assert.False(tracker.TryGetFoldedUserVector("nobody", vector));
    }
}
