using Personalize.Core.Data;

namespace Personalize.Core.Evaluation;

/// <summary>
/// Splits an interaction log into training and test parts by the standard protocols: random rows, a share of each user's rows, a global
/// time cutoff, each user's latest rows, and k-fold cross-validation.
/// </summary>
/// <remarks>
/// <para>Both parts of every split share the source log's id maps, so an index means the same user or item on both sides, and each part
/// keeps its rows in source order. Nothing is deduplicated: a row is a row, wherever it lands.</para>
/// <para>The seeded methods draw every random choice from one <c>new Random(seed)</c> in a fixed order, so the same log and seed always
/// give the same split, and another seed gives another one. A count of rows "rounded" is rounded to the nearest whole number with
/// halves rounded up (2.5 becomes 3).</para>
/// <para>A test part may hold users or items that have no training rows; <see cref="RankingEvaluation"/> skips and counts them. The
/// methods share no state and are thread-safe.</para>
/// </remarks>
public static class TrainTestSplit
{
    /// <summary>Sends a random share of all rows to test.</summary>
    /// <param name="log">The log to split.</param>
    /// <param name="testFraction">The share of rows to hold out, greater than 0 and less than 1; exactly round(fraction × rows) rows go to
    /// test, drawn uniformly without replacement.</param>
    /// <param name="seed">Seeds the draw.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not greater than 0 and less than 1.</exception>
    public static LogSplit Random(InteractionLog log, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(log);
        CheckFraction(testFraction);
        int[] order = Shuffled(log.Count, new System.Random(seed));
        int testCount = Rounded(testFraction, log.Count);
        var inTest = new bool[log.Count];
        for (int p = 0; p < testCount; p++)
        {
            inTest[order[p]] = true;
        }

        return Build(log, inTest);
    }

    /// <summary>Sends a random share of each user's rows to test (a per-user stratified split).</summary>
    /// <remarks>A user with n rows sends min(round(fraction × n), n - 1) of them to test, drawn uniformly, so at least one row of every user
    /// stays in training: a user with a single row stays entirely in training, and a user whose rounded share is 0 has no test rows.
    /// Users are visited in index order.</remarks>
    /// <param name="log">The log to split.</param>
    /// <param name="testFraction">The share of each user's rows to hold out, greater than 0 and less than 1.</param>
    /// <param name="seed">Seeds the draws.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not greater than 0 and less than 1.</exception>
    public static LogSplit PerUser(InteractionLog log, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(log);
        CheckFraction(testFraction);
        var random = new System.Random(seed);
        (int[] rows, int[] starts) = RowsByUser(log);
        var inTest = new bool[log.Count];
        for (int user = 0; user < log.Users.Count; user++)
        {
            Span<int> userRows = rows.AsSpan(starts[user], starts[user + 1] - starts[user]);
            int testCount = Math.Min(Rounded(testFraction, userRows.Length), userRows.Length - 1);
            if (testCount <= 0)
            {
                continue;
            }

            random.Shuffle(userRows);
            foreach (int row in userRows[..testCount])
            {
                inTest[row] = true;
            }
        }

        return Build(log, inTest);
    }

    /// <summary>Splits at a global point in time: rows before <paramref name="cutoff"/> train, rows at or after it test.</summary>
    /// <remarks>Timestamps are stored in whole Unix seconds, and the cutoff is rounded down to its second: a row in the same second as
    /// the cutoff goes to test.</remarks>
    /// <param name="log">The log to split; it must have timestamps.</param>
    /// <param name="cutoff">The first instant of the test period.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The log has no timestamps.</exception>
    public static LogSplit ByTime(InteractionLog log, DateTimeOffset cutoff)
    {
        ArgumentNullException.ThrowIfNull(log);
        (InteractionLog before, InteractionLog atOrAfter) = log.SplitByTime(cutoff);
        return new LogSplit(before, atOrAfter);
    }

    /// <summary>Sends each user's <paramref name="n"/> latest rows to test (leave-last-N-out).</summary>
    /// <remarks>Rows are ordered by timestamp, and rows with the same timestamp by their position in the log (a later row counts as later).
    /// A user with <paramref name="n"/> rows or fewer keeps all of them in training, so every test user has training rows.</remarks>
    /// <param name="log">The log to split; it must have timestamps.</param>
    /// <param name="n">How many rows per user to hold out, 1 or more.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The log has no timestamps.</exception>
    public static LogSplit LeaveLastPerUser(InteractionLog log, int n)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"The number of rows to leave out per user is {n}; it must be 1 or more.");
        }

        if (!log.HasTimestamps)
        {
            throw new InvalidOperationException(
                "The log has no timestamps, so each user's latest rows are unknown; read it with a time column, or use PerUser for a random share of each user's rows.");
        }

        long[] times = log.Timestamps.ToArray();
        Comparison<int> byTimeThenRow = (a, b) => times[a] != times[b] ? times[a].CompareTo(times[b]) : a.CompareTo(b);
        (int[] rows, int[] starts) = RowsByUser(log);
        var inTest = new bool[log.Count];
        for (int user = 0; user < log.Users.Count; user++)
        {
            Span<int> userRows = rows.AsSpan(starts[user], starts[user + 1] - starts[user]);
            if (userRows.Length <= n)
            {
                continue;
            }

            userRows.Sort(byTimeThenRow);
            foreach (int row in userRows[^n..])
            {
                inTest[row] = true;
            }
        }

        return Build(log, inTest);
    }

    /// <summary>Splits the rows into <paramref name="folds"/> random folds of near-equal size and returns one split per fold, whose test
    /// part is that fold and whose training part is all other rows.</summary>
    /// <remarks>Every row is in exactly one test part, and fold sizes differ by at most one row.</remarks>
    /// <param name="log">The log to split.</param>
    /// <param name="folds">How many folds, from 2 to the number of rows.</param>
    /// <param name="seed">Seeds the assignment of rows to folds.</param>
    /// <returns>The splits, in fold order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than the number of rows.</exception>
    public static IReadOnlyList<LogSplit> KFold(InteractionLog log, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (folds < 2 || folds > log.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, log.Count < 2
                ? $"The number of folds is {folds}, but the log has {log.Count} rows; k-fold needs at least 2 folds and one row per fold."
                : $"The number of folds is {folds}; it must be between 2 and {log.Count} (the number of rows), so that every fold has a row.");
        }

        int[] order = Shuffled(log.Count, new System.Random(seed));
        var foldOf = new int[log.Count];
        for (int p = 0; p < order.Length; p++)
        {
            foldOf[order[p]] = p % folds;
        }

        var splits = new LogSplit[folds];
        var inTest = new bool[log.Count];
        for (int fold = 0; fold < folds; fold++)
        {
            for (int row = 0; row < inTest.Length; row++)
            {
                inTest[row] = foldOf[row] == fold;
            }

            splits[fold] = Build(log, inTest);
        }

        return splits;
    }

    private static void CheckFraction(double testFraction)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction,
                $"The test fraction is {testFraction}; it must be greater than 0 and less than 1 (for example 0.2 to hold out a fifth).");
        }
    }

    private static int Rounded(double fraction, int count) =>
        (int)Math.Round((decimal)fraction * count, MidpointRounding.AwayFromZero);   // in decimal: 0.29 × 50 is 14.499999999999998 in double

    private static int[] Shuffled(int count, System.Random random)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        return order;
    }

    /// <summary>Row numbers grouped by user (row order within a user); user u's rows are <c>rows[starts[u]..starts[u + 1]]</c>.</summary>
    private static (int[] Rows, int[] Starts) RowsByUser(InteractionLog log)
    {
        ReadOnlySpan<int> users = log.UserIndices;
        var starts = new int[log.Users.Count + 1];
        foreach (int user in users)
        {
            starts[user + 1]++;
        }

        for (int u = 0; u < log.Users.Count; u++)
        {
            starts[u + 1] += starts[u];
        }

        var next = (int[])starts.Clone();
        var rows = new int[users.Length];
        for (int row = 0; row < users.Length; row++)
        {
            rows[next[users[row]]++] = row;
        }

        return (rows, starts);
    }

    private static LogSplit Build(InteractionLog log, bool[] inTest)
    {
        var train = new List<int>();
        var test = new List<int>();
        for (int row = 0; row < inTest.Length; row++)
        {
            (inTest[row] ? test : train).Add(row);
        }

        return new LogSplit(log.Subset(train), log.Subset(test));
    }
}
