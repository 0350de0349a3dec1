namespace Personalize.Core.Data;

/// <summary>
/// An interaction log held column by column: for each accepted row its user index, item index, event type, timestamp and value.
/// </summary>
/// <remarks>
/// Read one from CSV with <see cref="ReadCsv"/> or build one from memory with <see cref="Create(IEnumerable{Interaction}, EventWeights?)"/>. Ids are mapped to dense indices by
/// <see cref="Users"/> and <see cref="Items"/>. Instances are immutable and thread-safe.
/// </remarks>
public sealed class InteractionLog
{
    /// <summary>The event type index stored for rows of a log without event types.</summary>
    internal const byte NoEventType = byte.MaxValue;

    private readonly int[] _users;
    private readonly int[] _items;
    private readonly byte[] _events;
    private readonly long[] _timestamps;
    private readonly float[] _values;
    private readonly float[]? _quantities;
    private readonly float[]? _ratings;
    private readonly long[]? _lines;

    internal InteractionLog(IdMap users, IdMap items, EventWeights? eventTypes, int[] userIndices, int[] itemIndices, byte[] events,
        long[] timestamps, bool hasTimestamps, float[] values, LoadReport report, float[]? quantities = null, float[]? ratings = null,
        long[]? lineNumbers = null)
    {
        _lines = lineNumbers;
        _quantities = quantities;
        _ratings = ratings;
        Users = users;
        Items = items;
        EventTypes = eventTypes;
        _users = userIndices;
        _items = itemIndices;
        _events = events;
        _timestamps = timestamps;
        _values = values;
        HasTimestamps = hasTimestamps;
        Report = report;
    }

    /// <summary>Gets the map of user ids to user indices.</summary>
    public IdMap Users { get; }

    /// <summary>Gets the map of item ids to item indices.</summary>
    public IdMap Items { get; }

    /// <summary>Gets the event types and their weights, or <see langword="null"/> when the log has no event types (every row weighs 1).</summary>
    public EventWeights? EventTypes { get; }

    /// <summary>Gets whether the rows have timestamps.</summary>
    public bool HasTimestamps { get; }

    /// <summary>Gets how many rows the log holds.</summary>
    public int Count => _users.Length;

    /// <summary>Gets what the load read, accepted and rejected.</summary>
    public LoadReport Report { get; }

    /// <summary>Gets the user index of every row.</summary>
    public ReadOnlySpan<int> UserIndices => _users;

    /// <summary>Gets the item index of every row.</summary>
    public ReadOnlySpan<int> ItemIndices => _items;

    /// <summary>Gets the event type of every row, as a position in <see cref="EventTypes"/> (255 when the log has no event types).</summary>
    public ReadOnlySpan<byte> EventTypeIndices => _events;

    /// <summary>Gets the timestamp of every row in Unix seconds (0 when <see cref="HasTimestamps"/> is false).</summary>
    public ReadOnlySpan<long> Timestamps => _timestamps;

    /// <summary>Gets the value (weight multiplier) of every row; 1 when the log has no weight column.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Gets whether the rows have quantities.</summary>
    public bool HasQuantities => _quantities is not null;

    /// <summary>Gets the quantity of every row (units bought), or an empty span when <see cref="HasQuantities"/> is false.</summary>
    public ReadOnlySpan<float> Quantities => _quantities;

    /// <summary>Gets where a row came from: its 1-based line in the source file, or its 1-based position for logs built in memory.</summary>
    /// <param name="row">The row, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The line number, for error reports.</returns>
    public long GetLineNumber(int row) => _lines is null ? row + 1L : _lines[row];

    /// <summary>Gets whether the rows have explicit ratings.</summary>
    public bool HasRatings => _ratings is not null;

    /// <summary>Gets the rating of every row, or an empty span when <see cref="HasRatings"/> is false.</summary>
    public ReadOnlySpan<float> Ratings => _ratings;

    /// <summary>Reads a log from a CSV file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read it; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The log; its <see cref="Report"/> says what was read.</returns>
    /// <exception cref="InteractionDataException">The file or a row is bad (see <see cref="CsvInteractionReaderOptions.BadRows"/>).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static InteractionLog ReadCsv(string path, CsvInteractionReaderOptions? options = null, CancellationToken cancellationToken = default) =>
        new CsvInteractionReader(options).Read(path, cancellationToken);

    /// <summary>Builds a log from interactions in memory.</summary>
    /// <param name="interactions">The interactions, in any order.</param>
    /// <param name="eventWeights">The event types and weights; required when any interaction has an event type.</param>
    /// <returns>The log.</returns>
    /// <remarks>Ids are kept as given (ordinal, case-sensitive), and not trimmed as the CSV readers trim them: give <c>"I1"</c>, not
    /// <c>"I1 "</c>, to match a catalogue read from CSV.</remarks>
    /// <exception cref="ArgumentException">An id is null, empty, blank or not valid Unicode text (a lone surrogate), an event type is
    /// unknown, a value is negative or not finite, or some interactions have an event type (or a timestamp) and others do not.</exception>
    public static InteractionLog Create(IEnumerable<Interaction> interactions, EventWeights? eventWeights = null) =>
        Build(interactions, eventWeights, null);

    /// <summary>Builds a log from interactions a reader outside this library accepted, keeping that reader's report.</summary>
    /// <remarks>For readers of other sources, such as <c>Personalize.ML</c>'s <c>DataViewInteractionReader</c>: they count and report the
    /// rows they reject, and pass the accepted ones here.</remarks>
    /// <param name="interactions">The accepted interactions, in any order.</param>
    /// <param name="eventWeights">The event types and weights; required when any interaction has an event type.</param>
    /// <param name="report">What the reader read; its <see cref="LoadReport.Accepted"/> must equal the number of interactions.</param>
    /// <returns>The log, with <paramref name="report"/> as its <see cref="Report"/>.</returns>
    /// <exception cref="ArgumentException">An interaction is invalid (as for <see cref="Create(IEnumerable{Interaction}, EventWeights?)"/>), or
    /// the report's accepted count differs from the number of interactions.</exception>
    public static InteractionLog Create(IEnumerable<Interaction> interactions, EventWeights? eventWeights, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Build(interactions, eventWeights, report);
    }

    /// <summary>The position of the first UTF-16 surrogate without its pair in <paramref name="id"/>, or null when it is valid text.</summary>
    internal static int? LoneSurrogate(string id)
    {
        for (int i = 0; i < id.Length; i++)
        {
            if (char.IsHighSurrogate(id[i]) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(id[i]))
            {
                return i;
            }
        }

        return null;
    }

    private static InteractionLog Build(IEnumerable<Interaction> interactions, EventWeights? eventWeights, LoadReport? givenReport)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var users = new IdMap.Builder();
        var items = new IdMap.Builder();
        var userIndices = new List<int>();
        var itemIndices = new List<int>();
        var events = new List<byte>();
        var timestamps = new List<long>();
        var values = new List<float>();
        var quantities = new List<float>();
        var ratings = new List<float>();
        bool anyEvent = false, anyTime = false, anyUntimed = false, anyQuantity = false, anyRating = false;
        int row = 0;
        foreach (Interaction interaction in interactions)
        {
            if (string.IsNullOrWhiteSpace(interaction.UserId) || string.IsNullOrWhiteSpace(interaction.ItemId))
            {
                throw new ArgumentException($"Interaction {row} has an empty or blank user or item id; both are required.", nameof(interactions));
            }

            if ((LoneSurrogate(interaction.UserId) ?? LoneSurrogate(interaction.ItemId)) is int at)
            {
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Interaction {row} has an id that is not valid Unicode text (a lone UTF-16 surrogate at position {at}); a model file stores ids as UTF-8 and could not keep it."),
                    nameof(interactions));
            }

            byte eventIndex = NoEventType;
            if (interaction.EventType is not null)
            {
                int found = eventWeights?.IndexOf(interaction.EventType) ?? -1;
                if (found < 0)
                {
                    string known = eventWeights is null ? "no event weights were given" : "known: " + string.Join(", ", eventWeights.Names);
                    throw new ArgumentException($"Interaction {row} has the unknown event type '{interaction.EventType}' ({known}).", nameof(interactions));
                }

                eventIndex = (byte)found;
                anyEvent = true;
            }

            if (!float.IsFinite(interaction.Value) || interaction.Value < 0)
            {
                throw new ArgumentException($"Interaction {row} has the value {interaction.Value}; values must be finite and 0 or more.", nameof(interactions));
            }

            userIndices.Add(users.GetOrAdd(interaction.UserId));
            itemIndices.Add(items.GetOrAdd(interaction.ItemId));
            events.Add(eventIndex);
            anyTime |= interaction.Timestamp.HasValue;
            anyUntimed |= !interaction.Timestamp.HasValue;
            timestamps.Add(interaction.Timestamp?.ToUnixTimeSeconds() ?? 0);
            values.Add(interaction.Value);
            if (interaction.Quantity is { } quantity && (!float.IsFinite(quantity) || quantity < 0))
            {
                throw new ArgumentException($"Interaction {row} has the quantity {quantity}; quantities must be finite and 0 or more.", nameof(interactions));
            }

            if (interaction.Rating is { } rating && !float.IsFinite(rating))
            {
                throw new ArgumentException($"Interaction {row} has the rating {rating}; ratings must be finite.", nameof(interactions));
            }

            anyQuantity |= interaction.Quantity.HasValue;
            anyRating |= interaction.Rating.HasValue;
            quantities.Add(interaction.Quantity ?? 1f);
            ratings.Add(interaction.Rating ?? float.NaN);
            row++;
        }

        if (anyRating && ratings.Exists(float.IsNaN))
        {
            throw new ArgumentException("Some interactions have a rating and some do not; give every interaction one, or none.", nameof(interactions));
        }

        if (anyEvent && events.Contains(NoEventType))
        {
            throw new ArgumentException("Some interactions have an event type and some do not; give every interaction one, or none.", nameof(interactions));
        }

        if (anyTime && anyUntimed)
        {
            // An interaction without a timestamp would be stored as 1970: decayed to nothing and before every split.
            throw new ArgumentException("Some interactions have a timestamp and some do not; give every interaction one, or none.", nameof(interactions));
        }

        if (givenReport is not null && givenReport.Accepted != row)
        {
            throw new ArgumentException(
                $"The report accepts {givenReport.Accepted} rows, but there are {row} interactions; it must count exactly the interactions given.",
                "report");
        }

        LoadReport report = givenReport ?? new LoadReport("(memory)", row, 0, [], System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return new InteractionLog(users.Build(), items.Build(), anyEvent ? eventWeights : null, [.. userIndices], [.. itemIndices], [.. events],
            [.. timestamps], anyTime, [.. values], report, anyQuantity ? [.. quantities] : null, anyRating ? [.. ratings] : null);
    }

    /// <summary>Gets the weight of one row: its event type's weight times its value.</summary>
    /// <param name="row">The row, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The weight.</returns>
    public float GetWeight(int row)
    {
        byte eventIndex = _events[row];
        float weight = eventIndex == NoEventType || EventTypes is null ? 1f : EventTypes.GetWeight(eventIndex);
        return weight * _values[row];
    }

    /// <summary>Gets the latest timestamp in the log.</summary>
    /// <returns>The latest timestamp, or <see langword="null"/> when the log has no timestamps or no rows.</returns>
    public DateTimeOffset? GetLatestTimestamp()
    {
        if (!HasTimestamps || _timestamps.Length == 0)
        {
            return null;
        }

        long max = long.MinValue;
        foreach (long t in _timestamps)
        {
            max = Math.Max(max, t);
        }

        return DateTimeOffset.FromUnixTimeSeconds(max);
    }

    /// <summary>Splits the log at a point in time: rows before <paramref name="cutoff"/> go to the first log, the rest to the second.</summary>
    /// <param name="cutoff">The first instant of the second part.</param>
    /// <returns>Both parts; they share this log's id maps, so indices agree.</returns>
    /// <exception cref="InvalidOperationException">The log has no timestamps.</exception>
    public (InteractionLog Before, InteractionLog AtOrAfter) SplitByTime(DateTimeOffset cutoff)
    {
        if (!HasTimestamps)
        {
            throw new InvalidOperationException("The log has no timestamps, so it cannot be split by time; read it with a time column.");
        }

        long cut = cutoff.ToUnixTimeSeconds();
        var before = new List<int>();
        var after = new List<int>();
        for (int row = 0; row < _timestamps.Length; row++)
        {
            (_timestamps[row] < cut ? before : after).Add(row);
        }

        return (Subset(before), Subset(after));
    }

    /// <summary>Returns the log with id maps of only the users and items its rows name, numbered in order of first appearance, as if
    /// its rows had been written to a file and read back. A part of a split (<see cref="Evaluation.TrainTestSplit"/>,
    /// <see cref="SplitByTime"/>) shares the whole log's maps, which also hold the other part's ids; trained on, it gives another model
    /// than its own rows would (the trainers number users and items by these maps and draw their seeded starts in that order).</summary>
    /// <returns>The log with its own id maps; this log itself when its maps already hold only its own ids in that order.</returns>
    /// <remarks>Rows, their order, times, weights, quantities, ratings, line numbers and the report are kept; only the indices change.</remarks>
    public InteractionLog WithOwnIds()
    {
        var userIndex = new int[Users.Count];
        var itemIndex = new int[Items.Count];
        Array.Fill(userIndex, -1);
        Array.Fill(itemIndex, -1);
        var userIds = new List<string>();
        var itemIds = new List<string>();
        int n = _users.Length;
        var users = new int[n];
        var items = new int[n];
        for (int row = 0; row < n; row++)
        {
            int u = _users[row], i = _items[row];
            if (userIndex[u] < 0)
            {
                userIndex[u] = userIds.Count;
                userIds.Add(Users.GetId(u));
            }

            if (itemIndex[i] < 0)
            {
                itemIndex[i] = itemIds.Count;
                itemIds.Add(Items.GetId(i));
            }

            users[row] = userIndex[u];
            items[row] = itemIndex[i];
        }

        if (userIds.Count == Users.Count && itemIds.Count == Items.Count && users.AsSpan().SequenceEqual(_users) && items.AsSpan().SequenceEqual(_items))
        {
            return this;
        }

        return new InteractionLog(IdMap.FromDistinctIds([.. userIds]), IdMap.FromDistinctIds([.. itemIds]), EventTypes, users, items, _events,
            _timestamps, HasTimestamps, _values, Report, _quantities, _ratings, _lines);
    }

    /// <summary>Returns the log with every row of one event type: for a log read without an event type column whose rows are all one
    /// kind of event (an order log: every row a purchase), for what tells events apart (the live tracker's buy-again and recently viewed).</summary>
    /// <param name="eventType">The type of every row; one of <paramref name="eventWeights"/>' types.</param>
    /// <param name="eventWeights">The event types and weights the log then has.</param>
    /// <returns>The log with that event type on every row; everything else (ids, times, values, quantities, ratings, line numbers, the
    /// report) as it is.</returns>
    /// <exception cref="ArgumentException">The event type is not one of the weights' types.</exception>
    /// <exception cref="InvalidOperationException">The log has event types already.</exception>
    public InteractionLog WithEventType(string eventType, EventWeights eventWeights)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(eventWeights);
        if (EventTypes is not null)
        {
            throw new InvalidOperationException("The log has event types already; WithEventType is for a log read without an event type column.");
        }

        int index = eventWeights.IndexOf(eventType);
        if (index < 0)
        {
            throw new ArgumentException($"'{eventType}' is not one of the event types ({string.Join(", ", eventWeights.Names)}).", nameof(eventType));
        }

        var events = new byte[_events.Length];
        Array.Fill(events, (byte)index);
        return new InteractionLog(Users, Items, eventWeights, _users, _items, events, _timestamps, HasTimestamps, _values, Report, _quantities,
            _ratings, _lines);
    }

    /// <summary>Returns a log of the given rows that shares this log's id maps.</summary>
    internal InteractionLog Subset(List<int> rows)
    {
        int n = rows.Count;
        var users = new int[n];
        var items = new int[n];
        var events = new byte[n];
        var times = new long[n];
        var values = new float[n];
        float[]? quantities = _quantities is null ? null : new float[n];
        float[]? ratings = _ratings is null ? null : new float[n];
        var lines = new long[n];
        for (int k = 0; k < n; k++)
        {
            int row = rows[k];
            users[k] = _users[row];
            items[k] = _items[row];
            events[k] = _events[row];
            times[k] = _timestamps[row];
            values[k] = _values[row];
            lines[k] = GetLineNumber(row);
            if (quantities is not null)
            {
                quantities[k] = _quantities![row];
            }

            if (ratings is not null)
            {
                ratings[k] = _ratings![row];
            }
        }

        var report = new LoadReport(Report.Source, n, 0, [], TimeSpan.Zero);
        return new InteractionLog(Users, Items, EventTypes, users, items, events, times, HasTimestamps, values, report, quantities, ratings, lines);
    }
}
