
namespace Personalize.Cli.Tests;

/// <summary>The examples the help shows can be pasted into a shell: values a shell would split or read are quoted, and every option is
/// one the command takes.</summary>
public sealed class HelpExampleTests
{
    public static TheoryData<string> Examples => [.. CliApp.Examples.Keys];

    [Theory]
    [MemberData(nameof(Examples))]
    public void An_example_quotes_values_a_shell_would_split_and_names_only_options_the_command_takes(string command)
    {
        string[] example = CliApp.Examples[command];
        HashSet<string> options = [.. DeclaredOptions.Of(CliApp.Commands[command]).SelectMany(o => o.LongNames.Select(n => "--" + n).Concat(o.ShortNames.Select(n => "-" + n)))];

        Assert.Equal(command, example[0]);
        foreach (string argument in example.Skip(1))
        {
            bool special = argument.IndexOfAny([' ', ';', '<', '>', '|', '&', '(', ')', '*', '?']) >= 0;
            bool quoted = argument.Length >= 2 && argument[0] == '\'' && argument[^1] == '\'';
            Assert.True(!special || quoted, $"{command}: '{argument}' would be split or read by a shell; quote it.");
            if (argument.StartsWith('-'))
            {
                Assert.Contains(argument, options);
            }
        }
    }

    [Fact]
    public void The_help_shows_a_quoted_filter_as_a_shell_needs_it()
    {
        using var cli = new CliRunner();

        var (code, output, _) = cli.Run("browse", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--filter 'price <= 50 and in_stock'", output);
    }
}
