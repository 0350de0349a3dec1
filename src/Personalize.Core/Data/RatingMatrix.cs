using System.Globalization;
using Personalize.Core.Internal;

namespace Personalize.Core.Data;

/// <summary>
/// One explicit rating per (user, item) pair, from a log with a rating column: what the explicit-rating trainer learns from.
/// </summary>
/// <remarks>
/// Ratings are stored grouped by user with items ascending. Duplicates follow <see cref="RatingMatrixOptions.Duplicates"/>, and
/// <see cref="Report"/> accounts for every row of the log: <c>Read == Accepted + Rejected</c>. Immutable and thread-safe.
/// </remarks>
public sealed class RatingMatrix
{
    private RatingMatrix(IdMap users, IdMap items, int[] userIndices, int[] itemIndices, float[] ratings, LoadReport report)
    {
        Users = users;
        Items = items;
        UserIndexArray = userIndices;
        ItemIndexArray = itemIndices;
        RatingArray = ratings;
        Report = report;
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float r in ratings)
        {
            sum += r;
            min = Math.Min(min, r);
            max = Math.Max(max, r);
        }

        Mean = ratings.Length == 0 ? 0 : sum / ratings.Length;
        MinRating = ratings.Length == 0 ? 0 : min;
        MaxRating = ratings.Length == 0 ? 0 : max;
    }

    /// <summary>Gets the map of user ids to user indices (users with at least one rating).</summary>
    public IdMap Users { get; }

    /// <summary>Gets the map of item ids to item indices (items with at least one rating).</summary>
    public IdMap Items { get; }

    /// <summary>Gets how many (user, item) ratings there are.</summary>
    public int Count => RatingArray.Length;

    /// <summary>Gets the mean rating.</summary>
    public double Mean { get; }

    /// <summary>Gets the lowest rating observed.</summary>
    public float MinRating { get; }

    /// <summary>Gets the highest rating observed.</summary>
    public float MaxRating { get; }

    /// <summary>Gets how the log's rows were accounted for: duplicates rejected under <see cref="DuplicateRatingPolicy.Reject"/> are counted here.</summary>
    public LoadReport Report { get; }

    /// <summary>Gets the user index of every rating, grouped by user.</summary>
    public ReadOnlySpan<int> UserIndices => UserIndexArray;

    /// <summary>Gets the item index of every rating, ascending within each user.</summary>
    public ReadOnlySpan<int> ItemIndices => ItemIndexArray;

    /// <summary>Gets every rating.</summary>
    public ReadOnlySpan<float> Ratings => RatingArray;

    internal int[] UserIndexArray { get; }

    internal int[] ItemIndexArray { get; }

    internal float[] RatingArray { get; }

    /// <summary>Builds the matrix from a log that has ratings.</summary>
    /// <param name="log">The log; it must have a rating column (<see cref="InteractionLog.HasRatings"/>).</param>
    /// <param name="options">The duplicate policy; <see langword="null"/> for the defaults.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The log has no ratings.</exception>
    /// <exception cref="InteractionDataException">A duplicate under <see cref="DuplicateRatingPolicy.Reject"/> with <see cref="BadRowPolicy.Fail"/>,
    /// or a blank (missing) rating.</exception>
    public static RatingMatrix FromLog(InteractionLog log, RatingMatrixOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new RatingMatrixOptions();
        OptionsValidation.ThrowIfInvalid(options, nameof(RatingMatrixOptions));
        if (!log.HasRatings)
        {
            throw new ArgumentException("The log has no ratings; read it with a rating column (the column 'rating', or --rating-col).", nameof(log));
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        (IdMap users, int[] rowUsers) = RowOrdering.Compact(log.Users, log.UserIndices);
        (IdMap items, int[] rowItems) = RowOrdering.Compact(log.Items, log.ItemIndices);
        int[] order = RowOrdering.ByUserThenItem(rowUsers, users.Count, rowItems, items.Count);
        ReadOnlySpan<float> ratings = log.Ratings;

        var outUsers = new List<int>(order.Length);
        var outItems = new List<int>(order.Length);
        var outRatings = new List<float>(order.Length);
        var rejectedRows = new List<RejectedRow>();
        long rejected = 0;
        int groupStart = 0;
        while (groupStart < order.Length)
        {
            int first = order[groupStart];
            int groupEnd = groupStart + 1;
            while (groupEnd < order.Length && rowUsers[order[groupEnd]] == rowUsers[first] && rowItems[order[groupEnd]] == rowItems[first])
            {
                groupEnd++;
            }

            double total = 0;
            for (int g = groupStart; g < groupEnd; g++)
            {
                float rating = ratings[order[g]];
                if (float.IsNaN(rating))
                {
                    // A blank in a rating column found by its name (CsvInteractionReaderOptions.RatingColumn null) reads as missing.
                    throw new InteractionDataException(log.Report.Source, log.GetLineNumber(order[g]), 0, "rating",
                        "the rating is blank; a rating model needs a rating on every row (leave such rows out, or name the column with --rating-col so "
                        + "that blanks are rejected as the file is read).");
                }

                total += rating;
            }

            float value = options.Duplicates switch
            {
                DuplicateRatingPolicy.Average => (float)(total / (groupEnd - groupStart)),
                DuplicateRatingPolicy.Sum => (float)total,
                _ => ratings[first],
            };

            if (!float.IsFinite(value))
            {
                throw new InteractionDataException(log.Report.Source, log.GetLineNumber(order[groupEnd - 1]), 0, null,
                    string.Create(CultureInfo.InvariantCulture,
                        $"the ratings of user '{users.GetId(rowUsers[first])}' for item '{items.GetId(rowItems[first])}' add up to {total:G3}, more than single precision can hold ({float.MaxValue:G3}); choose the duplicate policy average, or scale the ratings down."));
            }

            if (options.Duplicates == DuplicateRatingPolicy.Reject)
            {
                for (int g = groupStart + 1; g < groupEnd; g++)
                {
                    int row = order[g];
                    string reason = string.Create(CultureInfo.InvariantCulture,
                        $"user '{users.GetId(rowUsers[row])}' rated item '{items.GetId(rowItems[row])}' again (first on line {log.GetLineNumber(first)}); choose the duplicate policy average or sum to combine repeated ratings (--duplicates, Duplicates).");
                    if (options.BadRows == BadRowPolicy.Fail)
                    {
                        throw new InteractionDataException(log.Report.Source, log.GetLineNumber(row), 0, null, reason);
                    }

                    rejected++;
                    if (rejectedRows.Count < options.MaxReportedRejections)
                    {
                        rejectedRows.Add(new RejectedRow(log.Report.Source, log.GetLineNumber(row), 0, null, reason, ""));
                    }
                }
            }

            outUsers.Add(rowUsers[first]);
            outItems.Add(rowItems[first]);
            outRatings.Add(value);
            groupStart = groupEnd;
        }

        var report = new LoadReport(log.Report.Source, log.Count - rejected, rejected, rejectedRows, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return new RatingMatrix(users, items, [.. outUsers], [.. outItems], [.. outRatings], report);
    }
}
