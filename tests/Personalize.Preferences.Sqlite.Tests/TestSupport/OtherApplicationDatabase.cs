namespace Personalize.Core.Tests.TestSupport;

/// <summary>Another application's SQLite database (a table of notes, no preferences), which a preference store must refuse untouched.</summary>
internal static class OtherApplicationDatabase
{
    /// <summary>Writes the database at <paramref name="path"/> and returns its bytes, to compare after the refusal.</summary>
    public static byte[] Create(string path)
    {
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me');";
            command.ExecuteNonQuery();
        }

        return File.ReadAllBytes(path);
    }
}
