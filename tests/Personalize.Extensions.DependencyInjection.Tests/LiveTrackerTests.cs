using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Pages;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;
using Personalize.Core.Tracking;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>
/// The live tracker AddPersonalize registers follows the served model: after a swap to a model that numbers the items differently, every
/// live surface (recently viewed, buy again, trending, the user's folded-in "for you") names the items a tracker over the new model that
/// saw the same events names, in memory and with a journal.
/// </summary>
public sealed class LiveTrackerTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _folder = new();
    private readonly FactorModel _first = TinyModels.Implicit(seed: 1);
    private readonly FactorModel _second = TinyModels.Implicit(seed: 2);
    private readonly string _modelPath;

    public LiveTrackerTests()
    {
        _modelPath = TinyModels.Save(_folder, "shop.pzm", _first);
        // The premise: the same items, numbered differently by the two models.
        Assert.Equal(_first.Items.Count, _second.Items.Count);
        Assert.NotEqual(Ids(_first.Items), Ids(_second.Items));
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Views, repeat purchases (for buy again) and anonymous views (for trending), before and after the swap.</summary>
    private static readonly (string User, string Item, string Type, int Minutes)[] Events =
    [
        ("U001", "I0003", "view", 0), ("U001", "I0007", "view", 5), ("U001", "I0011", "purchase", 10), ("U001", "I0011", "purchase", 60 * 24 * 7),
        ("U002", "I0011", "purchase", 20), ("U002", "I0011", "purchase", 60 * 24 * 9), ("U001", "I0042", "view", 60 * 24 * 9 + 1),
        ("", "I0050", "view", 60 * 24 * 9 + 2), ("", "I0050", "view", 60 * 24 * 9 + 3), ("", "I0021", "view", 60 * 24 * 9 + 4),
        ("U039", "I0033", "cart", 60 * 24 * 9 + 5),
    ];

    private static readonly (string User, string Item, string Type, int Minutes)[] After =
    [
        ("U001", "I0019", "view", 60 * 24 * 10), ("", "I0050", "view", 60 * 24 * 10 + 1), ("U002", "I0011", "purchase", 60 * 24 * 17),
    ];

    [Fact]
    public void After_a_swap_to_another_item_numbering_every_live_surface_names_the_items_of_a_tracker_over_the_new_model()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath, new FixedClock(At.AddDays(20)));
        var live = harness.Provider.GetRequiredService<ILiveTracker>();
        EventTracker before = live.Tracker;
        Play(live, Events);

        Assert.True(harness.Service.TrySwap(_second, "retrained").Accepted);
        Play(live, After);

        EventTracker moved = live.Tracker;
        var reference = new EventTracker(_second, null, null, new FixedClock(At.AddDays(20)));
        Play(reference, [.. Events, .. After]);
        Assert.NotSame(before, moved);
        Assert.Same(_second.Items, moved.Items);
        using ModelLease lease = harness.Service.Acquire();
        using var recommender = new Recommender(_second);
        foreach (string user in new[] { "U001", "U002", "U039" })
        {
            Assert.Equal(Surfaces(reference, new HomePageBuilder(recommender, reference), user), Surfaces(moved, new HomePageBuilder(lease.Recommender, moved), user));
        }

        Assert.Equal(reference.GetReport().Accepted, moved.GetReport().Accepted);
        LogEntry entry = Assert.Single(harness.Logs.WithEventId(14));
        Assert.Contains("Live tracker moved from model version 1 to 2", entry.Message);
    }

    [Fact]
    public void The_start_up_tracker_would_have_named_other_items_after_the_swap()
    {
        // Shows the surfaces above can tell the trackers apart: the start-up tracker's fold-in read against the new model differs.
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath, new FixedClock(At.AddDays(20)));
        var live = harness.Provider.GetRequiredService<ILiveTracker>();
        EventTracker before = live.Tracker;
        Play(live, Events);
        var reference = new EventTracker(_second, null, null, new FixedClock(At.AddDays(20)));
        Play(reference, Events);
        using var recommender = new Recommender(_second);
        using var misread = new Recommender(_second);

        Assert.NotEqual(Surfaces(reference, new HomePageBuilder(recommender, reference), "U001"),
            Surfaces(before, new HomePageBuilder(misread, before), "U001"));
    }

    [Fact]
    public async Task With_a_journal_the_moved_state_and_later_events_are_replayed_by_the_next_host_over_the_new_model()
    {
        string journal = _folder.File("events");
        string expected;
        using (IHost host = BuildHost(o => { o.ModelPath = _modelPath; o.JournalDirectory = journal; }))
        {
            await host.StartAsync();
            var live = host.Services.GetRequiredService<ILiveTracker>();
            Play(live, Events);
            ModelFile.Save(_second, _modelPath);
            Assert.True(host.Services.GetRequiredService<IRecommendationService>().Reload().Accepted);
            Play(live, After);
            JournalReport report = live.Tracker.GetReport().Journal!;
            Assert.Equal((Events.Length + 0L, 0L), (report.SnapshotSequence, report.RecordsReplayed));   // the move went through a snapshot
            expected = Surfaces(live.Tracker, null, "U001") + Surfaces(live.Tracker, null, "U002");
            await host.StopAsync();
        }

        using IHost restarted = BuildHost(o => { o.ModelPath = _modelPath; o.JournalDirectory = journal; });
        await restarted.StartAsync();
        EventTracker replayed = restarted.Services.GetRequiredService<ILiveTracker>().Tracker;

        Assert.Equal(expected, Surfaces(replayed, null, "U001") + Surfaces(replayed, null, "U002"));
        Assert.Equal(Ids(_second.Items), Ids(replayed.Items));
        Assert.Equal((After.Length + 0L, 0L), (replayed.GetReport().Journal!.RecordsReplayed, replayed.GetReport().Journal!.RecordsDropped));
        await restarted.StopAsync();
    }

    [Fact]
    public void A_lease_pairs_with_the_tracker_of_its_model_and_an_outdated_lease_is_told_to_take_a_new_one()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);
        var live = harness.Provider.GetRequiredService<ILiveTracker>();
        using ModelLease old = harness.Service.Acquire();
        Assert.True(live.TryGetTracker(old, out EventTracker? first));
        Assert.Equal(Ids(_first.Items), Ids(first.Items));

        Assert.True(harness.Service.TrySwap(_second, "retrained").Accepted);
        using ModelLease current = harness.Service.Acquire();

        Assert.False(live.TryGetTracker(old, out EventTracker? none));
        Assert.Null(none);
        Assert.True(live.TryGetTracker(current, out EventTracker? second));
        Assert.Equal(Ids(_second.Items), Ids(second.Items));
        Assert.Same(second, live.Tracker);
    }

    [Fact]
    public void A_rejected_swap_leaves_the_tracker_where_it_is()
    {
        using var harness = new ServingHarness(o => o.ModelPath = _modelPath);
        var live = harness.Provider.GetRequiredService<ILiveTracker>();
        EventTracker tracker = live.Tracker;
        live.Track("U001", "I0003", "view", At);

        Assert.False(harness.Service.TryLoad(TinyModels.Truncated(_folder, _modelPath, "torn.pzm")).Accepted);

        Assert.Same(tracker, live.Tracker);
        Assert.Equal(["I0003"], live.Tracker.RecentlyViewed("U001", 5).Select(v => v.ItemId));
        Assert.Empty(harness.Logs.WithEventId(14));
    }

    [Fact]
    public async Task A_move_whose_journal_could_not_be_opened_again_is_retried_at_the_next_event_and_tracking_recovers()
    {
        // A transient fault while the journal changes hands: the new tracker cannot open it, nor can the old one again. The old tracker
        // is closed then; tracking used to throw ObjectDisposedException for good, and so did every later swap (after applying it).
        var clock = new FlakyClock(At.AddDays(20));
        string journal = _folder.File("events");
        string expected;
        using (EventTracker direct = new(_first, new EventTrackerOptions(), null, clock))
        {
            Play(direct, Events);
            using EventTracker moved = direct.MoveTo(_second);
            Play(moved, After);
            expected = Surfaces(moved, null, "U001") + Surfaces(moved, null, "U002");
        }

        using IHost host = BuildHost(o =>
        {
            o.ModelPath = _modelPath;
            o.TimeProvider = clock;
            o.Tracking = new EventTrackerOptions { Journal = new EventJournalOptions(journal) { FlushPolicy = JournalFlushPolicy.GroupCommit } };
        });
        await host.StartAsync();
        var service = host.Services.GetRequiredService<IRecommendationService>();
        var live = host.Services.GetRequiredService<ILiveTracker>();
        Play(live, Events);

        clock.FailuresLeft = 2;   // the group-commit timer of the new tracker, then of the old one opened again
        Assert.True(service.TrySwap(_second, "retrained").Accepted);
        Assert.Equal(0, clock.FailuresLeft);

        Play(live, After);   // opens a tracker on the journal again, over the served model
        Assert.Equal(Ids(_second.Items), Ids(live.Tracker.Items));
        Assert.Equal(expected, Surfaces(live.Tracker, null, "U001") + Surfaces(live.Tracker, null, "U002"));
        Assert.True(service.TrySwap(_first, "rolled back").Accepted);
        Assert.Equal(Ids(_first.Items), Ids(live.Tracker.Items));
        await host.StopAsync();
    }

    private static IHost BuildHost(Action<PersonalizeOptions> configure)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(new FixedClock(At.AddDays(20)));
        builder.Services.AddPersonalize(configure);
        return builder.Build();
    }

    private static void Play(ILiveTracker live, IEnumerable<(string User, string Item, string Type, int Minutes)> events)
    {
        foreach ((string user, string item, string type, int minutes) in events)
        {
            TrackOutcome outcome = user.Length == 0
                ? live.TrackAnonymous(item, type, At.AddMinutes(minutes))
                : live.Track(user, item, type, At.AddMinutes(minutes));
            Assert.Equal(TrackOutcome.Accepted, outcome);
        }
    }

    private static void Play(EventTracker tracker, IEnumerable<(string User, string Item, string Type, int Minutes)> events)
    {
        foreach ((string user, string item, string type, int minutes) in events)
        {
            TrackOutcome outcome = user.Length == 0
                ? tracker.TrackAnonymous(item, type, At.AddMinutes(minutes))
                : tracker.Track(user, item, type, At.AddMinutes(minutes));
            Assert.Equal(TrackOutcome.Accepted, outcome);
        }
    }

    /// <summary>What a shopper sees, by item id: recently viewed, buy again and trending from the tracker, and, with a home-page
    /// builder, the shelves built from the tracker over the builder's model (for you from the folded-in vector, and the live shelves
    /// filtered by the model's numbering).</summary>
    private static string Surfaces(EventTracker tracker, HomePageBuilder? home, string user)
    {
        string text = $"{user} viewed: {string.Join(",", tracker.RecentlyViewed(user, 10).Select(v => v.ItemId))}"
            + $" | again: {string.Join(",", tracker.BuyAgain(user, 10).Select(b => b.ItemId))}"
            + $" | trending: {string.Join(",", tracker.TrendingNow(5).Select(t => t.ItemId))}";
        if (home is not null)
        {
            foreach (ShelfKind kind in new[] { ShelfKind.ForYou, ShelfKind.RecentlyViewed, ShelfKind.BuyAgain, ShelfKind.TrendingNow })
            {
                HomePage page = home.Build(new HomePageRequest(user, [new ShelfRequest("shelf", kind, 8)]));
                text += $" | {kind}: {string.Join(",", page.Shelves.Single().Items.Select(i => i.ItemId))}";
            }
        }

        return text + "\n";
    }

    private static string[] Ids(IdMap items) => [.. Enumerable.Range(0, items.Count).Select(items.GetId)];

    /// <summary>A clock that always reads one instant, so trending and buy again read the same "now" in every tracker.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A fixed clock whose timers fail to be created while <see cref="FailuresLeft"/> is above 0, as an I/O fault would.</summary>
    private sealed class FlakyClock(DateTimeOffset now) : TimeProvider
    {
        public int FailuresLeft;

        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("injected transient I/O fault");
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
