using Spectre.Console.Cli;

namespace Personalize.Cli.Tests;

/// <summary>Every command refuses an option it does not have (exit 2) and suggests the nearest one it has.</summary>
public sealed class UnknownOptionTests
{
    public static TheoryData<string> CommandNames => [.. CliApp.Commands.Keys];

    /// <summary>Each long option of each command, for the misspelling theory.</summary>
    public static TheoryData<string, string> CommandOptions
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (name, type) in CliApp.Commands)
            {
                foreach (string option in LongOptions(type))
                {
                    data.Add(name, option);
                }
            }

            return data;
        }
    }

    /// <summary>The long options declared on a command's settings, read here independently of the tool's own lookup.</summary>
    private static IEnumerable<string> LongOptions(Type commandType)
    {
        return DeclaredOptions.Of(commandType)
            .SelectMany(o => o.LongNames)
            .Select(n => "--" + n)
            .Distinct();
    }

    [Fact]
    public void The_command_list_holds_every_command_class_of_the_tool()
    {
        Type[] commands = [.. typeof(CliApp).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(ICommand).IsAssignableFrom(t))];

        Assert.Equal(commands.Select(t => t.Name).Order(), CliApp.Commands.Values.Select(t => t.Name).Order());
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_is_registered_under_its_name(string command)
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run(command, "--help");

        Assert.True(code == 0, error);
        Assert.Contains(command, output);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Every_command_refuses_an_option_it_does_not_have(string command)
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run(command, "--no-such-option-at-all", "1");

        Assert.Equal(2, code);
        Assert.Equal(
            $"error: unknown option '--no-such-option-at-all' for '{command}': see 'personalize {command} --help' for its options",
            error.Trim());
    }

    [Theory]
    [MemberData(nameof(CommandOptions))]
    public void A_misspelled_option_is_refused_with_the_right_spelling_suggested(string command, string option)
    {
        using var cli = new CliRunner();
        string misspelled = option[..^1] + (option[^1] == 'x' ? 'y' : 'x');

        var (code, _, error) = cli.Run(command, misspelled, "1");

        Assert.Equal(2, code);
        Assert.Equal($"error: unknown option '{misspelled}' for '{command}': did you mean {option}?", error.Trim());
    }

    [Fact]
    public void Train_with_misspelled_epochs_and_factors_trains_nothing()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("m.pzm");

        var (code, output, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--epoch", "2", "--factorz", "8");

        Assert.Equal(2, code);
        Assert.Equal("error: unknown option '--epoch' for 'train': did you mean --epochs?", error.Trim());
        Assert.DoesNotContain("epoch 1/", output);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void An_unknown_option_written_with_equals_is_refused_too()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("inspect", "--modle=m.pzm");

        Assert.Equal(2, code);
        Assert.Equal("error: unknown option '--modle' for 'inspect': did you mean --model?", error.Trim());
    }

    [Theory]
    [InlineData(new[] { "train", "--input", "e.csv", "--out", "m.pzm", "--factors", "abc" }, "error: --factors 'abc' is not a whole number (such as 10; at most 2,147,483,647).")]
    [InlineData(new[] { "evaluate", "--input", "e.csv", "--split", "random", "--test-fraction", "0,2" }, "error: --test-fraction '0,2' is not a number with a decimal point, such as 0.2.")]
    [InlineData(new[] { "recommend", "--model", "m.pzm", "--user", "u1", "--k", "99999999999" }, "error: --k '99999999999' is not a whole number (such as 10; at most 2,147,483,647).")]
    [InlineData(new[] { "train", "--input", "e.csv", "--out", "m.pzm", "--min-rating=low" }, "error: --min-rating 'low' is not a number with a decimal point, such as 0.2.")]
    public void A_value_that_does_not_convert_is_refused_naming_the_option_and_what_it_takes(string[] args, string expected)
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(expected, error.Trim());
    }

    [Fact]
    public void The_documented_k_spelling_and_negative_numbers_are_not_taken_for_unknown_options()
    {
        Assert.Null(CliApp.UnknownOption(CliApp.NormalizeArguments(["recommend", "--model", "m.pzm", "--k", "5"])));
        Assert.Null(CliApp.UnknownOption(["train", "--min-rating", "-1", "--input", "e.csv"]));
    }

    [Theory]
    [InlineData("epochs", "epochs", 0)]
    [InlineData("epoch", "epochs", 1)]
    [InlineData("factorz", "factors", 1)]
    [InlineData("out", "top", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("modle", "model", 1)]
    [InlineData("Top", "top", 0)]
    public void Edit_distance_counts_single_letter_edits(string a, string b, int expected)
    {
        Assert.Equal(expected, CliApp.EditDistance(a, b));
        Assert.Equal(expected, CliApp.EditDistance(b, a));
    }

    [Fact]
    public void Related_writes_its_list_to_out_when_asked()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("model.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "3");
        Assert.True(trained == 0, trainError);
        string file = cli.PathOf("rel.csv");

        var (code, output, error) = cli.Run("related", "--model", model, "--item", "i3", "--top", "4", "--format", "csv", "--out", file);

        Assert.True(code == 0, error);
        string[] lines = File.ReadAllText(file).Trim().Split('\n');
        Assert.Equal("item_id,rank,score,source,cooccurrence_count,factor_similarity", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.DoesNotContain("item_id,rank", output);
        Assert.Contains("rel.csv", output);
    }

    [Fact]
    public void Related_refuses_out_with_the_table_format()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("related", "--model", cli.PathOf("none.pzm"), "--item", "i3", "--out", cli.PathOf("rel.csv"));

        Assert.Equal(2, code);
        Assert.Contains("--out needs --format csv or json", error);
        Assert.False(File.Exists(cli.PathOf("rel.csv")));
    }
}
