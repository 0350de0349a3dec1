namespace Personalize.Core.Preferences;

/// <summary>Where user preferences live. Implementations must be safe for concurrent readers and writers.</summary>
/// <remarks>This is an extension point: implement it to keep preferences in your own database. The <c>Personalize.Preferences.Sqlite</c> package has the
/// default implementation, <c>SqlitePreferenceStore</c>.</remarks>
public interface IPreferenceStore
{
    /// <summary>Gets a user's preferences, or <see langword="null"/> when the user has none saved.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The preferences, or <see langword="null"/>.</returns>
    Task<UserPreferences?> GetAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Saves a user's preferences if nobody saved a newer version meanwhile (optimistic concurrency on <see cref="UserPreferences.Version"/>).</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="preferences">The preferences, with the version that was read (0 for new).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The saved preferences with the new version.</returns>
    /// <exception cref="PreferenceConflictException">Another writer saved a newer version; read again and retry.</exception>
    Task<UserPreferences> SaveAsync(string userId, UserPreferences preferences, CancellationToken cancellationToken = default);

    /// <summary>Deletes a user's preferences (for example when the account is closed).</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether there was anything to delete.</returns>
    Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default);
}
