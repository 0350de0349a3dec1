using System.Reflection;
using System.Runtime.Loader;

namespace Personalize.Docs.Tests;

/// <summary>What a run printed, or how it failed.</summary>
/// <param name="Output">Everything the example wrote to standard output.</param>
/// <param name="Error">Everything it wrote to standard error.</param>
/// <param name="Failure">The exception that ended it, or <see langword="null"/> when it returned.</param>
public sealed record ExampleRun(string Output, string Error, Exception? Failure);

/// <summary>
/// Runs a compiled example in this process: its assembly is loaded into a load context of its own, the working folder is set to the
/// given folder and the console is captured. Both are process-wide, so examples run one at a time (the test assembly disables
/// parallel test collections).
/// </summary>
public static class ExampleRunner
{
    private static readonly Lock Gate = new();

    /// <summary>Runs the example's top-level program with no arguments.</summary>
    /// <param name="compiled">The example.</param>
    /// <param name="workingDirectory">The folder it runs in (relative paths in the example start there).</param>
    /// <param name="limit">How long to wait before reporting the example as stuck (a guard against a hang, not a measurement).</param>
    public static ExampleRun Run(CompiledExample compiled, string workingDirectory, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        lock (Gate)
        {
            // Not collectible: ML.NET generates code against the example's own types (such as a row class), which a collectible
            // assembly does not allow everywhere. An example's assembly is small, and each test run loads a few dozen.
            var context = new AssemblyLoadContext(compiled.Example.ToString());
            TextWriter originalOut = Console.Out, originalError = Console.Error;
            string originalDirectory = Directory.GetCurrentDirectory();
            var output = new StringWriter();
            var error = new StringWriter();
            Exception? failure = null;
            try
            {
                Assembly assembly = context.LoadFromStream(new MemoryStream(compiled.Image), new MemoryStream(compiled.Symbols));
                MethodInfo entryPoint = assembly.EntryPoint
                    ?? throw new InvalidOperationException($"{compiled.Example}: the compiled example has no entry point.");
                object?[] arguments = entryPoint.GetParameters().Length == 0 ? [] : [Array.Empty<string>()];
                Console.SetOut(TextWriter.Synchronized(output));
                Console.SetError(TextWriter.Synchronized(error));
                Directory.SetCurrentDirectory(workingDirectory);
                var thread = new Thread(() =>
                {
                    try
                    {
                        entryPoint.Invoke(null, arguments);
                    }
                    catch (TargetInvocationException exception) when (exception.InnerException is not null)
                    {
                        failure = exception.InnerException;
                    }
                    catch (Exception exception)
                    {
                        failure = exception;
                    }
                }, maxStackSize: 16 << 20) { IsBackground = true, Name = compiled.Example.ToString() };
                thread.Start();
                if (!thread.Join(limit))
                {
                    failure = new TimeoutException(
                        $"{compiled.Example}: the example had not finished after {limit.TotalMinutes:0} minutes. Does it wait for input or serve requests? Then mark it '<!-- example: compile-only: why -->'.");
                }
            }
            finally
            {
                Directory.SetCurrentDirectory(originalDirectory);
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }

            return new ExampleRun(output.ToString(), error.ToString(), failure);
        }
    }
}
