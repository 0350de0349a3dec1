using Microsoft.Extensions.Logging;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>
/// Watches one model file and calls back once it has stayed unchanged for the reload delay (debounce): every change event restarts a
/// <see cref="TimeProvider"/> timer, and only the timer reloads. The file is also looked at every <see cref="PollInterval"/>, for the
/// replacements that raise no event in its folder: the folder itself renamed away and another put in its place, or a symbolic link on
/// the way to the file pointed elsewhere (a Kubernetes volume's <c>..data</c>, a deployment's <c>current</c>). Thread-safe.
/// </summary>
internal sealed class ModelFileWatcher : IDisposable
{
    /// <summary>How often the file's length, write time and link target are compared with what they were.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    private readonly ITimer _poll;
    private FileIdentity? _seen;
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
        _seen = FileIdentity.Of(_path);
        _poll = timeProvider.CreateTimer(_ => Poll(), null, PollInterval, PollInterval);
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
        _poll.Dispose();
        _timer.Dispose();
    }

    /// <summary>Records a change when the file the path leads to is not the one seen before (also after a change event, which is harmless:
    /// the debounce restarts).</summary>
    private void Poll()
    {
        FileIdentity? now = FileIdentity.Of(_path);
        lock (_gate)
        {
            if (_disposed || now == _seen)
            {
                return;
            }

            _seen = now;
        }

        OnChanged();
    }

    /// <summary>What tells one file at a path from another: where its links lead, its length and its last write time.</summary>
    private sealed record FileIdentity(string Target, long Length, DateTime LastWriteUtc)
    {
        /// <summary>The identity of the file <paramref name="path"/> leads to now, or null when there is none (or it cannot be read).</summary>
        public static FileIdentity? Of(string path)
        {
            try
            {
                // FileInfo describes a link itself; the link's final target is the file that would be loaded. Links among the folders on the
                // way are followed by the system, so the target's length and time are those of the file they lead to now.
                string target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
                var info = new FileInfo(target);
                return info.Exists ? new FileIdentity(target, info.Length, info.LastWriteTimeUtc) : null;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
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
        FileIdentity? loading = FileIdentity.Of(_path);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _seen = loading;   // the file this reload reads: the next poll does not take it for a change
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
