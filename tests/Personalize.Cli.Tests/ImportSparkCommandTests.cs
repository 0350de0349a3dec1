using Parquet;
using Parquet.Schema;
using Personalize.Core.Models;

namespace Personalize.Cli.Tests;

public sealed class ImportSparkCommandTests
{
    /// <summary>Writes ALSModel.save's layout: metadata/part-00000 and one Parquet file per part in userFactors/ and itemFactors/.</summary>
    private static string SparkModel(CliRunner cli, int rank, (int Id, float[] Features)[][] userParts, (int Id, float[] Features)[][] itemParts)
    {
        string root = cli.PathOf("als-model");
        Directory.CreateDirectory(Path.Combine(root, "metadata"));
        File.WriteAllText(Path.Combine(root, "metadata", "part-00000"),
            "{\"class\":\"org.apache.spark.ml.recommendation.ALSModel\",\"sparkVersion\":\"3.5.1\",\"uid\":\"ALS_1\",\"paramMap\":{\"userCol\":\"user\",\"itemCol\":\"item\"},\"rank\":" + rank + "}\n");
        foreach (var (name, parts) in new[] { ("userFactors", userParts), ("itemFactors", itemParts) })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "_SUCCESS"), "");
            for (int p = 0; p < parts.Length; p++)
            {
                WritePart(Path.Combine(root, name, $"part-{p:D5}-0c1d-c000.snappy.parquet"), parts[p]).GetAwaiter().GetResult();
            }
        }

        return root;
    }

    private static async Task WritePart(string file, (int Id, float[] Features)[] rows)
    {
        var id = new DataField<int>("id", false);
        var schema = new ParquetSchema(id, new ListField("features", new DataField<float>("element", false)));
        DataField features = schema.DataFields[1];
        int[] repetitions = [.. rows.SelectMany(r => r.Features.Select((_, i) => i == 0 ? 0 : 1))];
        await using FileStream stream = File.Create(file);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        await group.WriteAsync<int>(id, rows.Select(r => r.Id).ToArray());
        await group.WriteAllPartsAsync<float>(features, rows.SelectMany(r => r.Features).ToArray(),
            Enumerable.Repeat(features.MaxDefinitionLevel, repetitions.Length).ToArray(), repetitions, default);
    }

    private static string Model(CliRunner cli) => SparkModel(cli, 2,
        [[(0, [1f, 0f]), (1, [0f, 1f])], [(2, [1f, 1f])]],
        [[(0, [2f, 0f]), (1, [0f, 2f]), (2, [1f, 1f])]]);

    [Fact]
    public void Inspect_of_an_imported_model_prints_each_row_once_and_unknown_users_get_no_items()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("spark.pzm");
        var import = cli.Run("import-spark", "--model-dir", Model(cli), "--out", model, "--kind", "implicit");
        Assert.True(import.ExitCode == 0, import.Error);

        var (code, output, error) = cli.Run("inspect", "--model", model);
        var stranger = cli.Run("recommend", "--model", model, "--user", "nobody", "--format", "json");
        string skus = cli.Write("items.csv", "item_id,title\nI0001,Kettle\nI0002,Mug\n");
        var titled = cli.Run("recommend", "--model", model, "--user", "0", "--items", skus, "--format", "csv");

        Assert.True(code == 0, error);
        string[] names = [.. output.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Split('│', StringSplitOptions.TrimEntries)[1])];
        Assert.Contains("factors", names);
        Assert.Contains("none (nothing is left out as seen: a model imported from Spark without --interactions", output);
        Assert.Contains("none (users the model does not know get an empty list)", output);
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Equal(0, stranger.ExitCode);
        Assert.Contains("\"source\": \"empty\"", stranger.Output, StringComparison.Ordinal);
        Assert.Contains("\"items\": []", stranger.Output, StringComparison.Ordinal);
        Assert.Equal(0, titled.ExitCode);
        Assert.Equal($"warning: only 0 of the model's 3 items are in {skus} (the catalogue's ids look like 'I0001', the model's like '0'); items it lacks "
            + "have no title. Check that --items is this model's catalogue (and --items-id-col its id column).", titled.Error.Trim());
        Assert.Equal("note: user 'nobody' is not in the model, and the model has no popularity to fall back on (a model imported from Spark without "
            + "--interactions, or with a log that names none of its users and items), so the list is empty.", stranger.Error.Trim());
    }

    [Fact]
    public void Import_spark_writes_a_model_that_recommend_serves_with_the_callers_ids_and_seen_items()
    {
        using var cli = new CliRunner();
        string dir = Model(cli);
        string ids = cli.Write("ids.csv", "kind,index,id\nuser,0,alice\nuser,1,bob\nuser,2,carol\nitem,0,apple\nitem,1,banana\nitem,2,cherry\n");
        string events = cli.Write("events.csv", "user_id,item_id\nalice,apple\nbob,banana\nbob,apple\ndave,apple\n");
        string model = cli.PathOf("spark.pzm");

        var import = cli.Run("import-spark", "--model-dir", dir, "--out", model, "--ids", ids, "--interactions", events, "--kind", "implicit");
        var recommend = cli.Run("recommend", "--model", model, "--user", "alice", "--top", "2", "--format", "csv", "--out", cli.PathOf("recs.csv"));

        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains("Read 3 users from 2 file(s) and 3 items from 1 file(s) (Spark 3.5.1), rank 2.", import.Output);
        Assert.Contains("Kind: implicit (from the --kind option).", import.Output);
        Assert.Contains("Interactions: 4 rows read, 4 accepted, 0 rejected; 1 name a user or item the Spark model does not have", import.Output);
        Assert.True(recommend.ExitCode == 0, recommend.Error);
        string[] lines = File.ReadAllLines(cli.PathOf("recs.csv"));
        Assert.Equal(["alice,cherry,1,1", "alice,banana,2,0"], lines.Skip(1));
        FactorModel loaded = ModelFile.Load(model);
        Assert.Equal(("spark-als", FactorModelKind.Implicit), (loaded.Properties["trainer"], loaded.Kind));
    }

    [Fact]
    public void Interactions_that_name_what_the_model_lacks_are_warned_of_with_the_likely_cause()
    {
        using var cli = new CliRunner();
        string dir = Model(cli);
        string ids = cli.Write("ids.csv", "kind,index,id\nuser,0,alice\nuser,1,bob\nuser,2,carol\nitem,0,apple\nitem,1,banana\nitem,2,cherry\n");
        string events = cli.Write("events.csv", "user_id,item_id\nalice,apple\nbob,banana\nbob,apple\ndave,apple\n");

        var unmapped = cli.Run("import-spark", "--model-dir", dir, "--out", cli.PathOf("a.pzm"), "--interactions", events, "--kind", "implicit");
        var mapped = cli.Run("import-spark", "--model-dir", dir, "--out", cli.PathOf("b.pzm"), "--ids", ids, "--interactions", events, "--kind", "implicit");

        Assert.True(unmapped.ExitCode == 0, unmapped.Error);
        Assert.Contains($"warning: every one of the 4 accepted rows of {events} names a user or item the Spark model does not have, so the model has no "
            + "seen items and no popularity. Without --ids the model's ids are Spark's integer indices", unmapped.Error);
        Assert.True(mapped.ExitCode == 0, mapped.Error);
        Assert.DoesNotContain("warning", mapped.Error);   // 1 of 4 rows unmatched: a log a little newer than the model
    }

    [Fact]
    public void Without_kind_or_interactions_the_import_says_what_it_assumed()
    {
        using var cli = new CliRunner();
        string dir = Model(cli);

        var (code, output, error) = cli.Run("import-spark", "--model-dir", dir, "--out", cli.PathOf("m.pzm"));

        Assert.True(code == 0, error);
        Assert.Contains("Kind: explicit (from the Spark default).", output);
        Assert.Contains("note: Spark's ALSModel.save does not record implicitPrefs", error);
        Assert.Contains("note: without --interactions the model has no seen items", error);
        Assert.DoesNotContain("_SUCCESS", error);
        Assert.Equal(["0", "1", "2"], ModelFile.Load(cli.PathOf("m.pzm")).Users.Ids);

        File.Delete(Path.Combine(dir, "userFactors", "_SUCCESS"));
        var unmarked = cli.Run("import-spark", "--model-dir", dir, "--out", cli.PathOf("m2.pzm"));

        Assert.Equal(0, unmarked.ExitCode);
        Assert.Contains("warning: userFactors/ has no _SUCCESS file, which Spark writes when a save completes: the save may have stopped part way", unmarked.Error);
    }

    [Fact]
    public void Predict_with_an_imported_explicit_model_says_that_unknown_pairs_score_0_and_not_a_rating()
    {
        using var cli = new CliRunner();
        var import = cli.Run("import-spark", "--model-dir", Model(cli), "--out", cli.PathOf("m.pzm"));
        Assert.True(import.ExitCode == 0, import.Error);
        string pairs = cli.Write("pairs.csv", "user_id,item_id\n0,1\n9,1\n");

        var (code, output, error) = cli.Run("predict", "--model", cli.PathOf("m.pzm"), "--input", pairs);

        Assert.Equal(0, code);
        Assert.Equal(["0,1,0", "9,1,0"], output.Trim().Split('\n').Skip(1));   // user 0 is (1, 0), item 1 is (0, 2): a dot product of 0 too
        Assert.Contains("note: 1 of 2 pairs have a user or item the model does not know; their scores are 0, not ratings: the model has no global mean "
            + "or biases to fall back on (a Spark ALS model, whose own prediction for them is NaN); leave those rows out, or give --fail-on-unknown.", error);
        Assert.Contains("1 on the fallback (score 0, no biases)", error);
    }

    [Fact]
    public void A_factor_row_that_does_not_match_the_rank_exits_2_with_one_line_naming_the_file()
    {
        using var cli = new CliRunner();
        string dir = SparkModel(cli, 3, [[(3, [1f, 2f])]], [[(1, [1f, 2f, 3f])]]);

        var (code, _, error) = cli.Run("import-spark", "--model-dir", dir, "--out", cli.PathOf("m.pzm"));

        Assert.Equal(2, code);
        Assert.EndsWith("part-00000-0c1d-c000.snappy.parquet: section 'userFactors': row 1 (id 3): features has 2 values; the metadata says rank 3.",
            error.Trim());
        Assert.StartsWith($"error: {dir}", error);   // the file named by its path under the folder the person gave
        Assert.False(File.Exists(cli.PathOf("m.pzm")));
    }

    [Theory]
    [InlineData("--out", "x.pzm", "--model-dir and --out are required")]
    [InlineData("--model-dir", "als-model", "--model-dir and --out are required")]
    [InlineData("--kind", "both", "--kind 'both' is not a kind (expected implicit or explicit).")]
    public void Bad_usage_exits_2_and_says_what_is_expected(string option, string value, string message)
    {
        using var cli = new CliRunner();
        string[] args = option == "--kind" ? ["import-spark", "--model-dir", Model(cli), "--out", cli.PathOf("m.pzm"), option, value] : ["import-spark", option, value];

        var (code, _, error) = cli.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Out_naming_an_input_a_file_in_the_model_folder_or_a_folder_is_refused_before_anything_is_written()
    {
        using var cli = new CliRunner();
        string dir = Model(cli);
        string ids = cli.Write("ids.csv", "kind,index,id\nuser,0,alice\nuser,1,bob\nuser,2,carol\nitem,0,tea\nitem,1,cake\nitem,2,jam\n");
        string events = cli.Write("events.csv", "user_id,item_id\nalice,tea\n");
        string metadata = Path.Combine(dir, "metadata", "part-00000");
        string idsBefore = File.ReadAllText(ids);
        string metadataBefore = File.ReadAllText(metadata);

        var overIds = cli.Run("import-spark", "--model-dir", dir, "--ids", ids, "--out", ids);
        var overEvents = cli.Run("import-spark", "--model-dir", dir, "--ids", ids, "--interactions", events, "--out", events);
        var inside = cli.Run("import-spark", "--model-dir", dir, "--out", metadata);
        var folder = cli.Run("import-spark", "--model-dir", dir, "--out", cli.Folder);
        var inspect = cli.Run("inspect", "--model", dir);

        Assert.Equal((2, 2, 2, 2), (overIds.ExitCode, overEvents.ExitCode, inside.ExitCode, folder.ExitCode));
        Assert.StartsWith($"error: --out {ids} is also an input of this command", overIds.Error);
        Assert.StartsWith($"error: --out {events} is also an input of this command", overEvents.Error);
        Assert.StartsWith($"error: --out {metadata} is inside --model-dir {dir}, which the import reads", inside.Error);
        Assert.StartsWith($"error: --out {cli.Folder} is a folder; give the path of a file to write", folder.Error);
        Assert.Equal(idsBefore, File.ReadAllText(ids));
        Assert.Equal(metadataBefore, File.ReadAllText(metadata));
        Assert.Equal(2, inspect.ExitCode);
        Assert.Contains("is the folder of a Spark ALS model (userFactors, itemFactors); turn it into a model file with 'personalize import-spark --model-dir'", inspect.Error);
    }

    [Fact]
    public void A_missing_folder_exits_2_naming_it()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("import-spark", "--model-dir", cli.PathOf("nowhere"), "--out", cli.PathOf("m.pzm"));

        Assert.Equal(2, code);
        Assert.Contains("nowhere' does not exist", error);
    }
}
