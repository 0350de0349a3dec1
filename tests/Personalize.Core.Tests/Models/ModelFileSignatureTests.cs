using System.Buffers.Binary;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

/// <summary>Files that are not model files, or that were written for a newer reader.</summary>
public sealed class ModelFileSignatureTests
{
    [Theory]
    [InlineData("user,item,event,timestamp\nu1,i1,view,2024-01-31T12:00:00Z\n")]
    [InlineData("{ \"model\": true }")]
    [InlineData("hello")]
    [InlineData("PZM\r\n\u001a\n and more text that is long enough")]
    public void Load_says_a_text_file_is_not_a_model_file(string content)
    {
        using var folder = new TempDirectory();
        string path = folder.Write("events.csv", content);

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Null(error.Section);
        Assert.Contains("not a model file", error.Message);
        Assert.StartsWith("events.csv: ", error.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 100_000)]
    public void Load_says_random_bytes_are_not_a_model_file(int seed, int length)
    {
        using var folder = new TempDirectory();
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = (byte)(bytes[0] == 0x89 ? 0x88 : bytes[0]);
        string path = folder.File("random.bin");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Contains("not a model file", error.Message);
    }

    [Fact]
    public void Load_says_an_empty_file_is_empty()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("empty.pzm", "");

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Contains("the file is empty", error.Message);
    }

    [Fact]
    public void Load_says_a_model_damaged_by_a_text_mode_transfer_is_not_a_model_file()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        ModelFile.Save(TestModels.Create(seed: 41), path);
        byte[] file = File.ReadAllBytes(path);
        // A text-mode transfer turns the "\r\n" of the signature into "\n".
        byte[] damaged = [.. file[..4], .. file[5..]];
        File.WriteAllBytes(path, damaged);

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Contains("not a model file", error.Message);
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(5, 4)]
    [InlineData(65535, 65535)]
    public void Load_says_to_upgrade_when_the_file_needs_a_newer_reader(int version, int readableBy)
    {
        using var folder = new TempDirectory();
        string path = folder.File("future.pzm");
        ModelFile.Save(TestModels.Create(seed: 42), path);
        byte[] file = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)version);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(ModelFileLayout.ReadableByOffset), (ushort)readableBy);
        File.WriteAllBytes(path, file);

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Null(error.Section);
        Assert.Contains($"version {version}", error.Message);
        Assert.Contains($"reader of version {readableBy}", error.Message);
        Assert.Contains("Upgrade Personalize.Core", error.Message);
    }

    [Fact]
    public void Load_reads_a_newer_file_that_says_this_reader_can_read_it()
    {
        using var folder = new TempDirectory();
        string path = folder.File("newer.pzm");
        FactorModel model = TestModels.Create(seed: 43);
        ModelFile.Save(model, path);
        byte[] file = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 2);
        File.WriteAllBytes(path, file);

        FactorModel loaded = ModelFile.Load(path);

        ModelFileRoundTripTests.AssertSameModel(model, loaded);
    }

    [Fact]
    public void A_saved_file_without_optional_sections_starts_with_the_signature_and_is_readable_by_version_1()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");

        ModelFile.Save(TestModels.Create(seed: 44), path);

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'Z', (byte)'M', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n' }, file[..8]);
        Assert.Equal(ModelFile.FormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(ModelFileLayout.ReadableByOffset)));
    }

    [Fact]
    public void Load_of_a_missing_file_names_it()
    {
        using var folder = new TempDirectory();
        string path = folder.File("missing.pzm");

        var error = Assert.Throws<FileNotFoundException>(() => ModelFile.Load(path));

        Assert.Equal(path, error.FileName);
        Assert.Contains("missing.pzm", error.Message);
    }
}
