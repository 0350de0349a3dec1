using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

public sealed class EventTrackerOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new EventTrackerOptions();

        Assert.Equal(TimeSpan.FromHours(1), options.ShortHalfLife);
        Assert.Equal(TimeSpan.FromDays(1), options.BaselineHalfLife);
        Assert.Equal(5d, options.TrendingSmoothing);
        Assert.Same(EventWeights.Default, options.EventWeights);
        Assert.Equal(("view", "purchase", "category"), (options.ViewEventType, options.PurchaseEventType, options.CategoryAttribute));
        Assert.Equal(100, options.UnknownItemIdCapacity);
        Assert.Equal(0.1, options.BuyAgainMinimumRepeatRate);
        Assert.Equal(20, options.RecentSearchCapacity);
        Assert.Equal((null, null, null), (options.MaxUsers, options.MaxItemsPerUser, options.Journal));
    }

    [Fact]
    public void Journal_defaults_are_the_documented_ones()
    {
        var journal = new EventJournalOptions("events");

        Assert.Equal("events", journal.Directory);
        Assert.Equal(JournalFlushPolicy.EveryRecord, journal.FlushPolicy);
        Assert.Equal(TimeSpan.FromMilliseconds(100), journal.FlushInterval);
        Assert.Equal(1_000_000, journal.SnapshotAfterRecords);
    }

    [Fact]
    public void Invalid_bounds_and_journal_options_are_reported_together()
    {
        var options = new EventTrackerOptions
        {
            MaxUsers = 0,
            MaxItemsPerUser = -1,
            Journal = new EventJournalOptions(" ") { FlushPolicy = (JournalFlushPolicy)7, FlushInterval = TimeSpan.Zero, SnapshotAfterRecords = 0 },
        };

        var error = Assert.Throws<ValidationException>(() => new EventTracker(IdMap.FromIds(["a"]), options));

        Assert.Equal(
            "EventTrackerOptions is invalid (6 errors): MaxUsers = 0: must be between 1 and 2147483647. "
            + "MaxItemsPerUser = -1: must be between 1 and 10000000. "
            + "Journal.FlushPolicy = 7: must be one of EveryRecord, GroupCommit. "
            + "Journal.FlushInterval = 00:00:00: must be between 00:00:00.0010000 and 00:01:00. "
            + "Journal.SnapshotAfterRecords = 0: must be between 1 and 2147483647. "
            + "Journal.Directory = ' ': must name a directory (it is created if it does not exist).",
            error.Message);
    }

    [Fact]
    public void Invalid_options_are_reported_together_when_the_tracker_is_created()
    {
        var options = new EventTrackerOptions
        {
            ShortHalfLife = TimeSpan.FromDays(2),
            UnknownItemIdCapacity = -1,
            TrendingSmoothing = -1,
            PurchaseEventType = "order",
        };

        var error = Assert.Throws<ValidationException>(() => new EventTracker(IdMap.FromIds(["a"]), options));

        Assert.Equal(
            "EventTrackerOptions is invalid (4 errors): TrendingSmoothing = -1: must be between 0 and 1000000000. "
            + "UnknownItemIdCapacity = -1: must be between 0 and 100000. "
            + "BaselineHalfLife = 1.00:00:00: must be longer than ShortHalfLife (2.00:00:00), or the baseline cannot tell a surge from the usual rate. "
            + "PurchaseEventType = 'order': must be one of the event types (view, cart, purchase).",
            error.Message);
    }

    [Fact]
    public void A_half_life_outside_its_range_is_named()
    {
        var options = new EventTrackerOptions { ShortHalfLife = TimeSpan.Zero };

        var error = Assert.Throws<ValidationException>(() => new EventTracker(IdMap.FromIds(["a"]), options));

        Assert.Equal("EventTrackerOptions is invalid (1 error): ShortHalfLife = 00:00:00: must be between 00:00:01 and 3650.00:00:00.", error.Message);
    }
}
