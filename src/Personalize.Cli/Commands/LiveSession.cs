using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Tracking;
using Spectre.Console;

namespace Personalize.Cli.Commands;

/// <summary>
/// What the live-surface commands share: read the log, replay it through an <see cref="EventTracker"/> up to <c>--as-of</c> (which is also
/// the tracker's "now"), and the catalogue, titles and filter the list is shown with.
/// </summary>
internal sealed class LiveSession
{
    private readonly IdMap _users;
    private readonly string _input;

    private LiveSession(EventTracker tracker, DateTimeOffset asOf, long replayed, long later, ItemTitles titles, CompiledFilter? filter, string format,
        IdMap users, string input)
    {
        _users = users;
        _input = input;
        Tracker = tracker;
        AsOf = asOf;
        Replayed = replayed;
        Later = later;
        Titles = titles;
        Filter = filter;
        Format = format;
    }

    public EventTracker Tracker { get; }

    public DateTimeOffset AsOf { get; }

    public long Replayed { get; }

    /// <summary>Gets how many rows of the log are after <see cref="AsOf"/>, and so were not replayed.</summary>
    public long Later { get; }

    public ItemTitles Titles { get; }

    public CompiledFilter? Filter { get; }

    public string Format { get; }

    /// <summary>Checks the shared options, reads and replays the log.</summary>
    /// <param name="settings">The command line.</param>
    /// <param name="options">Tracker options of the command (half-lives), before the event types are set.</param>
    /// <param name="needsCategories">Whether the tracker gets the catalogue's categories (when it has them).</param>
    public static LiveSession Open(LiveSettings settings, EventTrackerOptions options, bool needsCategories)
    {
        if (string.IsNullOrWhiteSpace(settings.Input))
        {
            throw new UsageException("--input is required: the event log to replay.");
        }

        CatalogReading.Check(settings.Schema, settings.Items, settings.ItemsIdCol);
        settings.RefuseDuplicates("a replay of the event log");
        if (settings.Top < 1)
        {
            throw new UsageException($"--top {settings.Top} must be at least 1.");
        }

        string format = settings.Format.ToLowerInvariant();
        if (format is not ("table" or "csv" or "json"))
        {
            throw new UsageException($"--format '{settings.Format}' is not a format (expected table, csv or json).");
        }

        if (format == "table" && settings.Out is not null)
        {
            throw new UsageException("--out needs --format csv or json; the table is for reading on screen.");
        }

        if (settings.Out is not null)
        {
            OptionParsing.CheckOutput("--out", settings.Out, writesModel: false, settings.Input, settings.Items);
        }

        DateTimeOffset? asOf = settings.AsOf is null ? null : ParseTime("--as-of", settings.AsOf, settings.TimeFormat);
        CsvInteractionReaderOptions reader = settings.ReaderOptions(RejectedRowWarnings.Write);
        InteractionLog log = LogReading.Read(settings.Input, reader, CliCancellation.Token);
        if (!log.HasTimestamps && log.Count > 0)
        {
            throw new UsageException($"{settings.Input} has no timestamps; the live surfaces replay events in time order. Name the time column with --time-col.");
        }

        if (settings.EveryRow is { } everyRow)
        {
            if (log.EventTypes is not null)
            {
                throw new UsageException($"--every-row {everyRow} is for a log without event types; {settings.Input} has them (in column "
                    + $"{settings.EventColumn ?? "event_type"}).");
            }

            if (reader.EventWeights.IndexOf(everyRow) < 0)
            {
                throw new UsageException($"--every-row '{everyRow}' is not one of the event types of --event-weights ({string.Join(", ", reader.EventWeights.Names)}).");
            }

            log = log.WithEventType(everyRow, reader.EventWeights);
        }
        else if (log.EventTypes is null && log.Count > 0)
        {
            throw new UsageException($"{settings.Input} has no event types; the live surfaces tell views from purchases. Name the column with --event-col, "
                + "or, when every row is one kind of event, say which: --every-row purchase for an order log.");
        }

        DateTimeOffset now = asOf ?? log.GetLatestTimestamp() ?? DateTimeOffset.UnixEpoch;
        ItemCatalog? catalog = settings.Items is null ? null : CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
        if (catalog is not null)
        {
            CatalogReading.WarnIfApart(catalog, log.Items, settings.Items!, "log");
        }
        options = options with
        {
            EventWeights = reader.EventWeights,
            ViewEventType = settings.ViewEvent ?? options.ViewEventType,
            PurchaseEventType = settings.PurchaseEvent ?? options.PurchaseEventType,
        };
        IReadOnlyList<string> types = options.EventWeights.Names;
        foreach ((string option, string type) in new[] { ("--view-event", options.ViewEventType), ("--purchase-event", options.PurchaseEventType) })
        {
            if (!types.Contains(type, StringComparer.Ordinal))
            {
                throw new UsageException($"{option} '{type}' is not one of the event types of --event-weights ({string.Join(", ", types)}); name the "
                    + "view and purchase types with --view-event and --purchase-event (the live surfaces tell views from purchases).");
            }
        }

        bool categories = needsCategories && catalog is not null && catalog.Schema.TryGetType(options.CategoryAttribute, out _);
        ReadOnlySpan<long> times = log.Timestamps;
        long never = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        int earliest = times.IndexOf(never);
        if (earliest >= 0)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{settings.Input}, line {log.GetLineNumber(earliest)}, column {settings.TimeColumn ?? "timestamp"}: 0001-01-01T00:00:00Z is a placeholder ")
                + "the live surfaces cannot replay (it means \"never\" to them); expected the time the event happened. Write it, or leave the row out.");
        }

        var tracker = new EventTracker(log.Items, options, categories ? catalog : null, new FixedTime(now));
        long replayed = tracker.Replay(log, now, CliCancellation.Token);

        CompiledFilter? filter = null;
        if (PageOutput.ParseFilter(settings.Filter, catalog) is { } parsed)
        {
            try
            {
                filter = FilterCompiler.Compile(parsed, catalog!, tracker.Items);
            }
            catch (ArgumentException exception)
            {
                throw UsageException.For("--filter", exception);
            }

            if (filter.ExcludesSeen || filter.ExcludesBought)
            {
                throw new UsageException($"--filter: '{(filter.ExcludesSeen ? "not seen" : "not bought")}' does not apply to this list; leave it out.");
            }
        }

        ItemTitles titles = catalog is null ? ItemTitles.Empty : ItemTitles.FromCatalog(catalog);
        return new LiveSession(tracker, now, replayed, log.Count - replayed, titles, filter, format, log.Users, settings.Input);
    }

    /// <summary>Says on stderr when <paramref name="user"/> has no row in the log at all: a typo or another id scheme gets an empty list
    /// that reads like a user with no history.</summary>
    public void NoteIfUnknownUser(string user)
    {
        if (!_users.TryGetIndex(user, out _))
        {
            string like = _users.Count > 0 ? $" (its users look like '{_users.GetId(0)}')" : "";
            CliConsole.Error.WriteLine($"note: user '{user}' has no row in {_input}{like}, so the list is empty; ids are compared exactly, after trimming.");
        }
    }

    /// <summary>Parses a time as the log's are read: in <paramref name="timeFormat"/> when given (UTC unless it has an offset), ISO 8601
    /// (UTC unless an offset is given), eight digits as a date, 13 or more as Unix milliseconds, or Unix seconds.</summary>
    public static DateTimeOffset ParseTime(string option, string text, string? timeFormat = null)
    {
        // Read as the log reads its own times: in the --time-format when one is given, eight digits as a date (20240131), 13 or more
        // as Unix milliseconds, other numbers as Unix seconds, and otherwise only ISO 8601 (a date such as 3/12/2010 does not say which
        // number is the month).
        string t = text.Trim();
        if (timeFormat is not null && DateTimeOffset.TryParseExact(t, timeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset formatted))
        {
            return formatted;
        }

        if (t.Length > 0 && t.All(char.IsAsciiDigit) && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            if (t.Length == 8 && DateTime.TryParseExact(t, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day)
                && day.Year is >= 1900 and < 2200)
            {
                return new DateTimeOffset(day, TimeSpan.Zero);
            }

            long seconds = t.Length >= 13 ? number / 1000 : number;
            if (seconds <= 253_402_300_799)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }
        else if (t.Length >= 10 && t[4] == '-' && t[7] == '-' && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            return time;
        }

        throw new UsageException(timeFormat is null
            ? $"{option} '{text}' is not a time (expected ISO 8601 such as 2026-10-30T12:00:00Z, a date such as 20261030, or Unix seconds such as 1793318400; give another form with --time-format)."
            : $"{option} '{text}' is not a time in the format '{timeFormat}' (--time-format), nor ISO 8601 such as 2026-10-30T12:00:00Z, nor Unix seconds.");
    }

    /// <summary>One line on what was replayed, for the table output.</summary>
    public string Summary()
    {
        TrackingReport report = Tracker.GetReport();
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Replayed {report.Received:N0} events up to {Time(AsOf)}: {report.Accepted:N0} accepted"));
        if (report.CancelledPurchases > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $", {report.CancelledPurchases:N0} purchases of quantity 0 (cancelled lines, not orders)");
        }

        if (report.UnknownEventTypes > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $", {report.UnknownEventTypes:N0} of unknown event types ({string.Join(", ", report.UnknownEventTypeNames.Keys)})");
        }

        if (Later > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"; {Later:N0} later rows of the log were left out (after --as-of)");
        }

        return line.Append('.').ToString();
    }

    /// <summary>Writes csv or json text to --out or the console.</summary>
    public static void Write(string? outPath, string text, int count)
    {
        if (outPath is not null)
        {
            OutputFile.Write(outPath, text);
            CliConsole.Out.WriteLine($"Wrote {count:N0} items to {outPath}.");
        }
        else
        {
            CliConsole.Out.Profile.Out.Writer.Write(text);
        }
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration as the options take it: <c>90m</c>, <c>6h</c>, <c>7d</c>, or <c>1.02:03:04</c> when not whole.</summary>
    public static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.Ticks / TimeSpan.TicksPerDay}d"
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.Ticks / TimeSpan.TicksPerHour}h"
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.Ticks / TimeSpan.TicksPerMinute}m"
        : span.ToString("c", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>A clock that always reads the --as-of time.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
