using System.Runtime.InteropServices;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

public sealed class ModelFileRoundTripTests
{
    public static TheoryData<int, int, int, bool> Shapes => new()
    {
        // users, items, factors, with biases (explicit)
        { 30, 100, 8, false },
        { 30, 100, 8, true },
        { 1, 1, 1, false },
        { 1, 1, 1, true },
        { 5, 7, 65, true },
        { 0, 0, 3, false },
        { 0, 4, 2, true },
        { 4, 0, 2, false },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Load_returns_exactly_what_Save_wrote(int users, int items, int factors, bool withBiases)
    {
        using var folder = new TempDirectory();
        FactorModel model = TestModels.Create(seed: 11, users, items, factors, withBiases, seenFraction: 0.3, onGrid: false);
        string path = folder.File("model.pzm");

        ModelFile.Save(model, path);
        FactorModel loaded = ModelFile.Load(path);

        AssertSameModel(model, loaded);
    }

    [Fact]
    public void Load_keeps_unusual_ids_and_properties_as_written()
    {
        using var folder = new TempDirectory();
        string[] userIds = ["", " ", "café", "用户", "emoji 🙂", "comma,quote\"", "line\nbreak", new string('x', 300)];
        string[] itemIds = ["a", "A", "ä", "\0nul"];
        var properties = new Dictionary<string, string>
        {
            ["trainer"] = "ImplicitAls",
            ["options"] = "{ \"NumberOfFactors\": 2, \"Regularization\": 0.1 }",
            ["ünïcode"] = "värde",
            [""] = "",
        };
        var (offsets, seen) = TestModels.RandomSeen(new Random(3), userIds.Length, itemIds.Length, 0.5);
        var model = new FactorModel(FactorModelKind.Implicit, IdMap.FromIds(userIds), IdMap.FromIds(itemIds), 2,
            TestModels.Values(new Random(4), userIds.Length * 2, onGrid: false), TestModels.Values(new Random(5), itemIds.Length * 2, onGrid: false),
            offsets, seen, [3, 0, 1, 1], properties);
        string path = folder.File("unusual.pzm");

        ModelFile.Save(model, path);
        FactorModel loaded = ModelFile.Load(path);

        AssertSameModel(model, loaded);
        Assert.Equal(3, loaded.Users.GetIndex("用户"));
    }

    [Fact]
    public void Load_keeps_the_bits_of_negative_zero_subnormals_and_extreme_values()
    {
        using var folder = new TempDirectory();
        float[] special = [-0f, 0f, float.Epsilon, -float.Epsilon, 1e-40f, float.MaxValue, float.MinValue, 1f / 3, BitConverter.Int32BitsToSingle(1)];
        var model = new FactorModel(FactorModelKind.Explicit, IdMap.FromIds(["u"]), IdMap.FromIds(["i"]), special.Length, special,
            special.Reverse().ToArray(), [0, 1], [0], [-0f], new Dictionary<string, string>(), globalBias: -0f, userBiases: [float.Epsilon],
            itemBiases: [-0f]);
        string path = folder.File("special.pzm");

        ModelFile.Save(model, path);
        FactorModel loaded = ModelFile.Load(path);

        AssertSameModel(model, loaded);
    }

    [Fact]
    public void Read_returns_what_Write_wrote_to_a_stream_and_leaves_the_stream_open()
    {
        FactorModel model = TestModels.Create(seed: 12, withBiases: true, onGrid: false);
        using var stream = new MemoryStream();

        ModelFile.Write(model, stream);
        stream.Position = 0;
        FactorModel loaded = ModelFile.Read(stream, "memory");

        AssertSameModel(model, loaded);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void Save_writes_the_same_bytes_as_Write()
    {
        using var folder = new TempDirectory();
        FactorModel model = TestModels.Create(seed: 13, withBiases: true);
        using var stream = new MemoryStream();
        string path = folder.File("model.pzm");

        ModelFile.Write(model, stream);
        ModelFile.Save(model, path);

        Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));
    }

    internal static void AssertSameModel(FactorModel expected, FactorModel actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.NumberOfFactors, actual.NumberOfFactors);
        Assert.Equal(expected.Users.Ids, actual.Users.Ids);
        Assert.Equal(expected.Items.Ids, actual.Items.Ids);
        for (int u = 0; u < expected.Users.Count; u++)
        {
            Assert.Equal(u, actual.Users.GetIndex(expected.Users.GetId(u)));
        }

        Assert.Equal(Bits(expected.UserFactors), Bits(actual.UserFactors));
        Assert.Equal(Bits(expected.ItemFactors), Bits(actual.ItemFactors));
        Assert.Equal(Bits(expected.ItemPopularity), Bits(actual.ItemPopularity));
        for (int u = 0; u < expected.Users.Count; u++)
        {
            Assert.Equal(expected.GetSeenItems(u).ToArray(), actual.GetSeenItems(u).ToArray());
        }

        Assert.Equal(expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.GlobalBias), BitConverter.SingleToInt32Bits(actual.GlobalBias));
        Assert.Equal(expected.HasBiases, actual.HasBiases);
        Assert.Equal(
            Enumerable.Range(0, expected.Users.Count).Select(u => BitConverter.SingleToInt32Bits(expected.GetUserBias(u))),
            Enumerable.Range(0, actual.Users.Count).Select(u => BitConverter.SingleToInt32Bits(actual.GetUserBias(u))));
        Assert.Equal(
            Enumerable.Range(0, expected.Items.Count).Select(i => BitConverter.SingleToInt32Bits(expected.GetItemBias(i))),
            Enumerable.Range(0, actual.Items.Count).Select(i => BitConverter.SingleToInt32Bits(actual.GetItemBias(i))));
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
