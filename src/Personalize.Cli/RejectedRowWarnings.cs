using System.Collections.Concurrent;
using System.Globalization;
using Personalize.Core.Data;

namespace Personalize.Cli;

/// <summary>Writes rejected rows as warnings on stderr: each file's first <see cref="PerFile"/>, then how many more there were, so that
/// a log with a hundred thousand guest checkouts (rows without a user id, left out with <c>--bad-rows skip</c>) does not bury the
/// rest of the output.</summary>
internal static class RejectedRowWarnings
{
    /// <summary>How many rejected rows of one file are written one by one.</summary>
    public const int PerFile = 20;

    /// <summary>Writes one rejected row as <c>warning: file:line:column: reason</c>.</summary>
    public static void Write(RejectedRow row) => CliConsole.Error.WriteLine($"warning: {row}");

    /// <summary>A callback for <see cref="CsvInteractionReaderOptions.OnRejectedRow"/> that passes each file's first
    /// <see cref="PerFile"/> rows to <paramref name="write"/> and counts the rest (<see cref="WriteRest"/> says how many).</summary>
    public static Action<RejectedRow> Capped(Action<RejectedRow> write)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        return row =>
        {
            lock (counts)
            {
                counts.TryGetValue(row.FilePath, out int count);
                counts[row.FilePath] = count + 1;
                Tallies.GetOrAdd(row.FilePath, _ => new(StringComparer.Ordinal))
                    .AddOrUpdate(Column(row), 1, (_, n) => n + 1);
                if (count >= PerFile)
                {
                    return;
                }
            }

            write(row);
        };
    }

    /// <summary>Rejected rows per file and per column, counted by <see cref="Capped"/> for <see cref="WriteRest"/>: with
    /// <c>--bad-rows skip</c> a retail log's expected rejections (blank customer ids) would otherwise hide a column no row could read.</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> Tallies = new(StringComparer.Ordinal);

    private static string Column(RejectedRow row) =>
        row.ColumnName ?? (row.ColumnNumber > 0 ? string.Create(CultureInfo.InvariantCulture, $"column {row.ColumnNumber}") : "the row's shape");

    /// <summary>Drops the rejected rows counted for <paramref name="path"/> (a read that failed).</summary>
    public static void Forget(string path) => Tallies.TryRemove(path, out _);

    /// <summary>Says how many of <paramref name="path"/>'s <paramref name="rejected"/> rows were not written one by one, and for which
    /// columns all of them were rejected.</summary>
    public static void WriteRest(string path, long rejected)
    {
        Tallies.TryRemove(path, out ConcurrentDictionary<string, long>? tally);
        if (rejected > PerFile)
        {
            string byColumn = tally is null || tally.IsEmpty ? "" : "; by column: " + string.Join(", ", tally.OrderByDescending(t => t.Value)
                .ThenBy(t => t.Key, StringComparer.Ordinal).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value:N0}")));
            CliConsole.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: {path}: {rejected - PerFile:N0} more rows were rejected and are not listed ({rejected:N0} in all, the first {PerFile} above{byColumn})."));
        }
    }

    /// <summary>Writes the first <see cref="PerFile"/> of a report's rejected rows, then how many more there were.</summary>
    public static void Write(string path, LoadReport report)
    {
        foreach (RejectedRow row in report.RejectedRows.Take(PerFile))
        {
            Write(row);
        }

        WriteRest(path, report.Rejected);
    }
}
