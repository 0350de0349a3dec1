using System.Diagnostics;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Tracking;

namespace Personalize.Core.Tests.Tracking;

/// <summary>
/// The durability contract against a real crash: a separate process (tests/Personalize.Core.JournalWriter) tracks events into a journal
/// and prints the number of each event once the tracking call has returned; the test kills it with SIGKILL in mid-stream, reopens the
/// journal and checks that every acknowledged event is there (0 lost), and nothing that was never tracked.
/// </summary>
public sealed class EventJournalKillTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(JournalFlushPolicy.GroupCommit, 3000)]
    [InlineData(JournalFlushPolicy.EveryRecord, 200)]
    public void Every_event_acknowledged_before_a_SIGKILL_is_replayed(JournalFlushPolicy policy, int killAfter)
    {
        using var folder = new TempDirectory();
        string directory = folder.File("journal");
        long lastAcknowledged = RunAndKill(directory, policy, killAfter);

        using var reopened = new EventTracker(IdMap.FromIds(Enumerable.Range(0, 100).Select(i => $"i{i}")),
            new EventTrackerOptions { Journal = new EventJournalOptions(directory) });

        JournalReport journal = reopened.GetReport().Journal!;
        // The writer may have appended one more record (or part of one) after its last acknowledgement, never fewer.
        Assert.InRange(journal.RecordsReplayed, lastAcknowledged + 1, lastAcknowledged + 2);
        Assert.InRange(journal.RecordsDropped, 0, 1);
        for (long n = 0; n <= lastAcknowledged; n++)
        {
            var at = Start.AddSeconds(n);
            if (n % 7 == 6)
            {
                Assert.True(reopened.RecentSearches($"u{n}", 1) is [{ Query: var query, SearchedAt: var searched }] && query == $"q{n}" && searched == at,
                    $"acknowledged search {n} was lost");
            }
            else
            {
                Assert.True(reopened.RecentlyViewed($"u{n}", 1) is [{ ItemId: var item, ViewedAt: var viewed }] && item == $"i{n % 100}" && viewed == at,
                    $"acknowledged event {n} was lost");
            }
        }
    }

    /// <summary>Starts the writer, reads its acknowledgements until <paramref name="killAfter"/> have arrived, kills it (SIGKILL) while it
    /// is still writing, and returns the number of the last event it acknowledged.</summary>
    private static long RunAndKill(string directory, JournalFlushPolicy policy, int killAfter)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "Personalize.Core.JournalWriter.dll");
        Assert.True(File.Exists(helper), $"the writer was not built beside the tests: {helper}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["exec", helper, directory, policy.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string? error = null;
        process.ErrorDataReceived += (_, e) => error ??= e.Data;
        process.BeginErrorReadLine();
        long last = -1;
        try
        {
            Assert.Equal("ready", process.StandardOutput.ReadLine());
            while (last + 1 < killAfter)
            {
                string? line = process.StandardOutput.ReadLine();
                Assert.True(line is not null, $"the writer stopped before it was killed: {error}");
                last = Acknowledged(line!, last);
            }
        }
        finally
        {
            process.Kill();   // SIGKILL: no finally blocks, no flush, no dispose in the writer
        }

        // Lines the writer printed before it died are acknowledgements too: read them to the end of the pipe.
        for (string? line = process.StandardOutput.ReadLine(); line is not null; line = process.StandardOutput.ReadLine())
        {
            if (line.StartsWith("ack ", StringComparison.Ordinal))
            {
                last = Acknowledged(line, last);
            }
        }

        process.WaitForExit();
        Assert.NotEqual(0, process.ExitCode);   // it was killed, not finished
        return last;
    }

    private static long Acknowledged(string line, long previous)
    {
        Assert.StartsWith("ack ", line);
        long n = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
        Assert.Equal(previous + 1, n);
        return n;
    }
}
