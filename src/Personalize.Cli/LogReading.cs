using System.Globalization;
using Personalize.Core.Data;

namespace Personalize.Cli;

/// <summary>Reads an interaction log for a command, and tells the user on stderr what the reader noticed although it rejected no row
/// (<see cref="LoadReport.Notes"/>).</summary>
internal static class LogReading
{
    /// <summary>Reads <paramref name="path"/>, then writes each of the report's notes as <c>note: PATH: ...</c>.</summary>
    /// <exception cref="InteractionDataException">Every row was rejected (with <c>--bad-rows skip</c>).</exception>
    /// <exception cref="UsageException">--min-rating or --max-rating was given for a log without a rating column, where it checks nothing.</exception>
    public static InteractionLog Read(string path, CsvInteractionReaderOptions options, CancellationToken token)
    {
        InteractionLog log;
        try
        {
            log = InteractionLog.ReadCsv(path, options, token);
        }
        catch
        {
            RejectedRowWarnings.Forget(path);   // a read that failed after rejecting rows leaves no count for the next read of the file
            throw;
        }

        RejectedRowWarnings.WriteRest(path, log.Report.Rejected);
        if (log.Count == 0 && log.Report.RejectedRows.Count > 0)
        {
            // With --bad-rows skip, a column that no row can read (a date format, say) would leave an empty log, which each command then
            // fails on in its own way. The first rejection of the column most rows were rejected for says what to change.
            RejectedRow first = log.Report.RejectedRows.GroupBy(row => row.ColumnNumber).MaxBy(group => group.Count())!.First();
            throw new InteractionDataException(path, first.LineNumber, first.ColumnNumber, first.ColumnName, string.Create(CultureInfo.InvariantCulture,
                $"every row was rejected ({log.Report.Rejected:N0}), so nothing is left to read; most for this: {first.Reason}"), first.RawRecord);
        }

        if (!log.HasRatings && (options.MinRating is not null || options.MaxRating is not null))
        {
            string bounds = options.MinRating is null ? "--max-rating" : options.MaxRating is null ? "--min-rating" : "--min-rating and --max-rating";
            throw new UsageException(
                $"{bounds}: {path} has no rating column, so no row would be checked; name the rating column with --rating-col, or leave out {bounds}.");
        }

        foreach (string note in log.Report.Notes)
        {
            CliConsole.Error.WriteLine($"note: {path}: {note}");
        }

        return log;
    }
}
