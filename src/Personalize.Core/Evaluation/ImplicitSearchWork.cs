using Personalize.Core.Training;

namespace Personalize.Core.Evaluation;

/// <summary>The arithmetic of the implicit search's steps (floating-point operations, estimated from the shape of the data and the
/// options), which its budget of work (<see cref="AutoTuneOptions.ImplicitWorkBudget"/>) counts: counted, not timed, so the same log
/// cuts the same trials on any machine.</summary>
internal static class ImplicitSearchWork
{
    /// <summary>The default of <see cref="AutoTuneOptions.ImplicitWorkBudget"/>: 1.2 × 10¹² floating-point operations, about 40 s on 2
    /// cores of an AMD EPYC (30-36 billion a second counted this way in whole searches) and 48 s on an Intel Xeon (about 25 billion),
    /// so that with reading, the fit of the grid's options over the whole log, co-occurrence and saving, <c>train</c> on a 500,000-row
    /// log stays under a minute. No search of the development sets is cut by it: the most, on Last.fm's 92,834 plays, counts 0.62 ×
    /// 10¹², and would count 1.0 × 10¹² if every trial ran all its epochs. Last.fm with each user copied five times (464,170 rows,
    /// <c>--weight-col plays</c>, where 256 factors win) counted 1.44 × 10¹² with no limit and took 49-53 s here, 72 s on the Xeon.</summary>
    /// <remarks>Not counted: assembling blended models and the most-popular baseline's fit, which are small beside the epochs.</remarks>
    public const double DefaultBudget = 1.2e12;

    /// <summary>One epoch of implicit ALS (both halves) on a matrix of <paramref name="users"/> × <paramref name="items"/> with
    /// <paramref name="rows"/> non-zero entries: with conjugate gradients, each user's and item's steps multiply by the k × k Gram
    /// matrix and each entry adds its row twice a step; with Cholesky, each entry adds a k × k outer product and each user and item
    /// factors a k × k system.</summary>
    public static double Epoch(ImplicitAlsTrainer.Options options, long users, long items, long rows)
    {
        double k = options.NumberOfFactors;
        if (options.Solver == ImplicitAlsSolver.Cholesky)
        {
            return ((users + items) * (k * k * k / 3 + 2 * k * k)) + (4.0 * rows * k * k);
        }

        double steps = options.ConjugateGradientSteps + 1;
        return ((users + items) * 2 * steps * k * k) + (8.0 * rows * steps * k);
    }

    /// <summary>Ranking every one of <paramref name="items"/> for each of <paramref name="users"/> with <paramref name="width"/> values
    /// per score (the factors and any blended parts).</summary>
    public static double Scoring(long users, long items, int width) => 2.0 * users * items * width;

    /// <summary>The item-item eigenpairs at <paramref name="rank"/> (<see cref="ItemItemSpectrum.Compute"/>): each iteration multiplies
    /// the oversampled basis by the Gram matrix, twice over the entries (scalar gathers in double, each counted as 8 operations, so
    /// that rank 512 on a 3,600-item sample, about 6 s on 2 cores, counts as about 5 s of ALS epochs), and orthonormalizes it; then the
    /// small eigenproblem.</summary>
    public static double Spectrum(long rows, int items, int rank, int iterations)
    {
        double width = Math.Min(items, rank + Math.Max(8, rank / 8));
        return ((iterations + 1) * ((32.0 * rows * width) + (4.0 * items * width * width))) + (30 * width * width * width);
    }

    /// <summary>A fit of <paramref name="options"/> over a whole log for <paramref name="epochs"/> epochs, with the item-item
    /// eigenpairs when the options blend them.</summary>
    public static double Fit(ImplicitAlsTrainer.Options options, long users, int items, long rows, int epochs) =>
        (epochs * Epoch(options, users, items, rows))
        + (options.ItemItemWeight > 0 ? Spectrum(rows, items, Math.Min(options.ItemItemRank, items), ImplicitAlsDefaults.ItemItemIterations) : 0);

    /// <summary>Whether <paramref name="work"/> fits in what is left of <paramref name="budget"/> after <paramref name="spent"/>.</summary>
    public static bool Affords(double budget, double spent, double work) => spent + work <= budget;

    /// <summary>How many epochs, at most <paramref name="maxEpochs"/>, a step of <paramref name="perEpoch"/> an epoch fits in what is
    /// left of <paramref name="budget"/> after <paramref name="spent"/> and <paramref name="reserved"/> (work the step needs besides its
    /// epochs); 0 when not even one does.</summary>
    public static int EpochsWithin(double budget, double spent, double reserved, double perEpoch, int maxEpochs)
    {
        double left = budget - spent - reserved;
        return left < perEpoch ? 0 : (int)Math.Min(maxEpochs, Math.Floor(left / perEpoch));
    }
}
