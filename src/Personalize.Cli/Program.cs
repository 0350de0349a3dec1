namespace Personalize.Cli;

/// <summary>The entry point of the <c>personalize</c> tool.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        CliCancellation.Token = cancel.Token;

        // To a file or a pipe: plain lines that are never wrapped at 80 columns.
        return Console.IsOutputRedirected ? CliApp.Run(args, CliConsole.Plain(Console.Out), Console.Error, interactive: false) : CliApp.Run(args);
    }
}

/// <summary>The Ctrl+C token of the process.</summary>
internal static class CliCancellation
{
    public static CancellationToken Token { get; set; }
}
