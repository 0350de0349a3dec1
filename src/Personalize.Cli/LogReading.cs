using Personalize.Core.Data;

namespace Personalize.Cli;

/// <summary>Reads an interaction log for a command, and tells the user on stderr what the reader noticed although it rejected no row
/// (<see cref="LoadReport.Notes"/>).</summary>
internal static class LogReading
{
    /// <summary>Reads <paramref name="path"/>, then writes each of the report's notes as <c>note: PATH: ...</c>.</summary>
    public static InteractionLog Read(string path, CsvInteractionReaderOptions options, CancellationToken token)
    {
        InteractionLog log = InteractionLog.ReadCsv(path, options, token);
        foreach (string note in log.Report.Notes)
        {
            CliConsole.Error.WriteLine($"note: {path}: {note}");
        }

        return log;
    }
}
