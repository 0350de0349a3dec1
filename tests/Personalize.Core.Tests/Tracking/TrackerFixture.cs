using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>A tracker over items i0…i{n-1} with a manual clock starting at <see cref="Start"/>.</summary>
internal sealed class TrackerFixture
{
    public static readonly DateTimeOffset Start = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    public TrackerFixture(int itemCount = 20, EventTrackerOptions? options = null, ItemCatalog? catalog = null)
    {
        Items = IdMap.FromIds(Enumerable.Range(0, itemCount).Select(i => $"i{i}"));
        Clock = new ManualTimeProvider(Start);
        Tracker = new EventTracker(Items, options, catalog, Clock);
    }

    public IdMap Items { get; }

    public ManualTimeProvider Clock { get; }

    public EventTracker Tracker { get; }

    /// <summary>Tracks an event at the clock's current time plus <paramref name="offset"/>.</summary>
    public TrackOutcome Track(string user, string item, string type, TimeSpan offset = default) =>
        Tracker.Track(user, item, type, Clock.Now + offset);

    /// <summary>A filter that keeps only the listed item indices, compiled through a real catalogue.</summary>
    public CompiledFilter Only(params int[] keep)
    {
        var rows = Enumerable.Range(0, Items.Count).Select(i => $"i{i},{(keep.Contains(i) ? "true" : "false")}");
        using var folder = new TempDirectory();
        ItemCatalog catalog = ItemCatalog.ReadCsv(folder.Write("items.csv", "item_id,in_stock\n" + string.Join('\n', rows) + "\n"));
        return FilterCompiler.Compile(Filter.Where("in_stock").IsTrue(), catalog, Items);
    }
}
