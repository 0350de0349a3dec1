using Personalize.Core.Data;

namespace Personalize.Storefront.Shop;

/// <summary>
/// What the product page's "because you bought X" needs beyond the durable tracker: which items each user bought (the sample history,
/// fixed, plus live purchases) and each user's last few live events. In memory only and bounded: at most <c>maxUsers</c> users with live
/// events (the user who first had one leaves first) and <see cref="EventsPerUser"/> events per user. Thread-safe.
/// </summary>
internal sealed class SessionEvents
{
    /// <summary>The live events kept per user, newest last.</summary>
    public const int EventsPerUser = 50;

    private readonly Dictionary<string, HashSet<string>> _historyPurchases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Interaction>> _live = new(StringComparer.Ordinal);
    private readonly Queue<string> _arrival = new();
    private readonly int _maxUsers;
    private readonly Lock _lock = new();

    public SessionEvents(InteractionLog history, int maxUsers)
    {
        _maxUsers = maxUsers;
        int purchase = history.EventTypes?.IndexOf("purchase") ?? -1;
        for (int row = 0; row < history.Count; row++)
        {
            if (purchase >= 0 && history.EventTypeIndices[row] == purchase)
            {
                string user = history.Users.GetId(history.UserIndices[row]);
                if (!_historyPurchases.TryGetValue(user, out HashSet<string>? items))
                {
                    _historyPurchases[user] = items = new HashSet<string>(StringComparer.Ordinal);
                }

                items.Add(history.Items.GetId(history.ItemIndices[row]));
            }
        }
    }

    /// <summary>Whether the user bought the item in the sample history or live (while their live events are kept).</summary>
    public bool HasBought(string userId, string itemId)
    {
        if (_historyPurchases.TryGetValue(userId, out HashSet<string>? items) && items.Contains(itemId))
        {
            return true;
        }

        lock (_lock)
        {
            return _live.TryGetValue(userId, out List<Interaction>? events) && events.Exists(e => e.ItemId == itemId && e.EventType == "purchase");
        }
    }

    /// <summary>The user's kept live events, oldest first.</summary>
    public IReadOnlyList<Interaction> Of(string userId)
    {
        lock (_lock)
        {
            return _live.TryGetValue(userId, out List<Interaction>? events) ? [.. events] : [];
        }
    }

    /// <summary>Keeps one accepted live event of a signed-in user.</summary>
    public void Add(Interaction e)
    {
        lock (_lock)
        {
            if (!_live.TryGetValue(e.UserId, out List<Interaction>? events))
            {
                while (_live.Count >= _maxUsers && _arrival.TryDequeue(out string? oldest))
                {
                    _live.Remove(oldest);
                }

                _live[e.UserId] = events = [];
                _arrival.Enqueue(e.UserId);
            }

            if (events.Count == EventsPerUser)
            {
                events.RemoveAt(0);
            }

            events.Add(e);
        }
    }
}
