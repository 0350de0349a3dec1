namespace Personalize.Core.Preferences;

/// <summary>A save lost a race: another writer saved a newer version of the user's preferences first.</summary>
public sealed class PreferenceConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="expectedVersion">The version the writer had read.</param>
    /// <param name="actualVersion">The version in the store.</param>
    public PreferenceConflictException(string userId, long expectedVersion, long actualVersion)
        : base($"The preferences of user '{userId}' are at version {actualVersion}, not {expectedVersion}: someone saved them meanwhile. Read them again and retry.")
    {
        UserId = userId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Gets the user.</summary>
    public string UserId { get; }

    /// <summary>Gets the version the writer had read.</summary>
    public long ExpectedVersion { get; }

    /// <summary>Gets the version in the store.</summary>
    public long ActualVersion { get; }
}
