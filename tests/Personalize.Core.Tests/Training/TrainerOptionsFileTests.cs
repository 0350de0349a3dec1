using System.ComponentModel.DataAnnotations;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

public sealed class TrainerOptionsFileTests
{
    [Fact]
    public void Implicit_options_round_trip_through_a_file()
    {
        using var folder = new TempDirectory();
        string path = folder.File("best.json");
        var options = new ImplicitAlsTrainer.Options
        {
            NumberOfFactors = 24, NumberOfIterations = 7, Regularization = 0.0316f, RegularizationExponent = 0.5f, ConfidenceScale = 12.5f,
            Solver = ImplicitAlsSolver.Cholesky, ConjugateGradientSteps = 4, InitialScale = 0.2f, Seed = -3, NumberOfThreads = 2,
        };

        TrainerOptionsFile.Save(options, path);

        Assert.Equal(FactorModelKind.Implicit, TrainerOptionsFile.ReadKind(path));
        Assert.Equal(options, TrainerOptionsFile.LoadImplicit(path));
        Assert.Equal(new ImplicitAlsTrainer.Options(), Roundtrip(folder, new ImplicitAlsTrainer.Options()));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Explicit_options_round_trip_through_a_file()
    {
        using var folder = new TempDirectory();
        string path = folder.File("best.json");
        var options = new BiasedMatrixFactorizationTrainer.Options
        {
            NumberOfFactors = 8, NumberOfIterations = 33, LearningRate = 0.0123f, LearningRateDecay = 0.9f, FactorRegularization = 2.5f,
            BiasRegularization = 11, InitialScale = 0.3f, Seed = 9, NumberOfThreads = null, UseRatedItems = true,
        };

        TrainerOptionsFile.Save(options, path);

        Assert.Equal(FactorModelKind.Explicit, TrainerOptionsFile.ReadKind(path));
        Assert.Equal(options, TrainerOptionsFile.LoadExplicit(path));
    }

    [Fact]
    public void A_switch_is_written_as_true_or_false_and_anything_else_is_refused()
    {
        using var folder = new TempDirectory();
        string path = folder.File("best.json");
        TrainerOptionsFile.Save(new BiasedMatrixFactorizationTrainer.Options { UseRatedItems = true }, path);
        string bad = folder.Write("bad.json", "{\"trainer\": \"explicit\", \"options\": {\"UseRatedItems\": \"yes\"}}");

        Assert.Contains("\"UseRatedItems\": true", File.ReadAllText(path));
        var exception = Assert.Throws<TrainerOptionsFileException>(() => TrainerOptionsFile.LoadExplicit(bad));
        Assert.Equal("bad.json: options.UseRatedItems is \"yes\" (a string); it must be true or false.", exception.Message);
    }

    private static ImplicitAlsTrainer.Options Roundtrip(TempDirectory folder, ImplicitAlsTrainer.Options options)
    {
        string path = folder.File("roundtrip.json");
        TrainerOptionsFile.Save(options, path);
        ImplicitAlsTrainer.Options loaded = TrainerOptionsFile.LoadImplicit(path);
        File.Delete(path);
        return loaded;
    }

    [Fact]
    public void The_file_is_readable_json_with_the_trainer_and_the_options_by_name()
    {
        using var folder = new TempDirectory();
        string path = folder.File("best.json");

        TrainerOptionsFile.Save(new ImplicitAlsTrainer.Options { NumberOfFactors = 32 }, path);

        Assert.Equal(
            """
            {
              "trainer": "implicit",
              "options": {
                "NumberOfFactors": 32,
                "NumberOfIterations": 15,
                "Regularization": 0.03,
                "RegularizationExponent": 1,
                "ConfidenceScale": 50,
                "Weighting": "Automatic",
                "Solver": "ConjugateGradient",
                "ConjugateGradientSteps": 3,
                "InitialScale": 0.1,
                "ItemItemWeight": 0,
                "ItemItemRegularization": 300,
                "ItemItemRank": 128,
                "PopularityWeight": 0,
                "Seed": 42,
                "NumberOfThreads": null
              }
            }

            """.ReplaceLineEndings("\n"), File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Missing_options_keep_their_defaults_and_names_match_ignoring_case()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("partial.json", """
            // written by hand
            { "Trainer": "Explicit", "options": { "numberoffactors": 12, "LearningRate": 0.01, }, }
            """);

        BiasedMatrixFactorizationTrainer.Options options = TrainerOptionsFile.LoadExplicit(path);

        Assert.Equal(new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 12, LearningRate = 0.01f }, options);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "", "bad.json: the file is empty; it must hold a JSON object such as {\"trainer\": \"implicit\", \"options\": {\"NumberOfFactors\": 32}}." },
        { "{\"trainer\": \"implicit\",\n  \"options\": {\"NumberOfFactors\": 32,,}}", "bad.json:2:37: the file is not valid JSON: ',' is an invalid start of a property name. Expected a '\"'." },
        { "[1, 2]", "bad.json: the top level is an array; it must be an object such as {\"trainer\": \"implicit\", \"options\": {\"NumberOfFactors\": 32}}." },
        { "{\"options\": {}}", "bad.json: 'trainer' is missing; it must be \"implicit\" or \"explicit\"." },
        { "{\"trainer\": \"bpr\", \"options\": {}}", "bad.json: 'trainer' is \"bpr\" (a string); it must be \"implicit\" or \"explicit\"." },
        { "{\"trainer\": \"implicit\"}", "bad.json: 'options' is missing; it must be an object of option names and values, such as {\"NumberOfFactors\": 32}." },
        { "{\"trainer\": \"implicit\", \"options\": [32]}", "bad.json: 'options' is an array; it must be an object of option names and values, such as {\"NumberOfFactors\": 32}." },
        { "{\"trainer\": \"implicit\", \"options\": {}, \"metric\": 0.3}", "bad.json: 'metric' is not a property of an options file; it has 'trainer' and 'options'." },
        { "{\"trainer\": \"explicit\", \"options\": {}}", "bad.json: the file holds options for the explicit trainer, not the implicit one; load it with LoadExplicit." },
        { "{\"trainer\": \"implicit\", \"options\": {}, \"Options\": {\"NumberOfFactors\": 8}}", "bad.json: 'options' is given twice (names are read ignoring case); give it once." },
        { "{\"trainer\": \"implicit\", \"trainer\": \"explicit\", \"options\": {}}", "bad.json: 'trainer' is given twice (names are read ignoring case); give it once." },
        {
            "{\"trainer\": \"implicit\", \"options\": {\"Factors\": 32}}",
            "bad.json: options.Factors is not an option of the implicit trainer (ImplicitAlsTrainer.Options); valid names: NumberOfFactors, NumberOfIterations, "
            + "Regularization, RegularizationExponent, ConfidenceScale, Weighting, Solver, ConjugateGradientSteps, InitialScale, ItemItemWeight, "
            + "ItemItemRegularization, ItemItemRank, PopularityWeight, Seed, NumberOfThreads."
        },
        {
            "{\"trainer\": \"implicit\", \"options\": {\"NumberOfFactors\": \"32\", \"Regularization\": true, \"Solver\": \"Magic\", \"NumberOfThreads\": 1.5, \"Seed\": null, \"numberOfFactors\": 2}}",
            "bad.json: options.NumberOfFactors is \"32\" (a string); it must be a whole number. options.Regularization is true (a boolean); it must be a number. "
            + "options.Solver is \"Magic\" (a string); it must be one of \"ConjugateGradient\", \"Cholesky\". "
            + "options.NumberOfThreads is 1.5; it must be a whole number or null. options.Seed is null; it must be a whole number. "
            + "options.NumberOfFactors is given twice; give each option once."
        },
    };

    [Fact]
    public void A_file_with_a_utf8_byte_order_mark_reads_as_without_one()
    {
        using var folder = new TempDirectory();
        string path = folder.File("bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("{\"trainer\": \"implicit\", \"options\": {\"NumberOfFactors\": 8}}")]);

        Assert.Equal(8, TrainerOptionsFile.LoadImplicit(path).NumberOfFactors);
        Assert.Equal(FactorModelKind.Implicit, TrainerOptionsFile.ReadKind(path));
    }

    [Theory, MemberData(nameof(BadFiles))]
    public void A_bad_file_is_reported_with_its_name_and_what_is_wrong(string content, string expected)
    {
        using var folder = new TempDirectory();
        string path = folder.Write("bad.json", content);

        var exception = Assert.Throws<TrainerOptionsFileException>(() => TrainerOptionsFile.LoadImplicit(path));

        Assert.Equal(expected, exception.Message);
        Assert.Equal(path, exception.FilePath);
        Assert.EndsWith(exception.Reason, exception.Message);
    }

    [Fact]
    public void Options_out_of_range_are_reported_by_the_trainer_validation_with_the_file_name()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("range.json", "{\"trainer\": \"explicit\", \"options\": {\"NumberOfFactors\": 0, \"LearningRate\": 5}}");

        var exception = Assert.Throws<ValidationException>(() => TrainerOptionsFile.LoadExplicit(path));

        Assert.Equal(
            $"{path}: BiasedMatrixFactorizationTrainer.Options is invalid (2 errors): NumberOfFactors = 0: must be between 1 and 1024. LearningRate = 5: must be between 1E-06 and 1.",
            exception.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var folder = new TempDirectory();
        string path = folder.File("missing.json");

        var exception = Assert.Throws<FileNotFoundException>(() => TrainerOptionsFile.ReadKind(path));

        Assert.Equal($"The options file '{path}' does not exist.", exception.Message);
    }

    [Fact]
    public void Syntax_errors_carry_their_line_and_column()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("bad.json", "{\n  \"trainer\": \"implicit\"\n  \"options\": {}\n}");

        var exception = Assert.Throws<TrainerOptionsFileException>(() => TrainerOptionsFile.ReadKind(path));

        Assert.Equal((3L, 3L), (exception.LineNumber, exception.ColumnNumber));
    }
}
