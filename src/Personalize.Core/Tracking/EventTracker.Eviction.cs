namespace Personalize.Core.Tracking;

public sealed partial class EventTracker
{
    private readonly Lock _membershipLock = new();
    private long _activityClock;
    private long _evictedUsers;
    private long _evictedUserItems;

    /// <summary>Gets the user's state, creating it for a new user; with <see cref="EventTrackerOptions.MaxUsers"/>, a new user first makes
    /// room by evicting the least recently active users. The object may be evicted right after: writers call <see cref="LockUser"/>.</summary>
    private UserActivity GetOrAddUser(string userId)
    {
        if (_users.TryGetValue(userId, out UserActivity? user))
        {
            return user;
        }

        if (Options.MaxUsers is not { } max)
        {
            return _users.GetOrAdd(userId, static id => new UserActivity(id));
        }

        lock (_membershipLock)
        {
            if (_users.TryGetValue(userId, out user))
            {
                return user;
            }

            if (_users.Count >= max)
            {
                EvictLeastRecentlyActive(max);
            }

            user = new UserActivity(userId);
            _users[userId] = user;
            return user;
        }
    }

    /// <summary>Gets the user's state and enters its lock, fetching it again if it was evicted meanwhile; marks the user active now.</summary>
    private UserActivity LockUser(string userId)
    {
        while (true)
        {
            UserActivity user = GetOrAddUser(userId);
            Monitor.Enter(user);
            if (!user.Evicted)
            {
                if (Options.MaxUsers is not null)
                {
                    // Only a bounded tracker needs the order: unbounded, writers do not share this counter's cache line.
                    user.LastActive = Interlocked.Increment(ref _activityClock);
                }

                return user;
            }

            Monitor.Exit(user);
        }
    }

    /// <summary>Evicts the users whose latest event is oldest, in a batch of max(1, max / 16), so that the new user fits. Called under the
    /// membership lock; the activity clock orders events as they were applied, so a journal replay evicts the same users.</summary>
    private void EvictLeastRecentlyActive(int max)
    {
        int keep = max - Math.Max(1, max / 16);
        int count = _users.Count;
        int evict = count - keep;
        if (evict <= 0)
        {
            return;
        }

        var users = new (long Activity, UserActivity User)[count];
        int n = 0;
        foreach (KeyValuePair<string, UserActivity> pair in _users)
        {
            if (n == count)
            {
                break;
            }

            users[n++] = (Volatile.Read(ref pair.Value.LastActive), pair.Value);
        }

        // One clock tick per event makes the keys distinct; the user id breaks ties (users restored from a snapshot of an unbounded
        // tracker all have 0), so the order never depends on the dictionary's: every run evicts the same users.
        Array.Sort(users, 0, n, LeastRecentFirst.Instance);
        evict = Math.Min(evict, n);
        for (int i = 0; i < evict; i++)
        {
            UserActivity user = users[i].User;
            lock (user)
            {
                user.Evicted = true;
            }

            _users.TryRemove(user.UserId, out _);
        }

        Interlocked.Add(ref _evictedUsers, evict);
    }

    /// <summary>With <see cref="EventTrackerOptions.MaxItemsPerUser"/>, forgets the user's least recently touched items when the user
    /// holds one too many. Called under the user's lock.</summary>
    private void BoundItems(UserActivity user)
    {
        if (Options.MaxItemsPerUser is { } max && user.ItemCount > max)
        {
            int keep = Math.Max(1, max - Math.Max(1, max / 8));
            Interlocked.Add(ref _evictedUserItems, user.ForgetLeastRecentItems(keep));
        }
    }

    private sealed class LeastRecentFirst : IComparer<(long Activity, UserActivity User)>
    {
        public static readonly LeastRecentFirst Instance = new();

        public int Compare((long Activity, UserActivity User) x, (long Activity, UserActivity User) y)
        {
            int byActivity = x.Activity.CompareTo(y.Activity);
            return byActivity != 0 ? byActivity : string.CompareOrdinal(x.User.UserId, y.User.UserId);
        }
    }
}
