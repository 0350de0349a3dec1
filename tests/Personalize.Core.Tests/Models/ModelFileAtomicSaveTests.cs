using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

public sealed class ModelFileAtomicSaveTests
{
    [Fact]
    public void Save_leaves_only_the_model_file_in_the_folder()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");

        ModelFile.Save(TestModels.Create(seed: 21), path);

        Assert.Equal([path], Directory.GetFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData(float.NaN, "the factors of user 'user-1'")]
    [InlineData(float.PositiveInfinity, "the factors of user 'user-1'")]
    public void Save_refuses_a_model_with_a_value_that_is_not_finite_and_keeps_the_file_it_would_replace(float bad, string where)
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        FactorModel good = TestModels.Create(seed: 25);
        ModelFile.Save(good, path);
        byte[] before = File.ReadAllBytes(path);
        float[] users = good.UserFactors.ToArray();
        users[good.NumberOfFactors * good.Users.GetIndex("user-1") + 1] = bad;
        var diverged = new FactorModel(FactorModelKind.Implicit, good.Users, good.Items, good.NumberOfFactors, users, good.ItemFactors.ToArray(),
            Offsets(good), Seen(good), good.ItemPopularity.ToArray(), new Dictionary<string, string>());

        var exception = Assert.Throws<InvalidOperationException>(() => ModelFile.Save(diverged, path));

        Assert.Contains(where, exception.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(folder.Path));
        Assert.Throws<InvalidOperationException>(() => ModelFile.Write(diverged, new MemoryStream()));
    }

    [Theory]
    [InlineData(ModelPropertyNames.PopularityWeight, "0.1")]
    [InlineData(ModelPropertyNames.PopularityWeight, "high")]
    [InlineData(ModelPropertyNames.ItemItemWeight, "0.35")]
    public void Save_refuses_properties_that_loading_would_refuse_and_keeps_the_file_it_would_replace(string name, string value)
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        FactorModel good = TestModels.Create(seed: 26);
        ModelFile.Save(good, path);
        byte[] before = File.ReadAllBytes(path);
        FactorModel unloadable = good.WithProperties([new(name, value)]);

        var exception = Assert.Throws<InvalidOperationException>(() => ModelFile.Save(unloadable, path));

        Assert.StartsWith("The model cannot be saved, because it could not be loaded again: ", exception.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(folder.Path));
    }

    private static int[] Offsets(FactorModel model)
    {
        var offsets = new int[model.Users.Count + 1];
        for (int u = 0; u < model.Users.Count; u++)
        {
            offsets[u + 1] = offsets[u] + model.GetSeenItems(u).Length;
        }

        return offsets;
    }

    private static int[] Seen(FactorModel model) =>
        Enumerable.Range(0, model.Users.Count).SelectMany(u => model.GetSeenItems(u).ToArray()).ToArray();

    [Fact]
    public void Save_over_an_existing_model_replaces_it_and_leaves_no_temporary_file()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        FactorModel second = TestModels.Create(seed: 23, userCount: 7, itemCount: 9, numberOfFactors: 3, withBiases: true);
        ModelFile.Save(TestModels.Create(seed: 22), path);

        ModelFile.Save(second, path);

        ModelFileRoundTripTests.AssertSameModel(second, ModelFile.Load(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Save_over_a_file_that_is_not_a_model_replaces_it()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("model.pzm", "user,item\nu1,i1\n");
        FactorModel model = TestModels.Create(seed: 24);

        ModelFile.Save(model, path);

        ModelFileRoundTripTests.AssertSameModel(model, ModelFile.Load(path));
    }

    [Fact]
    public void Save_creates_missing_folders()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "a", "b", "model.pzm");
        FactorModel model = TestModels.Create(seed: 25);

        ModelFile.Save(model, path);

        ModelFileRoundTripTests.AssertSameModel(model, ModelFile.Load(path));
    }

    [Fact]
    public void Save_under_a_folder_path_that_is_a_file_fails_and_leaves_that_file_unchanged()
    {
        using var folder = new TempDirectory();
        string oldModel = folder.File("model.pzm");
        ModelFile.Save(TestModels.Create(seed: 26), oldModel);
        byte[] before = File.ReadAllBytes(oldModel);

        Assert.ThrowsAny<IOException>(() => ModelFile.Save(TestModels.Create(seed: 27), Path.Combine(oldModel, "model.pzm")));

        Assert.Equal(before, File.ReadAllBytes(oldModel));
        Assert.Equal([oldModel], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Save_to_a_path_that_is_a_folder_fails_and_leaves_no_temporary_file()
    {
        using var folder = new TempDirectory();
        string target = folder.File("model.pzm");
        Directory.CreateDirectory(target);

        Assert.ThrowsAny<IOException>(() => ModelFile.Save(TestModels.Create(seed: 28), target));

        Assert.True(Directory.Exists(target));
        Assert.Empty(Directory.GetFileSystemEntries(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Save_that_fails_while_writing_leaves_the_old_model_unchanged_and_no_temporary_file()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pzm");
        ModelFile.Save(TestModels.Create(seed: 29), path);
        byte[] before = File.ReadAllBytes(path);
        // A property without a value cannot be written: the writer throws after the temporary file was created.
        FactorModel unwritable = TestModels.Create(seed: 30, properties: new Dictionary<string, string> { ["broken"] = null! });

        Assert.ThrowsAny<ArgumentException>(() => ModelFile.Save(unwritable, path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(folder.Path));
    }
}
