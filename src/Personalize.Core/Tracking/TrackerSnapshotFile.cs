using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Personalize.Core.Tracking;

/// <summary>The snapshot file of an event journal: the tracker's whole state as of one journal record.</summary>
/// <remarks>
/// <code>
/// *** Tracker snapshot format, version 1 (all numbers little-endian) ***
/// magic            8 bytes   0x89 'P' 'Z' 'S' '\r' '\n' 0x1A '\n'
/// version          uint16    1
/// reserved         uint16    0
/// sequence         int64     the last journal record the state includes
/// payload length   int64
/// payload          the state (see EventTracker.Snapshot.cs: options that shape it, counters, item and category tables,
///                  trending counters, repeat statistics, then each user)
/// checksum         uint64    XxHash64 of every byte before it
/// </code>
/// Written to <c>tracker.snapshot.tmp</c>, flushed to disk, then renamed over <c>tracker.snapshot</c>, so a crash leaves the old
/// snapshot or the new one, never a half file under the name. A snapshot that fails a check raises <see cref="EventJournalException"/>:
/// unlike the journal's tail it cannot be torn, so damage there is not dropped silently.
/// </remarks>
internal static class TrackerSnapshotFile
{
    public const string FileName = "tracker.snapshot";
    private const int HeaderLength = 28;
    private const ushort Version = 1;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'P', (byte)'Z', (byte)'S', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    /// <summary>Writes a snapshot atomically: a temporary file, flushed to disk, renamed over the old one.</summary>
    public static void Write(string directory, long sequence, ReadOnlySpan<byte> payload)
    {
        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], payload.Length);
        var hash = new XxHash64();
        hash.Append(header);
        hash.Append(payload);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, hash.GetCurrentHashAsUInt64());
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
            {
                RandomAccess.Write(handle, header, 0);
                RandomAccess.Write(handle, payload, HeaderLength);
                RandomAccess.Write(handle, checksum, HeaderLength + payload.Length);
                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temporary, path, overwrite: true);
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

    /// <summary>Reads the snapshot of a directory, or returns null when there is none.</summary>
    /// <exception cref="EventJournalException">The snapshot fails a check (the message says which, and where).</exception>
    public static (long Sequence, byte[] Payload)? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderLength + 8)
        {
            throw Damaged(path, bytes.Length, $"the file is cut short: {bytes.Length} bytes, expected at least {HeaderLength + 8}");
        }

        if (!bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw Damaged(path, 0, $"expected the snapshot magic 89 50 5A 53 0D 0A 1A 0A, found {Convert.ToHexString(bytes, 0, 8)}");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        if (version != Version)
        {
            throw new EventJournalException(path, 8,
                $"{path}: offset 8: the snapshot has format version {version}; this library reads version {Version}. Use the library version that wrote it.");
        }

        long sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(20));
        if (length < 0 || length != bytes.Length - HeaderLength - 8)
        {
            throw Damaged(path, 20, $"the payload length is {length}, but the file holds {bytes.Length - HeaderLength - 8} payload bytes");
        }

        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8));
        ulong computed = XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8));
        if (stored != computed)
        {
            throw Damaged(path, bytes.Length - 8, $"the checksum is {stored:X16}, expected {computed:X16}");
        }

        return (sequence, bytes[HeaderLength..^8]);
    }

    /// <summary>The exception for a snapshot that fails a check.</summary>
    public static EventJournalException Damaged(string path, long offset, string problem) =>
        new(path, offset, $"{path}: offset {offset}: {problem}. The snapshot is damaged; restore it from a backup, or move it away to "
            + "start from the journal alone (which holds only the records since this snapshot).");
}
