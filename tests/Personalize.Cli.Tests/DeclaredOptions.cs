using Spectre.Console.Cli;

namespace Personalize.Cli.Tests;

/// <summary>The options a command's settings declare, read here independently of the tool's own lookup.</summary>
internal static class DeclaredOptions
{
    /// <summary>The option attributes on the properties of <paramref name="command"/>'s settings type.</summary>
    public static IEnumerable<CommandOptionAttribute> Of(Type command) =>
        command.BaseType!.GetGenericArguments()[0].GetProperties()
            .SelectMany(p => p.GetCustomAttributes(typeof(CommandOptionAttribute), inherit: true).Cast<CommandOptionAttribute>());
}
