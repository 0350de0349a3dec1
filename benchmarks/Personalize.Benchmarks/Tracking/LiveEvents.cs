using Personalize.Core.Data;

namespace Personalize.Benchmarks.Tracking;

/// <summary>A deterministic stream of shop events for the tracker benchmarks: skewed item popularity, 75% views, 15% carts, 10% purchases.</summary>
internal sealed class LiveEvents
{
    public static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    public LiveEvents(int seed, int count, int users, int items)
    {
        var random = new Random(seed);
        ItemMap = IdMap.FromIds(Enumerable.Range(0, items).Select(i => "i" + i));
        string[] userIds = [.. Enumerable.Range(0, users).Select(u => "u" + u)];
        string[] itemIds = [.. ItemMap.Ids];
        Users = new string[count];
        Items = new string[count];
        Types = new string[count];
        Times = new DateTimeOffset[count];
        for (int e = 0; e < count; e++)
        {
            // Item popularity ~ 1/rank (Zipf-like): the hot items are where concurrent writers meet.
            int item = (int)Math.Min(items - 1, Math.Floor(Math.Exp(random.NextDouble() * Math.Log(items + 1)) - 1));
            double kind = random.NextDouble();
            Users[e] = userIds[random.Next(users)];
            Items[e] = itemIds[item];
            Types[e] = kind < 0.75 ? "view" : kind < 0.9 ? "cart" : "purchase";
            Times[e] = Start.AddSeconds(e * 0.01);   // 100 events per second of shop time
        }
    }

    public IdMap ItemMap { get; }

    public string[] Users { get; }

    public string[] Items { get; }

    public string[] Types { get; }

    public DateTimeOffset[] Times { get; }

    public TimeSpan Span => Times[^1] - Times[0] + TimeSpan.FromSeconds(1);
}
