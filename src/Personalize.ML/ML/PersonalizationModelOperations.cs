using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Models;

namespace Personalize.Core.ML;

/// <summary>
/// Saves and loads ML.NET pipelines that contain <see cref="FactorModelTransformer"/>s: <c>mlContext.Personalization().Model</c>.
/// </summary>
/// <remarks>
/// <para><b>Why not <c>mlContext.Model.Save</c>.</b> ML.NET 5.0.1 saves a transformer by calling <see cref="ICanSaveModel.Save"/>
/// with a <see cref="ModelSaveContext"/> whose writer, version stamp and sub-model methods are all internal, so a transformer
/// outside ML.NET has no public way to write its state; and it loads one by looking up an assembly-level
/// <c>LoadableClassAttribute</c> with a <c>ModelLoadContext</c> constructor, both internal as well. The public route for custom code
/// in saved pipelines, <c>CustomMapping</c> with a <c>[CustomMappingFactoryAttribute]</c> factory registered through
/// <c>mlContext.ComponentCatalog.RegisterAssembly</c>, saves only the factory's contract name and recreates the factory with its
/// parameterless constructor on load, so the learned factors cannot travel inside the saved file. <c>mlContext.Model.Save</c> on
/// a pipeline with this transformer therefore throws <see cref="NotSupportedException"/> with the way out.</para>
/// <para><b>What <c>mlContext.Model.Save</c> leaves behind, and why this library cannot prevent it.</b> ML.NET's
/// <c>ModelOperationsCatalog.Save(model, inputSchema, filePath)</c> is <c>using (var stream = File.Create(filePath)) Save(model,
/// inputSchema, stream);</c>: the target is truncated before any transformer code runs, and the transformers are asked to save only
/// afterwards, each in turn. When ours throws, ML.NET's repository writer is disposed and closes the zip, so an existing file is
/// already lost and an incomplete zip (the ML.NET parts saved before ours, no model) stays at the path. No public hook runs before
/// <c>File.Create</c>; the save hook receives a <see cref="ModelSaveContext"/> whose repository and stream are internal, so it cannot
/// learn the path to delete the file, and on Windows the file is open without delete sharing while the hook runs. The guard is
/// <see cref="Save(ITransformer, DataViewSchema, string)"/> below, which accepts any pipeline (with or without our transformers),
/// writes a temporary file next to the target and renames it over the target only when everything was written: a failure leaves
/// nothing behind and an existing file as it was. The tests <c>MLNETs_own_Save_replaces_an_existing_file_before_our_transformer_is_asked</c>
/// and <c>Our_Save_that_fails_leaves_nothing_behind_and_an_existing_file_intact</c> keep both statements checked.</para>
/// <para><b>What these methods do instead.</b> The pipeline is flattened and cut at each <see cref="FactorModelTransformer"/>; every
/// run of ML.NET transformers is saved with <c>mlContext.Model.Save</c> (the first run, possibly empty, also keeps the input
/// schema), and every model with <see cref="ModelFile"/>, all in one zip file with a JSON manifest (<c>pipeline.json</c>). Loading
/// rebuilds the same chain. Transformer scopes of nested chains are not kept (every transformer runs at scoring). Without these
/// methods: save <see cref="FactorModelTransformer.Model"/> with <see cref="ModelFile.Save"/> and the rest with
/// <c>mlContext.Model.Save</c>, then rejoin them with <c>loaded.Append(new FactorModelTransformer(ModelFile.Load(path), user, item))</c>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class PersonalizationModelOperations
{
    private const string ManifestEntry = "pipeline.json";
    private const string FormatName = "personalize-ml-pipeline";
    private const int FormatVersion = 1;
    private readonly MLContext _mlContext;

    internal PersonalizationModelOperations(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>Saves a fitted pipeline to a file, atomically (a temporary file is renamed over the target): when saving fails, nothing
    /// is left behind and an existing file at <paramref name="filePath"/> is as it was. Prefer it to <c>mlContext.Model.Save</c> for
    /// every pipeline (see the remarks of this class).</summary>
    /// <param name="model">The pipeline: any transformer or chain, with or without <see cref="FactorModelTransformer"/>s.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <param name="filePath">The target file; it is replaced if it exists.</param>
    /// <exception cref="InvalidOperationException">An ML.NET transformer of the pipeline cannot be saved by ML.NET.</exception>
    /// <exception cref="IOException">The file could not be written; the target is left as it was.</exception>
    public void Save(ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string fullPath = Path.GetFullPath(filePath);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Save(model, inputSchema, stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    /// <summary>Saves a fitted pipeline to a stream.</summary>
    /// <param name="model">The pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <param name="stream">A writable stream; it is not closed.</param>
    /// <exception cref="InvalidOperationException">An ML.NET transformer of the pipeline cannot be saved by ML.NET.</exception>
    public void Save(ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        var transformers = new List<ITransformer>();
        Flatten(model, transformers);

        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var parts = new JsonArray();
        var run = new List<ITransformer>();
        DataViewSchema schema = inputSchema, runSchema = inputSchema;
        void SaveRun()
        {
            string entry = $"parts/{parts.Count}.mlnet";
            using (Stream output = zip.CreateEntry(entry, CompressionLevel.NoCompression).Open())
            {
                using var buffer = new MemoryStream();
                _mlContext.Model.Save(new TransformerChain<ITransformer>([.. run]), runSchema, buffer);
                buffer.Position = 0;
                buffer.CopyTo(output);
            }

            parts.Add(new JsonObject { ["kind"] = "ml.net", ["entry"] = entry, ["transformers"] = run.Count });
            run.Clear();
        }

        foreach (ITransformer transformer in transformers)
        {
            if (transformer is FactorModelTransformer factors)
            {
                if (run.Count > 0 || parts.Count == 0)
                {
                    SaveRun();
                }

                string entry = $"parts/{parts.Count}.pzm";
                using (Stream output = zip.CreateEntry(entry, CompressionLevel.Fastest).Open())
                {
                    ModelFile.Write(factors.Model, output);
                }

                parts.Add(new JsonObject
                {
                    ["kind"] = "factor-model", ["entry"] = entry,
                    ["userIdColumnName"] = factors.UserIdColumnName, ["itemIdColumnName"] = factors.ItemIdColumnName,
                    ["unknownIdsScoreNaN"] = factors.UnknownIdsScoreNaN,
                });
            }
            else
            {
                if (run.Count == 0)
                {
                    runSchema = schema;
                }

                run.Add(transformer);
            }

            schema = transformer.GetOutputSchema(schema);
        }

        if (run.Count > 0 || parts.Count == 0)
        {
            SaveRun();
        }

        using Stream manifest = zip.CreateEntry(ManifestEntry, CompressionLevel.Fastest).Open();
        JsonSerializer.Serialize(manifest, new JsonObject { ["format"] = FormatName, ["version"] = FormatVersion, ["parts"] = parts });
    }

    /// <summary>Loads a pipeline saved by <see cref="Save(ITransformer, DataViewSchema, string)"/>.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads, as saved.</param>
    /// <returns>The pipeline, as a <see cref="TransformerChain{TLastTransformer}"/>.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">The file is not such a pipeline, or a part of it is damaged; the message names the part.</exception>
    public ITransformer Load(string filePath, out DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!File.Exists(filePath))
        {
            throw new FileNotFoundException($"The pipeline file '{filePath}' does not exist.", filePath);
        }

        using var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Load(stream, filePath, out inputSchema);
    }

    /// <summary>Loads a pipeline saved by <see cref="Save(ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <param name="stream">A readable, seekable stream; it is not closed.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads, as saved.</param>
    /// <returns>The pipeline, as a <see cref="TransformerChain{TLastTransformer}"/>.</returns>
    /// <exception cref="ModelFormatException">The data is not such a pipeline, or a part of it is damaged; the message names the part.</exception>
    public ITransformer Load(Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(stream, "(stream)", out inputSchema);
    }

    private ITransformer Load(Stream stream, string source, out DataViewSchema inputSchema)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException exception)
        {
            throw new ModelFormatException(source, null, $"not a saved pipeline (expected a zip file with {ManifestEntry}): {exception.Message}");
        }

        using (zip)
        {
            try
            {
                return Load(zip, source, out inputSchema);
            }
            catch (InvalidDataException exception)
            {
                // The zip's directory or an entry's compressed data is damaged (a truncated file, a flipped byte).
                throw new ModelFormatException(source, null, $"the file is damaged (truncated or corrupted): {exception.Message}");
            }
        }
    }

    private ITransformer Load(ZipArchive zip, string source, out DataViewSchema inputSchema)
    {
        JsonArray parts = ReadManifest(zip, source);
        var transformers = new List<ITransformer>();
        DataViewSchema? schema = null;
        foreach (JsonNode? node in parts)
        {
            string kind = Text(node, "kind", source);
            string entryName = Text(node, "entry", source);
            ZipArchiveEntry entry = zip.GetEntry(entryName)
                ?? throw new ModelFormatException(source, entryName, $"the manifest lists '{entryName}' but the file has no such entry.");
            using MemoryStream buffer = ReadChecked(entry, source, entryName);
            if (kind == "ml.net")
            {
                ITransformer loaded;
                DataViewSchema partSchema;
                try
                {
                    loaded = _mlContext.Model.Load(buffer, out partSchema);
                }
                catch (Exception exception) when (exception is not (OperationCanceledException or OutOfMemoryException))
                {
                    // ML.NET reports a part it cannot read in many ways (a TargetInvocationException from a loader, a format error).
                    Exception reason = exception is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : exception;
                    throw new ModelFormatException(source, entryName, $"ML.NET could not load this part: {reason.Message}");
                }

                schema ??= partSchema;
                Flatten(loaded, transformers);
            }
            else if (kind == "factor-model")
            {
                FactorModel model = ModelFile.Read(buffer, $"{source}!{entryName}");
                transformers.Add(new FactorModelTransformer(model, Text(node, "userIdColumnName", source), Text(node, "itemIdColumnName", source),
                    trainingReport: null, unknownIdsScoreNaN: Flag(node, "unknownIdsScoreNaN", source)));
            }
            else
            {
                throw new ModelFormatException(source, entryName, $"unknown part kind '{kind}'; expected 'ml.net' or 'factor-model'.");
            }
        }

        inputSchema = schema ?? throw new ModelFormatException(source, ManifestEntry, "the manifest lists no ML.NET part, so the input schema is missing.");
        return new TransformerChain<ITransformer>([.. transformers]);
    }

    /// <summary>An entry's bytes, checked against the CRC-32 the zip records for it (a flipped bit in a part could otherwise load and
    /// score differently).</summary>
    private static MemoryStream ReadChecked(ZipArchiveEntry entry, string source, string entryName)
    {
        var buffer = new MemoryStream();
        using (Stream input = entry.Open())
        {
            input.CopyTo(buffer);
        }

        uint crc = System.IO.Hashing.Crc32.HashToUInt32(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (crc != entry.Crc32)
        {
            buffer.Dispose();
            throw new ModelFormatException(source, entryName, string.Create(CultureInfo.InvariantCulture,
                $"the entry is damaged: its checksum is {crc:X8}, the zip recorded {entry.Crc32:X8}."));
        }

        buffer.Position = 0;
        return buffer;
    }

    private static JsonArray ReadManifest(ZipArchive zip, string source)
    {
        ZipArchiveEntry entry = zip.GetEntry(ManifestEntry)
            ?? throw new ModelFormatException(source, null, $"not a pipeline saved by mlContext.Personalization().Model.Save: the zip has no {ManifestEntry}. A pipeline without a personalization "
                + "trainer, saved by mlContext.Model.Save, loads with mlContext.Model.Load; one with such a trainer is saved with "
                + "mlContext.Personalization().Model.Save (mlContext.Model.Save refuses it, and the file it leaves is incomplete: save it again).");
        JsonNode? manifest;
        try
        {
            using MemoryStream input = ReadChecked(entry, source, ManifestEntry);
            manifest = JsonNode.Parse(input);
        }
        catch (JsonException exception)
        {
            throw new ModelFormatException(source, ManifestEntry, $"the manifest is not valid JSON: {exception.Message}");
        }

        if (manifest?["format"]?.GetValueKind() != JsonValueKind.String || manifest["format"]!.GetValue<string>() != FormatName)
        {
            throw new ModelFormatException(source, ManifestEntry, $"expected format '{FormatName}'.");
        }

        int version = manifest["version"]?.GetValueKind() == JsonValueKind.Number ? manifest["version"]!.GetValue<int>() : 0;
        if (version != FormatVersion)
        {
            throw new ModelFormatException(source, ManifestEntry, $"format version {version}; this library reads version {FormatVersion}.");
        }

        return manifest["parts"] as JsonArray ?? throw new ModelFormatException(source, ManifestEntry, "the manifest has no 'parts' list.");
    }

    private static string Text(JsonNode? node, string property, string source) =>
        node?[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text
            : throw new ModelFormatException(source, ManifestEntry, $"a part has no '{property}'.");

    /// <summary>An optional true/false property of a part: false when absent (files written before it existed).</summary>
    private static bool Flag(JsonNode? node, string property, string source) => node?[property] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw new ModelFormatException(source, ManifestEntry, $"a part's '{property}' is not true or false."),
    };

    private static void Flatten(ITransformer transformer, List<ITransformer> into)
    {
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (ITransformer inner in chain)
            {
                Flatten(inner, into);
            }
        }
        else
        {
            into.Add(transformer);
        }
    }
}
