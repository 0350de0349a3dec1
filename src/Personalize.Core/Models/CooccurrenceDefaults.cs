namespace Personalize.Core.Models;

/// <summary>The documented defaults of <see cref="CooccurrenceOptions"/>.</summary>
internal static class CooccurrenceDefaults
{
    public const int NumberOfNeighbors = 100;
    public const int MinimumCount = 2;
    public const int MaxItemsPerUser = 200;
}
