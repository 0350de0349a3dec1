namespace Personalize.Core.Data;

/// <summary>A row of input that was read but not accepted, with where it was and why.</summary>
/// <param name="FilePath">The file the row came from, or a description of the source when it was not a file.</param>
/// <param name="LineNumber">The 1-based line where the row starts.</param>
/// <param name="ColumnNumber">The 1-based column at fault, or 0 when the whole row is at fault.</param>
/// <param name="ColumnName">The name of the column at fault, or <see langword="null"/> when the whole row is at fault.</param>
/// <param name="Reason">What was wrong and what was expected.</param>
/// <param name="RawRecord">The row as it appears in the input.</param>
public sealed record RejectedRow(string FilePath, long LineNumber, int ColumnNumber, string? ColumnName, string Reason, string RawRecord)
{
    /// <summary>Formats the rejection as <c>file:line:column: reason</c>, the form compilers use (<c>file:line: reason</c> when the whole
    /// row is at fault).</summary>
    /// <returns>The one-line description.</returns>
    public override string ToString() => ColumnNumber > 0
        ? $"{Path.GetFileName(FilePath)}:{LineNumber}:{ColumnNumber}: {Reason}"
        : $"{Path.GetFileName(FilePath)}:{LineNumber}: {Reason}";
}
