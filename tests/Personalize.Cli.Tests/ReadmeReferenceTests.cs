using System.Text.RegularExpressions;

namespace Personalize.Cli.Tests;

/// <summary>The README's command reference against the tool's own <c>--help</c>: every option it shows for a command exists.</summary>
public sealed partial class ReadmeReferenceTests
{
    [GeneratedRegex(@"--[a-z][a-z0-9-]*")]
    private static partial Regex OptionPattern();

    /// <summary>The README's command reference: the code block whose first line starts "personalize train", one command per line
    /// starting "personalize", continued on indented lines; comments after '#' are not options.</summary>
    private static List<(string Command, List<string> Options)> Reference()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "Personalize.Core.sln")))
        {
            folder = Path.GetDirectoryName(folder);
        }

        Assert.NotNull(folder);
        string[] lines = File.ReadAllLines(Path.Combine(folder, "README.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("personalize train --input", StringComparison.Ordinal));
        Assert.True(start > 0, "the README has no command reference starting 'personalize train --input'");
        var commands = new List<(string, List<string>)>();
        for (int i = start; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
        {
            string line = lines[i];
            int comment = line.IndexOf(" #", StringComparison.Ordinal);
            string text = comment >= 0 ? line[..comment] : line;
            if (text.StartsWith("personalize ", StringComparison.Ordinal))
            {
                commands.Add((text.Split(' ')[1], []));
            }

            commands[^1].Item2.AddRange(OptionPattern().Matches(text).Select(m => m.Value));
        }

        return commands;
    }

    [Fact]
    public void Every_option_the_readme_shows_for_a_command_is_in_that_commands_help()
    {
        List<(string Command, List<string> Options)> reference = Reference();
        Assert.True(reference.Count >= 15, $"only {reference.Count} commands were read from the README's reference");
        var missing = new List<string>();
        using var cli = new CliRunner();
        foreach (var (command, options) in reference)
        {
            var (code, help, error) = cli.Run(command, "--help");
            Assert.True(code == 0, $"personalize {command} --help: {error}");
            missing.AddRange(options.Distinct().Where(o => o != "--help" && !OptionPattern().Matches(help).Any(m => m.Value == o))
                .Select(o => $"{command} {o}"));
        }

        Assert.True(missing.Count == 0, "the README shows options the tool does not have: " + string.Join(", ", missing));
    }
}
