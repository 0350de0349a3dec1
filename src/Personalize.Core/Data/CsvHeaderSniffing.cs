namespace Personalize.Core.Data;

/// <summary>
/// Decides the delimiter of a CSV from its header line alone, so that no data row can change how the header is split.
/// </summary>
internal static class CsvHeaderSniffing
{
    /// <summary>How much of the input is looked at for the header line.</summary>
    internal const int PeekLimit = 1 << 16;

    private static ReadOnlySpan<byte> Candidates => ",;\t|"u8;

    /// <summary>How many fields of a header line are numbers: a header of names has none, so a count above 0 says the first line is
    /// a row of data (MovieLens' <c>196,242,3,881250949</c>, an Amazon <c>A2IBPI20UZIR0U,B000000003,5.0,1444884746</c>) read as a header.</summary>
    internal static int CountNumbers(IEnumerable<string> headers) =>
        headers.Count(h => double.TryParse(h, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));

    /// <summary>
    /// The delimiter of the first non-empty line of <paramref name="start"/> (after a UTF-8 byte order mark): the candidate among
    /// <c>,</c> <c>;</c> tab and <c>|</c> that occurs most often outside quotes, the earlier of them on a tie, and <c>,</c> when none
    /// occurs. <see langword="null"/> when the line is an Excel <c>sep=</c> hint, which the CSV reader then applies itself, or when
    /// <paramref name="start"/> holds no line.
    /// </summary>
    internal static char? Detect(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))   // "\xEF\xBB\xBF"u8 would be the UTF-8 of three characters, six bytes
        {
            start = start[3..];
        }

        while (!start.IsEmpty && (start[0] == (byte)'\n' || start[0] == (byte)'\r'))
        {
            start = start[1..];
        }

        if (start.IsEmpty)
        {
            return null;
        }

        int end = start.IndexOfAny((byte)'\n', (byte)'\r');
        ReadOnlySpan<byte> line = end < 0 ? start : start[..end];
        if (line.StartsWith("sep="u8) && line.Length <= 5)
        {
            return null;
        }

        Span<int> counts = stackalloc int[Candidates.Length];
        bool quoted = false;
        foreach (byte b in line)
        {
            if (b == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (!quoted && Candidates.IndexOf(b) is var c && c >= 0)
            {
                counts[c]++;
            }
        }

        int best = 0;
        for (int c = 1; c < counts.Length; c++)
        {
            if (counts[c] > counts[best])
            {
                best = c;
            }
        }

        return (char)Candidates[best];
    }

    /// <summary>Reads up to <see cref="PeekLimit"/> bytes (or to the end of the first non-empty line, if sooner) from a stream.</summary>
    internal static byte[] Peek(Stream stream)
    {
        var buffer = new byte[PeekLimit];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = stream.Read(buffer, length, Math.Min(4096, buffer.Length - length));
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).TrimStart((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF, (byte)'\r', (byte)'\n']).IndexOf((byte)'\n') >= 0)
            {
                break;
            }
        }

        return buffer[..length];
    }

    /// <summary>
    /// Why a file cannot be read as CSV text, from its first bytes, or <see langword="null"/>: a compressed file or a workbook (its
    /// bytes would be taken for a header of strange column names), or UTF-16 without a byte order mark (every other byte zero).
    /// </summary>
    internal static string? Unreadable(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return "the file is gzip-compressed; decompress it first (gunzip, or give the data through a pipe: --input <(zcat file.csv.gz)).";
        }

        if (head.StartsWith("PK\x03\x04"u8))
        {
            return "the file is a zip archive (or an .xlsx workbook); extract the CSV, or save the sheet as CSV (UTF-8).";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return null;   // a byte order mark: UTF-16 and UTF-8 with one are read
        }

        int zeros = head.Count((byte)0);
        return head.Length >= 4 && zeros * 4 >= head.Length
            ? "the file looks like UTF-16 text without a byte order mark (every other byte is zero); save it as UTF-8."
            : null;
    }

    /// <summary>Throws when a file cannot be read as CSV text (see <see cref="Unreadable"/>), naming the file.</summary>
    internal static void ThrowIfUnreadable(string path)
    {
        Span<byte> head = stackalloc byte[512];
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (!stream.CanSeek)
            {
                return;   // a pipe (--input <(zcat f.csv.gz)): what this read took, the reader would never see
            }

            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (Unreadable(head[..length]) is { } reason)
        {
            throw new InteractionDataException(path, 1, 0, null, reason);
        }
    }

    /// <summary>The delimiter of a file's header line (see <see cref="Detect"/>).</summary>
    internal static char? DetectInFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Detect(Peek(stream));
    }
}

/// <summary>A read-only stream of some bytes already read, then the rest of another stream (which it does not close).</summary>
internal sealed class ReplayStream(byte[] prefix, Stream rest) : ForwardReadStream
{
    private int _offset;

    public override int Read(Span<byte> buffer)
    {
        if (_offset < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - _offset);
            prefix.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        return rest.Read(buffer);
    }

}

/// <summary>
/// Stands between the input and <see cref="CsvHelper.CsvSeparatorStream"/>, which uses U+001F in place of a delimiter of several
/// characters and fails the whole file when the input holds that byte: it replaces each U+001F with <c>?</c> and records its line, so
/// the reader rejects that row (or the header) with its real line number instead. It does not close <paramref name="inner"/>.
/// </summary>
internal sealed class ReservedByteStream(Stream inner) : ForwardReadStream
{
    internal const byte Reserved = 0x1F;

    private long _newlines;
    private bool _endedWithCr;

    /// <summary>Gets the 1-based lines that held U+001F, in order.</summary>
    public SortedSet<long> Lines { get; } = [];

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        Span<byte> data = buffer[..read];
        int done = 0;
        int found;
        while ((found = data[done..].IndexOf(Reserved)) >= 0)
        {
            int at = done + found;
            _newlines += LineBreaks(data[done..at]);
            Lines.Add(_newlines + 1);
            data[at] = (byte)'?';
            _endedWithCr = false;
            done = at + 1;
        }

        _newlines += LineBreaks(data[done..]);
        return read;
    }

    /// <summary>Counts line breaks as the CSV reader does: <c>\n</c>, <c>\r\n</c> and a lone <c>\r</c> are one each, across reads.</summary>
    private long LineBreaks(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        long count = data.Count((byte)'\n') + data.Count((byte)'\r') - data.Count("\r\n"u8);
        if (_endedWithCr && data[0] == (byte)'\n')
        {
            count--;
        }

        _endedWithCr = data[^1] == (byte)'\r';
        return count;
    }

}

/// <summary>The members of a read-only, forward-only stream that only refuse: subclasses implement <see cref="Stream.Read(Span{byte})"/>.</summary>
internal abstract class ForwardReadStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
