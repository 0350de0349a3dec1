using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Personalize.Core.Tracking;
using Personalize.Extensions.DependencyInjection.Tests.TestSupport;

namespace Personalize.Extensions.DependencyInjection.Tests;

/// <summary>The live tracker AddPersonalize registers: over the served model's items, with its options validated at start-up, and with
/// <see cref="PersonalizeOptions.JournalDirectory"/> a journal that the next host replays when it starts.</summary>
public sealed class EventTrackerRegistrationTests
{
    private static readonly DateTimeOffset At = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    private static IHost BuildHost(Action<PersonalizeOptions> configure)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddPersonalize(configure);
        return builder.Build();
    }

    [Fact]
    public async Task Live_events_survive_a_restart_of_the_host_with_a_journal_directory()
    {
        using var folder = new TempDirectory();
        string model = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        string journal = folder.File("events");
        using (IHost host = BuildHost(o => { o.ModelPath = model; o.JournalDirectory = journal; }))
        {
            await host.StartAsync();
            var tracker = host.Services.GetRequiredService<ILiveTracker>();
            Assert.Equal(TrackOutcome.Accepted, tracker.Track("U001", "I0003", "view", At));
            Assert.Equal(TrackOutcome.Accepted, tracker.Track("U001", "I0007", "purchase", At.AddMinutes(1)));
            await host.StopAsync();
        }

        using IHost restarted = BuildHost(o => { o.ModelPath = model; o.JournalDirectory = journal; });
        await restarted.StartAsync();
        EventTracker replayed = restarted.Services.GetRequiredService<ILiveTracker>().Tracker;

        Assert.Equal(["I0003"], replayed.RecentlyViewed("U001", 5).Select(v => v.ItemId));
        Assert.True(replayed.HasSeen("U001", "I0007"));
        Assert.Equal((2L, 0L), (replayed.GetReport().Journal!.RecordsReplayed, replayed.GetReport().Journal!.RecordsDropped));
        Assert.Equal(Path.GetFullPath(journal), replayed.GetReport().Journal!.Directory);
        await restarted.StopAsync();
    }

    [Fact]
    public async Task A_damaged_tracker_snapshot_stops_start_up_naming_the_file()
    {
        using var folder = new TempDirectory();
        string model = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        string journal = folder.File("events");
        using (IHost host = BuildHost(o => { o.ModelPath = model; o.JournalDirectory = journal; }))
        {
            await host.StartAsync();
            var tracker = host.Services.GetRequiredService<ILiveTracker>();
            tracker.Track("U001", "I0003", "view", At);
            tracker.Tracker.SaveSnapshot();
            await host.StopAsync();
        }

        string snapshot = Path.Combine(journal, "tracker.snapshot");
        byte[] bytes = File.ReadAllBytes(snapshot);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(snapshot, bytes);
        using IHost restarted = BuildHost(o => { o.ModelPath = model; o.JournalDirectory = journal; });

        var error = await Assert.ThrowsAsync<EventJournalException>(() => restarted.StartAsync());

        Assert.Equal(Path.GetFullPath(snapshot), error.FilePath);
    }

    [Fact]
    public void Without_a_journal_the_tracker_keeps_events_in_memory_and_follows_the_bounds()
    {
        using var folder = new TempDirectory();
        string model = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        var services = new ServiceCollection();
        services.AddPersonalize(o => { o.ModelPath = model; o.Tracking = new EventTrackerOptions { MaxUsers = 1 }; });
        using ServiceProvider provider = services.BuildServiceProvider();

        var live = provider.GetRequiredService<ILiveTracker>();
        live.Track("U001", "I0001", "view", At);
        live.Track("U002", "I0001", "view", At.AddSeconds(1));
        EventTracker tracker = live.Tracker;

        Assert.Same(live, provider.GetRequiredService<ILiveTracker>());
        Assert.Same(tracker, live.Tracker);
        Assert.Null(tracker.GetReport().Journal);
        Assert.Equal((1, 1L), (tracker.GetReport().Users, tracker.GetReport().EvictedUsers));
        Assert.Equal(TinyModels.Items, tracker.Items.Count);
    }

    [Fact]
    public async Task Invalid_tracking_options_stop_start_up_with_every_error()
    {
        using var folder = new TempDirectory();
        string model = TinyModels.Save(folder, "shop.pzm", TinyModels.Implicit(seed: 1));
        using IHost host = BuildHost(o =>
        {
            o.ModelPath = model;
            o.Tracking = new EventTrackerOptions { MaxUsers = 0, Journal = new EventJournalOptions(folder.File("events")) { FlushInterval = TimeSpan.Zero } };
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string failure = Assert.Single(error.Failures);
        Assert.Contains("Tracking: ", failure);
        Assert.Contains("MaxUsers", failure);
        Assert.Contains("Journal.FlushInterval = 00:00:00: must be between", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_journal_directory_applies_to_the_tracking_options_journal()
    {
        var options = new PersonalizeOptions
        {
            Tracking = new EventTrackerOptions { Journal = new EventJournalOptions("elsewhere") { FlushPolicy = JournalFlushPolicy.GroupCommit } },
            JournalDirectory = "events",
        };

        EventJournalOptions journal = options.EffectiveTracking().Journal!;

        Assert.Equal(("events", JournalFlushPolicy.GroupCommit), (journal.Directory, journal.FlushPolicy));
        Assert.Null(new PersonalizeOptions().EffectiveTracking().Journal);
        Assert.Null(new PersonalizeOptions().JournalDirectory);
        Assert.Equal(new EventTrackerOptions(), new PersonalizeOptions().Tracking);
    }
}
