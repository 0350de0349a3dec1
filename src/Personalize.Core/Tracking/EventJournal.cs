using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Personalize.Core.Tracking;

/// <summary>
/// The append-only event journal of an <see cref="EventTracker"/>: a directory of segment files, each a header and then records, one per
/// accepted event, numbered by a sequence that runs on from segment to segment.
/// </summary>
/// <remarks>
/// <code>
/// *** Journal segment format, version 1 (all numbers little-endian) ***
/// file name        events-NNNNNNNNNNNNNNNNNNNN.journal, N = the sequence number of its first record, 20 digits
/// header, 24 bytes:
///   magic          8 bytes   0x89 'P' 'Z' 'J' '\r' '\n' 0x1A '\n'
///   version        uint16    1
///   reserved       uint16    0
///   first sequence int64     the sequence number of the segment's first record (the one in the file name)
///   checksum       uint32    CRC-32 of the 20 bytes before it
/// records, each:
///   length         uint32    payload bytes, from 18 to 1,048,576
///   payload        length bytes:
///     sequence     int64     the previous record's + 1 (the segment's first sequence for its first record)
///     kind         uint8     1 = event of a user, 2 = anonymous event, 3 = search
///     timestamp    int64     UTC ticks
///     kind 1: user id, item id, event type;  kind 2: item id, event type;  kind 3: user id, query
///                            (strings: UTF-8, 7-bit encoded length prefix; the tracker's own spelling of the item id and event type)
///   checksum       uint32    CRC-32 of the length field and the payload
/// </code>
/// <para>Durability: <see cref="Append"/> hands the record to the operating system with one positioned write, so the record survives the
/// process being killed once it returns; <see cref="WaitDurable"/> returns once it has been flushed to disk (fsync), sharing one flush
/// between all the records written so far (group commit). A segment is flushed and closed when the next one starts.</para>
/// <para>Reading (<see cref="Recover"/>) stops at the first record that fails a check: cut short, a length out of range, a bad checksum, a
/// sequence number out of order, a payload that does not decode exactly. That record and everything after it is the dropped tail: it is
/// cut off (so new records follow the last good one) and counted. Not thread-safe: the tracker's journal lock serializes
/// <see cref="Append"/> and <see cref="Rotate"/>; <see cref="WaitDurable"/> may run beside them.</para>
/// </remarks>
internal sealed class EventJournal : IDisposable
{
    public const int HeaderLength = 24;
    public const int MinPayload = 8 + 1 + 8 + 1;
    public const int MaxPayload = 1 << 20;
    private const ushort Version = 1;
    private const string Prefix = "events-";
    private const string Extension = ".journal";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'P', (byte)'Z', (byte)'J', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    private readonly string _directory;
    private readonly Lock _flushLock = new();
    private SafeFileHandle _handle;
    private long _position;
    private long _lastSequence;
    private long _durableSequence;
    private byte[] _buffer = new byte[512];
    private string? _failure;
    private bool _disposed;

    private EventJournal(string directory, SafeFileHandle handle, string path, long position, long lastSequence)
    {
        _directory = directory;
        _handle = handle;
        SegmentPath = path;
        _position = position;
        _lastSequence = lastSequence;
        _durableSequence = lastSequence;
    }

    /// <summary>The segment records are appended to.</summary>
    public string SegmentPath { get; private set; }

    /// <summary>The sequence number of the last record appended (or recovered); 0 before the first.</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>Opens the journal for appending after <see cref="Recover"/>: continues the segment recovery ended in when its records run
    /// up to <paramref name="lastSequence"/>, and starts a new segment otherwise.</summary>
    public static EventJournal OpenForAppend(string directory, JournalRecovery recovery, long lastSequence)
    {
        if (recovery.AppendPath is { } path && recovery.AppendNextSequence == lastSequence + 1)
        {
            SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            return new EventJournal(directory, handle, path, recovery.AppendOffset, lastSequence);
        }

        var (newPath, newHandle) = CreateSegment(directory, lastSequence + 1);
        return new EventJournal(directory, newHandle, newPath, HeaderLength, lastSequence);
    }

    /// <summary>Appends one record and hands it to the operating system; returns its sequence number.</summary>
    /// <exception cref="IOException">The write failed; the journal accepts no more records (a partial record may be on disk, which the next
    /// start-up drops as a damaged tail).</exception>
    public long Append(JournalRecordKind kind, long ticks, string? userId, string? itemIdOrQuery, string? eventType)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new IOException($"The event journal in '{_directory}' failed earlier and accepts no more events: {_failure} "
                + "Restart the tracker: it replays the journal up to the last whole record.");
        }

        long sequence = _lastSequence + 1;
        int length = Encode(sequence, kind, ticks, userId, itemIdOrQuery, eventType);
        try
        {
            RandomAccess.Write(_handle, _buffer.AsSpan(0, length), _position);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failure = $"writing record {sequence} to '{SegmentPath}' at offset {_position} failed: {e.Message}";
            throw new IOException($"The event journal could not be written: {_failure}", e);
        }

        _position += length;
        Volatile.Write(ref _lastSequence, sequence);
        return sequence;
    }

    /// <summary>Returns once every record up to <paramref name="sequence"/> is on disk: one flush covers all the records written before it,
    /// so concurrent callers share flushes.</summary>
    public void WaitDurable(long sequence)
    {
        if (Volatile.Read(ref _durableSequence) >= sequence)
        {
            return;
        }

        lock (_flushLock)
        {
            if (_durableSequence >= sequence || _disposed)
            {
                return;
            }

            long upTo = Volatile.Read(ref _lastSequence);
            try
            {
                RandomAccess.FlushToDisk(_handle);
            }
            catch (IOException e)
            {
                // Records up to upTo may not be on disk: as after a failed write, no more events are taken (a restart replays what is).
                Volatile.Write(ref _failure, $"flushing records up to {upTo} of '{SegmentPath}' to disk failed: {e.Message}");
                throw new IOException($"The event journal could not be flushed: {_failure}", e);
            }

            Volatile.Write(ref _durableSequence, upTo);
        }
    }

    /// <summary>Flushes every record written so far to disk (the group-commit timer's tick).</summary>
    public void Flush()
    {
        try
        {
            WaitDurable(Volatile.Read(ref _lastSequence));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The timer's flush is best effort: the next tick, Rotate or Dispose flushes again, and EveryRecord callers flush themselves.
        }
    }

    /// <summary>Flushes and closes the current segment and starts a new one at the next sequence number; returns the closed segments
    /// (every segment in the directory before the new one), which a snapshot at <see cref="LastSequence"/> makes obsolete.</summary>
    public IReadOnlyList<string> Rotate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_flushLock)
        {
            RandomAccess.FlushToDisk(_handle);
            _durableSequence = _lastSequence;
            var (path, handle) = CreateSegment(_directory, _lastSequence + 1);
            _handle.Dispose();
            _handle = handle;
            SegmentPath = path;
            _position = HeaderLength;
        }

        var closed = new List<string>();
        foreach (var (path, _) in ListSegments(_directory))
        {
            if (!string.Equals(path, SegmentPath, StringComparison.Ordinal))
            {
                closed.Add(path);
            }
        }

        return closed;
    }

    public void Dispose()
    {
        lock (_flushLock)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                if (_failure is null)
                {
                    RandomAccess.FlushToDisk(_handle);
                }
            }
            finally
            {
                _disposed = true;
                _handle.Dispose();
            }
        }
    }

    /// <summary>Reads the journal after a snapshot at <paramref name="snapshotSequence"/> (0 for none), applies every whole record after it
    /// in order, cuts off a damaged tail and deletes the segments the snapshot covers or that follow the damage.</summary>
    /// <exception cref="EventJournalException">A segment is not a journal file (wrong magic) or has a version this library cannot read.</exception>
    public static JournalRecovery Recover(string directory, long snapshotSequence, Action<JournalRecord> apply, CancellationToken cancellationToken)
    {
        List<(string Path, long First)> segments = ListSegments(directory);
        // Segments wholly covered by the snapshot (the next one starts at or before the record after it) are leftovers of a snapshot whose
        // clean-up did not finish: skip and delete them unread.
        int start = 0;
        while (start + 1 < segments.Count && segments[start + 1].First <= snapshotSequence + 1)
        {
            DeleteSegment(segments[start].Path);
            start++;
        }

        var recovery = new JournalRecovery { LastSequence = snapshotSequence };
        long expected = snapshotSequence + 1;
        var obsolete = new List<string>();
        (string Path, long Offset)? cut = null;
        for (int s = start; s < segments.Count; s++)
        {
            string path = segments[s].Path;
            string name = Path.GetFileName(path);
            byte[] bytes = File.ReadAllBytes(path);
            if (recovery.DroppedReason is not null)
            {
                CheckHeader(path, bytes);
                recovery.RecordsDropped += CountWholeRecords(bytes, HeaderLength, long.MinValue);
                recovery.BytesDropped += bytes.Length;
                obsolete.Add(path);
                continue;
            }

            string? headerProblem = CheckHeader(path, bytes);
            if (headerProblem is not null && bytes.Length <= HeaderLength && s + 1 < segments.Count && StartsLikeSegment(bytes))
            {
                // A segment whose creation failed part way (its header cut short, no record in it), with segments after it: the records
                // went on in the segment before it and then in the next one, so it is a leftover, not damage.
                obsolete.Add(path);
                continue;
            }

            long first = headerProblem is null ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12)) : 0;
            if (headerProblem is null && first != segments[s].First)
            {
                headerProblem = $"the header says the first record is {first}, the file name says {segments[s].First}";
            }
            else if (headerProblem is null && first > expected && snapshotSequence == 0 && s == start && recovery.RecordsReplayed == 0)
            {
                // No snapshot, and the journal starts after record 1: the snapshot that held the records before it was moved away, as
                // the message of a damaged snapshot advises to start from the journal alone. Replay what the journal holds.
                expected = first;
            }
            else if (headerProblem is null && first > expected)
            {
                headerProblem = $"the segment starts at record {first}, but record {expected} was expected (records {expected} to {first - 1} are missing)";
            }

            if (headerProblem is not null)
            {
                recovery.DroppedReason = $"{name}: offset 0: {headerProblem}";
                recovery.RecordsDropped += CountWholeRecords(bytes, HeaderLength, long.MinValue);
                recovery.BytesDropped += bytes.Length;
                obsolete.Add(path);
                continue;
            }

            long sequence = first;
            int offset = HeaderLength;
            while (offset < bytes.Length)
            {
                string? problem = TryRead(bytes, offset, sequence, out JournalRecord record, out int size);
                if (problem is not null)
                {
                    long dropped = 1 + CountWholeRecords(bytes, offset + 1, sequence);
                    recovery.DroppedReason = $"{name}: offset {offset}: record {sequence.ToString(CultureInfo.InvariantCulture)}: {problem}";
                    recovery.RecordsDropped += dropped;
                    recovery.BytesDropped += bytes.Length - offset;
                    cut = (path, offset);
                    break;
                }

                if (sequence >= expected)
                {
                    if ((recovery.RecordsReplayed & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    apply(record);
                    recovery.RecordsReplayed++;
                    recovery.LastSequence = sequence;
                    expected = sequence + 1;
                }

                sequence++;
                offset += size;
            }

            recovery.AppendPath = path;
            recovery.AppendOffset = offset;
            recovery.AppendNextSequence = sequence;
        }

        if (cut is { } damaged)
        {
            using SafeFileHandle handle = File.OpenHandle(damaged.Path, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.SetLength(handle, damaged.Offset);
            RandomAccess.FlushToDisk(handle);
        }

        foreach (string path in obsolete)
        {
            DeleteSegment(path);
        }

        if (recovery.DroppedReason is not null)
        {
            string records = recovery.RecordsDropped == 1 ? "record" : "records";
            recovery.DroppedReason += $"; the tail from there ({recovery.BytesDropped} bytes, {recovery.RecordsDropped} {records}) was dropped.";
        }

        return recovery;
    }

    /// <summary>Deletes a segment that a snapshot covers, unless the file does not start as a segment does (another program's file that
    /// only has the name of one: the journal never deletes what it did not write; recovery refuses it when it reads it).</summary>
    public static void DeleteSegment(string path)
    {
        Span<byte> start = stackalloc byte[8];
        int read;
        using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = RandomAccess.Read(handle, start, 0);
        }

        if (StartsLikeSegment(start[..read]))
        {
            File.Delete(path);
        }
    }

    /// <summary>Whether <paramref name="bytes"/> begin as a segment does: the magic, or the part of it a cut-short write left (nothing, at
    /// the least).</summary>
    private static bool StartsLikeSegment(ReadOnlySpan<byte> bytes) => bytes[..Math.Min(bytes.Length, 8)].SequenceEqual(Magic[..Math.Min(bytes.Length, 8)]);

    /// <summary>The segments of a directory, by their first sequence number (from the file name); other files are ignored.</summary>
    public static List<(string Path, long First)> ListSegments(string directory)
    {
        var segments = new List<(string, long)>();
        foreach (string path in Directory.EnumerateFiles(directory, Prefix + "*" + Extension))
        {
            string name = Path.GetFileName(path);
            ReadOnlySpan<char> digits = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Extension.Length);
            if (digits.Length == 20 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long first))
            {
                segments.Add((path, first));
            }
        }

        segments.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return segments;
    }

    /// <summary>Checks a segment's header; returns what is wrong with a header that is cut short, zeroed or fails its checksum (a torn
    /// segment start, dropped like a torn record), or null when it is good.</summary>
    /// <exception cref="EventJournalException">The file has another magic (it is not a journal: never cut or deleted) or a newer version.</exception>
    private static string? CheckHeader(string path, byte[] bytes)
    {
        if (bytes.Length < HeaderLength)
        {
            return $"the segment header is cut short ({bytes.Length} of {HeaderLength} bytes)";
        }

        ReadOnlySpan<byte> header = bytes.AsSpan(0, HeaderLength);
        if (!header[..8].SequenceEqual(Magic))
        {
            if (!header.ContainsAnyExcept((byte)0))
            {
                return "the segment header is all zeros (a segment whose start was never written)";
            }

            throw new EventJournalException(path, 0,
                $"{path}: offset 0: expected the event journal magic 89 50 5A 4A 0D 0A 1A 0A, found {Convert.ToHexString(header[..8])}: "
                + "this is not an event journal segment. Move it out of the journal directory.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != Version)
        {
            throw new EventJournalException(path, 8,
                $"{path}: offset 8: the journal segment has format version {version}; this library reads version {Version}. "
                + "Use the library version that wrote it.");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        uint computed = Crc32.HashToUInt32(header[..20]);
        return stored == computed ? null : $"the segment header's checksum is {stored:X8}, expected {computed:X8}";
    }

    /// <summary>Checks and decodes the record at <paramref name="offset"/>; returns what is wrong with it, or null.</summary>
    /// <param name="bytes">The segment.</param>
    /// <param name="offset">Where the record starts.</param>
    /// <param name="expectedSequence">The sequence number it must have; <see cref="long.MinValue"/> for any.</param>
    /// <param name="record">The record, when it is good.</param>
    /// <param name="size">The bytes it takes, when it is good.</param>
    internal static string? TryRead(ReadOnlySpan<byte> bytes, int offset, long expectedSequence, out JournalRecord record, out int size)
    {
        record = default;
        size = 0;
        int left = bytes.Length - offset;
        if (left < 4)
        {
            return $"cut short: a 4-byte record length was expected, {left} bytes are left";
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
        if (length < MinPayload || length > MaxPayload)
        {
            return $"the record length is {length}, expected {MinPayload} to {MaxPayload} bytes";
        }

        if (left < 8 + (long)length)
        {
            return $"cut short: a record of {length} payload bytes needs {8 + length} bytes, {left} are left";
        }

        ReadOnlySpan<byte> framed = bytes.Slice(offset, 4 + (int)length);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 4 + (int)length)..]);
        uint computed = Crc32.HashToUInt32(framed);
        if (stored != computed)
        {
            return $"the record checksum is {stored:X8}, expected {computed:X8}";
        }

        string? problem = Decode(framed[4..], expectedSequence, out record);
        if (problem is null)
        {
            size = 8 + (int)length;
        }

        return problem;
    }

    /// <summary>Counts the whole records (good checksum, decodable, sequence after <paramref name="after"/>) found from
    /// <paramref name="from"/> on, resynchronizing byte by byte past damage: how many records a dropped tail held.</summary>
    private static long CountWholeRecords(byte[] bytes, int from, long after)
    {
        long count = 0;
        int offset = from;
        while (offset <= bytes.Length - (8 + MinPayload))
        {
            if (TryRead(bytes, offset, long.MinValue, out JournalRecord record, out int size) is null && record.Sequence > after)
            {
                count++;
                after = record.Sequence;
                offset += size;
            }
            else
            {
                offset++;
            }
        }

        return count;
    }

    private static string? Decode(ReadOnlySpan<byte> payload, long expectedSequence, out JournalRecord record)
    {
        record = default;
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(payload);
        if (expectedSequence != long.MinValue && sequence != expectedSequence)
        {
            return $"the sequence number is {sequence}, expected {expectedSequence}";
        }

        var kind = (JournalRecordKind)payload[8];
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(payload[9..]);
        if (ticks <= 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return $"the timestamp is {ticks} ticks, expected 1 to {DateTimeOffset.MaxValue.UtcTicks}";
        }

        int at = 17;
        string? first = null, second = null, third = null;
        string? problem = kind switch
        {
            JournalRecordKind.Event => ReadString(payload, ref at, out first) ?? ReadString(payload, ref at, out second) ?? ReadString(payload, ref at, out third),
            JournalRecordKind.Anonymous => ReadString(payload, ref at, out second) ?? ReadString(payload, ref at, out third),
            JournalRecordKind.Search => ReadString(payload, ref at, out first) ?? ReadString(payload, ref at, out second),
            _ => $"the record kind is {(byte)kind}, expected 1 (event), 2 (anonymous event) or 3 (search)",
        };
        if (problem is not null)
        {
            return problem;
        }

        if (at != payload.Length)
        {
            return $"the payload has {payload.Length - at} bytes after its last field, expected none";
        }

        record = new JournalRecord(sequence, kind, ticks, first, second, third);
        return null;
    }

    private static string? ReadString(ReadOnlySpan<byte> payload, ref int at, out string? value)
    {
        value = null;
        int length = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (at >= payload.Length || shift > 28)
            {
                return "a string length runs past the payload";
            }

            byte b = payload[at++];
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (length < 0 || length > payload.Length - at)   // 0: an empty item id, which an IdMap may hold and Track accepts
        {
            return $"a string of {length} bytes does not fit the payload ({payload.Length - at} bytes left)";
        }

        try
        {
            value = StrictUtf8.GetString(payload.Slice(at, length));
        }
        catch (DecoderFallbackException)
        {
            return "a string is not valid UTF-8";
        }

        at += length;
        return null;
    }

    private int Encode(long sequence, JournalRecordKind kind, long ticks, string? first, string? second, string? third)
    {
        int most = 4 + 17 + 4 + (3 * 5) + StrictUtf8.GetMaxByteCount((first?.Length ?? 0) + (second?.Length ?? 0) + (third?.Length ?? 0));
        if (_buffer.Length < most)
        {
            _buffer = new byte[Math.Max(most, _buffer.Length * 2)];
        }

        Span<byte> buffer = _buffer;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[4..], sequence);
        buffer[12] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[13..], ticks);
        int at = 21;
        if (kind != JournalRecordKind.Anonymous)
        {
            WriteString(buffer, ref at, first!);
        }

        WriteString(buffer, ref at, second!);
        if (kind != JournalRecordKind.Search)
        {
            WriteString(buffer, ref at, third!);
        }

        int length = at - 4;
        if (length > MaxPayload)
        {
            throw new ArgumentException($"The event's record would be {length} bytes, more than the journal's limit of {MaxPayload}.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], Crc32.HashToUInt32(buffer[..at]));
        return at + 4;
    }

    private static void WriteString(Span<byte> buffer, ref int at, string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        uint rest = (uint)bytes;
        while (rest >= 0x80)
        {
            buffer[at++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        buffer[at++] = (byte)rest;
        at += Encoding.UTF8.GetBytes(value, buffer[at..]);
    }

    private static (string Path, SafeFileHandle Handle) CreateSegment(string directory, long first)
    {
        string path = Path.Combine(directory, Prefix + first.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], first);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], Crc32.HashToUInt32(header[..20]));
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
        }
        catch
        {
            handle.Dispose();
            // A segment without its header would read as damage at the next start, ending recovery there: the segments after it,
            // made once the disk had room again, would be dropped with the events they hold.
            try
            {
                File.Delete(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Left behind; recovery skips a segment that holds no record and is not the last.
            }

            throw;
        }

        return (path, handle);
    }
}

/// <summary>What a journal record holds.</summary>
internal enum JournalRecordKind : byte
{
    /// <summary><see cref="EventTracker.Track"/>.</summary>
    Event = 1,

    /// <summary><see cref="EventTracker.TrackAnonymous"/>.</summary>
    Anonymous = 2,

    /// <summary><see cref="EventTracker.TrackSearch"/>.</summary>
    Search = 3,
}

/// <summary>One decoded journal record.</summary>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Ticks">The event's UTC ticks.</param>
/// <param name="UserId">The user (events and searches).</param>
/// <param name="ItemIdOrQuery">The item id (events) or the normalized query (searches).</param>
/// <param name="EventType">The event type (events).</param>
internal readonly record struct JournalRecord(long Sequence, JournalRecordKind Kind, long Ticks, string? UserId, string? ItemIdOrQuery, string? EventType);

/// <summary>What <see cref="EventJournal.Recover"/> found.</summary>
internal sealed class JournalRecovery
{
    public long LastSequence { get; set; }

    public long RecordsReplayed { get; set; }

    public long RecordsDropped { get; set; }

    public long BytesDropped { get; set; }

    public string? DroppedReason { get; set; }

    /// <summary>The last segment with a good header, to append to; null when there is none.</summary>
    public string? AppendPath { get; set; }

    public long AppendOffset { get; set; }

    /// <summary>The sequence number the next record of <see cref="AppendPath"/> would have.</summary>
    public long AppendNextSequence { get; set; }
}
