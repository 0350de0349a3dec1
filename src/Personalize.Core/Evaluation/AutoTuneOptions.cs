using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Evaluation;

/// <summary>Settings of <see cref="AutoTuner"/>: how much of the data it tunes on and how long each trial may run.</summary>
/// <remarks>Immutable and safe to share between threads. The defaults keep tuning of a 500,000-row log within tens of seconds on two
/// cores: larger logs are tuned on a seeded sample of their users, then the chosen options are trained on all the data.</remarks>
public sealed record AutoTuneOptions
{
    /// <summary>Gets the seed of the user sample, the validation split and every trial; the same data and seed choose the same options.</summary>
    /// <value>The default is 42.</value>
    public int Seed { get; init; } = 42;

    /// <summary>Gets the share of each sampled user's rows held out to score the trials.</summary>
    /// <value>The default is 0.2.</value>
    [Range(0.01, 0.9)]
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Gets the most log rows tuning trains on; users are sampled (whole, seeded) until their rows reach it;
    /// <see langword="null"/> for the default of each search.</summary>
    /// <remarks>The trainers' frequency-scaled regularization keeps the chosen values valid on the whole log. For ratings, when users were
    /// left out and the log has at most 2,000,000 rows, the last two trials (the best SGD options and Bayesian sampling) train on every
    /// row but the held-out ones.</remarks>
    /// <value>The default is <see langword="null"/>: 250,000 rows for implicit feedback (<see cref="AutoTuner.TuneImplicit"/>), where
    /// trials on more of the users chose options that tested better on 12 of 17 splits of logs above 100,000 rows, by the most on shops
    /// with large catalogues; 100,000 for ratings (<see cref="AutoTuner.TuneExplicit"/>), whose trials cost more per row.</value>
    [Range(1_000, int.MaxValue)]
    public int? MaxTuningRows { get; init; }

    /// <summary>Gets the most users whose held-out rows score implicit trials (ranking every item for a user costs one scan).</summary>
    /// <value>The default is 1,500.</value>
    [Range(10, int.MaxValue)]
    public int MaxValidationUsers { get; init; } = 1_500;

    /// <summary>Gets how many epochs in a row without a better validation score stop a trial.</summary>
    /// <value>The default is 2.</value>
    [Range(1, 100)]
    public int Patience { get; init; } = 2;

    /// <summary>Gets the most work the implicit search may do, in floating-point operations as it counts them from the shape of the
    /// data and each trial's options (ALS epochs, ranking the held-out users, item-item eigenpairs), together with what its choice adds
    /// to the final fit over the whole log beyond a fit at 64 factors; <see langword="null"/> for the default.</summary>
    /// <remarks>Counted, not timed, so the same data and settings choose the same options on any machine. The first trial (the
    /// trainer's defaults) always runs in full. Every trial after it runs only as many epochs as the budget left allows, setting aside
    /// at most what its options would add to the final fit, and does not run when that is fewer than 4; an item-item blend runs only
    /// when the budget covers its scoring, and the item-item trials at a wider rank run whole or not at all. The popularity trials,
    /// which only score, always run. <see cref="AutoTuneResult{TOptions}.BudgetCuts"/> lists what the budget shortened or left out.
    /// <see cref="double.MaxValue"/> sets no limit. Ratings have their own budget (see <see cref="AutoTuner.TuneExplicit"/>).</remarks>
    /// <value>The default is <see langword="null"/>: 1.2 × 10¹², about 40 s of search on 2 cores of an AMD EPYC and 48 s on an Intel
    /// Xeon, which keeps <c>train</c> on a 500,000-row log under a minute; no search of the development sets is cut by it.</value>
    [Range(1e9, double.MaxValue)]
    public double? ImplicitWorkBudget { get; init; }

    /// <summary>Gets the list length K of the implicit trials' NDCG@K.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 1000)]
    public int K { get; init; } = 10;
}
