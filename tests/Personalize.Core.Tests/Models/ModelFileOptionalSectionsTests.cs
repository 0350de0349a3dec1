using System.Buffers.Binary;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Models;

/// <summary>Format versions 2 and 3: the optional SWGT (seen weights) and COOC (co-occurrence) sections, listed in TAGS from version 3, and
/// compatibility with versions 1 and 2.</summary>
public sealed class ModelFileOptionalSectionsTests
{
    internal static FactorModel TrainedWithCooccurrence()
    {
        FeedbackMatrix data = CooccurrenceIndexTests.Feedback(seed: 21);
        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 4, NumberOfIterations = 2, NumberOfThreads = 1 }).Fit(data);
        return model.WithCooccurrence(CooccurrenceIndex.Build(data, new CooccurrenceOptions { MinimumCount = 1, NumberOfNeighbors = 5 }));
    }

    [Fact]
    public void Save_and_Load_keep_the_seen_weights_and_the_cooccurrence_index()
    {
        using var folder = new TempDirectory();
        FactorModel model = TrainedWithCooccurrence();
        string path = folder.File("model.pzm");

        ModelFile.Save(model, path);
        FactorModel loaded = ModelFile.Load(path);

        ModelFileRoundTripTests.AssertSameModel(model, loaded);
        Assert.True(loaded.HasSeenWeights);
        CooccurrenceIndex expected = model.Cooccurrence!, actual = loaded.Cooccurrence!;
        Assert.Equal(expected.Options, actual.Options);
        Assert.Equal(expected.NumberOfEntries, actual.NumberOfEntries);
        for (int u = 0; u < model.Users.Count; u++)
        {
            Assert.Equal(model.GetSeenWeights(u).ToArray(), loaded.GetSeenWeights(u).ToArray());
        }

        for (int i = 0; i < model.Items.Count; i++)
        {
            Assert.Equal(expected.GetUserCount(i), actual.GetUserCount(i));
            Assert.Equal(expected.GetNeighbors(i).ToArray(), actual.GetNeighbors(i).ToArray());
            Assert.Equal(expected.GetCounts(i).ToArray(), actual.GetCounts(i).ToArray());
            Assert.Equal(expected.GetSimilarities(i).ToArray(), actual.GetSimilarities(i).ToArray());
        }
    }

    [Fact]
    public void A_file_with_optional_sections_lists_them_in_a_table_before_them_and_needs_a_version_2_reader()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");

        ModelFile.Save(TrainedWithCooccurrence(), path);

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(["HEAD", "USER", "ITEM", "UFAC", "IFAC", "SEEN", "POPU", "TAGS", "SWGT", "COOC", "END!"], ModelFileLayout.Parse(file).Select(s => s.Tag));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(ModelFileLayout.ReadableByOffset)));
        byte[] table = ModelFileLayout.Payload(file, "TAGS");
        Assert.Equal(file[8..12], table[..4]);   // the two version fields again, under the table's checksum
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan(4)));
        Assert.Equal("SWGTCOOC", System.Text.Encoding.ASCII.GetString(table, 8, 8));
    }

    [Fact]
    public void A_version_1_file_still_loads_and_has_neither_seen_weights_nor_cooccurrence()
    {
        using var folder = new TempDirectory();
        FactorModel model = TestModels.Create(seed: 22);
        string path = folder.File("v1.pzm");
        ModelFile.Save(model, path);
        byte[] file = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 1);   // exactly what a version 1 writer produced
        File.WriteAllBytes(path, file);

        FactorModel loaded = ModelFile.Load(path);

        ModelFileRoundTripTests.AssertSameModel(model, loaded);
        Assert.False(loaded.HasSeenWeights);
        Assert.True(loaded.GetSeenWeights(0).IsEmpty);
        Assert.Null(loaded.Cooccurrence);
    }

    [Fact]
    public void Load_skips_an_optional_section_of_a_later_version_that_it_does_not_know()
    {
        using var folder = new TempDirectory();
        FactorModel model = TrainedWithCooccurrence();
        string path = folder.File("model.pzm");
        ModelFile.Save(model, path);
        byte[] file = File.ReadAllBytes(path);

        // What a version 4 writer would produce: its own section, listed in the table.
        byte[] renamed = ModelFileLayout.WithPayload(Rename(file, "COOC", "XTRA"), "XTRA", [1, 2, 3, 4, 5]);
        BinaryPrimitives.WriteUInt16LittleEndian(renamed.AsSpan(8), 4);
        byte[] table = ModelFileLayout.Payload(renamed, "TAGS");
        BinaryPrimitives.WriteUInt16LittleEndian(table, 4);
        System.Text.Encoding.ASCII.GetBytes("XTRA", table.AsSpan(12));
        File.WriteAllBytes(path, ModelFileLayout.WithPayload(renamed, "TAGS", table));

        FactorModel loaded = ModelFile.Load(path);

        Assert.Null(loaded.Cooccurrence);
        Assert.True(loaded.HasSeenWeights);
    }

    [Fact]
    public void Load_rejects_an_extra_section_in_a_file_that_says_a_version_1_reader_can_read_it()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        ModelFile.Save(TrainedWithCooccurrence(), path);
        byte[] file = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(ModelFileLayout.ReadableByOffset), 1);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, file);

        Assert.Equal("END!", error.Section);
        Assert.Contains("expected section 'END!' but found 'TAGS'", error.Message);
    }

    [Fact]
    public void Load_rejects_an_optional_section_that_appears_twice()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        ModelFile.Save(TrainedWithCooccurrence(), path);
        byte[] file = File.ReadAllBytes(path);
        SectionLayout cooc = ModelFileLayout.Find(file, "COOC");
        byte[] doubled = ModelFileLayout.WithPayload([.. file[..cooc.EndOffset], .. file[cooc.TagOffset..]], "END!", []);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, doubled);

        Assert.Equal("COOC", error.Section);
        Assert.Contains("appears twice", error.Message);
    }

    public static TheoryData<string, int, int, string> DamagedCooccurrence => new()
    {
        // description, int position in the payload (counted in int32s), new value, expected message part
        { "item count", 0, 7, "the index covers 7 items" },
        { "neighbours per item", 1, 0, "out of range" },
        { "first offset", 5 + 40, 3, "offsets do not span" },
        { "a neighbour index", -1, 99_999, "invalid neighbour 99999" },
    };

    [Theory, MemberData(nameof(DamagedCooccurrence))]
    public void Load_names_the_cooccurrence_section_when_its_content_is_inconsistent(string what, int position, int value, string expected)
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        FactorModel model = TrainedWithCooccurrence();
        Assert.Equal(40, model.Items.Count);
        ModelFile.Save(model, path);
        byte[] file = File.ReadAllBytes(path);
        byte[] payload = ModelFileLayout.Payload(file, "COOC");
        int offset = position >= 0 ? 4 * position : 4 * (5 + 40 + 41);   // -1: the first neighbour entry
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(offset), value);

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "COOC", payload), what);

        Assert.Equal("COOC", error.Section);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_names_the_seen_weights_section_when_its_length_is_wrong()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        ModelFile.Save(TrainedWithCooccurrence(), path);
        byte[] file = File.ReadAllBytes(path);
        byte[] payload = ModelFileLayout.Payload(file, "SWGT");

        ModelFormatException error = ModelFileCorruptionTests.LoadDamaged(folder, ModelFileLayout.WithPayload(file, "SWGT", payload[..^4]));

        Assert.Equal("SWGT", error.Section);
        Assert.Contains("numbers", error.Message);
    }

    [Fact]
    public void Trainers_keep_each_training_interactions_weight_with_the_model()
    {
        FeedbackMatrix data = CooccurrenceIndexTests.Feedback(seed: 23);

        FactorModel model = new ImplicitAlsTrainer(new() { NumberOfFactors = 4, NumberOfIterations = 1 }).Fit(data);

        Assert.True(model.HasSeenWeights);
        for (int u = 0; u < data.NumberOfUsers; u++)
        {
            Assert.Equal(data.GetItems(u).ToArray(), model.GetSeenItems(u).ToArray());
            Assert.Equal(data.GetWeights(u).ToArray(), model.GetSeenWeights(u).ToArray());
        }
    }

    internal static byte[] Rename(byte[] file, string from, string to)
    {
        byte[] copy = (byte[])file.Clone();
        System.Text.Encoding.ASCII.GetBytes(to, copy.AsSpan(ModelFileLayout.Find(file, from).TagOffset, 4));
        return copy;
    }
}
