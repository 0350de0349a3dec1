using Personalize.Core.Preferences;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Preferences.Sqlite.Tests.Preferences;

public sealed class SqlitePreferenceStoreTests
{
    private static readonly UserPreferences Sample = new()
    {
        DefaultFilter = "price <= 50 and in_stock",
        BlockedBrands = ["Zen"],
        BlockedItems = ["I0007", "I0008"],
        BlockedCategories = ["Garden"],
        PreferredSort = "price-asc",
        PersonalizationOptOut = true,
    };

    [Fact]
    public async Task Saved_preferences_read_back_equal_and_survive_reopening_the_file()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));

        UserPreferences saved = await store.SaveAsync("U1", Sample);
        UserPreferences? reopened = await new SqlitePreferenceStore(temp.File("prefs.db")).GetAsync("U1");

        Assert.Equal(1, saved.Version);
        Assert.Equal(Sample with { Version = 1 }, reopened);
        Assert.Null(await store.GetAsync("U2"));
    }

    [Fact]
    public async Task A_save_of_a_stale_version_is_refused_and_changes_nothing()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));
        UserPreferences first = await store.SaveAsync("U1", Sample);
        UserPreferences second = await store.SaveAsync("U1", first with { PreferredSort = "rating" });

        var conflict = await Assert.ThrowsAsync<PreferenceConflictException>(() => store.SaveAsync("U1", first with { PreferredSort = "newest" }));
        var duplicateNew = await Assert.ThrowsAsync<PreferenceConflictException>(() => store.SaveAsync("U1", Sample));

        Assert.Equal((1L, 2L), (conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Equal(0, duplicateNew.ExpectedVersion);
        Assert.Equal(second, await store.GetAsync("U1"));
    }

    [Fact]
    public async Task A_deleted_row_is_not_resurrected_by_a_stale_save()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));
        UserPreferences saved = await store.SaveAsync("U1", Sample);

        Assert.True(await store.DeleteAsync("U1"));
        Assert.False(await store.DeleteAsync("U1"));
        await Assert.ThrowsAsync<PreferenceConflictException>(() => store.SaveAsync("U1", saved));
        Assert.Null(await store.GetAsync("U1"));
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_never_lose_an_update()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));
        await store.SaveAsync("shared", new UserPreferences());
        const int Writers = 4, IncrementsPerWriter = 15;
        int readsSeen = 0;

        async Task Writer(int id)
        {
            for (int n = 0; n < IncrementsPerWriter; n++)
            {
                while (true)
                {
                    UserPreferences current = (await store.GetAsync("shared"))!;
                    try
                    {
                        await store.SaveAsync("shared", current with { BlockedItems = [.. current.BlockedItems, $"w{id}-{n}"] });
                        break;
                    }
                    catch (PreferenceConflictException)
                    {
                        // Lost the race: read again and retry, as the documentation says.
                    }
                }
            }
        }

        async Task Reader()
        {
            for (int n = 0; n < 40; n++)
            {
                UserPreferences current = (await store.GetAsync("shared"))!;
                Assert.Equal(current.Version - 1, current.BlockedItems.Count);
                Interlocked.Increment(ref readsSeen);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => Writer(w))).Append(Task.Run(Reader)).Append(Task.Run(Reader)));

        UserPreferences final = (await store.GetAsync("shared"))!;
        Assert.Equal(Writers * IncrementsPerWriter, final.BlockedItems.Count);
        Assert.Equal(Writers * IncrementsPerWriter, final.BlockedItems.Distinct().Count());
        Assert.Equal(1 + Writers * IncrementsPerWriter, final.Version);
        Assert.Equal(80, readsSeen);
    }

    [Fact]
    public async Task UpdateAsync_from_eight_stores_on_one_file_at_once_keeps_every_change()
    {
        // Eight writers (each its own store object and connections, as eight processes would have) each block one brand of one user
        // at the same moment: the conflicts are read again and re-applied, so every brand is kept and each save is one version.
        using var temp = new TempDirectory();
        await new SqlitePreferenceStore(temp.File("prefs.db")).SaveAsync("U1", new UserPreferences { BlockedItems = ["I1"] });
        using var start = new ManualResetEventSlim();
        int calls = 0;

        Task<UserPreferences>[] writers = [.. Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = new SqlitePreferenceStore(temp.File("prefs.db"));
            start.Wait();
            return await store.UpdateAsync("U1", current =>
            {
                Interlocked.Increment(ref calls);
                return current with { BlockedBrands = [.. current.BlockedBrands, $"B{w}"] };
            }, attempts: 100);
        }))];
        start.Set();
        UserPreferences[] results = await Task.WhenAll(writers);

        UserPreferences final = (await new SqlitePreferenceStore(temp.File("prefs.db")).GetAsync("U1"))!;
        Assert.Equal(Enumerable.Range(0, 8).Select(w => $"B{w}"), final.BlockedBrands.Order());
        Assert.Equal(["I1"], final.BlockedItems);
        Assert.Equal(9, final.Version);
        Assert.Equal(Enumerable.Range(2, 8).Select(v => (long)v), results.Select(r => r.Version).Order());
        Assert.True(calls >= 8, $"the change ran {calls} times for 8 writers");
    }

    [Theory]
    [InlineData("""{"schema":1,"default_filter":null,"blocked_brands":["Zen"],"blocked_tags":["vegan"]}""", "the member 'blocked_tags'")]
    [InlineData("""{"schema":2,"blocked_brands":["Zen"]}""", "have schema 2, and this version reads schema 1 at most")]
    public async Task A_row_written_by_a_newer_version_is_refused_naming_the_store_and_user_and_kept_intact(string json, string reason)
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));
        await store.SaveAsync("U1", Sample);
        WriteRow(store.Path, "U1", json);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("U1"));

        Assert.StartsWith($"The preferences of user 'U1' in the preference store {store.Path} ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("written by a newer version", refused.Message, StringComparison.Ordinal);
        Assert.Equal(json, ReadRow(store.Path, "U1"));
    }

    [Fact]
    public async Task A_saved_row_carries_its_schema_and_reads_back()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));

        await store.SaveAsync("U1", Sample);

        Assert.StartsWith("""{"schema":1,""", ReadRow(store.Path, "U1"), StringComparison.Ordinal);
        Assert.Equal(Sample with { Version = 1 }, await store.GetAsync("U1"));
    }

    [Theory]
    [InlineData("not json", "are not valid JSON")]
    [InlineData("[1, 2]", "are a JSON array, not the JSON object")]
    [InlineData("""{"blocked_brands":"Zen"}""", "have an invalid 'blocked_brands': expected a list of strings")]
    [InlineData("""{"blocked_items":[1]}""", "have an invalid 'blocked_items': expected a list of strings")]
    [InlineData("""{"personalization_opt_out":"yes"}""", "have an invalid 'personalization_opt_out': expected true or false")]
    [InlineData("""{"blocked_brands":null}""", "have 'blocked_brands': null: expected a list of strings")]
    [InlineData("""{"blocked_categories":["Garden",null]}""", "have a null in 'blocked_categories': expected a list of strings")]
    public async Task A_damaged_row_is_an_error_naming_the_store_the_user_and_the_field(string json, string reason)
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));
        WriteRow(store.Path, "U1", json);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("U1"));

        Assert.StartsWith($"The preferences of user 'U1' in the preference store {store.Path} {reason}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_save_of_a_null_list_is_refused_naming_the_property()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));

        // The record refuses such lists as they are set, so no store ever receives one.
        var nullList = await Assert.ThrowsAsync<ArgumentNullException>(() => store.SaveAsync("U1", Sample with { BlockedBrands = null! }));
        var nullValue = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("U1", Sample with { BlockedItems = ["I1", null!] }));

        Assert.Equal("BlockedBrands", nullList.ParamName);
        Assert.Equal("BlockedItems", nullValue.ParamName);
        Assert.StartsWith("The list holds a null; every entry must be a string.", nullValue.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("U1"));
    }

    [Fact]
    public async Task A_read_only_store_reads_what_was_saved_and_refuses_to_write()
    {
        using var temp = new TempDirectory();
        var writer = new SqlitePreferenceStore(temp.File("prefs.db"));
        await writer.SaveAsync("U1", Sample);

        SqlitePreferenceStore reader = SqlitePreferenceStore.OpenReadOnly(temp.File("prefs.db"));

        Assert.True(reader.IsReadOnly);
        Assert.False(writer.IsReadOnly);
        Assert.Equal(Sample with { Version = 1 }, await reader.GetAsync("U1"));
        Assert.Null(await reader.GetAsync("U2"));
        var save = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.SaveAsync("U2", Sample));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.DeleteAsync("U1"));
        Assert.Contains($"the preference store {reader.Path} was opened read-only", save.Message, StringComparison.Ordinal);
        Assert.Null(await writer.GetAsync("U2"));
    }

    [Fact]
    public void Opening_another_applications_database_read_only_is_refused_and_changes_nothing()
    {
        using var temp = new TempDirectory();
        string other = temp.File("app.db");
        byte[] before = Personalize.Core.Tests.TestSupport.OtherApplicationDatabase.Create(other);

        var refused = Assert.Throws<InvalidDataException>(() => SqlitePreferenceStore.OpenReadOnly(other));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.StartsWith($"{Path.GetFullPath(other)} is a SQLite database but not a preference store: it has the table(s) ", refused.Message);
        Assert.EndsWith("and no user_preferences table. It was not changed; give a file of its own.", refused.Message);
        Assert.Equal(before, File.ReadAllBytes(other));
        Assert.Equal(["app.db"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Opening_another_applications_database_to_write_is_refused_and_changes_nothing()
    {
        // The writing constructor added its table and switched the file to WAL: any change through 'personalize preferences' did.
        using var temp = new TempDirectory();
        string other = temp.File("app.db");
        byte[] before = Personalize.Core.Tests.TestSupport.OtherApplicationDatabase.Create(other);
        string lookalike = temp.File("lookalike.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={lookalike}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE user_preferences (user_id TEXT, settings TEXT)";
            command.ExecuteNonQuery();
        }

        var refused = Assert.Throws<InvalidDataException>(() => new SqlitePreferenceStore(other));
        var lookalikeRefused = Assert.Throws<InvalidDataException>(() => new SqlitePreferenceStore(lookalike));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Contains("is a SQLite database but not a preference store: it has the table(s) ", refused.Message);
        Assert.Equal(before, File.ReadAllBytes(other));
        Assert.EndsWith("its user_preferences table has no column version, preferences, updated_at. It was not changed.", lookalikeRefused.Message);
        Assert.False(File.Exists(other + "-wal"));
    }

    [Fact]
    public async Task A_save_read_before_a_delete_cannot_overwrite_what_was_saved_after_it()
    {
        // The version restarted at 1 after a delete, so a writer holding version 1 from before it matched and overwrote the new record.
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));
        UserPreferences read = await store.SaveAsync("U1", new UserPreferences { BlockedBrands = ["Acme"] });
        Assert.True(await store.DeleteAsync("U1"));
        UserPreferences other = await store.SaveAsync("U1", new UserPreferences { BlockedBrands = ["Zen"], PersonalizationOptOut = true });

        await Assert.ThrowsAsync<PreferenceConflictException>(() => store.SaveAsync("U1", read with { BlockedBrands = ["Acme", "Wren"] }));

        Assert.Equal(other, await store.GetAsync("U1"));
        Assert.True(other.Version > read.Version);
        Assert.True(await store.DeleteAsync("U1"));
        Assert.Null(await store.GetAsync("U1"));
        await Assert.ThrowsAsync<PreferenceConflictException>(() => store.SaveAsync("U1", other));
    }

    [Fact]
    public async Task Text_with_a_lone_surrogate_in_the_preferences_is_refused_rather_than_changed()
    {
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));

        var brand = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("U1", new UserPreferences { BlockedBrands = ["Acme", $"A{(char)0xD800}"] }));
        var filter = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("U1", new UserPreferences { DefaultFilter = $"brand = \"{(char)0xDC00}\"" }));

        Assert.Contains("text in 'blocked_brands' with a lone UTF-16 surrogate", brand.Message);
        Assert.Contains("text in 'default_filter'", filter.Message);
        Assert.Null(await store.GetAsync("U1"));
        Assert.Equal(["caf\u00E9", "\U0001F600"], (await store.SaveAsync("U1", new UserPreferences { BlockedBrands = ["caf\u00E9", "\U0001F600"] })).BlockedBrands);
    }

    [Fact]
    public void Opening_a_missing_file_read_only_is_refused_and_creates_nothing()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("sub/prefs.db");

        var refused = Assert.Throws<FileNotFoundException>(() => SqlitePreferenceStore.OpenReadOnly(missing));

        Assert.Equal(Path.GetFullPath(missing), refused.FileName);
        Assert.False(Directory.Exists(temp.File("sub")));
    }

    [Theory]
    [InlineData(0xD800, false)]
    [InlineData(0xDBFF, false)]
    [InlineData(0xDC00, true)]
    public async Task A_user_id_with_a_lone_surrogate_is_refused_so_two_such_users_cannot_share_a_record(int surrogate, bool first)
    {
        // Built here: xunit would replace a lone surrogate in InlineData text with U+FFFD.
        string userId = first ? $"{(char)surrogate}u" : $"u{(char)surrogate}";
        using var temp = new TempDirectory();
        var store = new SqlitePreferenceStore(temp.File("prefs.db"));

        var save = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(userId, Sample));
        var get = await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(userId));
        var delete = await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(userId));

        Assert.All([save, get, delete], refused => Assert.Equal("userId", refused.ParamName));
        Assert.Contains("lone UTF-16 surrogate", save.Message, StringComparison.Ordinal);
        await store.SaveAsync("u\uD83D\uDE00", Sample);
        Assert.Equal(Sample with { Version = 1 }, await store.GetAsync("u\uD83D\uDE00"));
    }

    /// <summary>Puts a row's JSON straight into the store's table, as another version (or a damaged file) would have left it.</summary>
    internal static void WriteRow(string path, string userId, string json)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO user_preferences (user_id, version, preferences, updated_at) VALUES ($user, 1, $json, 'now')
            ON CONFLICT(user_id) DO UPDATE SET preferences = $json
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$json", json);
        command.ExecuteNonQuery();
    }

    internal static string? ReadRow(string path, string userId)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT preferences FROM user_preferences WHERE user_id = $user";
        command.Parameters.AddWithValue("$user", userId);
        return command.ExecuteScalar() as string;
    }
}
