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
                user.LastActive = Interlocked.Increment(ref _activityClock);
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

        var activity = new long[count];
        var users = new UserActivity[count];
        int n = 0;
        foreach (KeyValuePair<string, UserActivity> pair in _users)
        {
            if (n == count)
            {
                break;
            }

            activity[n] = Volatile.Read(ref pair.Value.LastActive);
            users[n++] = pair.Value;
        }

        Array.Sort(activity, users, 0, n);   // distinct keys (one clock tick per event): the same order on every run
        evict = Math.Min(evict, n);
        for (int i = 0; i < evict; i++)
        {
            UserActivity user = users[i];
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
}
