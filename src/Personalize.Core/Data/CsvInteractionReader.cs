using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using Personalize.Core.Internal;

namespace Personalize.Core.Data;

/// <summary>
/// Reads interaction logs from CSV, TSV or <c>::</c>-separated files into an <see cref="InteractionLog"/>, accounting for every row.
/// </summary>
/// <remarks>
/// The reader is strict by default: the first bad row throws an <see cref="InteractionDataException"/> naming the file, line and
/// column. With <see cref="BadRowPolicy.SkipAndReport"/> bad rows are skipped and reported instead, and
/// <see cref="LoadReport.Read"/> = <see cref="LoadReport.Accepted"/> + <see cref="LoadReport.Rejected"/> + <see cref="LoadReport.Returns"/>
/// always holds (a row with a negative quantity is a return: left out, not rejected).
/// Problems with the whole file (empty file, missing column, wrong delimiter) always throw. Quoted fields may hold delimiters and
/// doubled quotes but not line breaks, so a quote that is never closed spoils only its own line. A row with more non-empty fields than
/// the header is bad (a delimiter split one of its fields), and so is a timestamp more than a day after this machine's clock (a
/// placeholder such as 9999-12-31 would make every other event look old to time decay, trending and time splits). Parsing works on
/// UTF-8 bytes and allocates a string only for each new id. A reader is immutable; one instance may read many files, on several
/// threads at once.
/// </remarks>
public sealed class CsvInteractionReader
{
    private const int CancellationCheckInterval = 1 << 16;

    /// <summary>Inputs up to this many bytes are counted for lines first (see <see cref="CountLines"/>).</summary>
    private const long MaxCountedLength = 16L << 30;

    /// <summary>Creates a reader.</summary>
    /// <param name="options">How to read; <see langword="null"/> for the defaults.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid; the message lists every error.</exception>
    public CsvInteractionReader(CsvInteractionReaderOptions? options = null)
    {
        Options = options ?? new CsvInteractionReaderOptions();
        OptionsValidation.ThrowIfInvalid(Options, nameof(CsvInteractionReaderOptions));
    }

    /// <summary>Gets the options this reader was created with.</summary>
    public CsvInteractionReaderOptions Options { get; }

    /// <summary>Reads a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read; checked every 65,536 rows.</param>
    /// <returns>The log, with its <see cref="InteractionLog.Report"/>.</returns>
    /// <exception cref="InteractionDataException">The file or a row is bad (a compressed file, or UTF-16 without a byte order mark, is
    /// refused before reading, naming what it is).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (or is a folder).</exception>
    /// <exception cref="OperationCanceledException">The read was cancelled.</exception>
    public InteractionLog Read(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"The interaction file '{path}' is a folder; give the CSV file inside it."
                : $"The interaction file '{path}' does not exist.", path);
        }

        CsvHeaderSniffing.ThrowIfUnreadable(path);
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, cancellationToken);
    }

    /// <summary>Reads a stream of UTF-8 text.</summary>
    /// <param name="stream">The input; it is read to the end but not closed.</param>
    /// <param name="sourceName">The name to use for the source in reports and errors, such as a file name.</param>
    /// <param name="cancellationToken">Cancels the read; checked every 65,536 rows.</param>
    /// <returns>The log, with its <see cref="InteractionLog.Report"/>.</returns>
    /// <exception cref="InteractionDataException">The input or a row is bad.</exception>
    /// <exception cref="OperationCanceledException">The read was cancelled.</exception>
    public InteractionLog Read(Stream stream, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        long started = Stopwatch.GetTimestamp();
        var state = new ReadState(Options, sourceName);
        if (stream.CanSeek && stream.Length - stream.Position is > 0 and <= MaxCountedLength)
        {
            // One row per line at most: the columns are allocated once at their final size, and handed to the log without a copy
            // when every line was a row. Cheaper than doubling them ten times and copying them out (a 10M-row log: 1.7 → 0.4 GB).
            state.EnsureCapacity(CountLines(stream) - (Options.HasHeader ? 1 : 0));
        }

        var csvOptions = CsvReaderOptions.Default with
        {
            HasHeader = Options.HasHeader,
            TrackLineNumbers = true,

            // A line break always ends a row: an unclosed quote then spoils its own row only, instead of swallowing the rest of the
            // file into one rejected row (ids, event types, timestamps and weights never contain line breaks).
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            SkipEmptyLines = true,
            OnMalformedRecord = state.OnMalformed,
        };

        Stream input = stream;
        if (Options.Delimiter is { Length: 1 } single)
        {
            csvOptions = csvOptions with { Separator = single[0] };
        }
        else if (Options.Delimiter is { Length: > 1 } multi)
        {
            // The separator stream stands U+001F for the delimiter; a U+001F in the input rejects its own row, not the file.
            var reserved = new ReservedByteStream(stream);
            state.ReservedLines = reserved.Lines;
            input = new CsvSeparatorStream(reserved, multi, CsvSeparatorStream.DefaultReplacement, leaveOpen: false);
        }
        else if (Options.HasHeader)
        {
            // The header line alone decides the delimiter: no data row can change how the header is split.
            byte[] head = CsvHeaderSniffing.Peek(stream);
            input = new ReplayStream(head, stream);
            if (CsvHeaderSniffing.Detect(head) is { } detected)
            {
                csvOptions = csvOptions with { Separator = detected };
            }
        }

        try
        {
            using CsvReader reader = CsvReader.Create(input, csvOptions, leaveOpen: true);
            Columns columns = ResolveColumns(reader, sourceName, state);
            state.Columns = columns;
            char[] buffer = ArrayPool<char>.Shared.Rent(1024);
            try
            {
                long rows = 0;
                while (reader.Read())
                {
                    if ((++rows & (CancellationCheckInterval - 1)) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    state.ReadRow(reader, ref buffer);
                }

                state.FlushBatch();
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
        catch (CsvFormatException exception)
        {
            throw new InteractionDataException(sourceName, exception.LineNumber, exception.FieldIndex + 1, null,
                $"the CSV is malformed: {exception.Message}");
        }
        catch (InvalidDataException exception)
        {
            throw new InteractionDataException(sourceName, 0, 0, null, exception.Message);
        }
        catch (NotSupportedException) when (input is CsvSeparatorStream)
        {
            // The separator stream reads UTF-8 only; a one-character delimiter reads UTF-16 and UTF-32 as well.
            throw new InteractionDataException(sourceName, 0, 0, null,
                $"the file is UTF-16 or UTF-32 (it starts with a byte order mark), which a delimiter of several characters such as '{Options.Delimiter}' cannot be read from; save the file as UTF-8.");
        }
        finally
        {
            if (!ReferenceEquals(input, stream))
            {
                input.Dispose();
            }
        }

        if (state.PendingMalformed is { } malformed)
        {
            state.Reject(malformed.LineNumber, 0, null, MalformedReason(malformed.Reason), malformed.RawRecord);
        }

        var report = new LoadReport(sourceName, state.Accepted, state.Rejected, state.RejectedRows, Stopwatch.GetElapsedTime(started), Notes(state))
        {
            Returns = state.Returns,
        };
        return new InteractionLog(state.Users.Build(), state.Items.Build(), state.Columns.Event >= 0 ? Options.EventWeights : null,
            state.UserIndices.ToArray(), state.ItemIndices.ToArray(), state.Events.ToArray(), state.Times.ToArray(),
            state.Columns.Time >= 0, state.Values.ToArray(), report,
            state.Columns.Quantity >= 0 ? state.Quantities.ToArray() : null, state.Columns.Rating >= 0 ? state.Ratings.ToArray() : null,
            state.Lines.ToArray());
    }

    /// <summary>What the owner of the file should hear although no row was rejected: columns that look like the event type or the time
    /// but are not read as them, and timestamps that all fall in 1970.</summary>
    private List<string> Notes(ReadState state)
    {
        var notes = new List<string>();
        Columns columns = state.Columns;
        int[] used = columns.Used;
        string[] unused = [.. columns.Names.Where((_, c) => !used.Contains(c))];
        if (columns.Event < 0 && Options.EventColumn is null
            && unused.FirstOrDefault(h => SameName(h, CsvInteractionReaderDefaults.EventColumn) || EventNames.Contains(Key(h))) is { } eventLike)
        {
            notes.Add($"there is no '{CsvInteractionReaderDefaults.EventColumn}' column, so every row weighs the same; if '{eventLike}' holds the event types (view, purchase), give --event-col {eventLike} (EventColumn).");
        }

        if (columns.Time < 0 && Options.TimeColumn is null
            && unused.FirstOrDefault(h => SameName(h, CsvInteractionReaderDefaults.TimeColumn) || TimeNames.Contains(Key(h))
                || Key(h).EndsWith("DATE", StringComparison.Ordinal) || Key(h).EndsWith("TIME", StringComparison.Ordinal)) is { } timeLike)
        {
            notes.Add($"there is no '{CsvInteractionReaderDefaults.TimeColumn}' column, so the rows have no times (no time split, time decay or recent popularity); if '{timeLike}' holds them, give --time-col {timeLike} (TimeColumn).");
        }

        if (columns.Weight < 0 && columns.Rating < 0 && Options.WeightColumn is null && unused.FirstOrDefault(h => WeightNames.Contains(Key(h))) is { } weightLike)
        {
            // Last.fm's user_artists.dat (userID, artistID, weight): the play counts were left out and nothing said so.
            notes.Add($"'{weightLike}' is not read, so every row weighs the same; if it holds counts (plays, clicks, units), give --weight-col {weightLike} (WeightColumn): each row then weighs by its count, heavy-tailed counts on a log scale.");
        }

        if (!Options.HasHeader && state.FirstFieldCount is int fields && Enumerable.Range(0, fields).Where(c => !used.Contains(c)).ToArray() is { Length: > 0 } skipped)
        {
            // u.data (user, item, rating, time) with --no-header alone: the ratings and the times were never read, and later messages
            // said the log has none.
            string positions = string.Join(", ", skipped.Select(c => (c + 1).ToString(CultureInfo.InvariantCulture)));
            notes.Add($"the rows have {fields} fields and field{(skipped.Length == 1 ? "" : "s")} {positions} {(skipped.Length == 1 ? "is" : "are")} not read: a file without a header is read by position, the user from field {columns.User + 1} and the item from field {columns.Item + 1}; name the others by position, such as --rating-col 3 and --time-col 4 for user, item, rating, time (RatingColumn, TimeColumn; also --weight-col, --event-col).");
        }

        foreach ((Utf8IdTable ids, string what) in new[] { (state.Users, "user"), (state.Items, "item") })
        {
            if (ids.CountDecimalTwins(out (string Plain, string Decimal)? twin) is int twins and > 0)
            {
                // UCI Online Retail's CustomerID: 17850 on some rows and 17850.0 on others became two customers.
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{twins:N0} {what} id{(twins == 1 ? " differs" : "s differ")} from another only by a trailing '.0' (such as '{twin!.Value.Plain}' and '{twin.Value.Decimal}'), so they are different {what}s here; if they are the same (a spreadsheet wrote a number column as decimals on some rows), write the ids alike."));
            }
        }

        if (state.PaddedIds > 0)
        {
            // ' 17199 ' reads as 17199, and the model and its lists name it so: another program joining them with a file that keeps
            // the spaces finds nothing in common.
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{state.PaddedIds:N0} ids had spaces or tabs around them, which were trimmed (the first on line {state.FirstPaddedLine}): the model and its output name them without, so compare them trimmed."));
        }

        if (state.Returns > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{state.Returns:N0} rows with a negative quantity (returns or cancellations, the first on line {state.FirstReturnLine}) were left out: they are not interactions."));
        }

        // Unix seconds of 1970 only: years (2024), day numbers or an order of events, read as seconds since 1970-01-01.
        // ISO dates before 1971 are what they say: only numbers are read as Unix seconds.
        if (columns.Time >= 0 && state.Accepted > 0 && state.LatestTime < LatestOf1970 && state.ReadsUnixSeconds)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"every timestamp, read as Unix seconds, falls in 1970 (the latest is {DateTimeOffset.FromUnixTimeSeconds(state.LatestTime):yyyy-MM-ddTHH:mm:ss}Z); if they are years, day numbers or an order of events, time splits, time decay and recent popularity read them wrong: write them as ISO 8601 dates such as 2024-01-31."));
        }

        return notes;
    }

    /// <summary>Whether a field holds nothing but spaces and tabs.</summary>
    private static bool IsBlank(ReadOnlySpan<byte> field) => field.Trim(" \t"u8).IsEmpty;

    /// <summary>1971-01-01T00:00:00Z in Unix seconds.</summary>
    private const long LatestOf1970 = 31_536_000;

    private static string Key(string name) => string.Concat(name.Where(char.IsLetterOrDigit)).ToUpperInvariant();

    /// <summary>Header names (as <see cref="Key"/> spells them) that usually hold the event type.</summary>
    private static readonly HashSet<string> EventNames = ["EVENT", "EVENTS", "ACTION", "ACTIONTYPE", "BEHAVIOR", "BEHAVIOUR", "BEHAVIORTYPE", "INTERACTION", "INTERACTIONTYPE", "EVENTNAME", "TYPE"];

    /// <summary>Header names (as <see cref="Key"/> spells them) that usually hold a count that could weigh a row.</summary>
    private static readonly HashSet<string> WeightNames = ["WEIGHT", "PLAYS", "PLAYCOUNT", "PLAYCOUNTS", "LISTENS", "LISTENCOUNT", "CLICKS", "CLICKCOUNT", "COUNT", "TIMESPLAYED", "SCROBBLES"];

    /// <summary>Header names (as <see cref="Key"/> spells them) that usually hold the time, besides those ending in DATE or TIME.</summary>
    private static readonly HashSet<string> TimeNames = ["TS", "TIMESTAMPMS", "UNIXTIME", "CREATEDAT", "UPDATEDAT", "EPOCH"];

    /// <summary>Counts the lines from the stream's position to its end (<c>\n</c> bytes, plus a last line without one), then puts
    /// the position back.</summary>
    private static long CountLines(Stream stream)
    {
        long start = stream.Position;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long count = 0;
            byte last = (byte)'\n';
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                count += chunk.AsSpan(0, read).Count((byte)'\n');
                last = chunk[read - 1];
            }

            return last == (byte)'\n' ? count : count + 1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            stream.Position = start;
        }
    }

    private Columns ResolveColumns(CsvReader reader, string sourceName, ReadState state)
    {
        IReadOnlyList<string> headers;
        try
        {
            headers = reader.Headers;
        }
        catch (CsvFormatException exception)
        {
            throw new InteractionDataException(sourceName, 1, 0, null, $"the header is malformed: {exception.Message}");
        }

        // A malformed line before the header was skipped by the reader, which then took the next line as the header: the header is bad.
        if (Options.HasHeader && state.PendingMalformed is { } malformed)
        {
            throw new InteractionDataException(sourceName, malformed.LineNumber, 0, null,
                "the header is malformed: " + MalformedReason(malformed.Reason).Replace("the row", "the header line", StringComparison.Ordinal), malformed.RawRecord);
        }

        if (Options.HasHeader && state.ReservedLines is { Count: > 0 } reserved && reserved.Min == 1)
        {
            throw new InteractionDataException(sourceName, 1, 0, null, "the header is malformed: " + ReservedByteReason.Replace("the row", "the header line", StringComparison.Ordinal));
        }

        if (Options.HasHeader && headers.Count == 0)
        {
            throw new InteractionDataException(sourceName, 0, 0, null,
                $"the file is empty; expected a header line naming the columns, such as '{Options.UserColumn},{Options.ItemColumn},event_type,timestamp'.");
        }

        var columns = new Columns
        {
            User = Resolve(reader, headers, sourceName, nameof(Options.UserColumn), Options.UserColumn, required: true, defaultPosition: 1),
            Item = Resolve(reader, headers, sourceName, nameof(Options.ItemColumn), Options.ItemColumn, required: true, defaultPosition: 2),
            Event = Options.EventColumn is null
                ? Optional(reader, CsvInteractionReaderDefaults.EventColumn)
                : Resolve(reader, headers, sourceName, nameof(Options.EventColumn), Options.EventColumn, required: true, defaultPosition: 0),
            Time = Options.TimeColumn is null
                ? Optional(reader, CsvInteractionReaderDefaults.TimeColumn)
                : Resolve(reader, headers, sourceName, nameof(Options.TimeColumn), Options.TimeColumn, required: true, defaultPosition: 0),
            Weight = Options.WeightColumn is null
                ? -1
                : Resolve(reader, headers, sourceName, nameof(Options.WeightColumn), Options.WeightColumn, required: true, defaultPosition: 0),
            Quantity = Options.QuantityColumn is null
                ? Optional(reader, CsvInteractionReaderDefaults.QuantityColumn)
                : Resolve(reader, headers, sourceName, nameof(Options.QuantityColumn), Options.QuantityColumn, required: true, defaultPosition: 0),
            Rating = Options.RatingColumn is null
                ? Optional(reader, CsvInteractionReaderDefaults.RatingColumn)
                : Resolve(reader, headers, sourceName, nameof(Options.RatingColumn), Options.RatingColumn, required: true, defaultPosition: 0),
        };
        columns.Names = headers.Count > 0 ? [.. headers] : [];
        if (Options.HasHeader)
        {
            CheckUnambiguous(sourceName, headers, columns);
        }

        columns.MinFieldCount = 1 + columns.Used.Max();
        return columns;
    }

    /// <summary>Refuses a header that names a column the read uses twice (<c>user_id,item_id,item_id</c>): which one holds the values
    /// is a guess.</summary>
    private static void CheckUnambiguous(string sourceName, IReadOnlyList<string> headers, Columns columns)
    {
        foreach (int used in columns.Used)
        {
            if (used < 0)
            {
                continue;
            }

            for (int other = 0; other < headers.Count; other++)
            {
                if (other != used && string.Equals(headers[other].Trim(), headers[used].Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    (int first, int second) = (Math.Min(used, other), Math.Max(used, other));
                    throw new InteractionDataException(sourceName, 1, second + 1, headers[used],
                        $"the header names '{headers[used]}' twice (columns {first + 1} and {second + 1}), so which one holds its values is a guess; rename one of them.");
                }
            }
        }
    }

    private int Optional(CsvReader reader, string conventionalName) =>
        Options.HasHeader && reader.TryGetFieldIndex(conventionalName, out int index) ? index : -1;

    private int Resolve(CsvReader reader, IReadOnlyList<string> headers, string sourceName, string option, string column, bool required, int defaultPosition)
    {
        if (!Options.HasHeader)
        {
            if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int position) && position >= 1)
            {
                return position - 1;
            }

            return defaultPosition - 1;
        }

        if (reader.TryGetFieldIndex(column, out int index))
        {
            return index;
        }

        if (!required)
        {
            return -1;
        }

        string headerText = string.Join(",", headers);
        string hint = "";
        if (headers.Count == 1)
        {
            foreach (string candidate in new[] { ",", ";", "\t", "|", "::" })
            {
                if (headerText.Contains(candidate, StringComparison.Ordinal))
                {
                    string shown = candidate == "\t" ? "\\t" : candidate;
                    hint = $" The header is one column containing '{shown}': the file looks '{shown}'-separated; set the delimiter to '{shown}' (--delimiter).";
                    break;
                }
            }

            if (hint.Length == 0)
            {
                hint = " The header has a single column: check the delimiter (--delimiter).";
            }
        }
        else if (CsvHeaderSniffing.CountNumbers(headers) is int numbers and > 0)
        {
            // 196,242,3,881250949 (MovieLens 100k) or A2IBPI20UZIR0U,B000000003,5.0,1444884746 (Amazon ratings): a row, not a header.
            hint = $" The first line looks like data, not a header ({numbers} of its fields {(numbers == 1 ? "is a number" : "are numbers")}): if the file "
                + "has no header line, read it with --no-header (HasHeader false) and name columns by position (the user is column 1 and the item "
                + "column 2 by default; --rating-col 3, --time-col 4 for the ratings and times of such a file).";
        }
        else if (headers.FirstOrDefault(h => SameName(h, column)) is { } near)
        {
            // userId, UserID or "user id" for user_id: say which column it probably is, and how to name it.
            hint = $" '{near}' differs from '{column}' only in case or separators; if it is that column, give {OptionFlag(option)} {near}.";
        }
        else if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int position) && position >= 1)
        {
            hint = $" A position such as {column} names a column of a file without a header line (--no-header, HasHeader false); this file's first line is a header, so name the column.";
        }
        else if (option is nameof(CsvInteractionReaderOptions.UserColumn) or nameof(CsvInteractionReaderOptions.ItemColumn))
        {
            // movieId or CustomerID for the item or user id: name the columns that look like ids, other than the other id column.
            string other = option == nameof(CsvInteractionReaderOptions.UserColumn) ? Options.ItemColumn : Options.UserColumn;
            // For the item id, a product code (StockCode, SKU, ASIN) too.
            bool item = option == nameof(CsvInteractionReaderOptions.ItemColumn);
            string[] ids = headers.Where(h => (LooksLikeId(h) || (item && LooksLikeProductCode(h))) && h != other && !SameName(h, other)).ToArray();
            string what = option == nameof(CsvInteractionReaderOptions.UserColumn) ? "the user id" : "the item id";
            hint = ids.Length switch
            {
                0 => "",
                1 => $" '{ids[0]}' looks like an id column; if it is {what}, give {OptionFlag(option)} {ids[0]}.",
                _ => $" {Quote(ids)} look like id columns; if one is {what}, give {OptionFlag(option)} and its name.",
            };
        }

        throw new InteractionDataException(sourceName, 1, 0, column,
            $"no column named '{column}' ({option}); the header has {headers.Count} column(s): {Quote(headers)}.{hint}");
    }

    /// <summary>Whether two column names differ only in case and in characters that are not letters or digits.</summary>
    internal static bool SameName(string a, string b)
    {
        string key = Key(a);
        return key.Length > 0 && key == Key(b);
    }

    /// <summary>Whether a column name ends in "id" as a word of its own (<c>movieId</c>, <c>CustomerID</c>, <c>asin_id</c>), so it may name
    /// an id column.</summary>
    internal static bool LooksLikeId(string name)
    {
        // "movieId", "CustomerID", "user_id", "item id": the "id" starts a word (a capital after a lower-case letter, or a separator
        // before it); "paid" or "Android" do not end in an id.
        string trimmed = name.Trim();
        if (trimmed.Length < 3 || !trimmed.EndsWith("id", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        char first = trimmed[^2];
        char before = trimmed[^3];
        return !char.IsLetterOrDigit(before) || (char.IsUpper(first) && char.IsLower(before));
    }

    /// <summary>Whether a column name reads as a product code that may be the item id: <c>StockCode</c>, <c>product_code</c>, <c>SKU</c>,
    /// <c>ASIN</c>, <c>ISBN</c>, <c>EAN</c>, <c>UPC</c> or <c>GTIN</c> (not <c>PostCode</c> or <c>CountryCode</c>).</summary>
    internal static bool LooksLikeProductCode(string name)
    {
        string key = Key(name);
        return key is "SKU" or "ASIN" or "ISBN" or "EAN" or "UPC" or "GTIN" || key.EndsWith("SKU", StringComparison.Ordinal)
            || (key.EndsWith("CODE", StringComparison.Ordinal) && ProductWords.Any(w => key.StartsWith(w, StringComparison.Ordinal)));
    }

    private static readonly string[] ProductWords = ["STOCK", "PRODUCT", "ITEM", "ARTICLE", "PART", "ART"];

    /// <summary>The command-line flag of a column option, as the CLI and its messages spell it.</summary>
    private static string OptionFlag(string option) => option switch
    {
        nameof(CsvInteractionReaderOptions.UserColumn) => "--user-col",
        nameof(CsvInteractionReaderOptions.ItemColumn) => "--item-col",
        nameof(CsvInteractionReaderOptions.EventColumn) => "--event-col",
        nameof(CsvInteractionReaderOptions.TimeColumn) => "--time-col",
        nameof(CsvInteractionReaderOptions.WeightColumn) => "--weight-col",
        nameof(CsvInteractionReaderOptions.QuantityColumn) => "--quantity-col",
        nameof(CsvInteractionReaderOptions.RatingColumn) => "--rating-col",
        _ => option,
    };

    private static string Quote(IReadOnlyList<string> headers)
    {
        var parts = new string[Math.Min(headers.Count, 20)];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = "'" + headers[i] + "'";
        }

        return string.Join(", ", parts) + (headers.Count > parts.Length ? ", ..." : "");
    }

    private const string ReservedByteReason = "the row holds the control character U+001F (shown as '?'), which a delimiter of several "
        + "characters such as '::' reserves; remove it from the file.";

    internal static string MalformedReason(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "the row has a stray quote inside an unquoted field (expected quotes only around a whole field, doubled inside it).",
        CsvMalformedReason.TextAfterClosingQuote => "the row has text after the closing quote of a field (expected a delimiter or the end of the line).",
        CsvMalformedReason.UnterminatedQuote => "the row opens a quoted field that is never closed (expected a closing quote).",
        CsvMalformedReason.LineBreakInQuotes => "the row opens a quoted field that is not closed on its line (expected a closing quote; quoted fields cannot span lines).",
        CsvMalformedReason.FieldCountMismatch => "the row has a different number of fields than the header.",
        _ => $"the row is malformed ({reason}).",
    };

    private sealed class Columns
    {
        public int User;
        public int Item;
        public int Event;
        public int Time;
        public int Weight;
        public int Quantity;
        public int Rating;
        public int MinFieldCount;
        public string[] Names = [];

        /// <summary>The column index of each value a row gives (user, item, event, time, weight, quantity, rating); -1 where absent.</summary>
        public int[] Used => [User, Item, Event, Time, Weight, Quantity, Rating];

        public string Name(int index) => index < Names.Length ? Names[index] : "column " + (index + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The mutable state of one read.</summary>
    private sealed class ReadState(CsvInteractionReaderOptions options, string sourceName)
    {
        /// <summary>Accepted rows whose ids are resolved together, so the cache misses of their lookups overlap.</summary>
        private const int BatchSize = 128;

        /// <summary>Distinct raw spellings of event types remembered with their index (raw bytes map to one index).</summary>
        private const int MaxCachedEventSpellings = 16;

        public readonly Utf8IdTable Users = new();
        public readonly Utf8IdTable Items = new();
        public GrowableArray<int> UserIndices = new(1024);
        public GrowableArray<int> ItemIndices = new(1024);
        public GrowableArray<byte> Events = new(1024);
        public GrowableArray<long> Times = new(1024);
        public GrowableArray<float> Values = new(1024);
        public GrowableArray<float> Quantities = new(1024);
        public GrowableArray<float> Ratings = new(1024);
        public GrowableArray<long> Lines = new(1024);
        public readonly List<RejectedRow> RejectedRows = [];
        public Columns Columns = new();
        public long Accepted;
        public long Rejected;
        public long Returns;          // rows of a negative quantity, left out (LoadReport.Returns)
        public long PaddedIds;        // ids with white space around them, trimmed
        public long FirstPaddedLine;
        public long FirstReturnLine;
        public CsvMalformedRecord? PendingMalformed;
        private int? _firstFieldCount;

        /// <summary>The number of fields of the first row checked against a file without a header, or null.</summary>
        public int? FirstFieldCount => _firstFieldCount;

        /// <summary>How the file's numeric timestamps read: decided by the first one.</summary>
        private IntegerTimes _integerTimes = IntegerTimes.Any;

        /// <summary>Whether the file's times are numbers read as Unix seconds (or milliseconds).</summary>
        public bool ReadsUnixSeconds => _integerTimes == IntegerTimes.UnixSeconds;

        private string _firstIntegerTime = "";

        private long _firstIntegerTimeLine;

        /// <summary>The latest timestamp read so far (Unix seconds).</summary>
        public long LatestTime = long.MinValue;

        /// <summary>The latest timestamp a row may have (Unix seconds): a day after this machine's clock, for clocks that run ahead.</summary>
        private readonly long _latestAllowed = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();
        public SortedSet<long>? ReservedLines;

        // The ids of the accepted rows not yet resolved: their bytes one after another, where each starts, and their hashes.
        private byte[] _batchBytes = new byte[BatchSize * 32];
        private int _batchBytesUsed;
        private readonly int[] _batchUserStart = new int[BatchSize + 1];
        private readonly int[] _batchItemStart = new int[BatchSize + 1];
        private readonly ulong[] _batchUserHash = new ulong[BatchSize];
        private readonly ulong[] _batchItemHash = new ulong[BatchSize];
        private int _batchCount;

        // Trimmed ids that are not a slice of the record (leading or trailing white space, non-ASCII edges).
        private byte[] _userScratch = new byte[64];
        private byte[] _itemScratch = new byte[64];

        private readonly byte[][] _eventSpellings = new byte[MaxCachedEventSpellings][];
        private readonly byte[] _eventSpellingIndex = new byte[MaxCachedEventSpellings];
        private int _eventSpellingCount;

        /// <summary>Sizes the column arrays for the whole input once the first rows show how long a row is.</summary>
        public void EnsureCapacity(long rows)
        {
            int capacity = (int)Math.Clamp(rows, 0, Array.MaxLength / 2);
            UserIndices.EnsureCapacity(capacity);
            ItemIndices.EnsureCapacity(capacity);
            Events.EnsureCapacity(capacity);
            Times.EnsureCapacity(capacity);
            Values.EnsureCapacity(capacity);
            if (Columns.Quantity >= 0)
            {
                Quantities.EnsureCapacity(capacity);
            }

            if (Columns.Rating >= 0)
            {
                Ratings.EnsureCapacity(capacity);
            }

            Lines.EnsureCapacity(capacity);
        }

        /// <summary>Resolves the ids of the pending accepted rows, in row order (so indices are assigned in first-seen order).</summary>
        public void FlushBatch()
        {
            int count = _batchCount;
            if (count == 0)
            {
                return;
            }

            // Three passes: load the slots, then the bytes of the ids in them, then resolve; the misses of a pass overlap.
            for (int i = 0; i < count; i++)
            {
                Users.Prefetch(_batchUserHash[i]);
                Items.Prefetch(_batchItemHash[i]);
            }

            for (int i = 0; i < count; i++)
            {
                Users.PrefetchBytes(_batchUserHash[i]);
                Items.PrefetchBytes(_batchItemHash[i]);
            }

            int first = UserIndices.Count - count;
            Span<int> users = UserIndices.AsSpan().Slice(first, count);
            Span<int> items = ItemIndices.AsSpan().Slice(first, count);
            ReadOnlySpan<byte> bytes = _batchBytes;
            for (int i = 0; i < count; i++)
            {
                users[i] = Users.GetOrAdd(bytes[_batchUserStart[i].._batchItemStart[i]], _batchUserHash[i]);
                items[i] = Items.GetOrAdd(bytes[_batchItemStart[i].._batchUserStart[i + 1]], _batchItemHash[i]);
            }

            _batchCount = 0;
            _batchBytesUsed = 0;
        }

        private void AddToBatch(ReadOnlySpan<byte> user, ReadOnlySpan<byte> item)
        {
            int needed = _batchBytesUsed + user.Length + item.Length;
            if (needed > _batchBytes.Length)
            {
                Array.Resize(ref _batchBytes, Math.Max(needed, _batchBytes.Length * 2));
            }

            int i = _batchCount;
            _batchUserStart[i] = _batchBytesUsed;
            user.CopyTo(_batchBytes.AsSpan(_batchBytesUsed));
            _batchBytesUsed += user.Length;
            _batchItemStart[i] = _batchBytesUsed;
            item.CopyTo(_batchBytes.AsSpan(_batchBytesUsed));
            _batchBytesUsed += item.Length;
            _batchUserStart[i + 1] = _batchBytesUsed;
            _batchUserHash[i] = Users.Hash(user);
            _batchItemHash[i] = Items.Hash(item);
            _batchCount = i + 1;
        }

        public void OnMalformed(CsvMalformedRecord record)
        {
            // The reader skips the record; it is reported before the next row is handled, so rejections stay in line order.
            if (PendingMalformed is { } earlier)
            {
                Reject(earlier.LineNumber, 0, null, MalformedReason(earlier.Reason), earlier.RawRecord);
            }

            PendingMalformed = record;
        }

        /// <summary>"the header has 4" or "the first row has 4", for a message: built only for a row that is rejected (built for every
        /// row, it doubled what reading a log allocates).</summary>
        private string Reference(int expected) => Columns.Names.Length > 0 ? $"the header has {expected}" : $"the first row has {expected}";

        /// <summary>How many fields a row needs: the header's (or the first row's) up to its last non-blank one.</summary>
        private int? _fieldsNeeded;

        /// <summary>How many names a header has up to its last non-blank one.</summary>
        private static int NonBlankLength(string[] names)
        {
            int length = names.Length;
            while (length > 0 && string.IsNullOrWhiteSpace(names[length - 1]))
            {
                length--;
            }

            return length;
        }

        /// <summary>How many fields a row has up to its last non-blank one.</summary>
        private static int FilledFieldCount(CsvReader reader)
        {
            int length = reader.FieldCount;
            while (length > 0 && IsBlank(reader.GetSpan(length - 1)))
            {
                length--;
            }

            return length;
        }

        /// <summary>The index of the first field from <paramref name="from"/> on that holds more than white space, or null.</summary>
        private static int? ExtraFieldText(CsvReader reader, int from)
        {
            for (int f = from; f < reader.FieldCount; f++)
            {
                if (!IsBlank(reader.GetSpan(f)))
                {
                    return f;
                }
            }

            return null;
        }

        /// <summary>Reads the row's time: with <see cref="CsvInteractionReaderOptions.TimeFormat"/> in that format, otherwise as
        /// <see cref="TimestampParser"/> reads it, numbers all of the kind of the file's first one. A bad time rejects the row.</summary>
        private bool TryTime(CsvReader reader, long line, ref char[] buffer, out long time)
        {
            ReadOnlySpan<byte> raw = reader.GetSpan(Columns.Time);
            if (options.TimeFormat is null)
            {
                if (!TimestampParser.TryParse(raw, _integerTimes, out time, out IntegerTimes kind))
                {
                    RejectTime(reader, line);
                    return false;
                }

                if (kind != IntegerTimes.Any && _integerTimes == IntegerTimes.Any)
                {
                    // The first number decides how the file's numbers read: 20240131 a date, 20240131 in a file of Unix seconds a second.
                    _integerTimes = kind;
                    _firstIntegerTime = Encoding.UTF8.GetString(raw).Trim();
                    _firstIntegerTimeLine = line;
                }

                return true;
            }

            // The caller's format, such as M/d/yyyy H:mm: exact, invariant culture, UTC unless the format has an offset.
            if (DateTimeOffset.TryParseExact(Chars(raw, ref buffer).Trim(), options.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal,
                    out DateTimeOffset parsed))
            {
                time = parsed.ToUnixTimeSeconds();
                return true;
            }

            time = 0;
            RejectTime(reader, line);
            return false;
        }

        /// <summary>Rejects a row whose time does not read, saying why and what would read it.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private void RejectTime(CsvReader reader, long line)
        {
            string text = Encoding.UTF8.GetString(reader.GetSpan(Columns.Time));
            string reason = options.TimeFormat is { } format
                ? $"'{text}' is not a time in the format '{format}' (--time-format, TimeFormat); expected such as '{Example(format)}'."
                : _integerTimes == IntegerTimes.BasicDates && TimestampParser.TryParse(reader.GetSpan(Columns.Time), out _)
                ? $"'{text}' is not a date written yyyyMMdd, as the file's first number ('{_firstIntegerTime}' on line {_firstIntegerTimeLine}) is; a file's numeric timestamps are all dates or all Unix seconds."
                : text.Contains('/', StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(text, @"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}")
                ? $"'{text}' is not a timestamp ({TimestampParser.Expected}); a date such as this does not say which number is the month, so give its format with --time-format (TimeFormat), such as 'M/d/yyyy H:mm'."
                : $"'{text}' is not a timestamp ({TimestampParser.Expected}).";
            Reject(line, Columns.Time + 1, Columns.Name(Columns.Time), reason, reader);
        }

        /// <summary>A sample time written in <paramref name="format"/>, for an error message.</summary>
        private static string Example(string format) =>
            new DateTimeOffset(2024, 1, 31, 12, 0, 0, TimeSpan.Zero).ToString(format, CultureInfo.InvariantCulture);

        /// <summary>Without a header, refuses a first row whose user and item fields are column names (<c>user_id,item_id</c>, <c>userId,movieId</c>):
        /// read as data, the header would become a user who had an item.</summary>
        private void CheckNotAHeader(CsvReader reader, long line)
        {
            string user = Encoding.UTF8.GetString(reader.GetSpan(Columns.User)).Trim();
            string item = Encoding.UTF8.GetString(reader.GetSpan(Columns.Item)).Trim();
            static bool Named(string field, string conventional) => SameName(field, conventional) || LooksLikeId(field);
            if (Named(user, CsvInteractionReaderDefaults.UserColumn) && Named(item, CsvInteractionReaderDefaults.ItemColumn))
            {
                throw new InteractionDataException(sourceName, line, Columns.User + 1, null,
                    $"the first line ('{user}', '{item}') looks like a header, but the file is read without one (--no-header, HasHeader false), so it would be a user who had an item; drop --no-header.");
            }
        }

        private bool _firstRowChecked;

        public void ReadRow(CsvReader reader, ref char[] buffer)
        {
            if (PendingMalformed is { } malformed)
            {
                PendingMalformed = null;
                Reject(malformed.LineNumber, 0, null, MalformedReason(malformed.Reason), malformed.RawRecord);
            }

            long line = reader.LineNumber;
            if (ReservedLines is { Count: > 0 } && ReservedLines.Remove(line))
            {
                Reject(line, 0, null, ReservedByteReason, reader);
                return;
            }

            if (reader.FieldCount == 1 && IsBlank(reader.GetSpan(0)))
            {
                return;   // a line of spaces holds no row, like an empty line
            }

            if (reader.FieldCount < Columns.MinFieldCount)
            {
                Reject(line, 0, null, $"the row has {reader.FieldCount} field(s); expected at least {Columns.MinFieldCount}.", reader);
                return;
            }

            // More fields than the header (or, without one, the first row) means a delimiter split a field, such as a comma in a name or
            // a decimal comma: reading on would take part of the field for all of it. Empty extra fields (a trailing delimiter) are fine.
            int expected = Columns.Names.Length > 0 ? Columns.Names.Length : (_firstFieldCount ??= reader.FieldCount);
            // Trailing empty names (a delimiter at the end of the header) or fields (of the first row, without a header) name no column:
            // a row without them is not short.
            _fieldsNeeded ??= Columns.Names.Length > 0 ? NonBlankLength(Columns.Names) : FilledFieldCount(reader);
            if (reader.FieldCount < _fieldsNeeded)
            {
                // Fewer fields than the header: one is missing, and nothing says which, so the fields after it would be read from the
                // wrong columns (an item id taken from the price column).
                Reject(line, 0, null,
                    $"the row has {reader.FieldCount} field(s) where {Reference(expected)}; a field is missing, so the values after it would be read from the wrong columns: give every column a value or an empty field.",
                    reader);
                return;
            }

            if (reader.FieldCount > expected && ExtraFieldText(reader, expected) is int extra)
            {
                Reject(line, extra + 1, null,
                    $"the row has {reader.FieldCount} fields where {Reference(expected)}; a delimiter inside an unquoted field (such as a comma in a name, or a decimal comma) splits it: quote that field, or choose another delimiter.",
                    reader);
                return;
            }

            if (!options.HasHeader && !_firstRowChecked)
            {
                _firstRowChecked = true;
                CheckNotAHeader(reader, line);
            }

            // Ids are only checked here; they enter their maps when the batch of accepted rows is resolved (FlushBatch), so a
            // rejected row adds no user or item.
            if (!TryId(reader, Columns.User, ref buffer, ref _userScratch, line, out ReadOnlySpan<byte> user)
                || !TryId(reader, Columns.Item, ref buffer, ref _itemScratch, line, out ReadOnlySpan<byte> item))
            {
                return;
            }

            byte eventIndex = InteractionLog.NoEventType;
            if (Columns.Event >= 0)
            {
                ReadOnlySpan<byte> rawName = reader.GetSpan(Columns.Event);
                int found = CachedEventIndex(rawName);
                if (found < 0)
                {
                    ReadOnlySpan<char> name = Chars(rawName, ref buffer);
                    found = options.EventWeights.IndexOf(name);
                    if (found < 0)
                    {
                        string reason = name.IsEmpty
                            ? $"the event type is empty; expected one of {string.Join(", ", options.EventWeights.Names)}."
                            : $"'{name}' is not a known event type; expected one of {string.Join(", ", options.EventWeights.Names)} (add it with --event-weights).";
                        Reject(line, Columns.Event + 1, Columns.Name(Columns.Event), reason, reader);
                        return;
                    }

                    // The same bytes always name the same event type, so later rows compare bytes instead of decoding.
                    if (_eventSpellingCount < MaxCachedEventSpellings)
                    {
                        _eventSpellings[_eventSpellingCount] = rawName.ToArray();
                        _eventSpellingIndex[_eventSpellingCount++] = (byte)found;
                    }
                }

                eventIndex = (byte)found;
            }

            long time = 0;
            if (Columns.Time >= 0 && !TryTime(reader, line, ref buffer, out time))
            {
                return;
            }

            if (time > _latestAllowed)
            {
                string text = Encoding.UTF8.GetString(reader.GetSpan(Columns.Time));
                Reject(line, Columns.Time + 1, Columns.Name(Columns.Time), string.Create(CultureInfo.InvariantCulture,
                    $"'{text}' is in the future (this machine's clock reads {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm}Z); expected the time the event happened, since a placeholder date would make every other event look old."),
                    reader);
                return;
            }

            if (Columns.Time >= 0 && time > LatestTime)
            {
                LatestTime = time;
            }

            // A blank in a column found by its conventional name (quantity or rating on a view, say) is a missing value; in a column the
            // options name, it is an error, as the caller asked for that column's values.
            // A weight must be 0 or more, also when it is the quantity column (units counted as confidence): a negative one is a bad row
            // then, and a return (left out below) only in a quantity column that is not the weight.
            if (!TryNumber(reader, Columns.Weight, line, 1f, nonNegative: true, "weight", "a finite number, 0 or more, such as 2.5", blankIsMissing: false, out float value)
                || !TryNumber(reader, Columns.Quantity, line, 1f, nonNegative: false, "quantity", "a finite number, such as 2 (or -2 for a return)",
                    blankIsMissing: options.QuantityColumn is null, out float quantity)
                || !TryNumber(reader, Columns.Rating, line, float.NaN, nonNegative: false, "rating", "a number, such as 4 or 3.5",
                    blankIsMissing: options.RatingColumn is null, out float rating))
            {
                return;
            }

            if (quantity < 0)
            {
                // A return or a cancellation, as retail logs write them (-2 of an item bought earlier): not an interaction.
                FirstReturnLine = Returns++ == 0 ? line : FirstReturnLine;
                return;
            }

            if (Columns.Rating >= 0 && (rating < options.MinRating || rating > options.MaxRating))
            {
                Reject(line, Columns.Rating + 1, Columns.Name(Columns.Rating),
                    $"the rating {rating.ToString(CultureInfo.InvariantCulture)} is outside the allowed range {options.MinRating?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} to {options.MaxRating?.ToString(CultureInfo.InvariantCulture) ?? "∞"}.", reader);
                return;
            }

            if (Columns.Quantity >= 0)
            {
                Quantities.Add(quantity);
            }

            if (Columns.Rating >= 0)
            {
                Ratings.Add(rating);
            }

            Lines.Add(line);
            UserIndices.Add(-1);
            ItemIndices.Add(-1);
            Events.Add(eventIndex);
            Times.Add(time);
            Values.Add(value);
            Accepted++;
            AddToBatch(user, item);
            if (_batchCount == BatchSize)
            {
                FlushBatch();
            }
        }

        private int CachedEventIndex(ReadOnlySpan<byte> rawName)
        {
            for (int k = 0; k < _eventSpellingCount; k++)
            {
                if (rawName.SequenceEqual(_eventSpellings[k]))
                {
                    return _eventSpellingIndex[k];
                }
            }

            return -1;
        }

        /// <summary>Reads an optional numeric column (absent, or blank where <paramref name="blankIsMissing"/>: <paramref name="missing"/>); a bad
        /// value rejects the row and returns false.</summary>
        private bool TryNumber(CsvReader reader, int column, long line, float missing, bool nonNegative, string noun, string expected, bool blankIsMissing,
            out float value)
        {
            value = missing;
            if (column < 0)
            {
                return true;
            }

            ReadOnlySpan<byte> raw = reader.GetSpan(column);
            if (TrySmallInteger(raw, out value))
            {
                return true;
            }

            if (blankIsMissing && IsBlank(raw))
            {
                value = missing;
                return true;
            }

            if (float.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value) && (!nonNegative || value >= 0))
            {
                return true;
            }

            Reject(line, column + 1, Columns.Name(column), $"'{Encoding.UTF8.GetString(raw)}' is not a {noun} (expected {expected}).", reader);
            return false;
        }

        /// <summary>Reads 1 to 7 ASCII digits (quantities, counts) without the general parser; the value is exact, as float.TryParse gives it.</summary>
        private static bool TrySmallInteger(ReadOnlySpan<byte> raw, out float value)
        {
            value = 0;
            if (raw.Length is 0 or > 7)
            {
                return false;
            }

            int number = 0;
            foreach (byte b in raw)
            {
                uint digit = (uint)(b - '0');
                if (digit > 9)
                {
                    return false;
                }

                number = number * 10 + (int)digit;
            }

            value = number;
            return true;
        }

        /// <summary>Checks the id of a column and gives its trimmed UTF-8 bytes; a bad id rejects the row and returns false.</summary>
        /// <remarks>The id is the field decoded and trimmed of white space (<see cref="MemoryExtensions.Trim(ReadOnlySpan{char})"/>).
        /// When the field starts and ends with a printable ASCII character, trimming removes nothing and the id is the field's bytes
        /// as they are, so the common case decodes nothing.</remarks>
        private bool TryId(CsvReader reader, int column, ref char[] buffer, ref byte[] scratch, long line, out ReadOnlySpan<byte> id)
        {
            ReadOnlySpan<byte> raw = reader.GetSpan(column);
            id = default;
            scoped ReadOnlySpan<char> chars = default;
            bool plain = raw.Length > 0 && IsPrintableAscii(raw[0]) && IsPrintableAscii(raw[^1]);
            if (!plain)
            {
                ReadOnlySpan<char> untrimmed = Chars(raw, ref buffer);
                chars = untrimmed.Trim();
                if (chars.Length != untrimmed.Length && !chars.IsEmpty && PaddedIds++ == 0)
                {
                    FirstPaddedLine = line;
                }

                if (chars.IsEmpty)
                {
                    Reject(line, column + 1, Columns.Name(column), options.BadRows == BadRowPolicy.Fail
                        ? "the id is empty (expected a non-empty user or item id; to leave out rows without one, such as guest checkouts, give --bad-rows skip (BadRows))."
                        : "the id is empty (expected a non-empty user or item id).", reader);
                    return false;
                }
            }

            // Invalid bytes would all decode to U+FFFD, merging different ids (Latin-1 "Zoë" and "Zoä") into one.
            if (!System.Text.Unicode.Utf8.IsValid(raw))
            {
                Reject(line, column + 1, Columns.Name(column), "the id is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8).", reader);
                return false;
            }

            // Raw bytes bound the trimmed id's bytes, so only long fields are counted.
            if (raw.Length > options.MaxIdLength && (plain ? raw.Length : Encoding.UTF8.GetByteCount(chars)) is var bytes && bytes > options.MaxIdLength)
            {
                Reject(line, column + 1, Columns.Name(column),
                    string.Create(CultureInfo.InvariantCulture, $"the id is {bytes:N0} bytes long; expected at most {options.MaxIdLength:N0} UTF-8 bytes (MaxIdLength)."), reader);
                return false;
            }

            if (plain)
            {
                id = raw;
                return true;
            }

            int length = Encoding.UTF8.GetMaxByteCount(chars.Length);
            if (scratch.Length < length)
            {
                scratch = new byte[Math.Max(length, scratch.Length * 2)];
            }

            id = scratch.AsSpan(0, Encoding.UTF8.GetBytes(chars, scratch));
            return true;
        }

        private static bool IsPrintableAscii(byte value) => value is > 0x20 and < 0x7F;

        private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8, ref char[] buffer)
        {
            if (buffer.Length < utf8.Length)
            {
                ArrayPool<char>.Shared.Return(buffer);
                buffer = ArrayPool<char>.Shared.Rent(utf8.Length);
            }

            int count = Encoding.UTF8.GetChars(utf8, buffer);
            return buffer.AsSpan(0, count);
        }

        private void Reject(long line, int column, string? columnName, string reason, CsvReader reader) =>
            Reject(line, column, columnName, reason, Encoding.UTF8.GetString(reader.RawRecord));

        public void Reject(long line, int column, string? columnName, string reason, string rawRecord)
        {
            if (options.BadRows == BadRowPolicy.Fail)
            {
                string where = columnName is null ? "" : $"column '{columnName}': ";
                throw new InteractionDataException(sourceName, line, column, columnName, where + reason, rawRecord);
            }

            var rejected = new RejectedRow(sourceName, line, column, columnName, (columnName is null ? "" : $"column '{columnName}': ") + reason, rawRecord);
            Rejected++;
            if (RejectedRows.Count < options.MaxReportedRejections)
            {
                RejectedRows.Add(rejected);
            }

            options.OnRejectedRow?.Invoke(rejected);
        }
    }
}
