using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Personalize.Core.Models;

/// <summary>
/// Reads the sections of a model file in order (see <see cref="ModelFile"/> for the format), checking tags, lengths and checksums; every
/// failed check raises <see cref="ModelFormatException"/> naming the source and the section.
/// </summary>
/// <param name="stream">The stream, positioned where <see cref="Position"/> is 0.</param>
/// <param name="sourceName">The source's name for error messages, such as the file path.</param>
internal sealed class ModelSectionReader(Stream stream, string sourceName)
{
    /// <summary>Gets how many bytes have been read.</summary>
    public long Position { get; private set; }

    /// <summary>Fills the buffer as far as the stream allows and returns how many bytes were read (fewer only at the end).</summary>
    public int ReadAtMost(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        Position += total;
        return total;
    }

    private void ReadExactly(Span<byte> buffer, string tag, string what)
    {
        if (ReadAtMost(buffer) != buffer.Length)
        {
            throw new ModelFormatException(sourceName, tag, $"the file is truncated inside the {what}.");
        }
    }

    /// <summary>Reads the next section's header, whatever its tag; <paramref name="expected"/> names the section in errors.</summary>
    public (string Tag, long Length) BeginAny(string expected)
    {
        Span<byte> header = stackalloc byte[12];
        int got = ReadAtMost(header);
        if (got == 0)
        {
            throw new ModelFormatException(sourceName, expected, "the file is truncated: the section is missing.");
        }

        if (got < header.Length)
        {
            throw new ModelFormatException(sourceName, expected, "the file is truncated inside the section header.");
        }

        string tag = Encoding.ASCII.GetString(header[..4]);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header[4..]);
        if (length > (ulong)long.MaxValue || (stream.CanSeek && length > (ulong)Math.Max(0, stream.Length - stream.Position)))
        {
            throw new ModelFormatException(sourceName, tag == expected ? tag : expected,
                $"the section claims {length} bytes, more than the file holds; the file is truncated or corrupted.");
        }

        return (tag, (long)length);
    }

    /// <summary>Reads a section's payload and checksum after <see cref="BeginAny"/>.</summary>
    public byte[] Payload(string tag, long length, long maxLength)
    {
        if (length > maxLength)
        {
            throw new ModelFormatException(sourceName, tag, $"the section claims {length} bytes, more than the header allows; the file is corrupted.");
        }

        byte[] payload = ReadPayload(tag, length);
        Finish(tag, payload);
        return payload;
    }

    /// <summary>Reads a section of <paramref name="count"/> finite float32 values after <see cref="BeginAny"/>.</summary>
    public float[] FloatPayload(string tag, long length, long count)
    {
        float[] values = Values<float>(tag, length, count);
        CheckFinite(tag, values);
        return values;
    }

    /// <summary>
    /// Reads the next section, which must be <paramref name="tag"/>, as exactly <paramref name="count"/> finite float32 values into
    /// memory that starts on a cache line (<see cref="Internal.AlignedFloats"/>), for a table that is scanned end to end.
    /// </summary>
    public ArraySegment<float> AlignedFloatSection(string tag, long count)
    {
        long length = Begin(tag, count * sizeof(float));
        CheckLength<float>(tag, length, count);
        ArraySegment<float> values = Internal.AlignedFloats.Allocate(count);
        Fill<float>(tag, values);
        CheckFinite(tag, values);
        return values;
    }

    private void CheckFinite(string tag, ReadOnlySpan<float> values)
    {
        if (ModelFile.FirstNotFinite(values) >= 0)
        {
            throw new ModelFormatException(sourceName, tag, "the section holds a value that is not a finite number.");
        }
    }

    private void CheckLength<T>(string tag, long length, long count)
        where T : unmanaged
    {
        long expected = count * Unsafe.SizeOf<T>();
        if (length != expected)
        {
            throw new ModelFormatException(sourceName, tag, $"expected {expected} bytes ({count} numbers) but the section has {length}.");
        }
    }

    /// <summary>Reads <paramref name="count"/> fixed-size values that fill a section of <paramref name="length"/> bytes.</summary>
    private T[] Values<T>(string tag, long length, long count)
        where T : unmanaged
    {
        CheckLength<T>(tag, length, count);
        var values = new T[count];
        Fill<T>(tag, values);
        return values;
    }

    /// <summary>Reads the section's data into <paramref name="values"/> (the whole section, its length already checked), then its
    /// checksum.</summary>
    private void Fill<T>(string tag, Span<T> values)
        where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(values);
        ReadExactly(bytes, tag, "section data");
        Finish(tag, bytes);
    }

    private long Begin(string tag, long maxLength)
    {
        Span<byte> header = stackalloc byte[12];
        int got = ReadAtMost(header);
        if (got == 0)
        {
            throw new ModelFormatException(sourceName, tag, "the file is truncated: the section is missing.");
        }

        if (got < header.Length)
        {
            throw new ModelFormatException(sourceName, tag, "the file is truncated inside the section header.");
        }

        string found = Encoding.ASCII.GetString(header[..4]);
        if (found != tag)
        {
            throw new ModelFormatException(sourceName, tag, $"expected section '{tag}' but found '{Printable(found)}'; the file is corrupted.");
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header[4..]);
        if (length > (ulong)maxLength || (stream.CanSeek && length > (ulong)Math.Max(0, stream.Length - stream.Position)))
        {
            throw new ModelFormatException(sourceName, tag, $"the section claims {length} bytes, more than the file holds or the header allows; the file is truncated or corrupted.");
        }

        return (long)length;
    }

    private void Finish(string tag, ReadOnlySpan<byte> payload)
    {
        Span<byte> checksum = stackalloc byte[8];
        ReadExactly(checksum, tag, "checksum");
        if (BinaryPrimitives.ReadUInt64LittleEndian(checksum) != XxHash64.HashToUInt64(payload))
        {
            throw new ModelFormatException(sourceName, tag, "the checksum does not match the data; the file is corrupted.");
        }
    }

    /// <summary>Reads the next section, which must be <paramref name="tag"/>, of at most <paramref name="maxLength"/> bytes.</summary>
    public byte[] Section(string tag, long maxLength)
    {
        long length = Begin(tag, maxLength);
        byte[] payload = ReadPayload(tag, length);
        Finish(tag, payload);
        return payload;
    }

    private byte[] ReadPayload(string tag, long length)
    {
        if (length > Array.MaxLength)
        {
            throw new ModelFormatException(sourceName, tag, $"the section claims {length} bytes, more than a section can hold; the file is truncated or corrupted.");
        }

        if (stream.CanSeek)
        {
            // Begin has checked the length against the bytes left in the stream.
            var payload = new byte[length];
            ReadExactly(payload, tag, "section data");
            return payload;
        }

        // The stream's length is unknown, so a damaged length must not decide the allocation: grow the buffer as the data arrives.
        var buffer = new byte[(int)Math.Min(length, 1 << 16)];
        int filled = 0;
        while (true)
        {
            filled += ReadAtMost(buffer.AsSpan(filled));
            if (filled == length)
            {
                return buffer;
            }

            if (filled < buffer.Length)
            {
                throw new ModelFormatException(sourceName, tag, "the file is truncated inside the section data.");
            }

            Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
        }
    }

    /// <summary>Reads the next section, which must be <paramref name="tag"/>, as exactly <paramref name="count"/> finite float32 values.</summary>
    public float[] FloatSection(string tag, long count) => FloatPayload(tag, Begin(tag, count * sizeof(float)), count);

    /// <summary>Reads the next section, which must be <paramref name="tag"/>, as exactly <paramref name="count"/> int32 values.</summary>
    public int[] IntSection(string tag, long count) => Values<int>(tag, Begin(tag, count * sizeof(int)), count);

    /// <summary>Returns the text with every character outside printable ASCII replaced by <c>?</c>, for error messages.</summary>
    public static string Printable(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return builder.ToString();
    }
}
