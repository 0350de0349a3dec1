using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// A deterministic stream of tracker calls (views, carts, purchases, anonymous events and searches over a few users and items in two
/// categories) and a text fingerprint of every surface a shopper sees, so tests compare what the tracker answers, not its internals.
/// </summary>
internal sealed class JournalScenario
{
    public static readonly DateTimeOffset Start = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    public JournalScenario(int seed, int count, int users = 12, int items = 20)
    {
        var random = new Random(seed);
        UserIds = [.. Enumerable.Range(0, users).Select(u => $"u{u}")];
        Items = IdMap.FromIds(Enumerable.Range(0, items).Select(i => $"i{i}"));
        var calls = new Call[count];
        for (int n = 0; n < count; n++)
        {
            double kind = random.NextDouble();
            string user = UserIds[random.Next(users)];
            string item = $"i{random.Next(items)}";
            var at = Start.AddMinutes(n * 7);   // a purchase every few days per user: buy again sees repeat orders
            calls[n] = kind switch
            {
                < 0.55 => new Call(CallKind.Event, user, item, "view", at),
                < 0.70 => new Call(CallKind.Event, user, item, "cart", at),
                < 0.85 => new Call(CallKind.Event, user, $"i{random.Next(4)}", "purchase", at),
                < 0.92 => new Call(CallKind.Anonymous, null, item, "view", at),
                _ => new Call(CallKind.Search, user, $"  query {random.Next(6)} ", null, at),
            };
        }

        Calls = calls;
        End = Start.AddMinutes(count * 7);
    }

    public enum CallKind
    {
        Event,
        Anonymous,
        Search,
    }

    public IReadOnlyList<string> UserIds { get; }

    public IdMap Items { get; }

    public IReadOnlyList<Call> Calls { get; }

    /// <summary>After the last call: the "now" the surfaces are read at.</summary>
    public DateTimeOffset End { get; }

    /// <summary>A catalogue putting i0, i1 (re-bought coffee) and the even items in one category and the rest in another.</summary>
    public static ItemCatalog Catalog(TempDirectory folder, int items = 20) =>
        ItemCatalog.ReadCsv(folder.Write("items.csv", "item_id,category\n"
            + string.Concat(Enumerable.Range(0, items).Select(i => $"i{i},{(i < 2 || i % 2 == 0 ? "Grocery/Coffee" : "Home/Lamps")}\n"))));

    /// <summary>Makes the calls from <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    public void Play(EventTracker tracker, int from, int to)
    {
        for (int n = from; n < to; n++)
        {
            Call call = Calls[n];
            TrackOutcome outcome = call.Kind switch
            {
                CallKind.Event => tracker.Track(call.User!, call.ItemOrQuery, call.EventType!, call.At),
                CallKind.Anonymous => tracker.TrackAnonymous(call.ItemOrQuery, call.EventType!, call.At),
                _ => tracker.TrackSearch(call.User!, call.ItemOrQuery, call.At),
            };
            Assert.Equal(TrackOutcome.Accepted, outcome);
        }
    }

    /// <summary>Every surface of every user, trending over all items and per category, and the report's counts, as text.</summary>
    public string Surfaces(EventTracker tracker)
    {
        var text = new StringBuilder();
        foreach (string user in UserIds)
        {
            text.Append(user).Append(" viewed:");
            foreach (ViewedItem viewed in tracker.RecentlyViewed(user, 100))
            {
                text.Append(CultureInfo.InvariantCulture, $" {viewed.ItemId}@{viewed.ViewedAt.UtcTicks}");
            }

            text.Append(" | again:");
            foreach (BuyAgainItem again in tracker.BuyAgain(user, 100))
            {
                text.Append(CultureInfo.InvariantCulture, $" {again.ItemId}:{again.Score:R}x{again.TimesBought}@{again.LastBought.UtcTicks}/{again.RepeatRate:R}");
            }

            text.Append(" | searches:");
            foreach (RecentSearch search in tracker.RecentSearches(user, 100))
            {
                text.Append(CultureInfo.InvariantCulture, $" '{search.Query}'x{search.Count}@{search.SearchedAt.UtcTicks}");
            }

            text.Append(" | seen:");
            for (int i = 0; i < tracker.Items.Count; i++)
            {
                text.Append(tracker.HasSeen(user, tracker.Items.GetId(i)) ? '1' : '0');
            }

            text.AppendLine();
        }

        AppendTrending(text, "trending", tracker.TrendingNow(100, End));
        if (tracker.HasCategories)
        {
            foreach (string category in tracker.GetCategories())
            {
                AppendTrending(text, category, tracker.TrendingNow(100, End, category: category));
            }
        }

        TrackingReport report = tracker.GetReport();
        text.Append(CultureInfo.InvariantCulture,
            $"accepted {report.Accepted}, users {report.Users}, evicted {report.EvictedUsers} users and {report.EvictedUserItems} items");
        return text.ToString();
    }

    private static void AppendTrending(StringBuilder text, string name, IReadOnlyList<TrendingItem> items)
    {
        text.Append(name).Append(':');
        foreach (TrendingItem item in items)
        {
            text.Append(CultureInfo.InvariantCulture, $" {item.ItemId}:{item.Score:R}/{item.RecentEvents:R}/{item.ExpectedEvents:R}");
        }

        text.AppendLine();
    }

    public sealed record Call(CallKind Kind, string? User, string ItemOrQuery, string? EventType, DateTimeOffset At);
}
