using Parquet;
using Parquet.Schema;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Spark;
using Personalize.Core.Tests.TestSupport;
using Row = Personalize.Spark.Tests.TestSupport.SparkModelFolder.Row;

namespace Personalize.Spark.Tests.Spark;

public sealed class SparkAlsImporterTests
{
    private const int Rank = 5;
    private static readonly int[] UserIds = [42, 3, 17, 8, 99, 23, 5];
    private static readonly int[] ItemIds = [7, 1, 30, 12, 4];

    private static (SparkModelFolder Folder, List<IReadOnlyList<Row>> Users, List<IReadOnlyList<Row>> Items) Model(TempDirectory directory,
        string? extraParams = null)
    {
        var folder = new SparkModelFolder(directory.File("als-model"));
        var random = new Random(11);
        List<IReadOnlyList<Row>> users = SparkModelFolder.Random(random, UserIds, Rank, partCount: 3);
        List<IReadOnlyList<Row>> items = SparkModelFolder.Random(random, ItemIds, Rank, partCount: 2);
        folder.WriteMetadata(Rank, extraParams: extraParams);
        folder.WriteFactors("userFactors", users);
        folder.WriteFactors("itemFactors", items);
        return (folder, users, items);
    }

    private static double Dot(float?[] a, float?[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i]!.Value * b[i]!.Value;
        }

        return sum;
    }

    [Fact]
    public async Task Import_reads_every_part_file_and_scores_are_the_dot_products_of_Sparks_factors()
    {
        using var directory = new TempDirectory();
        var (folder, users, items) = Model(directory);

        SparkAlsImportResult result = await SparkAlsImporter.ImportAsync(folder.Path);
        FactorModel model = result.Model;

        Assert.Equal(Rank, model.NumberOfFactors);
        Assert.Equal(UserIds.Order().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), model.Users.Ids);
        Assert.Equal(ItemIds.Order().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), model.Items.Ids);
        Assert.Equal((3, 2), (result.UserFiles, result.ItemFiles));
        foreach (Row user in users.SelectMany(p => p))
        {
            foreach (Row item in items.SelectMany(p => p))
            {
                double expected = Dot(user.Features!, item.Features!);
                float score = model.PredictRating(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(Math.Abs(score - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"user {user.Id} item {item.Id}: {score} vs {expected}");
            }
        }

        Assert.Equal(FactorModelKind.Explicit, model.Kind);
        Assert.Equal("default", result.KindSource);
        Assert.Equal(("spark-als", "5", "3.5.1", "user"), (model.Properties["trainer"], model.Properties["factors"], model.Properties["spark_version"], model.Properties["spark_user_col"]));
        Assert.Equal(0, model.GetSeenItems(0).Length);
        Assert.Empty(result.FoldersWithoutSuccessMarker);
    }

    [Fact]
    public async Task A_factor_folder_without_the_success_marker_is_named_in_the_result()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        File.Delete(Path.Combine(folder.Path, "itemFactors", "_SUCCESS"));

        SparkAlsImportResult result = await SparkAlsImporter.ImportAsync(folder.Path);

        Assert.Equal(["itemFactors"], result.FoldersWithoutSuccessMarker);
        Assert.Equal(ItemIds.Length, result.Model.Items.Count);
    }

    [Fact]
    public async Task The_imported_model_saves_and_loads_as_our_model_file_with_the_same_scores()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        FactorModel model = (await SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { Kind = FactorModelKind.Implicit })).Model;

        ModelFile.Save(model, directory.File("spark.pzm"));
        FactorModel loaded = ModelFile.Load(directory.File("spark.pzm"));

        Assert.Equal(FactorModelKind.Implicit, loaded.Kind);
        Assert.Equal(model.UserFactors.ToArray(), loaded.UserFactors.ToArray());
        Assert.Equal(model.ItemFactors.ToArray(), loaded.ItemFactors.ToArray());
        Assert.Equal(model.Users.Ids, loaded.Users.Ids);
    }

    [Fact]
    public async Task An_id_mapping_restores_the_callers_ids_and_interactions_give_seen_items_and_popularity()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        string ids = directory.Write("ids.csv", "kind,index,id\n" + string.Join('\n', UserIds.Select(u => $"user,{u},customer-{u}"))
            + "\n" + string.Join('\n', ItemIds.Select(i => $"item,{i}.0,\"sku, {i}\"")) + "\n");
        string events = directory.Write("events.csv", "user_id,item_id\ncustomer-3,\"sku, 7\"\ncustomer-3,\"sku, 7\"\ncustomer-3,\"sku, 1\"\n"
            + "customer-42,\"sku, 7\"\nstranger,\"sku, 7\"\ncustomer-42,\"sku, 999\"\n");

        SparkAlsImportResult result = await SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions
        {
            IdMappingPath = ids, InteractionsPath = events, Kind = FactorModelKind.Implicit,
        });
        FactorModel model = result.Model;
        using var recommender = new Recommender(model);

        Assert.Equal("customer-3", model.Users.GetId(0));
        Assert.Equal("sku, 1", model.Items.GetId(0));
        Assert.Equal(["sku, 1", "sku, 7"], model.GetSeenItems(model.Users.GetIndex("customer-3")).ToArray().Select(model.Items.GetId));
        Assert.Equal(2f, model.ItemPopularity[model.Items.GetIndex("sku, 7")]);
        Assert.Equal((6L, 2L), (result.Interactions!.Accepted, result.InteractionsNotInModel));
        Assert.DoesNotContain(recommender.ForUser("customer-3", 10), r => r.ItemId is "sku, 1" or "sku, 7");
        Assert.Equal("sku, 7", recommender.ForUser("stranger", 1)[0].ItemId);
        Assert.Equal("option", result.KindSource);
    }

    [Fact]
    public async Task A_log_with_ratings_gives_seen_items_but_does_not_clamp_the_scores_which_stay_Sparks_dot_products()
    {
        using var directory = new TempDirectory();
        var (folder, users, items) = Model(directory);
        // Ratings of 2 to 3 only: a range recorded from them would clamp most dot products of these random factors.
        string events = directory.Write("ratings.csv", "user_id,item_id,rating\n42,7,3\n3,1,2\n17,30,2.5\n");

        FactorModel model = (await SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { InteractionsPath = events })).Model;

        Assert.False(model.Properties.ContainsKey(FactorModel.MinRatingProperty));
        Assert.False(model.Properties.ContainsKey(FactorModel.MaxRatingProperty));
        Assert.Equal(["7"], model.GetSeenItems(model.Users.GetIndex("42")).ToArray().Select(model.Items.GetId));
        int outside = 0;
        foreach (Row user in users.SelectMany(p => p))
        {
            foreach (Row item in items.SelectMany(p => p))
            {
                double expected = Dot(user.Features!, item.Features!);
                outside += expected is < 2 or > 3 ? 1 : 0;
                float score = model.PredictRating(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(Math.Abs(score - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"user {user.Id} item {item.Id}: {score} vs {expected}");
            }
        }

        Assert.True(outside > 10, "the factors should give dot products outside the ratings' range");
    }

    [Fact]
    public async Task An_id_with_doubled_quotes_is_read_and_one_escaped_the_way_Spark_does_by_default_is_an_error_on_its_line()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        string Users(string quoted) => "kind,index,id\n" + string.Join('\n', UserIds.Select(u => u == 3 ? $"user,3,{quoted}" : $"user,{u},c{u}")) + "\n";
        string doubled = directory.Write("doubled.csv", Users("\"say \"\"hi\"\"\""));
        string sparkDefault = directory.Write("spark.csv", Users("\"say \\\"hi\\\"\""));

        FactorModel model = (await SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { IdMappingPath = doubled })).Model;
        var error = await Assert.ThrowsAsync<InteractionDataException>(() =>
            SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { IdMappingPath = sparkDefault }));

        Assert.True(model.Users.TryGetIndex("say \"hi\"", out _));
        Assert.Equal(3, error.LineNumber);   // the header, user 42, then user 3
        Assert.Contains("spark.csv", error.Message);
        Assert.Contains(".option(\"escape\", \"\\\"\")", error.Message);
    }

    [Fact]
    public async Task Mapped_ids_are_trimmed_as_logs_trim_them_a_trailing_comma_is_no_field_and_a_folder_is_named_as_one()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        string padded = directory.Write("padded.csv", "kind,index,id\n" + string.Join('\n', UserIds.Select(u => $" user , {u} , c{u} ,")) + "\n");
        Directory.CreateDirectory(directory.File("als-ids"));

        FactorModel model = (await SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { IdMappingPath = padded })).Model;
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { IdMappingPath = directory.File("als-ids") }));

        Assert.All(UserIds, u => Assert.True(model.Users.TryGetIndex($"c{u}", out _), $"c{u}"));
        Assert.Contains("is a folder; give the CSV file inside it", error.Message);
    }

    [Fact]
    public async Task A_kind_recorded_in_the_metadata_is_used_and_a_contradicting_option_is_an_error()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory, extraParams: ",\"implicitPrefs\":true");

        SparkAlsImportResult result = await SparkAlsImporter.ImportAsync(folder.Path);
        var error = await Assert.ThrowsAsync<ModelFormatException>(() =>
            SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { Kind = FactorModelKind.Explicit }));

        Assert.Equal((FactorModelKind.Implicit, "metadata"), (result.Model.Kind, result.KindSource));
        Assert.Contains("implicitPrefs is true, so the model is Implicit, but Explicit was asked for", error.Message);
    }

    [Fact]
    public async Task Sparks_nullable_element_layout_is_read_and_a_null_factor_is_an_error_naming_the_file_and_id()
    {
        using var directory = new TempDirectory();
        var folder = new SparkModelFolder(directory.File("m"));
        folder.WriteMetadata(2);
        folder.WriteFactors("userFactors", [[new Row(1, [0.5f, 1f]), new Row(2, [1f, -1f])]], nullableElements: true);
        folder.WriteFactors("itemFactors", [[new Row(9, [2f, 0.25f])]], nullableElements: true);
        var broken = new SparkModelFolder(directory.File("broken"));
        broken.WriteMetadata(2);
        broken.WriteFactors("userFactors", [[new Row(1, [0.5f, null])]], nullableElements: true);
        broken.WriteFactors("itemFactors", [[new Row(9, [2f, 0.25f])]], nullableElements: true);

        FactorModel model = (await SparkAlsImporter.ImportAsync(folder.Path)).Model;
        var error = await Assert.ThrowsAsync<ModelFormatException>(() => SparkAlsImporter.ImportAsync(broken.Path));

        Assert.Equal(1.25f, model.PredictRating("1", "9"));
        Assert.Equal("userFactors", error.Section);
        Assert.StartsWith("part-00000-", error.Message);
        Assert.Contains("row 1 (id 1): features[1] is null", error.Message);
    }

    public static TheoryData<string, string, string> BrokenModels => new()
    {
        { "rank", "userFactors", "row 1 (id 17): features has 4 values; the metadata says rank 5." },
        { "nan", "itemFactors", "row 2 (id 12): features[2] is NaN; every factor must be a finite number." },
        { "empty-list", "userFactors", "row 1 (id 17): features is empty or null; the metadata says rank 5." },
        { "duplicate", "userFactors", "id 17 appears twice (also in part-00000-" },
        { "not-parquet", "itemFactors", "not a readable Parquet file" },
        { "pipeline", "metadata", "This is a PipelineModel: point at its ALS stage" },
        { "cross-validator", "metadata", "This is a CrossValidatorModel: point at its bestModel/ folder" },
        { "no-rank", "metadata", "no valid 'rank'" },
        { "big-rank", "metadata", "the rank is 2000; this library serves models of rank 1 to 1024." },
        { "metadata-array", "metadata", "the JSON is an array, not an object; expected the JSON object ALSModel.save writes" },
        { "metadata-null", "metadata", "the JSON is null, not an object" },
        { "damaged-page", "itemFactors", "not a readable Parquet file (" },
    };

    [Theory]
    [MemberData(nameof(BrokenModels))]
    public async Task A_broken_model_is_rejected_naming_the_file_and_what_was_expected(string breakage, string section, string message)
    {
        using var directory = new TempDirectory();
        var folder = new SparkModelFolder(directory.File("m"));
        var random = new Random(3);
        var users = SparkModelFolder.Random(random, [5, 17], Rank, 1);
        var items = SparkModelFolder.Random(random, [4, 12], Rank, 1);
        folder.WriteMetadata(Rank, className: breakage switch
        {
            "pipeline" => "org.apache.spark.ml.PipelineModel",
            "cross-validator" => "org.apache.spark.ml.tuning.CrossValidatorModel",
            _ => "org.apache.spark.ml.recommendation.ALSModel",
        });
        switch (breakage)
        {
            case "rank": users = [[new Row(17, [1, 2, 3, 4]), users[0][0]]]; break;
            case "nan": items = [[items[0][0], new Row(12, [1, 2, float.NaN, 4, 5])]]; break;
            case "empty-list": users = [[new Row(17, []), users[0][0]]]; break;
            case "duplicate": users = [[new Row(17, [1, 2, 3, 4, 5])], [new Row(17, [1, 2, 3, 4, 5])]]; break;
            case "no-rank": File.WriteAllText(Path.Combine(folder.Path, "metadata", "part-00000"), "{\"class\":\"org.apache.spark.ml.recommendation.ALSModel\"}\n"); break;
            case "big-rank": File.WriteAllText(Path.Combine(folder.Path, "metadata", "part-00000"), "{\"class\":\"org.apache.spark.ml.recommendation.ALSModel\",\"rank\":2000}\n"); break;
            case "metadata-array": File.WriteAllText(Path.Combine(folder.Path, "metadata", "part-00000"), "[1,2,3]\n"); break;
            case "metadata-null": File.WriteAllText(Path.Combine(folder.Path, "metadata", "part-00000"), "null\n"); break;
        }

        folder.WriteFactors("userFactors", users);
        folder.WriteFactors("itemFactors", items);
        if (breakage == "not-parquet")
        {
            File.WriteAllText(Directory.GetFiles(Path.Combine(folder.Path, "itemFactors"), "part-*.parquet")[0], "this is not parquet");
        }

        if (breakage == "damaged-page")
        {
            // The footer (schema) intact, the pages after the magic number overwritten: the reader opens the file and fails on a page.
            string file = Directory.GetFiles(Path.Combine(folder.Path, "itemFactors"), "part-*.parquet")[0];
            byte[] bytes = File.ReadAllBytes(file);
            bytes.AsSpan(4, 40).Fill(0xFF);
            File.WriteAllBytes(file, bytes);
        }

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => SparkAlsImporter.ImportAsync(folder.Path));

        Assert.Equal(section, error.Section);
        Assert.Contains(message, error.Message);
        Assert.True(File.Exists(error.FilePath) || Directory.Exists(error.FilePath), error.FilePath);
    }

    [Fact]
    public async Task String_ids_and_a_double_beyond_floats_range_are_named_in_Sparks_terms()
    {
        using var directory = new TempDirectory();
        var folder = new SparkModelFolder(directory.File("m"));
        folder.WriteMetadata(2);
        folder.WriteFactors("itemFactors", [[new Row(1, [1, 2])]]);
        string users = Path.Combine(folder.Path, "userFactors");
        Directory.CreateDirectory(users);
        string file = Path.Combine(users, "part-00000-abc-c000.snappy.parquet");
        var features = new DataField<double>("element", false);
        var schema = new ParquetSchema(new DataField<string>("id", false), new ListField("features", features));
        await WriteAsync(file, schema, group => group.WriteAsync(schema.DataFields[0], new[] { "a" }), [1e39, 1]);

        var stringIds = await Assert.ThrowsAsync<ModelFormatException>(() => SparkAlsImporter.ImportAsync(folder.Path));

        Assert.EndsWith("expected the columns id (int) and features (array of float) that ALS writes; found id (string), features (array of double).",
            stringIds.Message);

        schema = new ParquetSchema(new DataField<int>("id", false), new ListField("features", features));
        await WriteAsync(file, schema, group => group.WriteAsync<int>(schema.DataFields[0], new[] { 7 }.AsMemory()), [1e39, 1]);
        var overflow = await Assert.ThrowsAsync<ModelFormatException>(() => SparkAlsImporter.ImportAsync(folder.Path));

        Assert.EndsWith("row 1 (id 7): features[0] is 1E+39, beyond the range of the float factors a model holds (±3.4E+38).", overflow.Message);

        static async Task WriteAsync(string path, ParquetSchema schema, Func<ParquetRowGroupWriter, Task> writeIds, double[] values)
        {
            await using FileStream stream = File.Create(path);
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await writeIds(group);
            DataField list = schema.DataFields[1];
            await group.WriteAllPartsAsync<double>(list, values, values.Select(_ => list.MaxDefinitionLevel).ToArray(),
                values.Select((_, i) => i == 0 ? 0 : 1).ToArray(), default);
        }
    }

    [Fact]
    public async Task Missing_folders_are_named()
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        Directory.Delete(Path.Combine(folder.Path, "itemFactors"), recursive: true);
        var noMetadata = new SparkModelFolder(directory.File("no-metadata"));
        noMetadata.WriteFactors("userFactors", SparkModelFolder.Random(new Random(1), [1], 2, 1));

        var items = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => SparkAlsImporter.ImportAsync(folder.Path));
        var metadata = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => SparkAlsImporter.ImportAsync(noMetadata.Path));
        var nothing = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => SparkAlsImporter.ImportAsync(directory.File("nowhere")));

        Assert.Contains("has no itemFactors/ folder", items.Message);
        Assert.Contains("has no metadata/ folder", metadata.Message);
        Assert.Contains("does not exist", nothing.Message);
    }

    public static TheoryData<string, long, string> BadIdMappings => new()
    {
        { "kind,index,id\nuser,42,a\nuser,42,b\n", 3, "user index 42 is mapped twice (to 'a' and 'b')" },
        { "kind,index,id\nuser,42,a\nuser,3,a\n", 3, "user id 'a' is mapped from two indices (42 and 3)" },
        { "kind,index,id\nshop,1,a\n", 2, "'shop' is not a kind; expected user or item." },
        { "kind,index,id\nitem,x,a\n", 2, "'x' is not an integer index" },
        { "user,index\n", 1, "expected the header kind,index,id" },
        { "kind,index,id\nuser,42,Smith, John\n", 2, "the line has 4 fields where the header has 3; a comma inside an unquoted id" },
        { "kind,index,id\nuser,42,a\n", 0, "no user row for index 3, which the Spark model has" },
    };

    [Theory]
    [MemberData(nameof(BadIdMappings))]
    public async Task A_bad_id_mapping_is_rejected_naming_the_line(string content, long line, string message)
    {
        using var directory = new TempDirectory();
        var (folder, _, _) = Model(directory);
        string ids = directory.Write("ids.csv", content);

        var error = await Assert.ThrowsAsync<InteractionDataException>(() =>
            SparkAlsImporter.ImportAsync(folder.Path, new SparkAlsImportOptions { IdMappingPath = ids }));

        Assert.Equal(line, error.LineNumber);
        Assert.Contains(message, error.Message);
        Assert.Equal(ids, error.FilePath);
    }
}
