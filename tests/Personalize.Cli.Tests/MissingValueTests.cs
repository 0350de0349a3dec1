using Spectre.Console.Cli;

namespace Personalize.Cli.Tests;

/// <summary>An option that takes a value, given last or followed by another option, is refused (exit 2) naming it, instead of the
/// parser filling in a placeholder of its own that the command would then use (a file named "__default_command", a user of that name).</summary>
public sealed class MissingValueTests
{
    /// <summary>Each option that takes a value, of each command, read here independently of the tool's own lookup.</summary>
    public static TheoryData<string, string> ValueOptions
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (name, type) in CliApp.Commands)
            {
                foreach (var property in type.BaseType!.GetGenericArguments()[0].GetProperties())
                {
                    if (property.GetCustomAttributes(typeof(CommandOptionAttribute), inherit: true).FirstOrDefault() is CommandOptionAttribute option
                        && (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) != typeof(bool))
                    {
                        data.Add(name, option.LongNames.Count > 0 ? "--" + option.LongNames[0] : "-" + option.ShortNames[0]);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ValueOptions))]
    public void Every_value_option_given_last_without_its_value_is_refused_naming_it(string command, string option)
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run(command, option);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith($"error: {(option == "-k" ? "--k" : option)} needs a value", error.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "sample", "--out", "--users", "100" }, "error: --out needs a value (DIR); see 'personalize sample --help'.")]
    [InlineData(new[] { "buy-again", "--input", "e.csv", "--user", "--format", "json" }, "error: --user needs a value (ID); see 'personalize buy-again --help'.")]
    [InlineData(new[] { "recommend", "--model", "m.pzm", "--user", "U1", "--k", "--format", "json" }, "error: --k needs a value (N); see 'personalize recommend --help'.")]
    [InlineData(new[] { "train", "--input", "a.csv", "--out", "--no-tune" }, "error: --out needs a value (FILE); see 'personalize train --help'.")]
    public void A_value_option_followed_by_another_option_is_refused_and_nothing_is_written(string[] args, string expected)
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(expected, error.Trim());
        Assert.False(Path.Exists("__default_command"));
    }

    [Fact]
    public void A_value_that_starts_with_a_dash_is_a_value()
    {
        Assert.Null(CliApp.MissingValue(["train", "--input", "a.csv", "--min-rating", "-1"]));
        Assert.Null(CliApp.MissingValue(["recommend", "--model", "m.pzm", "--user", "-u1"]));
        Assert.Null(CliApp.MissingValue(["train", "--input=a.csv", "--out", "m.pzm", "--no-tune"]));
    }
}
