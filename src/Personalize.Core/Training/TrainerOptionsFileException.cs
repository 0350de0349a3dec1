namespace Personalize.Core.Training;

/// <summary>A trainer options file (see <see cref="TrainerOptionsFile"/>) could not be read: it is not JSON, lacks a required property,
/// names an unknown option, gives a value of the wrong type, or holds the options of another trainer.</summary>
/// <remarks>The message reads <c>file:line:column: what was wrong</c>, or <c>file: what was wrong</c> when the problem is not at one
/// place; the same facts are in the properties. Options that are well formed but out of range are reported as a
/// <see cref="System.ComponentModel.DataAnnotations.ValidationException"/> by the trainer's own validation instead.</remarks>
public sealed class TrainerOptionsFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The options file.</param>
    /// <param name="lineNumber">The 1-based line, or 0 when the problem is not on one line.</param>
    /// <param name="columnNumber">The 1-based column (in bytes), or 0 when the problem is not at one column.</param>
    /// <param name="reason">What was wrong and what is expected.</param>
    public TrainerOptionsFileException(string filePath, long lineNumber, long columnNumber, string reason)
        : base(Format(filePath, lineNumber, columnNumber, reason))
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        ColumnNumber = columnNumber;
        Reason = reason;
    }

    /// <summary>Gets the options file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line, or 0 when the problem is not on one line.</summary>
    public long LineNumber { get; }

    /// <summary>Gets the 1-based column (in bytes), or 0 when the problem is not at one column.</summary>
    public long ColumnNumber { get; }

    /// <summary>Gets what was wrong and what is expected, without the location.</summary>
    public string Reason { get; }

    private static string Format(string filePath, long lineNumber, long columnNumber, string reason)
    {
        string file = Path.GetFileName(filePath);
        return lineNumber > 0 ? $"{file}:{lineNumber}:{columnNumber}: {reason}" : $"{file}: {reason}";
    }
}
