using Microsoft.Extensions.Logging;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>
/// Watches one model file and calls back once it has stayed unchanged for the reload delay (debounce): every change event restarts a
/// <see cref="TimeProvider"/> timer, and only the timer reloads. Thread-safe.
/// </summary>
internal sealed class ModelFileWatcher : IDisposable
{
    private readonly object _gate = new();
    private readonly string _path;
    private readonly string _fileName;
    private readonly TimeSpan _delay;
    private readonly Action _reload;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly FileSystemWatcher? _watcher;
    private bool _disposed;

    /// <summary>Starts watching.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="delay">How long the file must stay unchanged before <paramref name="reload"/> runs.</param>
    /// <param name="timeProvider">The clock of the delay.</param>
    /// <param name="reload">Reloads the model; runs on a timer thread.</param>
    /// <param name="logger">Receives change, failure and watch entries.</param>
    /// <param name="watchFileSystem">False to rely on <see cref="OnChanged"/> calls alone (tests that drive changes themselves).</param>
    public ModelFileWatcher(string path, TimeSpan delay, TimeProvider timeProvider, Action reload, ILogger logger, bool watchFileSystem = true)
    {
        _path = Path.GetFullPath(path);
        _fileName = Path.GetFileName(_path);
        _delay = delay;
        _reload = reload;
        _logger = logger;
        _timer = timeProvider.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (watchFileSystem)
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.Error += OnError;
            _watcher.EnableRaisingEvents = true;
        }

        Log.Watching(_logger, _path, _delay);
    }

    /// <summary>Records a change: the reload happens once no further change arrives within the delay.</summary>
    internal void OnChanged()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }

        Log.ModelFileChanged(_logger, _path, _delay);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _watcher?.Dispose();
        _timer.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        // The directory is watched, not the file: an atomic save renames a temporary file over the target.
        if (string.Equals(e.Name, _fileName, StringComparison.Ordinal))
        {
            OnChanged();
        }
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        Log.WatcherFailed(_logger, e.GetException(), _path);
        OnChanged();
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        try
        {
            _reload();
        }
        catch (ObjectDisposedException)
        {
            // The service was disposed while the timer fired.
        }
        catch (Exception exception)
        {
            Log.ReloadFailed(_logger, exception, _path);
        }
    }
}
