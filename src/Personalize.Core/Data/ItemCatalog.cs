using System.Globalization;
using CsvHelper;
using Personalize.Core.Internal;

namespace Personalize.Core.Data;

/// <summary>
/// The items of a shop with their typed attributes (brand, price, rating, category path, stock, tags, ...), held column by column:
/// what filters, sort orders and facets read.
/// </summary>
/// <remarks>
/// <para>Read one from CSV with <see cref="ReadCsv"/>. Each attribute is typed by the options' schema, or inferred from its name and
/// values (<see cref="InferType"/>). Every row is accepted or rejected with its line and column, as for interaction logs, and
/// <see cref="Report"/> accounts for all of them. An empty cell means the item has no value for that attribute.</para>
/// <para>Items are in file order; <see cref="Items"/> maps their ids to catalogue indices, which are not model indices: use
/// <see cref="GetIndex"/> with a model's item id. Immutable and thread-safe.</para>
/// </remarks>
public sealed class ItemCatalog
{
    private readonly Dictionary<string, int> _attributeIndex;
    private readonly object?[][] _values;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, double[]> _numericColumns = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _indices = new(StringComparer.Ordinal);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IdMap, int[]> _mappings = new();

    private ItemCatalog(IdMap items, CatalogSchema schema, object?[][] values, LoadReport report, IReadOnlyList<string>? typeWarnings = null)
    {
        Items = items;
        Schema = schema;
        _values = values;
        Report = report;
        TypeWarnings = typeWarnings ?? [];
        _attributeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int a = 0; a < schema.Count; a++)
        {
            _attributeIndex[schema.Names[a]] = a;
        }
    }

    /// <summary>Gets the map of item ids to catalogue indices.</summary>
    public IdMap Items { get; }

    /// <summary>Gets how many items the catalogue holds.</summary>
    public int Count => Items.Count;

    /// <summary>Gets the attributes and their types.</summary>
    public CatalogSchema Schema { get; }

    /// <summary>Gets what the load read, accepted and rejected.</summary>
    public LoadReport Report { get; }

    /// <summary>Gets one sentence per column that was inferred as text although at least 90 % of its values are numbers, naming the
    /// first line that is not, so that one placeholder such as <c>N/A</c> does not silently turn prices into text (where range filters
    /// and numeric sorts do not apply). Empty when every inferred type is clear, or for columns the schema declares.</summary>
    public IReadOnlyList<string> TypeWarnings { get; }

    /// <summary>Gets the catalogue index of an item id, or -1 when the catalogue does not have it.</summary>
    /// <param name="itemId">The item id.</param>
    /// <returns>The index, or -1.</returns>
    public int GetIndex(string itemId) => Items.TryGetIndex(itemId, out int index) ? index : -1;

    /// <summary>Gets an item's value of an attribute: a <see cref="string"/> (text, category), <see cref="decimal"/> (number),
    /// <see cref="bool"/>, <see cref="DateTimeOffset"/>, or a <see cref="IReadOnlyList{T}"/> of strings (tags); <see langword="null"/> when empty.</summary>
    /// <param name="itemIndex">The catalogue index.</param>
    /// <param name="attribute">The attribute name.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    /// <exception cref="KeyNotFoundException">The catalogue has no such attribute; the message lists the attributes it has.</exception>
    public object? GetValue(int itemIndex, string attribute) => _values[AttributeIndex(attribute)][itemIndex];

    /// <summary>Gets an item's text attribute (or category path), or <see langword="null"/>.</summary>
    /// <param name="itemIndex">The catalogue index.</param>
    /// <param name="attribute">The attribute name.</param>
    /// <returns>The text, or <see langword="null"/> when empty or not text.</returns>
    public string? GetText(int itemIndex, string attribute) => GetValue(itemIndex, attribute) as string;

    /// <summary>Compares the catalogue's items with a model's (or any id map's) items.</summary>
    /// <param name="modelItems">The model's item ids.</param>
    /// <returns>The overlap, with the first ids the catalogue is missing.</returns>
    public CatalogMatch Match(IdMap modelItems)
    {
        ArgumentNullException.ThrowIfNull(modelItems);
        int both = 0;
        var missing = new List<string>();
        int onlyInModel = 0;
        foreach (string id in modelItems.Ids)
        {
            if (Items.TryGetIndex(id, out _))
            {
                both++;
            }
            else
            {
                onlyInModel++;
                if (missing.Count < 100)
                {
                    missing.Add(id);
                }
            }
        }

        return new CatalogMatch(both, Count - both, onlyInModel, missing);
    }

    /// <summary>Infers an attribute's type from its column name and values: <c>tags</c>, <c>tag</c> or <c>*_tags</c> → tags;
    /// <c>category</c>, <c>categories</c> or <c>*_path</c> → category; all numbers → number; all true/false/yes/no → boolean; all ISO
    /// dates → date-time; values that consistently hold the tag separator (more than one of them, and more than half of the values) →
    /// tags; otherwise text.</summary>
    /// <remarks>A column named <c>title</c> or <c>name</c> (or <c>*_title</c>, <c>*_name</c>) is never inferred as tags, whatever its
    /// values: a title such as "Salt | Pepper" is one value. To type a column yourself, name it in <see cref="ItemCatalogOptions.Schema"/>.</remarks>
    public static AttributeType InferType(string name, IReadOnlyList<string> values, char tagSeparator = '|')
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        string lower = name.ToLowerInvariant();
        if (lower is "tags" or "tag" || lower.EndsWith("_tags", StringComparison.Ordinal))
        {
            return AttributeType.Tags;
        }

        if (lower is "category" or "categories" || lower.EndsWith("_path", StringComparison.Ordinal))
        {
            return AttributeType.Category;
        }

        if (values.Count == 0)
        {
            return AttributeType.Text;
        }

        if (values.All(v => TryNumber(v, out _)))
        {
            return AttributeType.Number;
        }

        if (values.All(v => TryBoolean(v, out _)))
        {
            return AttributeType.Boolean;
        }

        if (values.All(v => v.Length >= 10 && v[4] == '-' && TryDate(v, out _)))
        {
            return AttributeType.DateTime;
        }

        if (lower is "title" or "name" || lower.EndsWith("_title", StringComparison.Ordinal) || lower.EndsWith("_name", StringComparison.Ordinal))
        {
            return AttributeType.Text;
        }

        // One odd value is no evidence: more than one value, and a majority, must hold the separator.
        int separated = values.Count(v => v.Contains(tagSeparator, StringComparison.Ordinal));
        return separated > 1 && separated * 2 > values.Count ? AttributeType.Tags : AttributeType.Text;
    }

    /// <summary>Reads a catalogue from CSV.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read it; <see langword="null"/> for the defaults.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist (or is a folder).</exception>
    /// <exception cref="InteractionDataException">The file is compressed or UTF-16 without a byte order mark, is empty, has no id column, or
    /// has a header column with an empty or repeated name (under either policy); or a row is bad (one that is not valid UTF-8 among them)
    /// under <see cref="BadRowPolicy.Fail"/>.</exception>
    public static ItemCatalog ReadCsv(string path, ItemCatalogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ItemCatalogOptions();
        OptionsValidation.ThrowIfInvalid(options, nameof(ItemCatalogOptions));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"The items file '{path}' is a folder; give the catalogue CSV file inside it."
                : $"The items file '{path}' does not exist.", path);
        }

        CsvHeaderSniffing.ThrowIfUnreadable(path);

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = new List<(long Line, string[] Fields, string Raw, string? Problem)>();
        long malformedLine = -1;
        // A malformed header line is an error on its line; the reader would otherwise recover it or take the next line as the header.
        CsvMalformedRecord? headerProblem = null;
        bool readingHeader = true;
        var csvOptions = CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = false,
            OnMalformedRecord = record =>
            {
                // The reader skips a malformed record (an unclosed quote, a line break inside quotes): after the header, it is a bad row.
                if (readingHeader)
                {
                    headerProblem ??= record;
                }
                else
                {
                    rows!.Add((record.LineNumber, [], record.RawRecord ?? "",
                        CsvInteractionReader.MalformedReason(record.Reason)));
                    malformedLine = record.LineNumber;
                }
            },
        };
        if (options.Delimiter is { Length: 1 } d)
        {
            csvOptions = csvOptions with { Separator = d[0] };
        }
        else if (CsvHeaderSniffing.DetectInFile(path) is { } detected)
        {
            // The header line alone decides the delimiter: no data row can change how the header is split.
            csvOptions = csvOptions with { Separator = detected };
        }

        string[] headers;
        using (CsvReader reader = CsvReader.FromFile(path, csvOptions))
        {
            // Names and values are trimmed, as the log reader trims them: "item_id, price" names a column 'price', and " 1.5" is a number
            // when the column's type is inferred, as it is when the value is parsed.
            headers = [.. reader.Headers.Select(h => h.Trim())];
            readingHeader = false;
            if (headerProblem is { } malformed)
            {
                throw new InteractionDataException(path, malformed.LineNumber, 0, null, "the header is malformed: "
                    + CsvInteractionReader.MalformedReason(malformed.Reason).Replace("the row", "the header line", StringComparison.Ordinal), malformed.RawRecord);
            }
            while (reader.Read())
            {
                if (reader.LineNumber == malformedLine)
                {
                    continue;   // the reader's recovery of a record it reported as malformed: the report stands for the line
                }

                var fields = new string[reader.FieldCount];
                for (int f = 0; f < fields.Length; f++)
                {
                    fields[f] = (reader.GetString(f) ?? "").Trim();
                }

                if (fields is [{ Length: 0 }])
                {
                    continue;   // a line of spaces holds no row, like an empty line (as the log reader takes it)
                }

                rows.Add((reader.LineNumber, fields, System.Text.Encoding.UTF8.GetString(reader.RawRecord),
                    FieldCountProblem(fields, headers.Length) ?? Utf8Problem(reader, headers)));
            }
        }

        if (headers.Length == 0)
        {
            throw new InteractionDataException(path, 0, 0, null, $"the file is empty; expected a header line naming the columns, such as '{options.IdColumn},title,brand,price'.");
        }

        int idColumn = Array.IndexOf(headers, options.IdColumn);
        if (idColumn < 0 && Array.Exists(headers, h => h.Contains("::", StringComparison.Ordinal)))
        {
            // MovieLens' movies.dat (MovieID::Title::Genres): the log reader takes '::', the catalogue one character.
            throw new InteractionDataException(path, 1, 0, null, "the header holds '::': the file looks '::'-separated, and a "
                + "catalogue's delimiter is one character; replace '::' by a tab (such as sed 's/::/\\t/g'; MovieLens genres hold '|'), then read it with that delimiter.");
        }

        if (idColumn < 0 && CsvHeaderSniffing.CountNumbers(headers) is int numbers and > 0)
        {
            // MovieLens' u.item (1|Toy Story (1995)|01-Jan-1995||...): a row read as the header.
            throw new InteractionDataException(path, 1, 0, null, string.Create(CultureInfo.InvariantCulture,
                $"the first line looks like data, not a header ({numbers} of its fields {(numbers == 1 ? "is a number" : "are numbers")}: '{string.Join("', '", headers.Take(3))}'); "
                + $"a catalogue needs a header line naming its columns, such as '{options.IdColumn},title,genre': add one as the first line."));
        }

        CheckHeader(path, headers);
        if (idColumn < 0)
        {
            // Name the column that probably is the id (ItemID for item_id, or sku_id), and the two ways to take it.
            string? near = headers.FirstOrDefault(h => CsvInteractionReader.SameName(h, options.IdColumn));
            string[] idLike = headers.Where(h => CsvInteractionReader.LooksLikeId(h) || CsvInteractionReader.LooksLikeProductCode(h)).ToArray();
            string hint = (near, idLike.Length) switch
            {
                ({ } name, _) => $" '{name}' differs from '{options.IdColumn}' only in case or separators; if it is the item id, give --items-id-col {name} (ItemCatalogOptions.IdColumn) or rename it '{options.IdColumn}'.",
                (null, 1) => $" '{idLike[0]}' looks like an id column; if it is the item id, give --items-id-col {idLike[0]} (ItemCatalogOptions.IdColumn) or rename it '{options.IdColumn}'.",
                _ => $" Name the item id column with --items-id-col (ItemCatalogOptions.IdColumn), or call it '{options.IdColumn}' in the header.",
            };
            throw new InteractionDataException(path, 1, 0, options.IdColumn,
                $"no column named '{options.IdColumn}' (the item id); the header has {headers.Length} column(s): {string.Join(", ", headers.Select(h => "'" + h + "'"))}.{hint}");
        }

        // Types: the schema's, else inferred from the values.
        var attributes = new List<(string Name, int Column, AttributeType Type)>();
        var typeWarnings = new List<string>();
        for (int c = 0; c < headers.Length; c++)
        {
            if (c == idColumn)
            {
                continue;
            }

            AttributeType type;
            if (options.Schema is not null && options.Schema.TryGetType(headers[c], out AttributeType declared))
            {
                type = declared;
            }
            else
            {
                type = InferType(headers[c], rows.Where(r => r.Problem is null && c < r.Fields.Length && r.Fields[c].Length > 0).Select(r => r.Fields[c]).ToList(), options.TagSeparator);
                if (type == AttributeType.Text && MostlyNumbers(rows, c) is { } warning)
                {
                    typeWarnings.Add($"column '{headers[c]}' was read as text: {warning}; declare it a number (schema {headers[c]}:number) to read it as numbers and reject such rows with their line.");
                }
            }

            attributes.Add((headers[c], c, type));
        }

        var ids = new List<string>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var values = attributes.Select(_ => new List<object?>()).ToArray();
        var rejectedRows = new List<RejectedRow>();
        long rejected = 0;
        var parsed = new object?[attributes.Count];
        foreach (var (line, fields, raw, rowProblem) in rows)
        {
            string? problem = rowProblem;
            int problemColumn = 0;
            string? problemName = null;
            string id = idColumn < fields.Length ? fields[idColumn] : "";   // fields are trimmed as they are read
            if (problem is not null)
            {
                // A malformed record, or a row whose fields do not line up with the header's columns.
            }
            else if (id.Length == 0)
            {
                (problem, problemColumn, problemName) = ("the item id is empty.", idColumn + 1, headers[idColumn]);
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(id) is var bytes && bytes > options.MaxIdLength)
            {
                (problem, problemColumn, problemName) = (string.Create(CultureInfo.InvariantCulture, $"the item id is {bytes:N0} bytes long; expected at most {options.MaxIdLength:N0} UTF-8 bytes (MaxIdLength)."), idColumn + 1, headers[idColumn]);
            }
            else if (seen.TryGetValue(id, out long firstLine))
            {
                (problem, problemColumn, problemName) = ($"the item id '{id}' appears again (first on line {firstLine}); ids must be distinct.", idColumn + 1, headers[idColumn]);
            }

            for (int a = 0; a < attributes.Count && problem is null; a++)
            {
                var (name, column, type) = attributes[a];
                string text = column < fields.Length ? fields[column] : "";
                if (!TryParse(text, type, options.TagSeparator, out parsed[a]))
                {
                    (problem, problemColumn, problemName) = ($"column '{name}': '{text}' is not a {Describe(type)}.", column + 1, name);
                }
            }

            if (problem is not null)
            {
                if (options.BadRows == BadRowPolicy.Fail)
                {
                    throw new InteractionDataException(path, line, problemColumn, problemName, problem, raw);
                }

                rejected++;
                if (rejectedRows.Count < options.MaxReportedRejections)
                {
                    rejectedRows.Add(new RejectedRow(path, line, problemColumn, problemName, problem, raw));
                }

                continue;
            }

            seen[id] = line;
            ids.Add(id);
            for (int a = 0; a < attributes.Count; a++)
            {
                values[a].Add(parsed[a]);
            }
        }

        var schema = new CatalogSchema(attributes.Select(a => new KeyValuePair<string, AttributeType>(a.Name, a.Type)));
        var report = new LoadReport(path, ids.Count, rejected, rejectedRows, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return new ItemCatalog(IdMap.FromIds(ids), schema, [.. values.Select(v => v.ToArray())], report, typeWarnings);
    }

    /// <summary>
    /// A row that is not valid UTF-8: read on, its bytes would become U+FFFD, and values that differ (Zoë, Zoä saved as Latin-1) would be
    /// one brand, matched by no filter.
    /// </summary>
    private static string? Utf8Problem(CsvReader reader, string[] headers)
    {
        if (System.Text.Unicode.Utf8.IsValid(reader.RawRecord))
        {
            return null;
        }

        int field = 0;
        while (field < reader.FieldCount - 1 && System.Text.Unicode.Utf8.IsValid(reader.GetSpan(field)))
        {
            field++;
        }

        string column = field < headers.Length ? $"column '{headers[field]}'" : $"field {field + 1}";
        return $"{column} is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8; one saved as Latin-1 or Windows-1252 writes é as a byte UTF-8 cannot read).";
    }

    /// <summary>Why a row's fields do not line up with the header's columns, or null when they do: fewer fields than columns (a value
    /// would be missing without a word), or more with text in the extra ones (a delimiter inside an unquoted field split it, so every later
    /// value would sit in the wrong column). Empty extra fields, from a trailing delimiter, are fine.</summary>
    private static string? FieldCountProblem(string[] fields, int columns)
    {
        if (fields.Length < columns)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"the row has {fields.Length} field(s) where the header has {columns}; give every column a value, empty for a missing one (a,b,,d).");
        }

        for (int f = columns; f < fields.Length; f++)
        {
            if (fields[f].Length > 0)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the row has {fields.Length} fields where the header has {columns}; a delimiter inside an unquoted field (such as a comma in a title, or a decimal comma) splits it: quote that field, or choose another delimiter.");
            }
        }

        return null;
    }

    /// <summary>For a column of at least 5 values of which at least 90 % are numbers: how many are not, and the first of them with its
    /// line; otherwise null.</summary>
    private static string? MostlyNumbers(List<(long Line, string[] Fields, string Raw, string? Problem)> rows, int column)
    {
        int total = 0, numbers = 0;
        (long Line, string Value)? first = null;
        foreach (var (line, fields, _, problem) in rows)
        {
            if (problem is not null || column >= fields.Length || fields[column].Length == 0)
            {
                continue;
            }

            total++;
            if (TryNumber(fields[column], out _))
            {
                numbers++;
            }
            else
            {
                first ??= (line, fields[column]);
            }
        }

        return total >= 5 && numbers * 10 >= total * 9 && first is { } odd
            ? string.Create(CultureInfo.InvariantCulture, $"{total - numbers:N0} of {total:N0} values are not numbers (the first on line {odd.Line}: '{odd.Value}')")
            : null;
    }

    /// <summary>Every column needs a name of its own: an empty or repeated name would make an attribute that filters cannot tell apart.</summary>
    private static void CheckHeader(string path, string[] headers)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < headers.Length; c++)
        {
            string name = headers[c];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InteractionDataException(path, 1, c + 1, name,
                    string.Create(CultureInfo.InvariantCulture, $"column {c + 1} of the header has no name; expected a name for every column (a delimiter at the end of the header line makes an empty one)."));
            }

            if (!first.TryAdd(name, c + 1))
            {
                throw new InteractionDataException(path, 1, c + 1, name,
                    string.Create(CultureInfo.InvariantCulture, $"the column name '{name}' appears twice (columns {first[name]} and {c + 1}); expected distinct column names."));
            }
        }
    }

    /// <summary>Gets an attribute's values for all items, in catalogue order (no copy: never write to it).</summary>
    internal object?[] GetColumn(string attribute) => _values[AttributeIndex(attribute)];

    /// <summary>Gets a number or date-time attribute as doubles (date-times as UTC ticks), NaN where an item has no value; built once
    /// per attribute and cached.</summary>
    internal double[] GetNumericColumn(string attribute) => _numericColumns.GetOrAdd(attribute, static (name, catalog) =>
    {
        object?[] column = catalog.GetColumn(name);
        var result = new double[column.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = column[i] switch
            {
                decimal d => (double)d,
                DateTimeOffset t => t.UtcTicks,
                _ => double.NaN,
            };
        }

        return result;
    }, this);

    /// <summary>Gets each item of <paramref name="items"/> as a catalogue index (-1 when the catalogue lacks it); computed once per item
    /// map and cached for as long as the map lives (no copy: never write to it).</summary>
    internal int[] MapFrom(IdMap items) => _mappings.GetValue(items, map =>
    {
        var result = new int[map.Count];
        bool same = ReferenceEquals(map, Items);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = same ? i : GetIndex(map.GetId(i));
        }

        return result;
    });

    /// <summary>Gets an index built once per key (such as a facet's value index) and cached with the catalogue.</summary>
    internal T GetOrAddIndex<T>(string key, Func<string, ItemCatalog, T> build)
        where T : class => (T)_indices.GetOrAdd(key, static (k, state) => state.Build(k, state.Catalog), (Build: build, Catalog: this));

    private int AttributeIndex(string attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return _attributeIndex.TryGetValue(attribute, out int index)
            ? index
            : throw new KeyNotFoundException($"The catalogue has no attribute '{attribute}'; it has: {string.Join(", ", Schema.Names)}.");
    }

    private static string Describe(AttributeType type) => type switch
    {
        AttributeType.Number => "number (expected digits with '.' as the decimal point, such as 19.99)",
        AttributeType.Boolean => "boolean (expected true, false, yes, no, 1 or 0)",
        AttributeType.DateTime => "date-time (expected ISO 8601 such as 2026-03-14T09:30:00Z, a date of eight digits such as 20260314, or Unix seconds such as 1773480600)",
        _ => "value",
    };

    private static bool TryParse(string text, AttributeType type, char tagSeparator, out object? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return true;
        }

        switch (type)
        {
            case AttributeType.Number:
                bool number = TryNumber(text, out decimal d);
                value = d;
                return number;
            case AttributeType.Boolean:
                bool boolean = TryBoolean(text, out bool b);
                value = b;
                return boolean;
            case AttributeType.DateTime:
                bool date = TryDate(text, out DateTimeOffset t);
                value = t;
                return date;
            case AttributeType.Tags:
                value = text.Split(tagSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
                return true;
            case AttributeType.Category:
                string path = string.Join('/', text.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                value = path.Length == 0 ? null : path;   // "/" names no category: missing, as an empty cell is (a facet of "" failed)
                return true;
            default:
                value = text;
                return true;
        }
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static bool TryBoolean(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "1":
                value = true;
                return true;
            case "false" or "no" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryDate(string text, out DateTimeOffset value)
    {
        // A number of up to eight digits is a date of eight digits (yyyyMMdd) or nothing: as Unix seconds, 20240230 (no such day) or a
        // year (2024) would be a time in 1970. Unix seconds of a catalogue's times have ten digits. (Values come trimmed, as read.)
        if (text.Length <= 8 && text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            long daySeconds = 0;
            bool day = text.Length == 8
                && TimestampParser.TryParse(System.Text.Encoding.UTF8.GetBytes(text), IntegerTimes.BasicDates, out daySeconds, out _);
            value = day ? DateTimeOffset.FromUnixTimeSeconds(daySeconds) : default;
            return day;
        }

        bool ok = TimestampParser.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out long seconds);
        value = ok ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
        if (ok && text.Contains('.', StringComparison.Ordinal) && text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset precise)
            && precise.ToUnixTimeSeconds() == seconds)
        {
            // An ISO time with a fraction of a second keeps it, as a filter's bound does ("2025-01-01T00:00:00.7Z" >= "...00.5Z"); the
            // timestamp reader, which drops it, has said it is a time.
            value = precise.ToUniversalTime();
        }

        return ok;
    }
}
