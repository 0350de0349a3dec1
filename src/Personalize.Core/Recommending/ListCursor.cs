using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Hashing;
using System.Text;

namespace Personalize.Core.Recommending;

/// <summary>
/// The opaque paging cursor: the last item's place in the list's order (keyset paging), the page number, and a fingerprint of the
/// query, so that page n+1 starts exactly after page n and a cursor cannot be used with another query.
/// </summary>
/// <remarks>Layout (30 bytes, base64url): 'P', version 1, fingerprint u64, primary f64, relevance f32, index i32, page i32; little-endian.</remarks>
internal static class ListCursor
{
    private const int Length = 30;

    public static ulong Fingerprint(params ReadOnlySpan<string?> parts)
    {
        var hash = new XxHash64();
        foreach (string? part in parts)
        {
            hash.Append(Encoding.UTF8.GetBytes(part ?? "\u0000"));
            hash.Append([0x1f]);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    public static string Encode(ulong fingerprint, OrderKey last, int page)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = (byte)'P';
        bytes[1] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[2..], fingerprint);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes[10..], last.Primary);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[18..], last.Relevance);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[22..], last.Index);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[26..], page);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a cursor; throws <see cref="ArgumentException"/> naming the problem when it is malformed or from another query.</summary>
    public static (OrderKey Last, int Page) Decode(string cursor, ulong fingerprint, string parameterName)
    {
        Span<byte> bytes = stackalloc byte[Length + 2];
        int written;
        try
        {
            if (cursor.Length > 64 || !Base64Url.TryDecodeFromChars(cursor, bytes, out written))
            {
                written = -1;
            }
        }
        catch (FormatException)
        {
            written = -1;   // not base64url at all
        }

        if (written != Length || bytes[0] != (byte)'P')
        {
            throw new ArgumentException($"The cursor '{Shorten(cursor)}' is not a cursor this library wrote; pass the NextCursor of a previous page, or none for the first page.", parameterName);
        }

        if (bytes[1] != 1)
        {
            throw new ArgumentException($"The cursor has version {bytes[1]}, but this library reads version 1; start again from the first page.", parameterName);
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes[2..]) != fingerprint)
        {
            throw new ArgumentException("The cursor belongs to another query (a different user, search text, filter, sort or model); start again from the first page.", parameterName);
        }

        var last = new OrderKey(BinaryPrimitives.ReadDoubleLittleEndian(bytes[10..]), BinaryPrimitives.ReadSingleLittleEndian(bytes[18..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]));
        int page = BinaryPrimitives.ReadInt32LittleEndian(bytes[26..]);
        if (last.Index < 0 || page < 1)
        {
            throw new ArgumentException("The cursor is damaged (negative item index or page); start again from the first page.", parameterName);
        }

        return (last, page);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
