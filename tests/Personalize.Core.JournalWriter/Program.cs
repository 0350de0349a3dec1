using Personalize.Core.Data;
using Personalize.Core.Tracking;

// Usage: Personalize.Core.JournalWriter DIRECTORY EveryRecord|GroupCommit
// Tracks event n = 0, 1, 2, ... (user "u{n}" views item "i{n % 100}" at Start + n seconds; every 7th is a search "q{n}" instead) and
// prints "ack n" once Track (or TrackSearch) has returned, so every line printed is an acknowledged event. Runs until it is killed.
if (args.Length != 2 || !Enum.TryParse(args[1], out JournalFlushPolicy policy))
{
    Console.Error.WriteLine("usage: Personalize.Core.JournalWriter DIRECTORY EveryRecord|GroupCommit");
    return 2;
}

var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
IdMap items = IdMap.FromIds(Enumerable.Range(0, 100).Select(i => $"i{i}"));
var options = new EventTrackerOptions { Journal = new EventJournalOptions(args[0]) { FlushPolicy = policy } };
using var tracker = new EventTracker(items, options);
Console.Out.Flush();
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
output.WriteLine("ready");
for (long n = 0; ; n++)
{
    TrackOutcome outcome = n % 7 == 6
        ? tracker.TrackSearch($"u{n}", $"q{n}", start.AddSeconds(n))
        : tracker.Track($"u{n}", $"i{n % 100}", "view", start.AddSeconds(n));
    if (outcome != TrackOutcome.Accepted)
    {
        Console.Error.WriteLine($"event {n} was not accepted: {outcome}");
        return 1;
    }

    output.WriteLine($"ack {n}");
}
