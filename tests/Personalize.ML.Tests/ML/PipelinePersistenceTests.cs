using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Personalize.Core.ML;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.ML.Tests.ML;

public sealed class PipelinePersistenceTests
{
    private static (MLContext Ml, IDataView Data, TransformerChain<ColumnCopyingTransformer> Model) Fitted()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(MLTestData.Ratings());
        var model = MLTestData.KeyIds(ml)
            .Append(ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "user_key", "item_key", numberOfIterations: 10))
            .Append(ml.Transforms.CopyColumns("ScoreCopy", "Score"))
            .Fit(data);
        return (ml, data, model);
    }

    [Fact]
    public void MLNETs_own_Save_throws_and_says_why_and_what_to_use_instead()
    {
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();

        Exception error = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, directory.File("model.zip")));

        Exception inner = error is NotSupportedException ? error : error.InnerException ?? error;
        Assert.IsType<NotSupportedException>(inner);
        Assert.Contains("ML.NET 5 keeps the API a custom transformer needs", inner.Message);
        Assert.Contains("mlContext.Personalization().Model.Save", inner.Message);
    }

    [Fact]
    public void Save_and_Load_round_trip_a_pipeline_with_MLNET_transforms_before_and_after_ours()
    {
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();
        string path = directory.File("pipeline.zip");

        ml.Personalization().Model.Save(model, data.Schema, path);
        ITransformer loaded = new MLContext(seed: 2).Personalization().Model.Load(path, out DataViewSchema schema);

        Assert.Equal(data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
        var chain = Assert.IsType<TransformerChain<ITransformer>>(loaded);
        Assert.Equal(4, chain.Count());
        Assert.IsType<FactorModelTransformer>(chain.ElementAt(2));
        IDataView before = model.Transform(data), after = loaded.Transform(data);
        Assert.Equal(EstimatorWorkout.Scores(before), EstimatorWorkout.Scores(after));
        Assert.Equal(EstimatorWorkout.Scores(before, "ScoreCopy"), EstimatorWorkout.Scores(after, "ScoreCopy"));
    }

    [Fact]
    public void A_pipeline_that_starts_with_our_transformer_keeps_its_input_schema()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(MLTestData.Events());
        FactorModelTransformer transformer = ml.Personalization().Trainers.ImplicitAls("UserId", "ItemId", numberOfFactors: 4, numberOfIterations: 2).Fit(data);
        using var stream = new MemoryStream();

        ml.Personalization().Model.Save(transformer, data.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = ml.Personalization().Model.Load(stream, out DataViewSchema schema);

        Assert.Equal(data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
        Assert.Equal(EstimatorWorkout.Scores(transformer.Transform(data)), EstimatorWorkout.Scores(loaded.Transform(data)));
    }

    [Fact]
    public void The_documented_alternative_ModelFile_plus_MLNET_Save_and_Append_rebuilds_the_same_pipeline()
    {
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();
        var prefix = new TransformerChain<ITransformer>([.. model.TakeWhile(t => t is not FactorModelTransformer)]);
        FactorModelTransformer ours = model.OfType<FactorModelTransformer>().Single();

        ml.Model.Save(prefix, data.Schema, directory.File("keys.zip"));
        ModelFile.Save(ours.Model, directory.File("ratings.pzm"));
        ITransformer keys = ml.Model.Load(directory.File("keys.zip"), out _);
        var rebuilt = keys.Append(new FactorModelTransformer(ModelFile.Load(directory.File("ratings.pzm")), "user_key", "item_key"));

        Assert.Equal(EstimatorWorkout.Scores(model.Transform(data)), EstimatorWorkout.Scores(rebuilt.Transform(data)));
    }

    [Fact]
    public void Load_rejects_files_that_are_not_saved_pipelines_naming_the_problem()
    {
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();
        ml.Model.Save(new TransformerChain<ITransformer>([.. model.TakeWhile(t => t is not FactorModelTransformer)]), data.Schema, directory.File("mlnet.zip"));
        string text = directory.Write("notes.txt", "not a zip");
        ml.Personalization().Model.Save(model, data.Schema, directory.File("ok.zip"));
        using (var zip = System.IO.Compression.ZipFile.Open(directory.File("ok.zip"), System.IO.Compression.ZipArchiveMode.Update))
        {
            zip.GetEntry("parts/1.pzm")!.Delete();
        }

        var mlnet = Assert.Throws<ModelFormatException>(() => ml.Personalization().Model.Load(directory.File("mlnet.zip"), out _));
        var notZip = Assert.Throws<ModelFormatException>(() => ml.Personalization().Model.Load(text, out _));
        var missingPart = Assert.Throws<ModelFormatException>(() => ml.Personalization().Model.Load(directory.File("ok.zip"), out _));

        Assert.Contains("the zip has no pipeline.json", mlnet.Message);
        Assert.Contains("saved by mlContext.Model.Save, loads with mlContext.Model.Load; one with such a trainer is saved with mlContext.Personalization().Model.Save", mlnet.Message);
        Assert.Contains("not a saved pipeline", notZip.Message);
        Assert.Equal("parts/1.pzm", missingPart.Section);
    }

    [Fact]
    public void A_truncated_or_damaged_file_is_refused_as_damaged_or_loads_the_same_scores_never_other_scores_or_other_exceptions()
    {
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();
        string path = directory.File("ok.zip");
        ml.Personalization().Model.Save(model, data.Schema, path);
        byte[] bytes = File.ReadAllBytes(path);
        float[] expected = EstimatorWorkout.Scores(model.Transform(data));
        string damaged = directory.File("damaged.zip");

        File.WriteAllBytes(damaged, bytes[..^1]);
        var truncated = Assert.Throws<ModelFormatException>(() => ml.Personalization().Model.Load(damaged, out _));
        Assert.Contains("damaged.zip: the file is damaged (truncated or corrupted)", truncated.Message);

        int refused = 0, same = 0;
        for (int position = 0; position < bytes.Length; position += Math.Max(1, bytes.Length / 150))
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[position] ^= 0x10;
            File.WriteAllBytes(damaged, copy);
            ITransformer? loaded = null;
            try
            {
                loaded = ml.Personalization().Model.Load(damaged, out _);
            }
            catch (ModelFormatException)
            {
                refused++;
                continue;
            }

            // A byte the reader does not use (a file date, say) may change; then the scores are the same.
            Assert.True(expected.SequenceEqual(EstimatorWorkout.Scores(loaded.Transform(data))), $"byte {position} changed the scores without an error");
            same++;
        }

        Assert.True(refused > 0, "no flip was refused");
    }

    [Fact]
    public void MLNETs_own_Save_replaces_an_existing_file_before_our_transformer_is_asked()
    {
        // Evidence for the documented limit: ModelOperationsCatalog.Save(model, schema, path) runs File.Create(path) (truncating it) and
        // only then asks each transformer to save; by the time FactorModelTransformer's hook throws, the old file is already gone.
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();
        string path = directory.File("model.zip");
        byte[] previous = [.. Enumerable.Range(0, 4096).Select(i => (byte)i)];
        File.WriteAllBytes(path, previous);

        Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, path));

        Assert.True(File.Exists(path));
        Assert.NotEqual(previous, File.ReadAllBytes(path));
        Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));
    }

    [Fact]
    public void Our_Save_that_fails_leaves_nothing_behind_and_an_existing_file_intact()
    {
        (MLContext ml, IDataView data, var model) = Fitted();
        using var directory = new TempDirectory();
        string path = directory.File("pipeline.zip");
        byte[] previous = [1, 2, 3, 4];
        File.WriteAllBytes(path, previous);
        var broken = new TransformerChain<ITransformer>([.. model, new UnsavableTransformer()]);

        Assert.Throws<InvalidOperationException>(() => ml.Personalization().Model.Save(broken, data.Schema, path));
        Assert.Throws<InvalidOperationException>(() => ml.Personalization().Model.Save(broken, data.Schema, directory.File("new.zip")));

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }

    /// <summary>An ML.NET-side transformer whose save fails, as one without a registered loader would.</summary>
    private sealed class UnsavableTransformer : ITransformer
    {
        public bool IsRowToRowMapper => true;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public IDataView Transform(IDataView input) => input;

        public void Save(ModelSaveContext ctx) => throw new InvalidOperationException("this transformer cannot be saved");
    }
}
