using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Personalize.Core.Tests.TestSupport;

/// <summary>Where one section of a model file lies: tag (4 bytes), length (uint64), payload, checksum (uint64).</summary>
internal sealed record SectionLayout(string Tag, int TagOffset, int PayloadLength)
{
    public int LengthOffset => TagOffset + 4;

    public int PayloadOffset => TagOffset + 12;

    public int ChecksumOffset => PayloadOffset + PayloadLength;

    public int EndOffset => ChecksumOffset + 8;
}

/// <summary>
/// Parses and rebuilds model files independently of <c>ModelFile</c>, from the format in its remarks: magic (8 bytes), format version and
/// readable-by version (uint16 each), then the sections. Used to damage real files in precise places.
/// </summary>
internal static class ModelFileLayout
{
    public const int PrefixLength = 12;

    public const int ReadableByOffset = 10;

    public static IReadOnlyList<SectionLayout> Parse(byte[] file)
    {
        var sections = new List<SectionLayout>();
        int offset = PrefixLength;
        while (offset < file.Length)
        {
            string tag = Encoding.ASCII.GetString(file, offset, 4);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(offset + 4));
            var section = new SectionLayout(tag, offset, checked((int)length));
            sections.Add(section);
            offset = section.EndOffset;
        }

        Assert.Equal(file.Length, offset);
        return sections;
    }

    public static SectionLayout Find(byte[] file, string tag) => Parse(file).Single(s => s.Tag == tag);

    public static byte[] Payload(byte[] file, string tag)
    {
        SectionLayout section = Find(file, tag);
        return file.AsSpan(section.PayloadOffset, section.PayloadLength).ToArray();
    }

    /// <summary>
    /// Rebuilds a file with one section's payload replaced, writing a correct checksum for it and a correct END! offset, so that only
    /// the content check of that section can catch the change.
    /// </summary>
    public static byte[] WithPayload(byte[] file, string tag, byte[] payload) =>
        Rebuild(file, section => section.Tag == tag ? (tag, payload) : (section.Tag, file.AsSpan(section.PayloadOffset, section.PayloadLength).ToArray()));

    /// <summary>Rebuilds a file without one section, with a correct END! offset.</summary>
    public static byte[] Without(byte[] file, string tag) =>
        Rebuild(file, section => section.Tag == tag ? null : (section.Tag, file.AsSpan(section.PayloadOffset, section.PayloadLength).ToArray()));

    /// <summary>Rebuilds a file section by section: each becomes the tag and payload <paramref name="map"/> gives (null: left out), with
    /// correct checksums and END! offset.</summary>
    public static byte[] Rebuild(byte[] file, Func<SectionLayout, (string Tag, byte[] Payload)?> map)
    {
        IReadOnlyList<SectionLayout> sections = Parse(file);
        var output = new MemoryStream();
        output.Write(file, 0, PrefixLength);
        foreach (SectionLayout section in sections)
        {
            if (map(section) is not var (newTag, body))
            {
                continue;
            }

            if (section.Tag == "END!")
            {
                body = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(body, (ulong)output.Length);
            }

            var header = new byte[12];
            Encoding.ASCII.GetBytes(newTag, header);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(4), (ulong)body.Length);
            output.Write(header);
            output.Write(body);
            var checksum = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(body));
            output.Write(checksum);
        }

        return output.ToArray();
    }
}
