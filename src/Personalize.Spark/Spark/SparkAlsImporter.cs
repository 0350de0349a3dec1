using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Spark;

/// <summary>
/// Imports a model trained with Spark MLlib's ALS (<c>org.apache.spark.ml.recommendation.ALSModel</c>) and saved with
/// <c>model.save(path)</c>, so that a model trained on a cluster is served, evaluated and inspected here like one trained here.
/// </summary>
/// <remarks>
/// <para><c>ALSModel.save(path)</c> writes <c>path/metadata/part-00000</c> (one JSON line: the class, the Spark version, the uid, the
/// column parameters and the <c>rank</c>), and <c>path/userFactors/</c> and <c>path/itemFactors/</c>, each a folder of
/// <c>part-*.parquet</c> files with the columns <c>id</c> (int) and <c>features</c> (array of float, <c>rank</c> long). The importer
/// reads them with Parquet.Net, checks every row (a length other than the rank, a NaN or infinite factor, an id saved twice, a missing
/// folder or file are errors naming the file), maps Spark's integer ids to the caller's ids (<see cref="SparkAlsImportOptions.IdMappingPath"/>),
/// and orders users and items by Spark id, so the result does not depend on how Spark partitioned the output.</para>
/// <para>Scores equal Spark's: the dot product of the user's and the item's factors (no biases). Spark's ALS cannot predict for ids
/// it has not seen; here unknown users get <see cref="Recommending.Recommender"/>'s cold-start answer.</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public static class SparkAlsImporter
{
    /// <summary>The class name Spark writes in the metadata of an ALS model.</summary>
    public const string AlsModelClass = "org.apache.spark.ml.recommendation.ALSModel";

    /// <summary>The name saved in the imported model's properties under <c>trainer</c>.</summary>
    public const string TrainerName = "spark-als";

    /// <summary>Reads a saved Spark ALS model into a <see cref="FactorModel"/>.</summary>
    /// <param name="modelDirectory">The folder given to <c>ALSModel.save</c>.</param>
    /// <param name="options">Id mapping, interactions and kind; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the import between files.</param>
    /// <returns>The model and what was read.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder, or its <c>metadata</c>, <c>userFactors</c> or <c>itemFactors</c>
    /// folder, does not exist.</exception>
    /// <exception cref="ModelFormatException">The metadata or a Parquet file is not what ALS writes (the message names the file and
    /// the folder, and says what was expected), a factor row does not match the rank or is not finite, or an id is saved twice.</exception>
    /// <exception cref="InteractionDataException">The id mapping file is malformed or does not map a factor id; or a row of the
    /// interaction log is bad.</exception>
    public static async Task<SparkAlsImportResult> ImportAsync(string modelDirectory, SparkAlsImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        options ??= new SparkAlsImportOptions();
        if (!Directory.Exists(modelDirectory))
        {
            throw new DirectoryNotFoundException(
                $"The Spark model folder '{modelDirectory}' {(File.Exists(modelDirectory) ? "is a file, not a folder" : "does not exist")}; expected the folder ALSModel.save(path) wrote, with metadata/, userFactors/ and itemFactors/.");
        }

        Metadata metadata = ReadMetadata(modelDirectory);
        (FactorModelKind kind, string kindSource) = ResolveKind(metadata, options.Kind);
        SparkIdMapping? mapping = options.IdMappingPath is { } idsPath ? SparkIdMapping.Read(idsPath) : null;

        Factors users = await ReadFactorsAsync(modelDirectory, "userFactors", metadata.Rank, cancellationToken).ConfigureAwait(false);
        Factors items = await ReadFactorsAsync(modelDirectory, "itemFactors", metadata.Rank, cancellationToken).ConfigureAwait(false);
        IdMap userMap = IdMap.FromIds(SparkIdMapping.MapIds(mapping, users.Ids, users.FileOfRow, "user"));
        IdMap itemMap = IdMap.FromIds(SparkIdMapping.MapIds(mapping, items.Ids, items.FileOfRow, "item"));

        var properties = new Dictionary<string, string>
        {
            [ModelPropertyNames.Trainer] = TrainerName,
            [ModelPropertyNames.Factors] = metadata.Rank.ToString(CultureInfo.InvariantCulture),
            ["implicit_prefs"] = kind == FactorModelKind.Implicit ? "true" : "false",
            ["kind_source"] = kindSource,
            ["source"] = Path.GetFullPath(modelDirectory),
        };
        AddIfPresent(properties, "spark_version", metadata.SparkVersion);
        AddIfPresent(properties, "spark_uid", metadata.Uid);
        AddIfPresent(properties, "spark_user_col", metadata.UserColumn);
        AddIfPresent(properties, "spark_item_col", metadata.ItemColumn);

        int[] seenOffsets = new int[userMap.Count + 1];
        int[] seenItems = [];
        var popularity = new float[itemMap.Count];
        LoadReport? interactionReport = null;
        long notInModel = 0;
        if (options.InteractionsPath is { } interactionsPath)
        {
            cancellationToken.ThrowIfCancellationRequested();
            InteractionLog log = InteractionLog.ReadCsv(interactionsPath, options.InteractionReaderOptions, cancellationToken);
            interactionReport = log.Report;
            (seenOffsets, seenItems, notInModel) = Seen(log, userMap, itemMap);
            foreach (int item in seenItems)
            {
                popularity[item]++;
            }

            // No rating range is recorded from a rating log: Spark's predictions are the bare dot products, and so are ours.
        }

        var model = FactorModel.FromFactors(kind, userMap, itemMap, metadata.Rank, users.Values, items.Values, seenOffsets, seenItems, popularity, properties);
        // Spark's file committer writes _SUCCESS into a folder once every part file is in place: without it, part files may be missing.
        string[] unmarked = [.. new[] { "userFactors", "itemFactors" }.Where(f => !File.Exists(Path.Combine(modelDirectory, f, "_SUCCESS")))];
        return new SparkAlsImportResult(model, kindSource, metadata.SparkVersion, users.Files, items.Files, interactionReport, notInModel, unmarked);
    }

    private sealed record Metadata(string Path, int Rank, string? SparkVersion, string? Uid, string? UserColumn, string? ItemColumn, bool? ImplicitPrefs);

    private sealed record Factors(long[] Ids, float[] Values, string[] FileOfRow, int Files);

    private static void AddIfPresent(Dictionary<string, string> properties, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            properties[key] = value;
        }
    }

    private static Metadata ReadMetadata(string modelDirectory)
    {
        string folder = Path.Combine(modelDirectory, "metadata");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"The Spark model folder '{modelDirectory}' has no metadata/ folder; expected the metadata/part-00000 JSON line ALSModel.save writes.");
        }

        string? file = Directory.GetFiles(folder, "part-*").Where(f => !f.EndsWith(".crc", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new ModelFormatException(folder, "metadata", "no part-* file; expected the JSON line ALSModel.save writes (metadata/part-00000).");
        string? line = File.ReadLines(file).FirstOrDefault(l => l.Trim().Length > 0)
            ?? throw new ModelFormatException(file, "metadata", "the file is empty; expected one JSON line with the class and the rank.");
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new ModelFormatException(file, "metadata", $"not JSON ({exception.Message}); expected the JSON line ALSModel.save writes.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException(file, "metadata", $"the JSON is {Article(root.ValueKind)}, not an object; expected the JSON object ALSModel.save writes (class, rank, paramMap).");
        }

        string? className = Text(root, "class");
        if (className != AlsModelClass)
        {
            string hint = className switch
            {
                "org.apache.spark.ml.PipelineModel" => " This is a PipelineModel: point at its ALS stage, the folder stages/NN_ALS_... inside it.",
                "org.apache.spark.ml.tuning.CrossValidatorModel" or "org.apache.spark.ml.tuning.TrainValidationSplitModel" =>
                    $" This is a {className[(className.LastIndexOf('.') + 1)..]}: point at its bestModel/ folder (the ALS model it chose).",
                _ => "",
            };
            throw new ModelFormatException(file, "metadata", $"the class is '{className ?? "(none)"}'; expected '{AlsModelClass}'.{hint}");
        }

        if (!root.TryGetProperty("rank", out JsonElement rankElement) || rankElement.ValueKind != JsonValueKind.Number
            || !rankElement.TryGetInt32(out int rank) || rank < 1)
        {
            throw new ModelFormatException(file, "metadata", "no valid 'rank' (a whole number, 1 or more), which ALSModel.save writes.");
        }

        if (rank > 1024)
        {
            throw new ModelFormatException(file, "metadata", string.Create(CultureInfo.InvariantCulture,
                $"the rank is {rank}; this library serves models of rank 1 to 1024. Train the Spark model with setRank(1024) or less."));
        }

        bool? implicitPrefs = null;
        foreach (string map in new[] { "paramMap", "defaultParamMap" })
        {
            if (implicitPrefs is null && root.TryGetProperty(map, out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("implicitPrefs", out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                implicitPrefs = value.GetBoolean();
            }
        }

        return new Metadata(file, rank, Text(root, "sparkVersion"), Text(root, "uid"), Param(root, "userCol"), Param(root, "itemCol"), implicitPrefs);
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Param(JsonElement root, string name) =>
        (root.TryGetProperty("paramMap", out JsonElement map) && map.ValueKind == JsonValueKind.Object ? Text(map, name) : null)
        ?? (root.TryGetProperty("defaultParamMap", out JsonElement defaults) && defaults.ValueKind == JsonValueKind.Object ? Text(defaults, name) : null);

    private static (FactorModelKind Kind, string Source) ResolveKind(Metadata metadata, FactorModelKind? requested)
    {
        if (requested is { } kind && kind is not (FactorModelKind.Implicit or FactorModelKind.Explicit))
        {
            throw new ArgumentOutOfRangeException(nameof(requested), kind, "The kind must be Implicit or Explicit.");
        }

        if (metadata.ImplicitPrefs is { } implicitPrefs)
        {
            FactorModelKind recorded = implicitPrefs ? FactorModelKind.Implicit : FactorModelKind.Explicit;
            if (requested is { } asked && asked != recorded)
            {
                throw new ModelFormatException(metadata.Path, "metadata",
                    $"implicitPrefs is {(implicitPrefs ? "true" : "false")}, so the model is {recorded}, but {asked} was asked for; drop the kind or correct it.");
            }

            return (recorded, "metadata");
        }

        return requested is { } given ? (given, "option") : (FactorModelKind.Explicit, "default");
    }

    private static async Task<Factors> ReadFactorsAsync(string modelDirectory, string name, int rank, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(modelDirectory, name);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The Spark model folder '{modelDirectory}' has no {name}/ folder; expected the Parquet files ALSModel.save writes there.");
        }

        string[] files = [.. Directory.GetFiles(folder, "part-*").Where(f => f.EndsWith(".parquet", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        if (files.Length == 0)
        {
            throw new ModelFormatException(folder, name, "no part-*.parquet files; expected the Parquet files ALSModel.save writes (columns id and features).");
        }

        var ids = new List<long>();
        var fileOfRow = new List<string>();
        var values = new List<float>();
        foreach (string file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await ReadFileAsync(file, name, rank, ids, fileOfRow, values, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not (ModelFormatException or OperationCanceledException or OutOfMemoryException))
            {
                // A damaged file surfaces from the Parquet reader as whatever its decoder hit (an offset out of range, a null): name the file.
                throw new ModelFormatException(file, name, $"not a readable Parquet file ({exception.Message}).");
            }
        }

        // Order by Spark id, and reject ids saved twice, naming both files.
        int[] order = [.. Enumerable.Range(0, ids.Count).OrderBy(i => ids[i])];
        var sortedIds = new long[ids.Count];
        var sortedValues = new float[values.Count];
        var sortedFiles = new string[ids.Count];
        for (int r = 0; r < order.Length; r++)
        {
            int row = order[r];
            if (r > 0 && ids[row] == sortedIds[r - 1])
            {
                throw new ModelFormatException(fileOfRow[row], name,
                    $"id {ids[row]} appears twice (also in {Path.GetFileName(sortedFiles[r - 1])}); each id must have one factor row.");
            }

            sortedIds[r] = ids[row];
            sortedFiles[r] = fileOfRow[row];
            for (int f = 0; f < rank; f++)
            {
                sortedValues[r * rank + f] = values[row * rank + f];
            }
        }

        if (sortedIds.Length == 0)
        {
            throw new ModelFormatException(folder, name, "the part files hold no rows; a model needs at least one factor row.");
        }

        return new Factors(sortedIds, sortedValues, sortedFiles, files.Length);
    }

    private static async Task ReadFileAsync(string file, string name, int rank, List<long> ids, List<string> fileOfRow, List<float> values,
        CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(file, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ParquetException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new ModelFormatException(file, name, $"not a readable Parquet file ({exception.Message}).");
        }

        await using (reader.ConfigureAwait(false))
        {
            DataField[] fields = reader.Schema.GetDataFields();
            DataField? idField = fields.FirstOrDefault(f => f.Name == "id" && f.MaxRepetitionLevel == 0 && (f.ClrType == typeof(int) || f.ClrType == typeof(long)));
            DataField? featureField = fields.FirstOrDefault(f => FirstSegment(f) == "features" && f.MaxRepetitionLevel == 1
                && (f.ClrType == typeof(float) || f.ClrType == typeof(double)));
            if (idField is null || featureField is null)
            {
                string found = string.Join(", ", fields.Select(f => f.MaxRepetitionLevel > 0
                    ? $"{FirstSegment(f)} (array of {TypeName(f.ClrType)})" : $"{f.Name} ({TypeName(f.ClrType)})"));
                throw new ModelFormatException(file, name,
                    $"expected the columns id (int) and features (array of float) that ALS writes; found {found}.");
            }

            long fileRow = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                long[] groupIds = await ReadIdsAsync(group, idField, file, name, fileRow, cancellationToken).ConfigureAwait(false);
                int entries = checked((int)(group.GetMetadata(featureField)?.MetaData?.NumValues ?? 0));
                float[] features = new float[entries];
                int[] definitions = new int[entries], repetitions = new int[entries];
                double[]? doubles = null;
                if (featureField.ClrType == typeof(double))
                {
                    doubles = new double[entries];
                    await group.ReadRawAsync<double>(featureField, doubles, definitions, repetitions, cancellationToken).ConfigureAwait(false);
                    for (int i = 0; i < entries; i++)
                    {
                        features[i] = (float)doubles[i];
                    }
                }
                else
                {
                    await group.ReadRawAsync<float>(featureField, features, definitions, repetitions, cancellationToken).ConfigureAwait(false);
                }

                int maxDefinition = featureField.MaxDefinitionLevel;
                int nullElement = featureField.IsNullable ? maxDefinition - 1 : -1;
                int row = -1, count = 0, next = 0;
                var rowValues = new float[rank];
                void FinishRow()
                {
                    if (row < 0)
                    {
                        return;
                    }

                    long id = groupIds[row];
                    string where = $"row {fileRow + row + 1} (id {id})";
                    if (count != rank)
                    {
                        throw new ModelFormatException(file, name, count == 0
                            ? $"{where}: features is empty or null; the metadata says rank {rank}."
                            : $"{where}: features has {count} values; the metadata says rank {rank}.");
                    }

                    ids.Add(id);
                    fileOfRow.Add(file);
                    values.AddRange(rowValues);
                }

                for (int e = 0; e < entries; e++)
                {
                    if (repetitions[e] == 0)
                    {
                        FinishRow();
                        row++;
                        count = 0;
                        if (row >= groupIds.Length)
                        {
                            throw new ModelFormatException(file, name, $"the features column has more rows than the id column ({groupIds.Length}).");
                        }
                    }

                    if (definitions[e] == maxDefinition)
                    {
                        float value = features[next++];
                        if (!float.IsFinite(value))
                        {
                            // A double beyond float's range is finite in the file: say so, not "Infinity".
                            double written = doubles is null ? value : doubles[next - 1];
                            string where = string.Create(CultureInfo.InvariantCulture, $"row {fileRow + row + 1} (id {groupIds[row]}): features[{count}] is {written}");
                            throw new ModelFormatException(file, name, double.IsFinite(written)
                                ? $"{where}, beyond the range of the float factors a model holds (±3.4E+38)."
                                : $"{where}; every factor must be a finite number.");
                        }

                        if (count < rank)
                        {
                            rowValues[count] = value;
                        }

                        count++;
                    }
                    else if (definitions[e] == nullElement)
                    {
                        throw new ModelFormatException(file, name, $"row {fileRow + row + 1} (id {groupIds[row]}): features[{count}] is null; every factor must be a number.");
                    }
                }

                FinishRow();
                if (row + 1 != groupIds.Length)
                {
                    throw new ModelFormatException(file, name, $"the id column has {groupIds.Length} rows but the features column has {row + 1}.");
                }

                fileRow += groupIds.Length;
            }
        }
    }

    /// <summary>A Parquet column's values as Spark's schema names them (string, not ReadOnlyMemory`1).</summary>
    private static string TypeName(Type type) =>
        type == typeof(int) ? "int" : type == typeof(long) ? "long" : type == typeof(float) ? "float" : type == typeof(double) ? "double"
        : type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? "string" : type == typeof(byte[]) ? "binary"
        : type == typeof(bool) ? "boolean" : type == typeof(short) ? "short" : type == typeof(byte) || type == typeof(sbyte) ? "byte"
        : type == typeof(decimal) ? "decimal" : type.Name;

    private static async Task<long[]> ReadIdsAsync(ParquetRowGroupReader group, DataField field, string file, string name, long fileRow,
        CancellationToken cancellationToken)
    {
        int rows = checked((int)group.RowCount);
        var ids = new long[rows];
        if (field.ClrType == typeof(int))
        {
            if (field.IsNullable)
            {
                var nullable = new int?[rows];
                await group.ReadAsync<int>(field, nullable, null, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < rows; i++)
                {
                    ids[i] = nullable[i] ?? throw new ModelFormatException(file, name, $"row {fileRow + i + 1}: the id is null; every factor row needs an id.");
                }
            }
            else
            {
                var plain = new int[rows];
                await group.ReadAsync<int>(field, plain, null, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < rows; i++)
                {
                    ids[i] = plain[i];
                }
            }
        }
        else if (field.IsNullable)
        {
            var nullable = new long?[rows];
            await group.ReadAsync<long>(field, nullable, null, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < rows; i++)
            {
                ids[i] = nullable[i] ?? throw new ModelFormatException(file, name, $"row {fileRow + i + 1}: the id is null; every factor row needs an id.");
            }
        }
        else
        {
            await group.ReadAsync<long>(field, ids, null, cancellationToken).ConfigureAwait(false);
        }

        return ids;
    }

    private static string FirstSegment(DataField field)
    {
        string path = field.Path.ToString();
        int end = path.IndexOfAny(['/', '.']);
        return end < 0 ? path : path[..end];
    }

    private static (int[] Offsets, int[] Items, long NotInModel) Seen(InteractionLog log, IdMap users, IdMap items)
    {
        // Translate the log's indices to the model's once per distinct id, then keep distinct (user, item) pairs.
        int[] userOf = [.. log.Users.Ids.Select(id => users.TryGetIndex(id, out int u) ? u : -1)];
        int[] itemOf = [.. log.Items.Ids.Select(id => items.TryGetIndex(id, out int i) ? i : -1)];
        var pairs = new List<long>(log.Count);
        long notInModel = 0;
        ReadOnlySpan<int> rowUsers = log.UserIndices, rowItems = log.ItemIndices;
        for (int row = 0; row < log.Count; row++)
        {
            int user = userOf[rowUsers[row]], item = itemOf[rowItems[row]];
            if (user < 0 || item < 0)
            {
                notInModel++;
                continue;
            }

            pairs.Add(((long)user << 32) | (uint)item);
        }

        pairs.Sort();
        var offsets = new int[users.Count + 1];
        var seen = new List<int>(pairs.Count);
        long previous = -1;
        foreach (long pair in pairs)
        {
            if (pair == previous)
            {
                continue;
            }

            previous = pair;
            offsets[(int)(pair >> 32) + 1]++;
            seen.Add((int)(uint)pair);
        }

        for (int u = 0; u < users.Count; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        return (offsets, [.. seen], notInModel);
    }
}
