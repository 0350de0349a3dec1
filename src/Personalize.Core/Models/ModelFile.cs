using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Personalize.Core.Data;

namespace Personalize.Core.Models;

/// <summary>Saves and loads <see cref="FactorModel"/>s in the Personalize.Core binary model format.</summary>
/// <remarks>
/// <code>
/// *** Binary format, version 3 (all numbers little-endian) ***
/// magic            8 bytes   0x89 'P' 'Z' 'M' '\r' '\n' 0x1A '\n'   (catches text-mode and line-ending damage)
/// format version   uint16    3: the version this file was written in (at least 1)
/// readable by      uint16    the oldest reader version that can read it, from 1 to the format version: 1 when the file has no
///                            optional sections (its layout is then exactly version 1's), 2 when it has some
/// sections, each:
///   tag            4 bytes   ASCII, in this order: HEAD USER ITEM UFAC IFAC SEEN POPU [UBIA IBIA] [TAGS optional sections] END!
///   length         uint64    payload bytes
///   payload        length bytes
///   checksum       uint64    XxHash64 of the payload
/// HEAD: kind uint8, users int32, items int32, factors int32, seen entries int32, global bias float32, has biases uint8,
///       property count int32, then each property as key and value (UTF-8, 7-bit encoded length prefix)
/// USER, ITEM: the ids in index order (UTF-8, 7-bit encoded length prefix each)
/// UFAC, IFAC: users × factors, items × factors float32, row-major
/// SEEN: users + 1 offsets int32, then seen entries item indices int32
/// POPU: items float32;  UBIA, IBIA: users, items float32 (only when HEAD says it has biases)
/// TAGS (version 3; written exactly when there are optional sections, before them): the format version uint16 and readable-by uint16
///       again, the number of optional sections int32, then each one's 4-byte tag. Its checksum covers the version fields and the
///       tags: an optional tag the table does not list, a listed one that is missing, or versions that differ from the file's
///       are damage. A reader skips a listed tag it does not know (a later version's section).
/// optional sections (version 2; any order, each at most once; in a file of version 1 or 2, which has no TAGS, a reader skips a tag
/// of four characters A-Z or 0-9 that it does not know, after checking its checksum):
///   SWGT: seen entries float32, aligned with SEEN's item indices: the weight of each training interaction (summed event weights for
///         implicit models, the rating for explicit ones)
///   COOC: the co-occurrence index: items, neighbours per item, minimum count, max items per user, entries (int32 each); then items
///         int32 user counts, items + 1 int32 offsets, entries int32 neighbour indices, entries int32 pair counts
/// END!: the byte offset at which END! starts, uint64 (a file cut at a section boundary is still detected)
/// </code>
/// Every field is checked on read, and a file that fails a check raises <see cref="ModelFormatException"/> naming the section.
/// <see cref="Save"/> writes a temporary file beside the target and renames it over the target, so a crash never leaves a half
/// file under the target name. All members are thread-safe.
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this library writes.</summary>
    public const int FormatVersion = 3;

    /// <summary>The first format version whose files list their optional sections in a TAGS section.</summary>
    private const int TableVersion = 3;

    private const string TableTag = "TAGS";

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'P', (byte)'Z', (byte)'M', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    /// <summary>Refuses a model that <see cref="Read"/> would refuse for a value that is not a finite number, before a byte is written, so
    /// a diverged training run cannot replace a good model file with one that does not load.</summary>
    private static void ThrowIfNotFinite(FactorModel model)
    {
        if (NotFinite(model) is { } where)
        {
            throw new InvalidOperationException(
                $"The model holds a value that is not a finite number ({where}), so training diverged; nothing was saved. Look for extreme weights or ratings in the input, or train with "
                + (model.Kind == FactorModelKind.Explicit ? "a smaller learning rate or more regularization." : "more regularization."));
        }
    }

    /// <summary>Refuses an id that is not valid Unicode text (a lone UTF-16 surrogate, possible only for ids built in code): the file
    /// stores ids as UTF-8, which would turn it into U+FFFD, so the id would not round-trip and two such ids could become one.</summary>
    private static void ThrowIfNotUnicode(Data.IdMap ids, string noun)
    {
        for (int i = 0; i < ids.Count; i++)
        {
            if (Data.InteractionLog.LoneSurrogate(ids.GetId(i)) is int at)
            {
                throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"The {noun} id at index {i} is not valid Unicode text (a lone UTF-16 surrogate at position {at}), which a model file cannot store; nothing was written. Build ids from whole characters."));
            }
        }
    }

    /// <summary>Where the model first holds a value that is not a finite number (a diverged training run), or null when it holds none.</summary>
    internal static string? NotFinite(FactorModel model)
    {
        int k = Math.Max(1, model.NumberOfFactors);
        return !float.IsFinite(model.GlobalBias) ? "the global bias"
            : FirstNotFinite(model.RawUserFactors) is int u and >= 0 ? $"the factors of user '{model.Users.GetId(u / k)}'"
            : FirstNotFinite(model.RawItemFactors) is int i and >= 0 ? $"the factors of item '{model.Items.GetId(i / k)}'"
            : FirstNotFinite(model.RawUserBiases) is int ub and >= 0 ? $"the bias of user '{model.Users.GetId(ub)}'"
            : FirstNotFinite(model.RawItemBiases) is int ib and >= 0 ? $"the bias of item '{model.Items.GetId(ib)}'"
            : FirstNotFinite(model.RawItemPopularity) is int p and >= 0 ? $"the popularity of item '{model.Items.GetId(p)}'"
            : FirstNotFinite(model.RawSeenWeights) >= 0 ? "a seen item's weight"
            : null;
    }

    /// <summary>The index of the first value that is not a finite number, or -1: the check <see cref="ModelSectionReader"/> makes of
    /// every float section it reads.</summary>
    internal static int FirstNotFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Saves a model atomically.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The target file; it is replaced if it exists.</param>
    /// <exception cref="IOException">The file could not be written; the target is left as it was.</exception>
    /// <exception cref="InvalidOperationException">The model holds a value that is not a finite number (training diverged), or anything
    /// else <see cref="Write"/> refuses before its first byte: the temporary file is deleted, and the target is left as it was.</exception>
    public static void Save(FactorModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(model, stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes a model to a stream in the model format.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">A writable stream; it is not closed.</param>
    /// <exception cref="InvalidOperationException">The model holds a value that is not a finite number (training diverged), an id
    /// that is not valid Unicode text, or properties that do not fit it (an item-item or popularity blend the model has no part for,
    /// as reading would refuse); nothing is written.</exception>
    public static void Write(FactorModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            // What Read refuses in the header is refused here, so no file is written that cannot be loaded again.
            ThrowIfPropertiesDoNotFit(model.Properties, model.Kind, model.NumberOfFactors, model.HasBiases);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidDataException)
        {
            throw new InvalidOperationException($"The model cannot be saved, because it could not be loaded again: {exception.Message}", exception);
        }

        WriteWithoutPropertyCheck(model, stream);
    }

    /// <summary>Throws (<see cref="ArgumentException"/> or <see cref="InvalidDataException"/>) when a model's properties do not fit it: a
    /// blended model's item-item properties must add up for fold-in, and a popularity weight needs an implicit model with item biases.
    /// Reading and writing check the same.</summary>
    private static void ThrowIfPropertiesDoNotFit(IReadOnlyDictionary<string, string> properties, FactorModelKind kind, int factors, bool hasBiases)
    {
        ItemItemPart.ReadProperties(properties, kind, factors);
        PopularityPart.ReadWeight(properties, kind, hasBiases);
    }

    /// <summary>Writes a model without checking that its properties fit it: for tests of what reading refuses in a file (a header edited
    /// by hand, or written by another program).</summary>
    internal static void WriteWithoutPropertyCheck(FactorModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfNotFinite(model);
        ThrowIfNotUnicode(model.Users, "user");
        ThrowIfNotUnicode(model.Items, "item");
        long written = 0;
        void Raw(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            written += bytes.Length;
        }

        Raw(Magic);
        Span<byte> versions = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(versions, FormatVersion);
        bool hasOptional = model.HasSeenWeights || model.Cooccurrence is not null;
        BinaryPrimitives.WriteUInt16LittleEndian(versions[2..], (ushort)(hasOptional ? 2 : 1));
        Raw(versions);

        var head = new MemoryStream();
        using (var writer = new BinaryWriter(head, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)model.Kind);
            writer.Write(model.Users.Count);
            writer.Write(model.Items.Count);
            writer.Write(model.NumberOfFactors);
            writer.Write(model.RawSeenItems.Length);
            writer.Write(model.GlobalBias);
            writer.Write(model.HasBiases ? (byte)1 : (byte)0);
            writer.Write(model.Properties.Count);
            foreach (var (key, value) in model.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        Section(stream, "HEAD", head.GetBuffer().AsSpan(0, (int)head.Length), ref written);
        Section(stream, "USER", Strings(model.Users.RawIds), ref written);
        Section(stream, "ITEM", Strings(model.Items.RawIds), ref written);
        Section(stream, "UFAC", MemoryMarshal.AsBytes(model.UserFactors), ref written);
        Section(stream, "IFAC", MemoryMarshal.AsBytes(model.ItemFactors), ref written);
        var seen = new byte[(model.RawSeenOffsets.Length + model.RawSeenItems.Length) * sizeof(int)];
        MemoryMarshal.AsBytes(model.RawSeenOffsets.AsSpan()).CopyTo(seen);
        MemoryMarshal.AsBytes(model.RawSeenItems.AsSpan()).CopyTo(seen.AsSpan(model.RawSeenOffsets.Length * sizeof(int)));
        Section(stream, "SEEN", seen, ref written);
        Section(stream, "POPU", MemoryMarshal.AsBytes(model.ItemPopularity), ref written);
        if (model.HasBiases)
        {
            Section(stream, "UBIA", MemoryMarshal.AsBytes(model.RawUserBiases.AsSpan()), ref written);
            Section(stream, "IBIA", MemoryMarshal.AsBytes(model.RawItemBiases.AsSpan()), ref written);
        }

        var optionalTags = new List<string>();
        if (model.RawSeenWeights is not null)
        {
            optionalTags.Add("SWGT");
        }

        if (model.Cooccurrence is not null)
        {
            optionalTags.Add("COOC");
        }

        if (optionalTags.Count > 0)
        {
            Section(stream, TableTag, Table(FormatVersion, hasOptional ? 2 : 1, optionalTags), ref written);
        }

        if (model.RawSeenWeights is { } seenWeights)
        {
            Section(stream, "SWGT", MemoryMarshal.AsBytes(seenWeights.AsSpan()), ref written);
        }

        if (model.Cooccurrence is { } cooccurrence)
        {
            Section(stream, "COOC", cooccurrence.ToBytes(), ref written);
        }

        Span<byte> end = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(end, (ulong)written);
        Section(stream, "END!", end, ref written);
    }

    /// <summary>Loads a model.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">The file is not a model file, is of a newer format, is truncated or is corrupted.</exception>
    public static FactorModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(!Directory.Exists(path) ? $"The model file '{path}' does not exist."
                : Directory.Exists(Path.Combine(path, "userFactors")) && Directory.Exists(Path.Combine(path, "itemFactors"))
                    ? $"The model file '{path}' is the folder of a Spark ALS model (userFactors, itemFactors); turn it into a model file with "
                        + "'personalize import-spark --model-dir' (SparkAlsImporter.ImportAsync) and give that file."
                    : $"The model file '{path}' is a folder; give the path of the model file (such as model.pzm) in it.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    /// <summary>Reads a model from a stream.</summary>
    /// <param name="stream">A readable stream positioned at the start of the model; it is not closed.</param>
    /// <param name="sourceName">The name of the source for error messages, such as the file path.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelFormatException">The data is not a model, is of a newer format, is truncated or is corrupted.</exception>
    public static FactorModel Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        var reader = new ModelSectionReader(stream, sourceName);
        Span<byte> prefix = stackalloc byte[12];
        int got = reader.ReadAtMost(prefix);
        if (got < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ModelFormatException(sourceName, null, got == 0
                ? "the file is empty; expected a Personalize.Core model."
                : "the file does not start with the Personalize.Core model signature; it is not a model file (or was damaged by a text-mode transfer).");
        }

        if (got < prefix.Length)
        {
            throw new ModelFormatException(sourceName, null, "the file is truncated inside its header.");
        }

        int version = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        int readableBy = BinaryPrimitives.ReadUInt16LittleEndian(prefix[10..]);
        if (version < 1 || readableBy < 1 || readableBy > version)
        {
            throw new ModelFormatException(sourceName, null,
                $"the header says format version {version}, readable by version {readableBy}; expected both at least 1 and the second no more than the first. The file is corrupted.");
        }

        if (readableBy > FormatVersion)
        {
            throw new ModelFormatException(sourceName, null,
                $"the file is in model format version {version}, which needs a reader of version {readableBy} or later; this library reads version {FormatVersion}. Upgrade Personalize.Core.");
        }

        byte[] head = reader.Section("HEAD", 1 << 20);
        Head h = ParseHead(head, sourceName);
        string[] userIds = ParseStrings(reader.Section("USER", long.MaxValue), h.Users, "USER", sourceName);
        string[] itemIds = ParseStrings(reader.Section("ITEM", long.MaxValue), h.Items, "ITEM", sourceName);
        float[] userFactors = reader.FloatSection("UFAC", (long)h.Users * h.Factors);
        ArraySegment<float> itemFactors = reader.AlignedFloatSection("IFAC", (long)h.Items * h.Factors);
        int[] seenAll = reader.IntSection("SEEN", h.Users + 1L + h.Seen);
        int[] offsets = seenAll[..(h.Users + 1)];
        int[] seenItems = seenAll[(h.Users + 1)..];
        CheckSeen(offsets, seenItems, h.Items, sourceName);
        float[] popularity = reader.FloatSection("POPU", h.Items);
        int badPopularity = Array.FindIndex(popularity, p => !(p >= 0) || !float.IsFinite(p));
        if (badPopularity >= 0)
        {
            throw new ModelFormatException(sourceName, "POPU", string.Create(CultureInfo.InvariantCulture,
                $"item {badPopularity}'s popularity is {popularity[badPopularity]}; expected a finite count, 0 or more. The file is corrupted."));
        }
        float[]? userBiases = null, itemBiases = null;
        if (h.HasBiases)
        {
            userBiases = reader.FloatSection("UBIA", h.Users);
            itemBiases = reader.FloatSection("IBIA", h.Items);
        }

        float[]? seenWeights = null;
        CooccurrenceIndex? cooccurrence = null;
        var optional = new HashSet<string>(StringComparer.Ordinal);

        // From version 3 on, the optional sections are listed first (TAGS), under a checksum: a damaged tag is then told from a later
        // version's section. Files of versions 1 and 2 have no list and keep their rules.
        HashSet<string>? listed = null;
        bool tableRequired = version >= TableVersion && readableBy >= 2;
        while (true)
        {
            long sectionStart = reader.Position;
            (string tag, long length) = reader.BeginAny("END!");
            if (tag != "END!" && (readableBy < 2 || !IsOptionalTag(tag)))
            {
                throw new ModelFormatException(sourceName, "END!", $"expected section 'END!' but found '{ModelSectionReader.Printable(tag)}'; the file is corrupted.");
            }

            if (tag == TableTag && optional.Count == 0 && listed is null && version >= TableVersion)
            {
                listed = ParseTable(reader.Payload(tag, length, 4 + 4 + 4L * 256), version, readableBy, sourceName);
                continue;
            }

            if (tableRequired && listed is null)
            {
                throw new ModelFormatException(sourceName, TableTag, tag == "END!"
                    ? "the file says it has optional sections (readable by version 2 or later) but has no section table; the file is corrupted."
                    : $"expected the section table 'TAGS' before the optional sections but found '{ModelSectionReader.Printable(tag)}'; the file is corrupted.");
            }

            if (tag == "END!")
            {
                if (listed is not null && listed.FirstOrDefault(t => !optional.Contains(t)) is { } missing)
                {
                    throw new ModelFormatException(sourceName, missing, "the section table lists this section but the file does not have it; the file is corrupted.");
                }

                byte[] end = reader.Payload(tag, length, 8);
                if (end.Length != 8 || BinaryPrimitives.ReadUInt64LittleEndian(end) != (ulong)sectionStart)
                {
                    throw new ModelFormatException(sourceName, "END!", "the end marker does not match the file's length.");
                }

                break;
            }

            if (!optional.Add(tag))
            {
                throw new ModelFormatException(sourceName, tag, "the section appears twice; the file is corrupted.");
            }

            if (listed is not null && !listed.Contains(tag))
            {
                throw new ModelFormatException(sourceName, tag,
                    $"the section '{tag}' is not in the file's section table ({string.Join(", ", listed)}); its tag is damaged or the file is corrupted.");
            }

            if (tag == TableTag)
            {
                throw new ModelFormatException(sourceName, tag, $"a section table in a file of format version {version}, which has none, or a second one; the file is corrupted.");
            }

            switch (tag)
            {
                case "SWGT":
                    seenWeights = reader.FloatPayload(tag, length, h.Seen);
                    break;
                case "COOC":
                    cooccurrence = CooccurrenceIndex.FromBytes(reader.Payload(tag, length, long.MaxValue), h.Items, sourceName);
                    break;
                default:
                    reader.Payload(tag, length, long.MaxValue);   // a later version's optional section: checked, then skipped
                    break;
            }
        }

        if (reader.ReadAtMost(stackalloc byte[1]) != 0)
        {
            throw new ModelFormatException(sourceName, null, "there is data after the end marker; the file was appended to or is not one model.");
        }

        IdMap users, items;
        try
        {
            users = IdMap.FromIds(userIds);
            items = IdMap.FromIds(itemIds);
        }
        catch (ArgumentException exception)
        {
            throw new ModelFormatException(sourceName, "USER/ITEM", exception.Message);
        }

        try
        {
            ThrowIfPropertiesDoNotFit(h.Properties, h.Kind, h.Factors, h.HasBiases);
            return new FactorModel(h.Kind, users, items, h.Factors, userFactors, itemFactors, offsets, seenItems, popularity, h.Properties,
                h.GlobalBias, userBiases, itemBiases, seenWeights, cooccurrence);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidDataException)
        {
            throw new ModelFormatException(sourceName, "HEAD", exception.Message);
        }
    }

    private static byte[] Table(int version, int readableBy, List<string> tags)
    {
        var table = new byte[8 + (4 * tags.Count)];
        BinaryPrimitives.WriteUInt16LittleEndian(table, (ushort)version);
        BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(2), (ushort)readableBy);
        BinaryPrimitives.WriteInt32LittleEndian(table.AsSpan(4), tags.Count);
        for (int i = 0; i < tags.Count; i++)
        {
            Encoding.ASCII.GetBytes(tags[i], table.AsSpan(8 + (4 * i), 4));
        }

        return table;
    }

    private static HashSet<string> ParseTable(byte[] table, int version, int readableBy, string sourceName)
    {
        if (table.Length < 8)
        {
            throw new ModelFormatException(sourceName, TableTag, $"the section table has {table.Length} bytes; expected at least 8.");
        }

        int tableVersion = BinaryPrimitives.ReadUInt16LittleEndian(table);
        int tableReadableBy = BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(2));
        if (tableVersion != version || tableReadableBy != readableBy)
        {
            throw new ModelFormatException(sourceName, TableTag,
                $"the file's header says format version {version}, readable by {readableBy}, but its section table says {tableVersion}, readable by {tableReadableBy}; the header is damaged.");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan(4));
        if (count < 1 || table.Length != 8 + (4L * count))
        {
            throw new ModelFormatException(sourceName, TableTag, $"the section table lists {count} sections in {table.Length} bytes; expected 8 bytes and 4 per section, and at least one.");
        }

        var tags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string tag = Encoding.ASCII.GetString(table, 8 + (4 * i), 4);
            if (!IsOptionalTag(tag) || tag is TableTag or "END!" || !tags.Add(tag))
            {
                throw new ModelFormatException(sourceName, TableTag, $"the section table lists '{ModelSectionReader.Printable(tag)}', which is not a valid optional section or is listed twice.");
            }
        }

        return tags;
    }

    private static void Section(Stream stream, string tag, ReadOnlySpan<byte> payload, ref long written)
    {
        Span<byte> header = stackalloc byte[12];
        Encoding.ASCII.GetBytes(tag, header);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], (ulong)payload.Length);
        stream.Write(header);
        stream.Write(payload);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(payload));
        stream.Write(checksum);
        written += header.Length + payload.Length + checksum.Length;
    }

    private static byte[] Strings(string[] values)
    {
        var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            foreach (string value in values)
            {
                writer.Write(value);
            }
        }

        return buffer.ToArray();
    }

    private static string[] ParseStrings(byte[] payload, int count, string tag, string sourceName)
    {
        // Each id takes at least one byte (its length prefix); check before allocating, so a bad count cannot exhaust memory.
        if (count > payload.Length)
        {
            throw new ModelFormatException(sourceName, tag, $"the header announces {count} ids, but the section's {payload.Length} bytes cannot hold that many.");
        }

        var result = new string[count];
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));
        try
        {
            for (int i = 0; i < count; i++)
            {
                result[i] = reader.ReadString();
            }
        }
        catch (Exception exception) when (exception is EndOfStreamException or IOException or DecoderFallbackException or FormatException)
        {
            throw new ModelFormatException(sourceName, tag, $"expected {count} ids, but the section ends or is malformed after {result.Count(s => s is not null)}.");
        }

        if (reader.BaseStream.Position != payload.Length)
        {
            throw new ModelFormatException(sourceName, tag, $"the section holds more than the {count} ids the header announces.");
        }

        return result;
    }

    private static Head ParseHead(byte[] payload, string sourceName)
    {
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));
        try
        {
            var kind = (FactorModelKind)reader.ReadByte();
            int users = reader.ReadInt32(), items = reader.ReadInt32(), factors = reader.ReadInt32(), seen = reader.ReadInt32();
            float globalBias = reader.ReadSingle();
            byte hasBiases = reader.ReadByte();
            int propertyCount = reader.ReadInt32();
            if (!Enum.IsDefined(kind) || users < 0 || items < 0 || factors is < 1 or > 1_000_000 || seen < 0 || hasBiases > 1
                || propertyCount is < 0 or > 10_000 || !float.IsFinite(globalBias))
            {
                throw new ModelFormatException(sourceName, "HEAD",
                    $"the header's values are out of range (kind {(int)kind}, {users} users, {items} items, {factors} factors, {seen} seen entries).");
            }

            var properties = new Dictionary<string, string>(propertyCount, StringComparer.Ordinal);
            for (int i = 0; i < propertyCount; i++)
            {
                properties[reader.ReadString()] = reader.ReadString();
            }

            if (reader.BaseStream.Position != payload.Length)
            {
                throw new ModelFormatException(sourceName, "HEAD", "the header is longer than its fields.");
            }

            return new Head(kind, users, items, factors, seen, globalBias, hasBiases == 1, properties);
        }
        catch (Exception exception) when (exception is EndOfStreamException or DecoderFallbackException or FormatException or IOException)
        {
            throw new ModelFormatException(sourceName, "HEAD", "the header ends before its fields do.");
        }
    }

    private static void CheckSeen(int[] offsets, int[] items, int itemCount, string sourceName)
    {
        if (offsets[0] != 0 || offsets[^1] != items.Length)
        {
            throw new ModelFormatException(sourceName, "SEEN", "the seen-item offsets do not span the seen items.");
        }

        for (int u = 0; u + 1 < offsets.Length; u++)
        {
            if (offsets[u + 1] < offsets[u])
            {
                throw new ModelFormatException(sourceName, "SEEN", $"the seen-item offsets decrease at user index {u}.");
            }

            for (int e = offsets[u]; e < offsets[u + 1]; e++)
            {
                if ((uint)items[e] >= (uint)itemCount || (e > offsets[u] && items[e] <= items[e - 1]))
                {
                    throw new ModelFormatException(sourceName, "SEEN", $"user index {u} has an invalid or unsorted seen item index {items[e]}.");
                }
            }
        }
    }

    private static bool IsOptionalTag(string tag)
    {
        foreach (char c in tag)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                return false;
            }
        }

        return tag.Length == 4;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record Head(FactorModelKind Kind, int Users, int Items, int Factors, int Seen, float GlobalBias, bool HasBiases,
        Dictionary<string, string> Properties);
}
