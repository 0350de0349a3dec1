namespace Personalize.Core.Preferences;

/// <summary>Changes of one user's saved preferences that survive other writers: read, change, save, and on a conflict read and change
/// again.</summary>
public static class PreferenceStoreExtensions
{
    /// <summary>How many times <see cref="UpdateAsync"/> tries by default before it lets the conflict through.</summary>
    public const int DefaultAttempts = 10;

    /// <summary>
    /// Applies <paramref name="change"/> to a user's saved preferences (to new, empty ones when the user has none) and saves the result.
    /// When another writer saved in between (<see cref="PreferenceConflictException"/>), it reads the preferences again and applies
    /// <paramref name="change"/> to what that writer saved, so concurrent changes of different things (two brands blocked from two
    /// tabs) are all kept.
    /// </summary>
    /// <remarks><paramref name="change"/> may run more than once, each time on the latest saved preferences: make it a change ("add this
    /// brand"), not a whole record read earlier. The version it returns is ignored: the save carries the version that was read. When the
    /// change leaves the preferences as they were, nothing is saved. Between attempts it waits a few milliseconds, more each time.</remarks>
    /// <param name="store">The store.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="change">Makes the new preferences from the saved ones.</param>
    /// <param name="attempts">How many saves to try before a conflict is thrown; at least 1.</param>
    /// <param name="cancellationToken">Cancels the reads, the saves and the waits.</param>
    /// <returns>The preferences as saved, with their new version; or as read, when the change left them as they were.</returns>
    /// <exception cref="PreferenceConflictException">Other writers saved first at every one of <paramref name="attempts"/> attempts.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempts"/> is less than 1.</exception>
    public static async Task<UserPreferences> UpdateAsync(this IPreferenceStore store, string userId, Func<UserPreferences, UserPreferences> change,
        int attempts = DefaultAttempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        for (int attempt = 1; ; attempt++)
        {
            UserPreferences current = await store.GetAsync(userId, cancellationToken).ConfigureAwait(false) ?? new UserPreferences();
            UserPreferences changed = change(current) ?? throw new InvalidOperationException("The change returned null preferences.");
            changed = changed with { Version = current.Version };
            if (changed.Equals(current))
            {
                return current;
            }

            try
            {
                return await store.SaveAsync(userId, changed, cancellationToken).ConfigureAwait(false);
            }
            catch (PreferenceConflictException) when (attempt < attempts)
            {
                // The writers that collided would collide again at once: spread them out, a little more each time.
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
