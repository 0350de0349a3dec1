using System.Text;

namespace Personalize.Core.Tracking;

public sealed partial class EventTracker
{
    /// <summary>Records that a user searched: the query joins the user's recent searches (<see cref="RecentSearches"/>), which a search
    /// package reads to suggest new items for them. It does not change the seen items, the folded-in taste or trending.</summary>
    /// <param name="userId">The caller's user id; a new id creates the user's state.</param>
    /// <param name="query">What the user typed: untrusted plain text. White space is trimmed and collapsed and the text is cut at 200
    /// characters; the same query again (ignoring case) moves to the front instead of being kept twice.</param>
    /// <param name="timestamp">When; later than <see cref="DateTimeOffset.MinValue"/>, as for <see cref="Track"/>. A search older than the
    /// user's latest search of the same query does not move it back.</param>
    /// <returns><see cref="TrackOutcome.Accepted"/>, or <see cref="TrackOutcome.EmptyQuery"/> for a query of white space only.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty, or not valid Unicode text (a lone UTF-16 surrogate).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is <see cref="DateTimeOffset.MinValue"/>.</exception>
    /// <exception cref="IOException">With a journal: the record could not be written (the event is not applied), or with
    /// <see cref="JournalFlushPolicy.EveryRecord"/> not flushed to disk (the event is applied, but a restart may not replay it); either
    /// way the journal accepts no more events until the tracker is created again.</exception>
    /// <exception cref="ObjectDisposedException">With a journal: the tracker was disposed.</exception>
    /// <remarks>Thread-safe: a short lock on the user's state. Each user keeps at most
    /// <see cref="EventTrackerOptions.RecentSearchCapacity"/> distinct queries; the least recent is forgotten.</remarks>
    public TrackOutcome TrackSearch(string userId, string query, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(query);
        CheckUserId(userId);
        CheckTimestamp(timestamp);
        string text = NormalizeQuery(query);
        if (text.Length == 0)
        {
            return TrackOutcome.EmptyQuery;
        }

        if (_journal is not null)
        {
            TrackDurably(JournalRecordKind.Search, userId, -1, -1, timestamp.UtcTicks, text);
        }
        else
        {
            ApplySearch(userId, text, timestamp.UtcTicks);
        }

        return TrackOutcome.Accepted;
    }

    /// <summary>Records a normalized query in the user's recent searches (<see cref="TrackSearch"/> after its checks; a journal replay).</summary>
    private void ApplySearch(string userId, string text, long ticks)
    {
        var at = new DateTimeOffset(ticks, TimeSpan.Zero);
        UserActivity user = LockUser(userId);
        try
        {
            List<RecentSearch> searches = user.Searches ??= [];
            int existing = searches.FindIndex(s => string.Equals(s.Query, text, StringComparison.OrdinalIgnoreCase));
            int count = 1;
            if (existing >= 0)
            {
                RecentSearch old = searches[existing];
                count = old.Count + 1;
                if (old.SearchedAt > at)
                {
                    searches[existing] = old with { Count = count };
                    return;
                }

                searches.RemoveAt(existing);
            }
            else if (searches.Count == Options.RecentSearchCapacity)
            {
                if (searches[0].SearchedAt > at)
                {
                    return;   // a late search older than every one kept is the least recent itself: it displaced a newer one
                }

                searches.RemoveAt(0);   // kept oldest first: forget the least recent
            }

            // Oldest first, so the newest is appended; an out-of-order search is placed by its time.
            int place = searches.Count;
            while (place > 0 && searches[place - 1].SearchedAt > at)
            {
                place--;
            }

            searches.Insert(place, new RecentSearch(text, at, count));
        }
        finally
        {
            Monitor.Exit(user);
        }
    }

    /// <summary>Gets a user's recent searches, newest first, each distinct query (ignoring case) once.</summary>
    /// <param name="userId">The user; an unknown user has searched nothing.</param>
    /// <param name="count">How many searches at most.</param>
    /// <returns>Up to min(<paramref name="count"/>, searches kept) searches.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public IReadOnlyList<RecentSearch> RecentSearches(string userId, int count)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || !_users.TryGetValue(userId, out UserActivity? user))
        {
            return [];
        }

        lock (user)
        {
            if (user.Searches is not { } searches)
            {
                return [];
            }

            var result = new RecentSearch[Math.Min(count, searches.Count)];
            for (int r = 0; r < result.Length; r++)
            {
                result[r] = searches[searches.Count - 1 - r];
            }

            return result;
        }
    }

    /// <summary>Trims, collapses runs of white space (and control characters) to one space, and cuts the text at the length limit without
    /// splitting a surrogate pair.</summary>
    internal static string NormalizeQuery(string query)
    {
        var text = new StringBuilder(Math.Min(query.Length, EventTrackerDefaults.MaxQueryLength));
        bool space = false;
        foreach (char c in query)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = text.Length > 0;
                continue;
            }

            if (space)
            {
                if (text.Length + 1 >= EventTrackerDefaults.MaxQueryLength)
                {
                    break;
                }

                text.Append(' ');
                space = false;
            }

            if (text.Length >= EventTrackerDefaults.MaxQueryLength)
            {
                break;
            }

            text.Append(c);
        }

        if (text.Length > 0 && char.IsHighSurrogate(text[^1]))
        {
            text.Length--;
        }

        return text.ToString();
    }
}
