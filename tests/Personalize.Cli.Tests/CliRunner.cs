using Spectre.Console;

namespace Personalize.Cli.Tests;

/// <summary>Runs the real tool in-process with captured output, in a fresh temp folder of real files.</summary>
public sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        Folder = Path.Combine(Path.GetTempPath(), "personalize-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string content)
    {
        string path = PathOf(name);
        File.WriteAllText(path, content, new System.Text.UTF8Encoding(false));
        return path;
    }

    public (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        int code = CliApp.Run(args, console, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Writes <paramref name="log"/> (CSV text) and trains a tiny model on it with fixed options, failing the test if train
    /// does; returns the model's path.</summary>
    public string TrainTiny(string log, string name = "tiny")
    {
        string model = PathOf(name + ".pzm");
        var (code, _, error) = Run("train", "--input", Write(name + ".csv", log), "--out", model, "--no-tune", "--factors", "2", "--epochs", "2");
        Assert.True(code == 0, error);
        return model;
    }

    /// <summary>A small log with planted taste: users u0..u59 in three groups, each mostly on its own items.</summary>
    public string SmallLog(string name = "events.csv")
    {
        var random = new Random(5);
        var lines = new List<string> { "user_id,item_id,event_type,timestamp" };
        string[] events = ["view", "view", "cart", "purchase"];
        for (int u = 0; u < 60; u++)
        {
            for (int e = 0; e < 8; e++)
            {
                int item = (u % 3) * 10 + random.Next(10);
                lines.Add($"u{u},i{item},{events[random.Next(events.Length)]},2026-10-{1 + random.Next(28):D2}T12:00:00Z");
            }
        }

        return Write(name, string.Join('\n', lines) + "\n");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
