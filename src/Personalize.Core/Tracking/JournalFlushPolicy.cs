namespace Personalize.Core.Tracking;

/// <summary>When an <see cref="EventTracker"/>'s journal makes a record durable, and so what a returned <see cref="EventTracker.Track"/> promises.</summary>
/// <remarks>Both policies hand each record to the operating system (one write call) before the tracking call returns, so a record of an
/// acknowledged event survives the process being killed. They differ in what survives a power loss or an operating-system crash.</remarks>
public enum JournalFlushPolicy
{
    /// <summary>Each tracking call returns only after its record has been flushed to disk (fsync). Concurrent calls share one flush
    /// (group commit), so the cost per event falls as writers are added. Nothing acknowledged is lost, even on a power loss.</summary>
    EveryRecord = 0,

    /// <summary>Each tracking call returns once its record is in the operating system; a background flush writes every record to disk at
    /// most <see cref="EventJournalOptions.FlushInterval"/> later. A process crash loses nothing; a power loss or an operating-system crash
    /// may lose the events of the last interval.</summary>
    GroupCommit = 1,
}
