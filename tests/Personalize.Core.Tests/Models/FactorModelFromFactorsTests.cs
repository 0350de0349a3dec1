using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Models;

public sealed class FactorModelFromFactorsTests
{
    private static readonly IdMap Users = IdMap.FromIds(["u1", "u2"]);
    private static readonly IdMap Items = IdMap.FromIds(["a", "b", "c"]);

    [Fact]
    public void FromFactors_builds_a_model_that_scores_and_recommends_like_the_factors_say()
    {
        float[] users = [1, 0, 0, 1];
        float[] items = [3, 0, 0, 2, 1, 1];
        FactorModel model = FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 2, users, items,
            seenOffsets: [0, 1, 1], seenItems: [0], properties: new Dictionary<string, string> { ["trainer"] = "test" });

        Assert.Equal(3f, model.Score(0, 0));
        Assert.Equal(2f, model.Score(1, 1));
        Assert.Equal([0], model.GetSeenItems(0).ToArray());
        Assert.Equal("test", model.Properties["trainer"]);
        using var recommender = new Recommender(model);
        Assert.Equal("c", recommender.ForUser("u1", count: 1)[0].ItemId);   // "a" was seen, "c" (1) beats "b" (0)
    }

    [Fact]
    public void FromFactors_copies_its_inputs()
    {
        float[] users = [1, 0, 0, 1];
        float[] items = [3, 0, 0, 2, 1, 1];
        FactorModel model = FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 2, users, items);
        users[0] = 100;
        items[0] = 100;

        Assert.Equal(3f, model.Score(0, 0));
    }

    public static TheoryData<string, float[], float[], int[], int[], string> Invalid => new()
    {
        { "too few user factors", [1, 0, 0], [3, 0, 0, 2, 1, 1], [], [], "userFactors" },
        { "a NaN item factor", [1, 0, 0, 1], [3, 0, float.NaN, 2, 1, 1], [], [], "itemFactors" },
        { "offsets of the wrong length", [1, 0, 0, 1], [3, 0, 0, 2, 1, 1], [0, 1], [0], "seenOffsets" },
        { "offsets that decrease", [1, 0, 0, 1], [3, 0, 0, 2, 1, 1], [0, 2, 1], [0], "seenOffsets" },
        { "a seen item out of range", [1, 0, 0, 1], [3, 0, 0, 2, 1, 1], [0, 1, 1], [3], "seenItems" },
        { "seen items not ascending", [1, 0, 0, 1], [3, 0, 0, 2, 1, 1], [0, 2, 2], [1, 0], "seenItems" },
    };

    [Theory, MemberData(nameof(Invalid))]
    public void FromFactors_rejects_inconsistent_arrays_naming_the_parameter(string because, float[] users, float[] items, int[] offsets, int[] seen,
        string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 2, users, items, offsets, seen));
        Assert.True(error.ParamName == parameter, $"{because}: expected {parameter}, got {error.ParamName}: {error.Message}");
    }

    [Fact]
    public void FromFactors_rejects_zero_factors() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 0, [], []));

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-5f)]
    public void FromFactors_rejects_a_popularity_that_is_not_a_finite_count(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 1, [1, 1], [1, 1, 1], itemPopularity: [bad, 2, 1]));

        Assert.Equal("itemPopularity", error.ParamName);
        Assert.Contains("every value must be finite and not negative", error.Message);
    }

    [Fact]
    public void Properties_a_model_file_could_not_keep_are_refused_when_set_not_when_saved()
    {
        FactorModel model = FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 1, [1, 1], [1, 1, 1]);
        string big = new('x', 600 * 1024);

        var large = Assert.Throws<ArgumentException>(() => model.WithProperties([new("note", big)]));
        var nullValue = Assert.Throws<ArgumentException>(() => model.WithProperties([new("note", null!)]));
        var fromFactors = Assert.Throws<ArgumentException>(() => FactorModel.FromFactors(FactorModelKind.Implicit, Users, Items, 1, [1, 1], [1, 1, 1],
            properties: new Dictionary<string, string> { ["note"] = big }));

        Assert.Contains("a model file keeps at most 524,288 (512 KiB)", large.Message);
        Assert.Contains("The property 'note' has a null value", nullValue.Message);
        Assert.Equal("properties", fromFactors.ParamName);

        // Just under the limit saves and loads back.
        FactorModel kept = model.WithProperties([new("note", new string('y', 500 * 1024))]);
        using var stream = new MemoryStream();
        ModelFile.Write(kept, stream);
        stream.Position = 0;
        Assert.Equal(500 * 1024, ModelFile.Read(stream, "m").Properties["note"].Length);
    }
}
