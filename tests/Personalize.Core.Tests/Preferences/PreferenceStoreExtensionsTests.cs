using Personalize.Core.Preferences;

namespace Personalize.Core.Tests.Preferences;

public sealed class PreferenceStoreExtensionsTests
{
    [Fact]
    public async Task A_save_that_loses_a_race_applies_the_change_again_to_what_the_other_writer_saved()
    {
        // The other writer blocks "Zen" between this writer's read and its save: the retry reads that and adds "Acme" to it.
        var store = new RacingStore(racesToLose: 1, other: p => p with { BlockedBrands = [.. p.BlockedBrands, "Zen"] });
        var seen = new List<UserPreferences>();

        UserPreferences saved = await store.UpdateAsync("U1", current =>
        {
            seen.Add(current);
            return current with { BlockedBrands = [.. current.BlockedBrands, "Acme"], Version = 99 };
        });

        Assert.Equal(["Zen", "Acme"], saved.BlockedBrands);
        Assert.Equal(2, saved.Version);
        Assert.Equal([0L, 1L], seen.Select(p => p.Version));
        Assert.Equal(saved, await store.GetAsync("U1"));
    }

    [Fact]
    public async Task A_writer_that_loses_every_attempt_gets_the_conflict_after_that_many_attempts()
    {
        var store = new RacingStore(racesToLose: int.MaxValue, other: p => p with { PreferredSort = "rating" });
        int calls = 0;

        var conflict = await Assert.ThrowsAsync<PreferenceConflictException>(() =>
            store.UpdateAsync("U1", current => current with { BlockedItems = [$"I{++calls}"] }, attempts: 3));

        Assert.Equal(3, calls);
        Assert.Equal("U1", conflict.UserId);
        Assert.Empty((await store.GetAsync("U1"))!.BlockedItems);
    }

    [Fact]
    public async Task A_change_that_changes_nothing_saves_nothing()
    {
        var store = new RacingStore(racesToLose: 0, other: p => p);
        UserPreferences first = await store.UpdateAsync("U1", p => p with { BlockedBrands = ["Zen"] });

        UserPreferences again = await store.UpdateAsync("U1", p => p with { BlockedBrands = ["Zen"] });

        Assert.Equal(1, first.Version);
        Assert.Equal(first, again);
        Assert.Equal(1, store.Saves);
    }

    [Fact]
    public async Task Bad_arguments_are_refused()
    {
        var store = new RacingStore(racesToLose: 0, other: p => p);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.UpdateAsync("U1", p => p, attempts: 0));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.UpdateAsync("U1", null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => PreferenceStoreExtensions.UpdateAsync(null!, "U1", p => p));
    }

    /// <summary>A store with optimistic versions whose first <c>racesToLose</c> saves find that another writer (<c>other</c>) saved
    /// just before them.</summary>
    private sealed class RacingStore(int racesToLose, Func<UserPreferences, UserPreferences> other) : IPreferenceStore
    {
        private readonly Dictionary<string, UserPreferences> _rows = new(StringComparer.Ordinal);
        private int _races = racesToLose;

        public int Saves { get; private set; }

        public Task<UserPreferences?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
            Task.FromResult(_rows.GetValueOrDefault(userId));

        public Task<UserPreferences> SaveAsync(string userId, UserPreferences preferences, CancellationToken cancellationToken = default)
        {
            UserPreferences current = _rows.GetValueOrDefault(userId) ?? new UserPreferences();
            if (_races > 0)
            {
                _races--;
                _rows[userId] = other(current) with { Version = current.Version + 1 };
                throw new PreferenceConflictException(userId, preferences.Version, current.Version + 1);
            }

            if (preferences.Version != current.Version)
            {
                throw new PreferenceConflictException(userId, preferences.Version, current.Version);
            }

            Saves++;
            return Task.FromResult(_rows[userId] = preferences with { Version = current.Version + 1 });
        }

        public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default) => Task.FromResult(_rows.Remove(userId));
    }
}
