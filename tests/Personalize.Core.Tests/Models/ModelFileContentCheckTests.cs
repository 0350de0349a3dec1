using System.Buffers.Binary;
using System.Text;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

/// <summary>
/// Files whose checksums are right but whose content is not: every field is checked on read, so a file crafted (or written by a buggy
/// writer) with valid checksums is still rejected with the section at fault, never loaded and never failing with another exception.
/// </summary>
public sealed class ModelFileContentCheckTests
{
    // HEAD payload: kind uint8, users int32, items int32, factors int32, seen entries int32, global bias float32, has biases uint8, property count int32.
    private const int KindOffset = 0, UsersOffset = 1, ItemsOffset = 5, FactorsOffset = 9, SeenOffset = 13, GlobalBiasOffset = 17, HasBiasesOffset = 21,
        PropertyCountOffset = 22;

    public static TheoryData<string, int, int, string> HeaderValues => new()
    {
        // field, offset, new value, section at fault
        { "kind 0", KindOffset, 0, "HEAD" },
        { "kind 3", KindOffset, 3, "HEAD" },
        { "negative users", UsersOffset, -1, "HEAD" },
        { "negative items", ItemsOffset, -5, "HEAD" },
        { "zero factors", FactorsOffset, 0, "HEAD" },
        { "two million factors", FactorsOffset, 2_000_000, "HEAD" },
        { "negative seen entries", SeenOffset, -1, "HEAD" },
        { "has biases 2", HasBiasesOffset, 2, "HEAD" },
        { "negative property count", PropertyCountOffset, -1, "HEAD" },
        { "too many properties", PropertyCountOffset, 10_001, "HEAD" },
        { "more properties than written", PropertyCountOffset, 3, "HEAD" },
        { "fewer properties than written", PropertyCountOffset, 1, "HEAD" },
        { "one more user than ids", UsersOffset, 13, "USER" },
        { "one user fewer than ids", UsersOffset, 11, "USER" },
        { "int.MaxValue users", UsersOffset, int.MaxValue, "USER" },
        { "one more item than ids", ItemsOffset, 41, "ITEM" },
        { "one item fewer than ids", ItemsOffset, 39, "ITEM" },
        { "int.MaxValue items", ItemsOffset, int.MaxValue, "ITEM" },
        { "one factor more", FactorsOffset, 9, "UFAC" },
        { "a million factors", FactorsOffset, 1_000_000, "UFAC" },
        { "no biases in a file that has them", HasBiasesOffset, 0, "END!" },
    };

    [Theory, MemberData(nameof(HeaderValues))]
    public void Load_rejects_a_header_value_that_does_not_fit_the_file(string field, int offset, int value, string section)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        byte[] head = ModelFileLayout.Payload(file, "HEAD");
        if (offset == KindOffset || offset == HasBiasesOffset)
        {
            head[offset] = (byte)value;
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(offset), value);
        }

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "HEAD", head), field);

        Assert.True(section == error.Section, $"{field}: expected section '{section}' but got '{error.Section}': {error.Message}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Load_rejects_a_header_whose_seen_entry_count_differs_from_the_seen_section(int difference)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out FactorModel model);
        byte[] head = ModelFileLayout.Payload(file, "HEAD");
        Assert.Equal(model.RawSeenItems.Length, BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(SeenOffset)));
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(SeenOffset), model.RawSeenItems.Length + difference);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "HEAD", head));

        Assert.Equal("SEEN", error.Section);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Load_rejects_a_global_bias_that_is_not_a_finite_number(float value)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        byte[] head = ModelFileLayout.Payload(file, "HEAD");
        BinaryPrimitives.WriteSingleLittleEndian(head.AsSpan(GlobalBiasOffset), value);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "HEAD", head));

        Assert.Equal("HEAD", error.Section);
    }

    [Fact]
    public void Load_rejects_a_header_longer_than_its_fields()
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        byte[] head = [.. ModelFileLayout.Payload(file, "HEAD"), 0];

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "HEAD", head));

        Assert.Equal("HEAD", error.Section);
        Assert.Contains("longer than its fields", error.Message);
    }

    public static TheoryData<string> NumberSections => new() { "UFAC", "IFAC", "POPU", "UBIA", "IBIA" };

    [Theory, MemberData(nameof(NumberSections))]
    public void Load_rejects_a_number_that_is_not_finite(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        byte[] payload = ModelFileLayout.Payload(file, tag);
        BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(payload.Length / 8 * 4), float.NaN);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, tag, payload), tag);

        Assert.Equal(tag, error.Section);
        Assert.Contains("not a finite number", error.Message);
    }

    public static TheoryData<string> SeenDamage => new()
    {
        "first offset not 0", "last offset short", "offsets decrease", "item index negative", "item index too large", "items not ascending",
        "item repeated",
    };

    [Theory, MemberData(nameof(SeenDamage))]
    public void Load_rejects_seen_items_that_are_not_valid(string damage)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out FactorModel model);
        int users = model.Users.Count;
        int[] seen = [.. model.RawSeenOffsets, .. model.RawSeenItems];
        int user = Enumerable.Range(0, users).First(u => model.GetSeenItems(u).Length >= 2);
        int first = seen[user], entry = users + 1 + first;
        switch (damage)
        {
            case "first offset not 0": seen[0] = 1; break;
            case "last offset short": seen[users]--; break;
            case "offsets decrease": seen[user + 1] = seen[user] - 1; break;
            case "item index negative": seen[entry] = -1; break;
            case "item index too large": seen[entry + 1] = model.Items.Count; break;
            case "items not ascending": (seen[entry], seen[entry + 1]) = (seen[entry + 1], seen[entry]); break;
            case "item repeated": seen[entry + 1] = seen[entry]; break;
        }

        byte[] payload = new byte[seen.Length * 4];
        Buffer.BlockCopy(seen, 0, payload, 0, payload.Length);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "SEEN", payload), damage);

        Assert.Equal("SEEN", error.Section);
    }

    [Theory]
    [InlineData("USER")]
    [InlineData("ITEM")]
    public void Load_rejects_an_id_that_appears_twice(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        string prefix = tag == "USER" ? "user" : "item";
        byte[] payload = ModelFileLayout.Payload(file, tag);
        // Ids 1 and 2 have the same length, so the section keeps its size: make id 2 a copy of id 1.
        byte[] one = Id($"{prefix}-1"), two = Id($"{prefix}-2");
        int at = IndexOf(payload, two);
        one.CopyTo(payload, at);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, tag, payload));

        Assert.Contains(tag, error.Section);
        Assert.Contains($"'{prefix}-1'", error.Message);
    }

    [Theory]
    [InlineData("USER")]
    [InlineData("ITEM")]
    public void Load_rejects_ids_that_are_not_valid_utf8(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        byte[] payload = ModelFileLayout.Payload(file, tag);
        payload[2] = 0xFF;

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, tag, payload));

        Assert.Equal(tag, error.Section);
    }

    [Theory]
    [InlineData("USER")]
    [InlineData("ITEM")]
    public void Load_rejects_an_id_whose_length_runs_past_the_section(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        byte[] payload = ModelFileLayout.Payload(file, tag);
        payload[0] = 0x7F;

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, tag, payload));

        Assert.Equal(tag, error.Section);
    }

    [Fact]
    public void Load_rejects_an_end_marker_that_does_not_match_its_position()
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        SectionLayout end = ModelFileLayout.Find(file, "END!");
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(end.PayloadOffset), (ulong)end.TagOffset - 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(end.ChecksumOffset),
            System.IO.Hashing.XxHash64.HashToUInt64(file.AsSpan(end.PayloadOffset, 8)));

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, file);

        Assert.Equal("END!", error.Section);
        Assert.Contains("end marker", error.Message);
    }

    [Fact]
    public void Load_rejects_a_file_whose_bias_sections_are_missing()
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder, out _);
        IReadOnlyList<SectionLayout> sections = ModelFileLayout.Parse(file);
        SectionLayout ubia = sections.Single(s => s.Tag == "UBIA"), ibia = sections.Single(s => s.Tag == "IBIA");
        byte[] without = ModelFileLayout.WithPayload([.. file[..ubia.TagOffset], .. file[ibia.EndOffset..]], "END!", []);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, without);

        Assert.Equal("UBIA", error.Section);
    }

    private static byte[] SaveExplicitModel(TempDirectory folder, out FactorModel model)
    {
        string path = folder.File("original.pzm");
        model = TestModels.Create(seed: 51, userCount: 12, itemCount: 40, numberOfFactors: 8, withBiases: true);
        ModelFile.Save(model, path);
        return File.ReadAllBytes(path);
    }

    private static byte[] Id(string id)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(id);
        }

        return stream.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
