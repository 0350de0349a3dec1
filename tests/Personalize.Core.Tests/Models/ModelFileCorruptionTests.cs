using System.Buffers.Binary;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

/// <summary>Damages real model files on disk, one byte or one cut at a time, and checks that Load names what is wrong.</summary>
public sealed class ModelFileCorruptionTests
{
    /// <summary>Every section an explicit model (one with biases) has, in file order.</summary>
    private static readonly string[] SectionTags = ["HEAD", "USER", "ITEM", "UFAC", "IFAC", "SEEN", "POPU", "UBIA", "IBIA", "END!"];

    public static TheoryData<string> Sections => new(SectionTags);

    public static TheoryData<string, string> SectionsAndPlaces
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string tag in SectionTags)
            {
                foreach (string place in new[] { "first", "middle", "last" })
                {
                    data.Add(tag, place);
                }
            }

            return data;
        }
    }

    [Fact]
    public void A_saved_explicit_model_has_every_section_in_the_documented_order()
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);

        IReadOnlyList<SectionLayout> sections = ModelFileLayout.Parse(file);

        Assert.Equal(SectionTags, sections.Select(s => s.Tag));
        Assert.All(sections, s => Assert.True(s.PayloadLength > 0, $"section {s.Tag} is empty, so it cannot be corrupted"));
    }

    [Fact]
    public void A_saved_implicit_model_has_no_bias_sections()
    {
        using var folder = new TempDirectory();
        string path = folder.File("implicit.pzm");
        ModelFile.Save(TestModels.Create(seed: 31), path);

        IReadOnlyList<SectionLayout> sections = ModelFileLayout.Parse(File.ReadAllBytes(path));

        Assert.Equal(["HEAD", "USER", "ITEM", "UFAC", "IFAC", "SEEN", "POPU", "END!"], sections.Select(s => s.Tag));
    }

    [Theory, MemberData(nameof(SectionsAndPlaces))]
    public void Load_reports_a_checksum_mismatch_in_the_section_whose_data_changed(string tag, string place)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        SectionLayout section = ModelFileLayout.Find(file, tag);
        int offset = section.PayloadOffset + place switch
        {
            "first" => 0,
            "middle" => section.PayloadLength / 2,
            _ => section.PayloadLength - 1,
        };
        file[offset] ^= 0x10;

        ModelFormatException error = LoadDamaged(folder, file);

        Assert.Equal(tag, error.Section);
        Assert.Contains("checksum", error.Message);
    }

    [Theory, MemberData(nameof(Sections))]
    public void Load_reports_a_checksum_mismatch_in_the_section_whose_checksum_changed(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        file[ModelFileLayout.Find(file, tag).ChecksumOffset + 3] ^= 0x01;

        ModelFormatException error = LoadDamaged(folder, file);

        Assert.Equal(tag, error.Section);
        Assert.Contains("checksum", error.Message);
    }

    [Theory, MemberData(nameof(Sections))]
    public void Load_reports_the_section_whose_tag_changed(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        file[ModelFileLayout.Find(file, tag).TagOffset + 1] ^= 0x20;

        ModelFormatException error = LoadDamaged(folder, file);

        Assert.Equal(tag, error.Section);
        Assert.Contains($"expected section '{tag}'", error.Message);
    }

    [Theory, MemberData(nameof(Sections))]
    public void Load_reports_the_section_whose_length_grew_by_one(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        SectionLayout section = ModelFileLayout.Find(file, tag);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(section.LengthOffset), (ulong)section.PayloadLength + 1);

        ModelFormatException error = LoadDamaged(folder, file);

        Assert.Equal(tag, error.Section);
    }

    [Theory, MemberData(nameof(Sections))]
    public void Load_reports_the_section_whose_length_shrank_by_one(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        SectionLayout section = ModelFileLayout.Find(file, tag);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(section.LengthOffset), (ulong)section.PayloadLength - 1);

        ModelFormatException error = LoadDamaged(folder, file);

        Assert.Equal(tag, error.Section);
    }

    [Theory, MemberData(nameof(Sections))]
    public void Load_reports_the_section_whose_length_has_its_top_byte_flipped(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        file[ModelFileLayout.Find(file, tag).LengthOffset + 7] ^= 0x80;

        ModelFormatException error = LoadDamaged(folder, file);

        Assert.Equal(tag, error.Section);
        Assert.Contains("claims", error.Message);
    }

    [Theory, MemberData(nameof(Sections))]
    public void Load_reports_a_file_cut_at_the_start_or_in_the_middle_of_each_part_of_a_section(string tag)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        SectionLayout section = ModelFileLayout.Find(file, tag);
        int[] cuts =
        [
            section.TagOffset, section.TagOffset + 2, section.LengthOffset, section.LengthOffset + 4, section.PayloadOffset,
            section.PayloadOffset + section.PayloadLength / 2, section.ChecksumOffset, section.ChecksumOffset + 4, section.EndOffset - 1,
        ];

        foreach (int cut in cuts)
        {
            ModelFormatException error = LoadDamaged(folder, file[..cut], $"cut at {cut}");

            Assert.True(tag == error.Section, $"A file cut at byte {cut} (in section {tag}) was reported in section '{error.Section}': {error.Message}");
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void Load_reports_a_file_cut_at_any_length()
    {
        using var folder = new TempDirectory();
        string path = folder.File("small.pzm");
        ModelFile.Save(TestModels.Create(seed: 32, userCount: 3, itemCount: 4, numberOfFactors: 2, withBiases: true, seenFraction: 0.5), path);
        byte[] file = File.ReadAllBytes(path);
        IReadOnlyList<SectionLayout> sections = ModelFileLayout.Parse(file);

        for (int cut = 0; cut < file.Length; cut++)
        {
            ModelFormatException error = LoadDamaged(folder, file[..cut], $"cut at {cut}");

            string? expectedSection = sections.FirstOrDefault(s => s.TagOffset <= cut && cut < s.EndOffset)?.Tag;
            Assert.True(expectedSection == error.Section, $"A file cut at byte {cut} of {file.Length} was reported in section '{error.Section}' instead of '{expectedSection}': {error.Message}");
            if (cut >= 8)
            {
                Assert.True(error.Message.Contains("truncated", StringComparison.Ordinal), $"cut at {cut}: {error.Message}");
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(12)]
    public void Load_rejects_a_file_cut_inside_or_just_after_its_prefix(int cut)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);

        ModelFormatException error = LoadDamaged(folder, file[..cut]);

        Assert.Equal(cut >= 12 ? "HEAD" : null, error.Section);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(4096)]
    public void Load_rejects_bytes_appended_after_the_end_marker(int extraBytes)
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        byte[] appended = [.. file, .. new byte[extraBytes]];

        ModelFormatException error = LoadDamaged(folder, appended);

        Assert.Contains("after the end marker", error.Message);
    }

    [Fact]
    public void Load_rejects_two_models_written_one_after_the_other()
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);

        ModelFormatException error = LoadDamaged(folder, [.. file, .. file]);

        Assert.Contains("after the end marker", error.Message);
    }

    [Fact]
    public void Load_still_reads_the_undamaged_file()
    {
        using var folder = new TempDirectory();
        byte[] file = SaveExplicitModel(folder);
        string path = folder.File("copy.pzm");
        File.WriteAllBytes(path, file);

        FactorModel model = ModelFile.Load(path);

        Assert.Equal(FactorModelKind.Explicit, model.Kind);
    }

    private static byte[] SaveExplicitModel(TempDirectory folder)
    {
        string path = folder.File("original.pzm");
        ModelFile.Save(TestModels.Create(seed: 33, userCount: 12, itemCount: 40, numberOfFactors: 8, withBiases: true), path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Writes the damaged bytes to a real file and loads it; anything but a <see cref="ModelFormatException"/> fails the test.</summary>
    internal static ModelFormatException LoadDamaged(TempDirectory folder, byte[] bytes, string? context = null)
    {
        string path = folder.File("damaged.pzm");
        File.WriteAllBytes(path, bytes);
        Exception? error = null;
        FactorModel? model = null;
        try
        {
            model = ModelFile.Load(path);
        }
        catch (Exception exception)
        {
            error = exception;
        }

        Assert.True(model is null, $"{context}: Load returned a model from a damaged file.");
        Assert.True(error is ModelFormatException, $"{context}: expected ModelFormatException but got {error?.GetType().Name}: {error?.Message}");
        var formatError = (ModelFormatException)error!;
        Assert.Equal(path, formatError.FilePath);
        Assert.StartsWith("damaged.pzm: ", formatError.Message);
        return formatError;
    }
}
