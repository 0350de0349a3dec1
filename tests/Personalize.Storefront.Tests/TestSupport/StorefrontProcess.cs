using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Personalize.Storefront.Tests.TestSupport;

/// <summary>
/// The storefront as a separate process (<c>dotnet Personalize.Storefront.dll --urls http://127.0.0.1:PORT</c>), so a test can kill it
/// with SIGKILL (<see cref="Process.Kill()"/>) and start it again on the same state. Output is kept for failure messages.
/// </summary>
internal sealed class StorefrontProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private StorefrontProcess(Process process, string address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The base address, such as http://127.0.0.1:41234.</summary>
    public string Address { get; }

    /// <summary>A client for <see cref="Address"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>What the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the storefront with the given settings (as <c>--key=value</c> arguments) and waits until it answers /api/model.</summary>
    public static async Task<StorefrontProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        string address = "http://127.0.0.1:" + FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(StorefrontDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address);
        foreach ((string key, string value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new StorefrontProcess(Process.Start(start)!, address);
        process._process.OutputDataReceived += (_, e) => process.Append(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Append(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        await process.WaitUntilReadyAsync();
        return process;
    }

    /// <summary>Kills the process at once (SIGKILL on Linux: no shutdown code runs, nothing is flushed) and waits for it to exit.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        Client.Dispose();
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(3));   // not a speed claim: only stops a hung start-up
        while (true)
        {
            if (_process.HasExited)
            {
                // HasExited can be true before the output readers have delivered the last lines (the exception a crash prints); the
                // parameterless WaitForExit waits for them too.
                _process.WaitForExit();
                throw new InvalidOperationException($"The storefront exited with code {_process.ExitCode} before it answered:\n{Output}");
            }

            if (hangGuard.IsCancellationRequested)
            {
                throw new TimeoutException($"The storefront did not answer /api/model:\n{Output}");
            }

            try
            {
                using HttpResponseMessage response = await Client.GetAsync("/api/model", CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built storefront: beside the tests when the build copied it with its runtime config, else the sample's own output.</summary>
    private static string StorefrontDll()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "Personalize.Storefront.dll");
        if (File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // bin/<Configuration>/net10.0/
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "samples", "Personalize.Storefront", "bin", configuration, "net10.0", "Personalize.Storefront.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The built Personalize.Storefront.dll was not found; build samples/Personalize.Storefront first.");
    }
}
