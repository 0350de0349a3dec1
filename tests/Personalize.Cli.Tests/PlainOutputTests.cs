namespace Personalize.Cli.Tests;

/// <summary>Output to a file or a pipe: the plain console never wraps a line at the 80 columns Spectre assumes without a terminal.</summary>
public sealed class PlainOutputTests
{
    private static (int Code, string Output, string Error) RunPlain(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, CliConsole.Plain(output), error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_table_row_longer_than_80_columns_stays_on_one_line_without_ansi_codes()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("model.pzm");
        // Tuning records a long 'fallback' sentence in the model, well over 80 characters.
        var trained = cli.Run("train", "--input", cli.SmallLog(), "--out", model);
        Assert.True(trained.ExitCode == 0, trained.Error);

        var (code, output, error) = RunPlain("inspect", "--model", model);

        Assert.True(code == 0, error);
        string fallback = output.Split('\n').Single(l => l.Contains("│ fallback", StringComparison.Ordinal));
        Assert.True(fallback.Length > 120, fallback);
        Assert.EndsWith("│", fallback.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
        Assert.True(output.Split('\n').Select(l => l.TrimEnd().Length).Distinct().Count(l => l > 0) == 1, "every line of the table is as wide as the table:\n" + output);
    }

    [Fact]
    public void A_long_message_line_is_not_wrapped()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("model.pzm");
        var trained = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "2", "--no-tune");
        Assert.True(trained.ExitCode == 0, trained.Error);
        string folder = Path.Combine(cli.Folder, new string('d', 90));
        Directory.CreateDirectory(folder);
        string csv = Path.Combine(folder, "recommendations.csv");

        var (code, output, error) = RunPlain("recommend", "--model", model, "--all-users", "--format", "csv", "--out", csv);

        Assert.True(code == 0, error);
        Assert.Contains($"to {csv}.", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
