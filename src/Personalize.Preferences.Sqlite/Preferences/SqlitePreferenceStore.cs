using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Personalize.Core.Preferences;

/// <summary>
/// Keeps user preferences in a SQLite database file: one row per user holding the preferences as JSON and a version number.
/// </summary>
/// <remarks>
/// The database runs in write-ahead-log mode with a busy timeout, so readers never block writers and concurrent writers wait their
/// turn; each call uses its own pooled connection. Saves are optimistic: a save carries the version it read and fails with
/// <see cref="PreferenceConflictException"/> if the row moved on. Thread-safe.
/// <para>Each row's JSON carries a <c>schema</c> number. Reading a row written by a newer version (a higher schema, or a member this
/// version does not know) throws <see cref="InvalidDataException"/> naming the store and the user, rather than dropping what it does not
/// know and losing it at the next save. A row that is not valid JSON, or has a member of the wrong type or a null list, throws
/// <see cref="InvalidDataException"/> naming the store, the user and the member.</para>
/// <para>A user id that is not valid Unicode text (a lone UTF-16 surrogate) throws <see cref="ArgumentException"/>: stored as UTF-8,
/// such ids would share one record. So does such text in the preferences (a blocked brand, the default filter), which would come back
/// changed.</para>
/// <para>A delete empties the user's row and moves its version on, so that a save carrying a version read before the delete fails with
/// <see cref="PreferenceConflictException"/> rather than overwriting preferences saved after it.</para>
/// </remarks>
public sealed class SqlitePreferenceStore : IPreferenceStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
    /// <summary>The version of the stored JSON this code writes and reads; a row with a higher <c>schema</c> is from a newer version.</summary>
    private const int CurrentSchema = 1;
    private const string SchemaMember = "schema";
    private static readonly HashSet<string> KnownMembers =
        [.. Json.GetTypeInfo(typeof(UserPreferences)).Properties.Select(property => property.Name)];
    private readonly string _connectionString;

    /// <summary>Opens (creating if needed) a store in a database file.</summary>
    /// <param name="path">The database file.</param>
    /// <exception cref="InvalidDataException">The file is a SQLite database of another application (tables of its own and no preference
    /// table, or a preference table with other columns); it is not changed.</exception>
    public SqlitePreferenceStore(string path)
        : this(path, readOnly: false)
    {
    }

    private SqlitePreferenceStore(string path, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        IsReadOnly = readOnly;
        if (readOnly)
        {
            if (!File.Exists(Path))
            {
                throw new FileNotFoundException($"The preference store {Path} does not exist.", Path);
            }

            _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = true, DefaultTimeout = 30 }.ToString();
            using SqliteConnection reader = Open();
            if (!CheckIsStore(reader))
            {
                throw new InvalidDataException($"{Path} is a SQLite database but not a preference store: it has no user_preferences table.");
            }

            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path) ?? ".");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using SqliteConnection connection = Open();
        CheckIsStore(connection);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS user_preferences (
                user_id TEXT PRIMARY KEY NOT NULL,
                version INTEGER NOT NULL,
                preferences TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Whether the database holds the preference table; refuses one whose table of that name has other columns, and a database
    /// with tables of its own and no preference table (another application's, which a write would change: a table added, its journal
    /// mode switched). An empty database is not a store yet.</summary>
    /// <exception cref="InvalidDataException">The database is another application's.</exception>
    private bool CheckIsStore(SqliteConnection connection)
    {
        var tables = new List<string>();
        using (SqliteCommand list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using SqliteDataReader reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (!tables.Contains("user_preferences"))
        {
            return tables.Count == 0
                ? false
                : throw new InvalidDataException(
                    $"{Path} is a SQLite database but not a preference store: it has the table(s) {string.Join(", ", tables.Take(5))}{(tables.Count > 5 ? ", ..." : "")} and no user_preferences table. It was not changed; give a file of its own.");
        }

        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (SqliteCommand info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('user_preferences')";
            using SqliteDataReader reader = info.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        string[] missing = [.. new[] { "user_id", "version", "preferences", "updated_at" }.Where(column => !columns.Contains(column))];
        return missing.Length == 0
            ? true
            : throw new InvalidDataException(
                $"{Path} is a SQLite database but not a preference store: its user_preferences table has no column {string.Join(", ", missing)}. It was not changed.");
    }

    /// <summary>Opens an existing store for reading only: nothing in the file is created or changed (no table, no journal mode), so it
    /// works on a file the process may not write, and <see cref="SaveAsync"/> and <see cref="DeleteAsync"/> throw.</summary>
    /// <param name="path">The database file.</param>
    /// <returns>The store.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is a SQLite database without the preference table (another application's).</exception>
    /// <exception cref="SqliteException">The file is not a SQLite database.</exception>
    public static SqlitePreferenceStore OpenReadOnly(string path) => new(path, readOnly: true);

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets whether the store was opened with <see cref="OpenReadOnly"/>.</summary>
    public bool IsReadOnly { get; }

    /// <inheritdoc />
    public async Task<UserPreferences?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        CheckUserId(userId);
        await using SqliteConnection connection = Open();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT version, preferences FROM user_preferences WHERE user_id = $user";
        command.Parameters.AddWithValue("$user", userId);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        long version = reader.GetInt64(0);
        string json = reader.GetString(1);
        return json.Length == 0 ? null : Parse(userId, json) with { Version = version };   // empty: deleted (see DeleteAsync)
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="preferences"/> has a blocked list that is null or holds a null (the lists are
    /// never null: empty means none).</exception>
    /// <exception cref="InvalidOperationException">The store was opened with <see cref="OpenReadOnly"/>.</exception>
    public async Task<UserPreferences> SaveAsync(string userId, UserPreferences preferences, CancellationToken cancellationToken = default)
    {
        CheckUserId(userId);
        ArgumentNullException.ThrowIfNull(preferences);
        ThrowIfReadOnly("save the preferences of user '" + userId + "'");
        foreach ((_, string property, IReadOnlyList<string> list) in Lists(preferences))
        {
            if (list is null || list.Any(value => value is null))
            {
                throw new ArgumentException(
                    $"The preferences to save for user '{userId}' have {(list is null ? $"{property} null" : $"a null in {property}")}; use an empty list for none (nothing was saved to {Path}).",
                    nameof(preferences));
            }
        }

        CheckText(userId, preferences);
        string json = Format(preferences);
        await using SqliteConnection connection = Open();
        await using SqliteCommand command = connection.CreateCommand();
        // A first save inserts, or fills the row a delete emptied with the next version (so a writer that read the record before the
        // delete cannot overwrite the new one: the version it carries is gone); a later save updates only the version it read. Either
        // way no row changes unless the version matches.
        command.CommandText = preferences.Version == 0
            ? """
              INSERT INTO user_preferences (user_id, version, preferences, updated_at) VALUES ($user, 1, $json, $now)
              ON CONFLICT(user_id) DO UPDATE SET version = version + 1, preferences = excluded.preferences, updated_at = excluded.updated_at
              WHERE user_preferences.preferences = ''
              RETURNING version
              """
            : "UPDATE user_preferences SET version = version + 1, preferences = $json, updated_at = $now WHERE user_id = $user AND version = $expected AND preferences <> '' RETURNING version";
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$json", json);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$expected", preferences.Version);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version)
        {
            return preferences with { Version = version };
        }

        UserPreferences? current = await GetAsync(userId, cancellationToken).ConfigureAwait(false);
        throw new PreferenceConflictException(userId, preferences.Version, current?.Version ?? 0);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The store was opened with <see cref="OpenReadOnly"/>.</exception>
    public async Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        CheckUserId(userId);
        ThrowIfReadOnly("delete the preferences of user '" + userId + "'");
        await using SqliteConnection connection = Open();
        await using SqliteCommand command = connection.CreateCommand();
        // The row stays, emptied, with its version moved on: a save carrying a version read before the delete fails instead of
        // writing over a record saved after it (a version that restarted at 1 would match).
        command.CommandText = "UPDATE user_preferences SET version = version + 1, preferences = '', updated_at = $now WHERE user_id = $user AND preferences <> ''";
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>The JSON of a row: the schema, then the preferences' members (the version lives in its own column).</summary>
    private static string Format(UserPreferences preferences)
    {
        var json = (System.Text.Json.Nodes.JsonObject)JsonSerializer.SerializeToNode(preferences with { Version = 0 }, Json)!;
        json.Insert(0, SchemaMember, CurrentSchema);
        return json.ToJsonString(Json);
    }

    /// <summary>Reads a stored row's JSON, refusing a row written by a newer version (a member this version does not know, or a
    /// <c>schema</c> above <see cref="CurrentSchema"/>): read silently, its unknown members would be lost at the next save.</summary>
    private UserPreferences Parse(string userId, string json)
    {
        string where = $"The preferences of user '{userId}' in the preference store {Path}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{where} are not valid JSON ({exception.Message}); expected the JSON object 'personalize preferences' writes.", exception);
        }

        using JsonDocument parsed = document;
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where} are a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not the JSON object 'personalize preferences' writes.");
        }

        foreach (JsonProperty member in document.RootElement.EnumerateObject())
        {
            if (member.Name == SchemaMember)
            {
                if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt32(out int schema) || schema > CurrentSchema)
                {
                    throw new InvalidDataException(
                        $"{where} have schema {member.Value.GetRawText()}, and this version reads schema {CurrentSchema} at most: they were written by a newer version of Personalize.Preferences.Sqlite. Use that version (nothing was read or changed, so nothing is lost).");
                }
            }
            else if (!KnownMembers.Contains(member.Name))
            {
                throw new InvalidDataException(
                    $"{where} have the member '{member.Name}', which this version does not know: they were written by a newer version of Personalize.Preferences.Sqlite. Use that version (nothing was read or changed, so nothing is lost).");
            }
        }

        UserPreferences stored;
        try
        {
            stored = document.RootElement.Deserialize<UserPreferences>(Json)!;
        }
        catch (JsonException exception)
        {
            string field = exception.Path is { Length: > 2 } path ? path[2..].Split('[', '.')[0] : "(the object)";
            throw new InvalidDataException($"{where} have an invalid '{field}': {Expected(field)} ({exception.Message}).", exception);
        }
        catch (ArgumentException exception) when (exception.ParamName is { } member)
        {
            // A list the record refuses as it is set: null, or holding a null.
            string field = JsonNamingPolicy.SnakeCaseLower.ConvertName(member);
            throw new InvalidDataException(
                $"{where} have {(exception is ArgumentNullException ? $"'{field}': null" : $"a null in '{field}'")}: {Expected(field)}.", exception);
        }

        foreach ((string field, _, IReadOnlyList<string> list) in Lists(stored))
        {
            if (list is null || list.Any(value => value is null))
            {
                throw new InvalidDataException($"{where} have {(list is null ? $"'{field}': null" : $"a null in '{field}'")}: {Expected(field)}.");
            }
        }

        return stored;
    }

    /// <summary>What a member of the stored JSON must hold.</summary>
    private static string Expected(string field) => field switch
    {
        "blocked_brands" or "blocked_items" or "blocked_categories" => "expected a list of strings ([] for none)",
        "default_filter" or "preferred_sort" => "expected a string or null",
        "personalization_opt_out" => "expected true or false",
        _ => "expected the JSON 'personalize preferences' writes",
    };

    /// <summary>The lists of <paramref name="preferences"/> by their JSON and property names (any may be null when deserialized or built carelessly).</summary>
    private static (string Field, string Property, IReadOnlyList<string> List)[] Lists(UserPreferences preferences) =>
    [
        ("blocked_brands", nameof(UserPreferences.BlockedBrands), preferences.BlockedBrands),
        ("blocked_items", nameof(UserPreferences.BlockedItems), preferences.BlockedItems),
        ("blocked_categories", nameof(UserPreferences.BlockedCategories), preferences.BlockedCategories),
    ];

    /// <summary>Refuses a null id, and one that is not valid Unicode text: SQLite keeps ids as UTF-8, where every lone UTF-16 surrogate
    /// becomes the same replacement character, so two such users would share one record.</summary>
    private static void CheckUserId(string userId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(userId))] string parameter = "userId")
    {
        ArgumentNullException.ThrowIfNull(userId, parameter);
        if (LoneSurrogateAt(userId) is int i and >= 0)
        {
            throw new ArgumentException(
                $"The user id has a lone UTF-16 surrogate at position {i}, so it is not valid Unicode text; the preference store keeps ids as UTF-8 and could not tell it from other such ids.",
                parameter);
        }
    }

    /// <summary>The position of the first UTF-16 surrogate in <paramref name="text"/> that is not half of a pair, or -1 when there is none.</summary>
    private static int LoneSurrogateAt(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Refuses text in the preferences that is not valid Unicode (a lone UTF-16 surrogate): stored as UTF-8 it would come back
    /// changed ("A\uD800" as "A\uFFFD"), and a block would then match nothing.</summary>
    private void CheckText(string userId, UserPreferences preferences)
    {
        IEnumerable<(string Field, string? Value)> texts = Lists(preferences).SelectMany(list => list.List.Select(value => (list.Field, (string?)value)))
            .Append(("default_filter", preferences.DefaultFilter)).Append(("preferred_sort", preferences.PreferredSort));
        foreach ((string field, string? value) in texts)
        {
            if (value is not null && LoneSurrogateAt(value) >= 0)
            {
                throw new ArgumentException(
                    $"The preferences to save for user '{userId}' have text in '{field}' with a lone UTF-16 surrogate, so it is not valid Unicode; the store keeps text as UTF-8, where it would change (nothing was saved to {Path}).",
                    "preferences");
            }
        }
    }

    private void ThrowIfReadOnly(string what)
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"Cannot {what}: the preference store {Path} was opened read-only (SqlitePreferenceStore.OpenReadOnly); open it with the constructor to write.");
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using SqliteCommand pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
