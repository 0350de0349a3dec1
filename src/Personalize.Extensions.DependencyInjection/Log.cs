using Microsoft.Extensions.Logging;
using Personalize.Core.Models;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>The service's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded model {Source}: {Kind}, {Users} users, {Items} items, {Factors} factors (version {Version}).")]
    public static partial void ModelLoaded(ILogger logger, string source, FactorModelKind kind, int users, int items, int factors, long version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Model swap accepted: {Source} is now version {Version} ({Kind}, {Users} users, {Items} items, {Factors} factors).")]
    public static partial void SwapAccepted(ILogger logger, string source, long version, FactorModelKind kind, int users, int items, int factors);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Model swap rejected: {Reason} (offered: {Source}). Still serving version {Version} from {CurrentSource}.")]
    public static partial void SwapRejected(ILogger logger, string reason, string source, long version, string currentSource);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "The model file {Path} changed; reloading it after {Delay}.")]
    public static partial void ModelFileChanged(ILogger logger, string path, TimeSpan delay);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Watching the model file {Path} failed; reloading it to be safe.")]
    public static partial void WatcherFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Reloading the model file {Path} failed unexpectedly; the old model keeps serving.")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Watching {Path} for a new model (reload delay {Delay}).")]
    public static partial void Watching(ILogger logger, string path, TimeSpan delay);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information,
        Message = "Event journal {Directory} replayed: a snapshot up to record {SnapshotSequence} and {Records} records after it; {Users} users tracked.")]
    public static partial void JournalReplayed(ILogger logger, string directory, long snapshotSequence, long records, int users);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "Event journal {Directory}: a damaged or torn tail was dropped ({Records} records, {Bytes} bytes): {Reason}")]
    public static partial void JournalTailDropped(ILogger logger, string directory, long records, long bytes, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error,
        Message = "The model file {ModelPath} failed its checks, so the last-good copy {LastGoodPath} (written {SavedAt:O}) serves instead: {Reason}")]
    public static partial void ServingLastGood(ILogger logger, Exception exception, string modelPath, string lastGoodPath, DateTimeOffset savedAt, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Model version {Version} written to the last-good copy {Path}.")]
    public static partial void LastGoodSaved(ILogger logger, string path, long version);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "Model version {Version} could not be written to the last-good copy {Path}; the previous copy (if any) stays.")]
    public static partial void LastGoodNotSaved(ILogger logger, Exception exception, string path, long version);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "The model file {ModelPath} could not be read, and no model could serve instead: {Why}.")]
    public static partial void NoLastGood(ILogger logger, string modelPath, string why);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information,
        Message = "Live tracker moved from model version {From} to {To}: {Users} users, {Items} items, journal {Journal}.")]
    public static partial void TrackerMoved(ILogger logger, long from, long to, int users, int items, string journal);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error,
        Message = "The live tracker could not move from model version {From} to {To}; tracking stays on the old version's items (or, if the old tracker had already handed its journal over, fails with this error) and the move is tried again at the next event.")]
    public static partial void TrackerMoveFailed(ILogger logger, Exception exception, long from, long to);
}
