namespace Personalize.Core.Data;

/// <summary>Input data could not be read: a bad row under <see cref="BadRowPolicy.Fail"/>, or a problem with the whole file.</summary>
/// <remarks>The message reads <c>file:line:column: what was wrong (what was expected)</c>, without the column when the whole row is at
/// fault and without the line when the whole file is; the same facts are in the properties.</remarks>
public sealed class InteractionDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="lineNumber">The 1-based line, or 0 when the problem is not on one line.</param>
    /// <param name="columnNumber">The 1-based column, or 0 when the problem is not in one column.</param>
    /// <param name="columnName">The column's name, if known.</param>
    /// <param name="reason">What was wrong and what was expected.</param>
    /// <param name="rawRecord">The row as it appears in the input, if one row is at fault.</param>
    public InteractionDataException(string filePath, long lineNumber, int columnNumber, string? columnName, string reason, string? rawRecord = null)
        : base(Format(filePath, lineNumber, columnNumber, reason))
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        ColumnNumber = columnNumber;
        ColumnName = columnName;
        Reason = reason;
        RawRecord = rawRecord;
    }

    /// <summary>Gets the file at fault.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line, or 0 when the problem is not on one line.</summary>
    public long LineNumber { get; }

    /// <summary>Gets the 1-based column, or 0 when the problem is not in one column.</summary>
    public int ColumnNumber { get; }

    /// <summary>Gets the name of the column at fault, if known.</summary>
    public string? ColumnName { get; }

    /// <summary>Gets what was wrong and what was expected, without the location.</summary>
    public string Reason { get; }

    /// <summary>Gets the row as it appears in the input, if one row is at fault.</summary>
    public string? RawRecord { get; }

    private static string Format(string filePath, long lineNumber, int columnNumber, string reason)
    {
        string file = Path.GetFileName(filePath);
        return lineNumber <= 0 ? $"{file}: {reason}" : columnNumber > 0 ? $"{file}:{lineNumber}:{columnNumber}: {reason}" : $"{file}:{lineNumber}: {reason}";
    }
}
