using System.Globalization;
namespace Personalize.Core.Data;

/// <summary>
/// One confidence weight per (user, item) pair that has any interaction: the sum of its events' weights, optionally decayed by age.
/// This is what the implicit-feedback trainer learns from, and it also records which items each user has seen.
/// </summary>
/// <remarks>
/// Stored both by user (items ascending) and by item (users ascending), so that both halves of an alternating solver read memory in
/// order. Immutable and thread-safe.
/// </remarks>
public sealed class FeedbackMatrix
{
    private FeedbackMatrix(IdMap users, IdMap items, int[] userOffsets, int[] userItems, float[] userWeights)
    {
        Users = users;
        Items = items;
        UserOffsets = userOffsets;
        UserItems = userItems;
        UserWeights = userWeights;
        (ItemOffsets, ItemUsers, ItemWeights) = Transpose(items.Count, userOffsets, userItems, userWeights);
    }

    /// <summary>Gets the map of user ids to user indices.</summary>
    public IdMap Users { get; }

    /// <summary>Gets the map of item ids to item indices.</summary>
    public IdMap Items { get; }

    /// <summary>Gets how many users there are.</summary>
    public int NumberOfUsers => Users.Count;

    /// <summary>Gets how many items there are.</summary>
    public int NumberOfItems => Items.Count;

    /// <summary>Gets how many (user, item) pairs have a weight.</summary>
    public int NumberOfEntries => UserItems.Length;

    internal int[] UserOffsets { get; }

    internal int[] UserItems { get; }

    internal float[] UserWeights { get; }

    internal int[] ItemOffsets { get; }

    internal int[] ItemUsers { get; }

    internal float[] ItemWeights { get; }

    /// <summary>Gets the items a user interacted with, in ascending index order.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <returns>The item indices.</returns>
    public ReadOnlySpan<int> GetItems(int userIndex) => UserItems.AsSpan(UserOffsets[userIndex], UserOffsets[userIndex + 1] - UserOffsets[userIndex]);

    /// <summary>Gets the weights of a user's items, aligned with <see cref="GetItems"/>.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <returns>The weights.</returns>
    public ReadOnlySpan<float> GetWeights(int userIndex) => UserWeights.AsSpan(UserOffsets[userIndex], UserOffsets[userIndex + 1] - UserOffsets[userIndex]);

    /// <summary>Counts the (user, item) pairs whose weight is 0 in all (every row of the pair weighs 0, such as a quantity or label of 0).
    /// They still count as had (left out of that user's recommendations) and as interactions of the lowest confidence; leave such rows
    /// out of the log to drop the pairs.</summary>
    /// <returns>How many pairs weigh 0.</returns>
    public int CountZeroWeightPairs() => UserWeights.AsSpan(0, NumberOfEntries).Count(0f);

    /// <summary>Gets how many distinct users interacted with an item.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The count.</returns>
    public int GetUserCount(int itemIndex) => ItemOffsets[itemIndex + 1] - ItemOffsets[itemIndex];

    /// <summary>Builds the matrix from a log.</summary>
    /// <param name="log">The interactions.</param>
    /// <param name="options">Time decay; <see langword="null"/> for none.</param>
    /// <returns>The matrix. Its id maps hold only the users and items that have rows in the log (a part of a split log may have
    /// fewer than the maps it shares), in the log's index order; when every id has rows, they are the log's own maps.</returns>
    /// <exception cref="ArgumentException">A half-life is set but the log has no timestamps, or the half-life is not positive.</exception>
    public static FeedbackMatrix FromLog(InteractionLog log, FeedbackOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new FeedbackOptions();
        double decayPerSecond = 0;
        long asOf = 0;
        if (options.HalfLife is { } halfLife)
        {
            if (halfLife <= TimeSpan.Zero)
            {
                throw new ArgumentException($"The half-life is {halfLife}; it must be positive.", nameof(options));
            }

            if (!log.HasTimestamps)
            {
                throw new ArgumentException("A half-life is set but the log has no timestamps; read it with a time column or remove the half-life.", nameof(options));
            }

            decayPerSecond = Math.Log(2) / halfLife.TotalSeconds;
            asOf = (options.AsOf ?? log.GetLatestTimestamp() ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds();
        }

        int n = log.Count;
        (IdMap userMap, int[] rowUserArray) = RowOrdering.Compact(log.Users, log.UserIndices);
        (IdMap itemMap, int[] rowItemArray) = RowOrdering.Compact(log.Items, log.ItemIndices);
        int users = userMap.Count, items = itemMap.Count;
        ReadOnlySpan<int> rowUsers = rowUserArray, rowItems = rowItemArray;
        ReadOnlySpan<long> times = log.Timestamps;

        // Counting sort by item, then a stable counting sort by user: rows end up grouped by user with items ascending.
        int[] byItem = RowOrdering.CountingOrder(rowItems, items, null);
        int[] order = RowOrdering.CountingOrder(rowUsers, users, byItem);

        var offsets = new int[users + 1];
        var entryItems = new int[n];
        var entryWeights = new float[n];
        int entries = 0, previousUser = -1, previousItem = -1;
        foreach (int row in order)
        {
            int user = rowUsers[row], item = rowItems[row];
            double weight = log.GetWeight(row);
            if (decayPerSecond > 0)
            {
                long age = Math.Max(0, asOf - times[row]);
                weight *= Math.Exp(-decayPerSecond * age);
            }

            if (user == previousUser && item == previousItem)
            {
                entryWeights[entries - 1] += (float)weight;
                ThrowIfNotFinite(entryWeights[entries - 1], log, row, userMap, itemMap, user, item, summed: true);
                continue;
            }

            while (previousUser < user)
            {
                offsets[++previousUser] = entries;
            }

            entryItems[entries] = item;
            entryWeights[entries] = (float)weight;
            ThrowIfNotFinite(entryWeights[entries], log, row, userMap, itemMap, user, item, summed: false);
            entries++;
            previousItem = item;
        }

        while (previousUser < users)
        {
            offsets[++previousUser] = entries;
        }

        Array.Resize(ref entryItems, entries);
        Array.Resize(ref entryWeights, entries);
        return new FeedbackMatrix(userMap, itemMap, offsets, entryItems, entryWeights);
    }

    /// <summary>Stops at a weight that single precision cannot hold (a row's event weight times its value, or the sum of a pair's rows),
    /// naming the row, so that no model is trained on infinities.</summary>
    private static void ThrowIfNotFinite(float weight, InteractionLog log, int row, IdMap users, IdMap items, int user, int item, bool summed)
    {
        if (float.IsFinite(weight))
        {
            return;
        }

        string what = summed
            ? $"the weights of user '{users.GetId(user)}' and item '{items.GetId(item)}' add up to more than {float.MaxValue:G3} on this row"
            : $"the row's weight ({log.GetWeight(row):G3}, its value times its event type's weight) is larger than {float.MaxValue:G3}";
        throw new InteractionDataException(log.Report.Source, log.GetLineNumber(row), 0, null,
            string.Create(CultureInfo.InvariantCulture, $"{what}, which single precision cannot hold; scale the weight column down (for example to thousands instead of units)."));
    }

    private static (int[] Offsets, int[] Users, float[] Weights) Transpose(int items, int[] userOffsets, int[] userItems, float[] userWeights)
    {
        var offsets = new int[items + 1];
        foreach (int item in userItems)
        {
            offsets[item + 1]++;
        }

        for (int i = 0; i < items; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var next = offsets[..^1];
        var users = new int[userItems.Length];
        var weights = new float[userItems.Length];
        for (int user = 0; user + 1 < userOffsets.Length; user++)
        {
            for (int e = userOffsets[user]; e < userOffsets[user + 1]; e++)
            {
                int slot = next[userItems[e]]++;
                users[slot] = user;
                weights[slot] = userWeights[e];
            }
        }

        return (offsets, users, weights);
    }
}
