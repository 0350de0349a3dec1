namespace Personalize.Cli.Tests;

/// <summary>Outputs that would destroy an input, and messages that name what the user typed.</summary>
public sealed class OutputPathTests
{
    [Fact]
    public void Out_naming_a_model_or_catalogue_the_command_reads_is_refused_and_the_file_is_left_as_it_was()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");
        var train = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2", "--no-tune");
        Assert.True(train.ExitCode == 0, train.Error);
        string items = cli.Write("items.csv", "item_id,title\ni1,Thing one\ni2,Thing two\ni3,Thing three\n");
        byte[] modelBefore = File.ReadAllBytes(model);
        string itemsBefore = File.ReadAllText(items);
        string[][] runs =
        [
            ["recommend", "--model", model, "--session", "i1", "--format", "csv", "--out", model],
            ["related", "--model", model, "--item", "i1", "--format", "csv", "--out", model],
            ["browse", "--items", items, "--format", "csv", "--out", items],
            ["search", "--items", items, "--query", "thing", "--format", "csv", "--out", items],
        ];

        foreach (string[] run in runs)
        {
            var (code, _, error) = cli.Run(run);

            Assert.True(code == 2, $"{run[0]}: exit {code}, {error}");
            Assert.StartsWith($"error: --out {run[^1]} is also an input of this command", error);
        }

        Assert.Equal(modelBefore, File.ReadAllBytes(model));
        Assert.Equal(itemsBefore, File.ReadAllText(items));
    }

    [Fact]
    public void A_model_path_that_is_a_folder_and_too_few_sample_events_are_named_as_typed()
    {
        using var cli = new CliRunner();

        var inspect = cli.Run("inspect", "--model", cli.Folder);
        var sample = cli.Run("sample", "--out", cli.PathOf("shop"), "--users", "50", "--items", "30", "--events", "10");
        var train = cli.Run("train", "--input", cli.SmallLog(), "--out", cli.Folder, "--no-tune");

        Assert.NotEqual(0, inspect.ExitCode);
        Assert.Contains($"The model file '{cli.Folder}' is a folder; give the path of the model file", inspect.Error);
        Assert.Equal(2, sample.ExitCode);
        Assert.StartsWith("error: --events must be at least 6 x --users = 300", sample.Error);
        Assert.Equal(2, train.ExitCode);
        Assert.StartsWith($"error: --out {cli.Folder} is a folder; give the path of a file to write, such as {Path.Combine(cli.Folder, "model.pzm")}.", train.Error);
    }

    [Fact]
    public void An_out_that_cannot_be_written_is_refused_before_the_work_and_nothing_is_created()
    {
        using var cli = new CliRunner();
        string log = cli.SmallLog();
        string slash = cli.PathOf("ev.json") + "/";
        string underFile = Path.Combine(log, "x.json");

        var evaluate = cli.Run("evaluate", "--input", log, "--split", "random", "--out", slash);
        var tune = cli.Run("tune", "--input", log, "--out", underFile);
        var train = cli.Run("train", "--input", log, "--out", Path.Combine(underFile, "m.pzm"), "--no-tune");

        Assert.Equal(2, evaluate.ExitCode);
        Assert.Equal($"error: --out {slash} ends in '/', so it names a folder; give the path of a file to write, such as {Path.Combine(slash, "out.csv")}.", evaluate.Error.Trim());
        Assert.Equal("", evaluate.Output);
        Assert.False(Directory.Exists(cli.PathOf("ev.json")));
        Assert.Equal(2, tune.ExitCode);
        Assert.Equal($"error: --out {underFile} cannot be written: {log} is a file, not a folder.", tune.Error.Trim());
        Assert.Equal(2, train.ExitCode);
        Assert.Contains($"{log} is a file, not a folder.", train.Error);
        Assert.Empty(Directory.GetFiles(cli.Folder, ".personalize-write-check-*"));
    }
}
