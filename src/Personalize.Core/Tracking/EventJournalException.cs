namespace Personalize.Core.Tracking;

/// <summary>An event journal or tracker snapshot that cannot be read: not a journal file, an unknown version, a damaged snapshot, or
/// state written with other settings. A torn or damaged journal <em>tail</em> is not an error: it is dropped and reported in
/// <see cref="JournalReport"/>.</summary>
/// <remarks>The message names the file, the byte offset, what was expected and what was found, and says how to fix it.</remarks>
public sealed class EventJournalException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file that could not be read.</param>
    /// <param name="offset">The byte offset of the problem in the file, or -1 when it concerns the whole file.</param>
    /// <param name="message">What is wrong, where, and how to fix it.</param>
    public EventJournalException(string filePath, long offset, string message)
        : base(message)
    {
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>Gets the file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>Gets the byte offset of the problem in the file, or -1 when it concerns the whole file.</summary>
    public long Offset { get; }
}
