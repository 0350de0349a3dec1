using System.Collections.Concurrent;
using Personalize.Core.Preferences;

namespace Personalize.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="IPreferenceStore"/> in a dictionary, for Core's tests of how lists apply saved preferences (the SQLite store has its
/// own tests in Personalize.Preferences.Sqlite.Tests). Each save increments the version; it does not check for conflicts.
/// </summary>
internal sealed class InMemoryPreferenceStore : IPreferenceStore
{
    private readonly ConcurrentDictionary<string, UserPreferences> _saved = new(StringComparer.Ordinal);

    public Task<UserPreferences?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_saved.TryGetValue(userId, out UserPreferences? found) ? found : null);

    public Task<UserPreferences> SaveAsync(string userId, UserPreferences preferences, CancellationToken cancellationToken = default) =>
        Task.FromResult(_saved.AddOrUpdate(userId, _ => preferences with { Version = 1 }, (_, old) => preferences with { Version = old.Version + 1 }));

    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default) => Task.FromResult(_saved.TryRemove(userId, out _));
}
