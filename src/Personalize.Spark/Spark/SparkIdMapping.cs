using System.Globalization;
using CsvHelper;
using Personalize.Core.Data;

namespace Personalize.Core.Spark;

/// <summary>
/// The id mapping file of a Spark import: CSV rows <c>kind,index,id</c> (kind <c>user</c> or <c>item</c>, Spark's integer index from
/// <c>StringIndexer</c>, the caller's id) that turn Spark's integer ids back into the caller's string ids. Fields are trimmed, as the
/// interaction reader trims ids. Every problem (a missing header, a line with more fields than the header, an unknown kind, an index
/// that is not an integer, an empty id, an index or id mapped twice) is an
/// <see cref="InteractionDataException"/> naming the file, line and column.
/// </summary>
internal sealed class SparkIdMapping
{
    private readonly Dictionary<long, string> _users;
    private readonly Dictionary<long, string> _items;

    private SparkIdMapping(string path, Dictionary<long, string> users, Dictionary<long, string> items)
    {
        Path = path;
        _users = users;
        _items = items;
    }

    /// <summary>Gets the mapping file's path.</summary>
    public string Path { get; }

    /// <summary>Reads a mapping file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InteractionDataException">The file is malformed.</exception>
    public static SparkIdMapping Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"The id mapping path '{path}' is a folder; give the CSV file inside it (Spark writes one as part-*.csv when the mapping is coalesced to one partition).", path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The id mapping file '{path}' does not exist.", path);
        }

        var users = new Dictionary<long, string>();
        var items = new Dictionary<long, string>();
        var userIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var itemIds = new Dictionary<string, long>(StringComparer.Ordinal);
        // A malformed line is an error on its line: read leniently, a quote escaped as Spark's CSV writer escapes it by default (\")
        // would become a wrong id without a word.
        CsvMalformedRecord? malformed = null;
        using CsvReader reader = CsvReader.FromFile(path, CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => malformed ??= record,
        });
        string[] headers = [.. reader.Headers];
        int kindColumn = Array.IndexOf(headers, "kind"), indexColumn = Array.IndexOf(headers, "index"), idColumn = Array.IndexOf(headers, "id");
        if (kindColumn < 0 || indexColumn < 0 || idColumn < 0)
        {
            throw new InteractionDataException(path, 1, 0, null,
                $"expected the header kind,index,id (kind user or item, Spark's integer index, your id); found {(headers.Length == 0 ? "an empty file" : string.Join(",", headers))}.");
        }

        while (reader.Read())
        {
            ThrowIfMalformed(path, malformed);
            long line = reader.LineNumber;
            // More fields than the header means a delimiter split one, such as an unquoted comma in a name: the id would be its first
            // part. Empty extra fields (a trailing delimiter) are fine.
            for (int extra = headers.Length; extra < reader.FieldCount; extra++)
            {
                if (!string.IsNullOrWhiteSpace(reader.GetString(extra)))
                {
                    throw new InteractionDataException(path, line, extra + 1, null,
                        $"the line has {reader.FieldCount} fields where the header has {headers.Length}; a comma inside an unquoted id (such as a name) splits it: quote that field.");
                }
            }

            // Ids are trimmed as the interaction reader and the command line trim them, so ' U0' here is the user 'U0' there.
            string kind = (reader.GetString(kindColumn) ?? "").Trim();
            string indexText = (reader.GetString(indexColumn) ?? "").Trim();
            string id = (reader.GetString(idColumn) ?? "").Trim();
            (Dictionary<long, string> byIndex, Dictionary<string, long> byId) = kind switch
            {
                "user" => (users, userIds),
                "item" => (items, itemIds),
                _ => throw new InteractionDataException(path, line, kindColumn + 1, "kind", $"'{kind}' is not a kind; expected user or item."),
            };
            if (!long.TryParse(indexText, NumberStyles.Integer, CultureInfo.InvariantCulture, out long index)
                && !(double.TryParse(indexText, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && real == Math.Floor(real)
                    && Math.Abs(real) < 1e15 && (index = (long)real) == real))
            {
                throw new InteractionDataException(path, line, indexColumn + 1, "index", $"'{indexText}' is not an integer index (Spark's id for this {kind}).");
            }

            if (id.Length == 0)
            {
                throw new InteractionDataException(path, line, idColumn + 1, "id", $"the {kind} id for index {index} is empty.");
            }

            if (!byIndex.TryAdd(index, id))
            {
                throw new InteractionDataException(path, line, indexColumn + 1, "index", $"{kind} index {index} is mapped twice (to '{byIndex[index]}' and '{id}').");
            }

            if (!byId.TryAdd(id, index))
            {
                throw new InteractionDataException(path, line, idColumn + 1, "id", $"{kind} id '{id}' is mapped from two indices ({byId[id]} and {index}).");
            }
        }

        ThrowIfMalformed(path, malformed);
        return new SparkIdMapping(path, users, items);
    }

    private static void ThrowIfMalformed(string path, CsvMalformedRecord? malformed)
    {
        if (malformed is not { } record)
        {
            return;
        }

        string raw = record.RawRecord ?? "";
        string hint = raw.Contains("\\\"", StringComparison.Ordinal)
            ? " A quote inside a quoted field is escaped as \\\" here, as Spark's CSV writer does by default; write the mapping with .option(\"escape\", \"\\\"\") so quotes are doubled (\"\"), as in the README's snippet."
            : "";
        throw new InteractionDataException(path, record.LineNumber, 0, "id",
            $"the line is not valid CSV ({record.Reason}): expected kind,index,id with a quoted field closed on its line and quotes inside it doubled.{hint}", raw);
    }

    /// <summary>
    /// Gives the ids of one kind's factor rows: the mapped ids, or Spark's integers as text when there is no mapping or the mapping
    /// has no row of this kind.
    /// </summary>
    /// <param name="mapping">The mapping, or <see langword="null"/> for none.</param>
    /// <param name="factorIds">Spark's ids of the factor rows.</param>
    /// <param name="fileOfRow">The part file of each row, for the error message.</param>
    /// <param name="kind"><c>user</c> or <c>item</c>.</param>
    /// <exception cref="InteractionDataException">The mapping has rows of this kind but none for one of the ids.</exception>
    public static string[] MapIds(SparkIdMapping? mapping, long[] factorIds, string[] fileOfRow, string kind)
    {
        Dictionary<long, string>? byIndex = mapping is null ? null : kind == "user" ? mapping._users : mapping._items;
        var ids = new string[factorIds.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            long id = factorIds[i];
            if (byIndex is null || byIndex.Count == 0)
            {
                ids[i] = id.ToString(CultureInfo.InvariantCulture);
            }
            else if (!byIndex.TryGetValue(id, out ids[i]!))
            {
                throw new InteractionDataException(mapping!.Path, 0, 0, "index",
                    $"no {kind} row for index {id}, which the Spark model has ({System.IO.Path.GetFileName(fileOfRow[i])}); a kind that is mapped must map every factor id.");
            }
        }

        return ids;
    }
}
