namespace Personalize.Core.Tracking;

/// <summary>The documented defaults and the fixed limits of <see cref="EventJournalOptions"/> and the journal format.</summary>
internal static class EventJournalDefaults
{
    public const JournalFlushPolicy FlushPolicy = JournalFlushPolicy.EveryRecord;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);
    public const int SnapshotAfterRecords = 1_000_000;

    /// <summary>The longest user id, item id or event type (in UTF-16 characters) a journaled event may have; a record stays small.</summary>
    public const int MaxIdLength = 4096;
}
