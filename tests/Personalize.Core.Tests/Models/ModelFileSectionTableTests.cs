using System.Buffers.Binary;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

/// <summary>
/// Format version 3: the TAGS table tells a damaged optional-section tag or version field from a later version's file; files of
/// versions 1 and 2, which have no table, still load.
/// </summary>
public sealed class ModelFileSectionTableTests
{
    private static readonly Lazy<byte[]> Saved = new(() =>
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        ModelFile.Save(ModelFileOptionalSectionsTests.TrainedWithCooccurrence(), path);
        return File.ReadAllBytes(path);
    });

    /// <summary>A fresh copy of a saved file with both optional sections.</summary>
    private static byte[] File3() => (byte[])Saved.Value.Clone();

    private static FactorModel Load(byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        return ModelFile.Read(stream, "model.pzm");
    }

    public static TheoryData<string, int> TagBits
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string tag in new[] { "SWGT", "COOC" })
            {
                for (int bit = 0; bit < 32; bit++)
                {
                    data.Add(tag, bit);
                }
            }

            return data;
        }
    }

    [Theory, MemberData(nameof(TagBits))]
    public void One_flipped_bit_in_an_optional_sections_tag_is_damage_not_a_newer_section(string tag, int bit)
    {
        byte[] file = File3();
        file[ModelFileLayout.Find(file, tag).TagOffset + (bit / 8)] ^= (byte)(1 << (bit % 8));

        var error = Assert.Throws<ModelFormatException>(() => Load(file));

        Assert.Contains("corrupted", error.Message);
    }

    [Fact]
    public void A_tag_turned_into_another_valid_tag_names_the_table()
    {
        byte[] file = File3();
        file[ModelFileLayout.Find(file, "COOC").TagOffset] ^= 0x01;   // 'C' (0x43) → 'B' (0x42)

        var error = Assert.Throws<ModelFormatException>(() => Load(file));

        Assert.Equal("BOOC", error.Section);
        Assert.StartsWith("model.pzm: section 'BOOC': the section 'BOOC' is not in the file's section table (", error.Message);
        Assert.EndsWith("); its tag is damaged or the file is corrupted.", error.Message);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void One_flipped_bit_in_the_version_fields_is_damage_when_the_file_has_a_table(int offset)
    {
        for (int bit = 0; bit < 8; bit++)
        {
            byte[] file = File3();
            file[offset] ^= (byte)(1 << bit);

            var error = Assert.Throws<ModelFormatException>(() => Load(file));

            Assert.DoesNotContain("Upgrade", error.Message);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 0)]
    [InlineData(2, 3)]
    [InlineData(0, 1)]
    public void Version_fields_that_contradict_each_other_are_damage(int version, int readableBy)
    {
        byte[] file = File3();
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)version);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(10), (ushort)readableBy);

        var error = Assert.Throws<ModelFormatException>(() => Load(file));

        Assert.Contains($"format version {version}, readable by version {readableBy}", error.Message);
        Assert.Contains("corrupted", error.Message);
    }

    [Fact]
    public void A_listed_section_that_is_missing_is_damage()
    {
        byte[] file = ModelFileLayout.Without(File3(), "COOC");

        var error = Assert.Throws<ModelFormatException>(() => Load(file));

        Assert.Equal("COOC", error.Section);
        Assert.Contains("the section table lists this section but the file does not have it", error.Message);
    }

    [Fact]
    public void A_version_3_file_with_optional_sections_but_no_table_is_damage()
    {
        byte[] file = ModelFileLayout.Without(File3(), "TAGS");

        var error = Assert.Throws<ModelFormatException>(() => Load(file));

        Assert.Equal("TAGS", error.Section);
        Assert.Contains("expected the section table 'TAGS' before the optional sections but found 'SWGT'", error.Message);
    }

    [Fact]
    public void A_version_2_file_without_a_table_still_loads_with_both_sections_and_skips_an_unknown_one()
    {
        FactorModel original = Load(File3());
        byte[] version2 = ModelFileLayout.Without(File3(), "TAGS");
        BinaryPrimitives.WriteUInt16LittleEndian(version2.AsSpan(8), 2);
        byte[] withUnknown = ModelFileLayout.WithPayload(ModelFileOptionalSectionsTests.Rename(version2, "COOC", "XTRA"), "XTRA", [1, 2, 3]);

        FactorModel loaded = Load(version2);
        FactorModel skipped = Load(withUnknown);

        ModelFileRoundTripTests.AssertSameModel(original, loaded);
        Assert.Equal(original.Cooccurrence!.NumberOfEntries, loaded.Cooccurrence!.NumberOfEntries);
        Assert.True(loaded.HasSeenWeights);
        Assert.Null(skipped.Cooccurrence);
        Assert.True(skipped.HasSeenWeights);
    }

    [Fact]
    public void A_table_in_a_file_that_says_version_2_is_damage()
    {
        byte[] file = File3();
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 2);

        var error = Assert.Throws<ModelFormatException>(() => Load(file));

        Assert.Equal("TAGS", error.Section);
    }

    [Fact]
    public void A_file_without_optional_sections_has_no_table_and_stays_readable_by_version_1()
    {
        using var folder = new TempDirectory();
        string path = folder.File("plain.pzm");

        ModelFile.Save(TestModels.Create(seed: 5), path);

        byte[] file = File.ReadAllBytes(path);
        Assert.DoesNotContain("TAGS", ModelFileLayout.Parse(file).Select(s => s.Tag));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(10)));
    }
}
