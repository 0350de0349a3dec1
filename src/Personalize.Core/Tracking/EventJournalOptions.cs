using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Tracking;

/// <summary>Where and how an <see cref="EventTracker"/> keeps its durable form: an append-only event journal and periodic snapshots of
/// its state, replayed when the tracker is created. Immutable and safe to share between threads.</summary>
/// <remarks>
/// <para>Set it as <see cref="EventTrackerOptions.Journal"/>. The directory holds <c>tracker.snapshot</c> (the state as of one journal
/// record) and <c>events-NNNNNNNNNNNNNNNNNNNN.journal</c> segments (the records after it); the format is described in the
/// Personalize.Core README. Use one directory per tracker: two trackers in one directory corrupt each other's journal.</para>
/// <para>Validated with the tracker's options, when the tracker is created; every error is reported together.</para>
/// </remarks>
public sealed record EventJournalOptions : IValidatableObject
{
    /// <summary>Creates journal options for a directory, with the default flush policy and snapshot interval.</summary>
    /// <param name="directory">The directory of the journal; created if it does not exist.</param>
    public EventJournalOptions(string directory) => Directory = directory;

    /// <summary>Gets the directory that holds the journal segments and the snapshot; created if it does not exist.</summary>
    /// <value>Required; there is no default.</value>
    public string Directory { get; init; }

    /// <summary>Gets when a record is flushed to disk, and so what a returned tracking call promises.</summary>
    /// <remarks><see cref="JournalFlushPolicy.EveryRecord"/> survives a power loss at the cost of one disk flush per call (shared by
    /// concurrent calls); <see cref="JournalFlushPolicy.GroupCommit"/> survives a process crash and flushes once per
    /// <see cref="FlushInterval"/>, which is much faster on one writer.</remarks>
    /// <value>The default is <see cref="JournalFlushPolicy.EveryRecord"/>.</value>
    [EnumDataType(typeof(JournalFlushPolicy))]
    public JournalFlushPolicy FlushPolicy { get; init; } = EventJournalDefaults.FlushPolicy;

    /// <summary>Gets the longest time a record waits in the operating system before it is flushed to disk, with
    /// <see cref="JournalFlushPolicy.GroupCommit"/>: what a power loss can lose at most.</summary>
    /// <remarks>Ignored with <see cref="JournalFlushPolicy.EveryRecord"/>. Shorter loses less on a power loss and flushes more often.</remarks>
    /// <value>The default is 100 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan FlushInterval { get; init; } = EventJournalDefaults.FlushInterval;

    /// <summary>Gets how many records are appended between two snapshots taken in the background; after each snapshot the journal starts a
    /// new segment and the segments the snapshot covers are deleted, so the journal does not grow forever.</summary>
    /// <remarks>Smaller keeps the journal and the start-up replay short, at the cost of writing the whole state more often (a snapshot is
    /// about as large as the tracker's memory; tracking waits while its state is copied). <see cref="EventTracker.SaveSnapshot"/> takes one
    /// at any time, for example before a planned shutdown.</remarks>
    /// <value>The default is 1,000,000 records.</value>
    [Range(1, int.MaxValue)]
    public int SnapshotAfterRecords { get; init; } = EventJournalDefaults.SnapshotAfterRecords;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            yield return Internal.OptionsValidation.Error(nameof(Directory), Directory, "must name a directory (it is created if it does not exist).");
        }
    }
}
