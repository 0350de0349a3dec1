using Spectre.Console;

namespace Personalize.Cli;

/// <summary>The output and error consoles of the current run, so the tool can run in-process with captured output (tests).</summary>
internal static class CliConsole
{
    private static readonly AsyncLocal<(IAnsiConsole Out, TextWriter Error, bool Interactive)?> Current = new();

    /// <summary>Gets the console for results and progress.</summary>
    public static IAnsiConsole Out => Current.Value?.Out ?? AnsiConsole.Console;

    /// <summary>Gets the writer for errors (one line each).</summary>
    public static TextWriter Error => Current.Value?.Error ?? Console.Error;

    /// <summary>Gets whether progress bars may be drawn (a real terminal).</summary>
    public static bool Interactive => Current.Value?.Interactive ?? (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);

    public static void Use(IAnsiConsole output, TextWriter error, bool interactive) => Current.Value = (output, error, interactive);

    /// <summary>The width of a console that writes to a file or a pipe: wide enough that no line is ever wrapped.</summary>
    public const int PlainWidth = 1 << 16;

    /// <summary>
    /// Creates the console for output that goes to a file or a pipe: no ANSI codes, no colours, no progress bars, and each line as long
    /// as its text (Spectre assumes 80 columns when there is no terminal, which wraps tables and long lines).
    /// </summary>
    public static IAnsiConsole Plain(TextWriter writer)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = PlainWidth;
        return console;
    }
}
