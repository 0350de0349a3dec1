using System.Diagnostics;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Scoring;
using Personalize.Core.Training;

namespace Personalize.Core.Evaluation;

/// <summary>
/// Chooses a trainer's options from the data itself: holds out part of each user's rows of the training log, trains a small, fixed,
/// seeded sequence of trials with early stopping, scores each on the held-out rows, and returns the best options to train on all the data.
/// </summary>
/// <remarks>
/// <para>This is what <c>personalize train</c> does unless it is told the options. The caller's own test data is never seen: the
/// validation rows come out of the log given here, a share (<see cref="AutoTuneOptions.ValidationFraction"/>) of each sampled user's
/// rows; when the log has timestamps, half of that share is each user's latest rows and half a random draw, so the options chosen
/// predict what a person does next as well as what is missing from their history. Logs larger than
/// <see cref="AutoTuneOptions.MaxTuningRows"/> (by default 250,000 rows for implicit feedback, 100,000 for ratings) are tuned on a
/// seeded sample of whole users.</para>
/// <para>Implicit ALS: a grid over regularization λ ∈ {0.003, 0.01, 0.03, 0.1} and confidence scale α ∈ {5, 15, 50} (12 trials at
/// 64 factors), then the neighbours of the best point at about half a grid step in each dimension (a neighbour that wins keeps walking
/// that way, at most four steps), then 32 and 128 factors (and 256 when 128 wins), then the best options blended with an item-item
/// model (<see cref="ImplicitAlsTrainer.Options.ItemItemWeight"/>: share 0.35 at λ 100 and 1,000; where one wins, λ one step further
/// that way, then shares 0.15 and 0.65, and 1 when 0.65 wins; the item-item eigenpairs are computed once for the search; tried on logs
/// with at least 20 rows per item on average, up to 50,000 items and 1,000,000 users), then, on catalogues of 257 to 5,000 items, the
/// item-item model at rank 512 instead of 128 (at the best share and λ, or 0.35 and 100, then λ × 3, then the shares 0.15 and 0.65 at
/// the better of those two), then the best options blended with popularity (<see cref="ImplicitAlsTrainer.Options.PopularityWeight"/>:
/// shares 0.1 and 0.25, then 0.5, 0.8 and 1 while each wins, or all three when no trial has beaten the most-popular list; kept only
/// when it validates at least 1 % better than the best before it; these trials blend one fit of the best options); each trial
/// runs up to 20 epochs and is scored by NDCG@K after each. Trials that fall below the most-popular list stop after a few epochs, so a
/// regularization too strong for the data costs little and is never chosen over a better one. The search keeps within a budget of
/// work (<see cref="AutoTuneOptions.ImplicitWorkBudget"/>, counted from the shape of the data, not timed): every trial after the
/// first runs only the epochs the budget left allows, counting what its options add to the final fit over the whole log, and
/// <see cref="AutoTuneResult{TOptions}.BudgetCuts"/> lists what it shortened. By default no search of the development sets is cut;
/// Last.fm with every user copied five times (464,170 rows, weighted by plays) has its 256-factor trial cut to 14 epochs and its
/// item-item trials left out.</para>
/// <para>Both start with a trial of the trainer's fixed defaults, so the choice is never one that validated worse than them.</para>
/// <para>Explicit matrix factorization (validated on a random share of each user's ratings, as rating protocols are random splits): a
/// grid over the per-rating factor regularization {0.01, 0.03, 0.1} and learning rate {0.01, 0.02, 0.04} at 32 factors, then the
/// per-rating regularization × 0.55 and × 1.8 and the per-entity one at a third and three times the default, then 16 and 64 factors,
/// then the best options with the users also represented by the items they rated
/// (<see cref="BiasedMatrixFactorizationTrainer.Options.UseRatedItems"/>, SVD++), then the best options as an average of 3 models
/// (<see cref="BiasedMatrixFactorizationTrainer.Options.NumberOfModels"/>), then Bayesian sampling at 32 factors
/// (<see cref="BiasedMatrixFactorizationTrainer.Options.UseBayesianSampling"/>, up to 150 sweeps, 300 on a log not sampled, at least
/// 20), then Bayesian sampling with rated items (each user also represented by the items they rated, each item by the people who
/// rated it; up to 200 sweeps on a log not sampled, 100 on a sample; given up as soon as it validates worse than the plain trial did
/// at the same sweep, from sweep 50 on); each SGD trial runs up to 60 epochs scored by held-out RMSE, and a trial is kept only when it
/// validates better than every earlier one. When users were sampled to keep within <see cref="AutoTuneOptions.MaxTuningRows"/> (by
/// default 100,000 rows for ratings) and
/// the log has at most 2,000,000 rows, and the best SGD options validated better on the sample than Bayesian sampling, the last two
/// trials (stage "all users") train them and Bayesian sampling (with rated items when they validated better on the sample, up to 70
/// sweeps) on every row of the log but the held-out ones, and the better of the two is chosen. Bayesian sampling gains more from the
/// users left out of the sample than SGD does and its aligned mean does not get worse with more sweeps, so where it already led on the
/// sample neither trial runs and the final fit takes the sweeps that validated best there. After a sample, a Bayesian fit over the
/// whole log (the "all users" trial and the chosen options) runs at most the sweeps that keep within a budget of work that grows with
/// the log's ratings, users and items (83 sweeps with rated items on 470,000 ratings of 3,000 users and 3,600 items, 43 on 539,000
/// of 20,000 users and 10,000 items), at least 20 (or the trial's own sweeps, when it validated best before sweep 20).</para>
/// <para>Ties go to the earlier trial. Everything is seeded by <see cref="AutoTuneOptions.Seed"/> and the trainers are deterministic for
/// any thread count, so the same data and settings choose the same options on any machine.
/// The methods are thread-safe.</para>
/// </remarks>
public static class AutoTuner
{
    private static readonly float[] ImplicitRegularization = [0.003f, 0.01f, 0.03f, 0.1f];
    private static readonly float[] ImplicitConfidence = [5f, 15f, 50f];
    private static readonly float[] ExplicitRatingRegularization = [0.01f, 0.03f, 0.1f];
    private static readonly float[] ExplicitLearningRate = [0.01f, 0.02f, 0.04f];
    private const int ImplicitMaxEpochs = 20;
    private const int ImplicitMinEpochs = 4;

    /// <summary>The largest catalogue the implicit search tries an item-item blend on (its eigenpairs hold about 2 KB per item while they
    /// are computed).</summary>
    internal const int ItemItemMaxItems = 50_000;

    /// <summary>The largest catalogue the implicit search tries the item-item model at <see cref="ItemItemWideRank"/> on: its eigenpairs cost
    /// about items × rank² per iteration (2 s at 1,530 items and 4 s at 3,700 on 2 cores).</summary>
    internal const int ItemItemWideMaxItems = 5_000;

    /// <summary>The wider item-item rank the implicit search tries on catalogues of up to <see cref="ItemItemWideMaxItems"/> items.</summary>
    internal const int ItemItemWideRank = 512;

    /// <summary>The most users the implicit search tries an item-item blend for (it adds 512 bytes per user to the model).</summary>
    internal const int ItemItemMaxUsers = 1_000_000;

    /// <summary>The fewest rows per item, on average, for which the implicit search tries an item-item blend: item-item weights are
    /// estimated from how often items co-occur, and on long-tail logs with a few users per item (Last.fm's 5, Amazon's 11) the blend
    /// validated worse every time while its trials cost 30-70 % of the search.</summary>
    internal const int ItemItemMinRowsPerItem = 20;
    private const int ExplicitMaxEpochs = 60;
    private const int ExplicitEnsembleSize = 3;
    private const int ExplicitMinEpochs = 8;
    private const int BayesianMaxSweeps = 150;

    /// <summary>The most sweeps of the plain Bayesian trial on a log small enough not to be sampled, where a sweep is cheap (100,000
    /// ratings: about 25 ms on 2 cores): the aligned mean still gains there (a 600-user MovieLens-shaped slice: held-out RMSE 0.9317
    /// at 150 sweeps, 0.9308 at 300).</summary>
    private const int BayesianMaxSweepsUnsampled = 300;

    /// <summary>The most sweeps of the Bayesian trial with rated items on a log not sampled (at first, with parts as wide as the
    /// factors, its sweeps cost about four plain ones: on a 2,200-user taste-driven set of 93,000 training rows 150 sweeps tested
    /// 0.8144, 300 0.8126, and evaluate took 43 s against 66 s).</summary>
    private const int BayesianMaxSweepsRated = 200;

    /// <summary>The most sweeps of the "all users" Bayesian trial when rated items won on the sample: it and the final fit each cost
    /// two to three plain ones a sweep.</summary>
    private const int BayesianMaxSweepsRatedAllUsers = 70;

    /// <summary>The most sweeps of Bayesian sampling with rated items on a sample of users, and of the final fit with them after it:
    /// each costs two to three plain sweeps (a MovieLens-shaped log of 470,000 ratings, 3,000 users, 3,600 items: held-out RMSE 0.7366
    /// at 70 sweeps and 0.7349 at 100, 0.22 s a sweep on 2 cores).</summary>
    private const int BayesianMaxSweepsRatedSampled = 100;

    /// <summary>The work a Bayesian fit over a whole log may cost after a sample of users, in units of one rating's share of a sweep
    /// with rated items (see <see cref="BayesianSweepsWithin(long, int, int, BiasedMatrixFactorizationTrainer.Options)"/>): 83 sweeps
    /// of the MovieLens-shaped log above, about 18-21 s on 2 cores, and 43 of a sparser one (20,000 users, 10,000 items, 539,000
    /// ratings: 0.42 s a sweep; held-out RMSE 0.7422 at 40 sweeps, 0.7374 at 70, 0.7364 at 100). At a slow hour `train` with the
    /// defaults took 45 s on the first with 100 sweeps and 51 s on the second with 53; with this budget 34 and 44 s.</summary>
    private const double BayesianWorkAfterSample = 50e6;

    /// <summary>How much more a user's or item's share of a sweep with rated items costs than a rating's: its (k+1)-sized system and
    /// its parts' m × m matrix (fitted to the two logs above: 0.36 µs a rating and 7.5 µs a user or item on 2 cores).</summary>
    private const double BayesianWorkPerEntity = 20;

    /// <summary>How many times cheaper a plain sweep is than one with rated items (0.13 against 0.42 s on the sparser log).</summary>
    private const double BayesianPlainSweepShare = 3;

    /// <summary>The sweep from which the Bayesian trial with rated items gives up once it validates worse than the plain one did at
    /// the same sweep: after burn-in and the first structure, where the two curves have settled into their order. Where rated items
    /// won they start slower and lead from sweep 30-40 on (a 2,300-user taste-driven set: 0.8414 against 0.8431 at 30, 0.8285 against
    /// 0.8374 at 50, 0.8167 against 0.8352 at 150; a tuning sample of such a set still trailed at 30); where they lost they trailed
    /// from there on (a MovieLens-shaped slice at 50: 0.9414 against 0.9363).</summary>
    private const int BayesianRivalFrom = 50;
    private const int BayesianMinSweeps = 20;

    /// <summary>Sweeps without a better validation score before the Bayesian trial stops: its running mean improves by small steps
    /// with small dips between them (Jester ratings: stopped at 64 sweeps with the search's patience of 3, 3.9509; it went on improving
    /// to 3.9459 at 150). With the sweeps aligned before they are summed the mean no longer degrades on long runs, so waiting longer
    /// costs only time: patience 10 stopped Jester's trial at 85 sweeps (test 3.9498), 20 at 114 (3.9486).</summary>
    private const int BayesianPatience = 20;
    /// <summary>The most rows a ratings log may have for the "all users" trials: above it, even these two fits on every row would cost
    /// more than the rest of the search (a Bayesian sweep over 2,000,000 ratings takes about half a second on 2 cores).</summary>
    private const int ExplicitMaxRowsForAllUsers = 2_000_000;

    /// <summary>Chooses implicit ALS options for a log.</summary>
    /// <param name="log">The training log (never the caller's test data).</param>
    /// <param name="feedbackOptions">How the log becomes feedback (time decay), as it will for the final fit; <see langword="null"/> for none.</param>
    /// <param name="baseOptions">The options the search does not vary (solver, seed, threads, weighting); <see langword="null"/> for the defaults.</param>
    /// <param name="options">The search's own settings; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives each trial when it ends, if given.</param>
    /// <param name="cancellationToken">Cancels the search; checked every epoch.</param>
    /// <returns>The chosen options and the trials.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentException">The log is too small to hold rows out: no user has two or more rows.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">The search was cancelled.</exception>
    public static AutoTuneResult<ImplicitAlsTrainer.Options> TuneImplicit(InteractionLog log, FeedbackOptions? feedbackOptions = null,
        ImplicitAlsTrainer.Options? baseOptions = null, AutoTuneOptions? options = null,
        IProgress<AutoTuneTrial<ImplicitAlsTrainer.Options>>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new AutoTuneOptions();
        OptionsValidation.ThrowIfInvalid(options, nameof(AutoTuneOptions));
        ImplicitAlsTrainer.Options root = baseOptions ?? new ImplicitAlsTrainer.Options();
        OptionsValidation.ThrowIfInvalid(root, "ImplicitAlsTrainer.Options");
        long started = Stopwatch.GetTimestamp();
        Prepared data = Prepare(log, TuningRows(options, ratings: false), options, ImplicitValidationUsers(log, options), latestHalf: true);
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(data.Train, feedbackOptions);
        int k = options.K;

        FactorModel popularity = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 1, NumberOfIterations = 1 }).Fit(feedback);
        RankingReport baseline = RankingEvaluation.EvaluatePopularity(popularity, data.Validation, k, cancellationToken);
        if (baseline.UsersEvaluated == 0)
        {
            throw new ArgumentException(
                "No user can be scored on held-out rows: every held-out item is unknown to the rest of the log or already seen, so the log is too small to choose options.",
                nameof(log));
        }

        int[] scoredUsers = ModelIndices(data.Validation, feedback.Users);
        var lists = new int[]?[feedback.NumberOfUsers];

        // The work done so far, counted as each step runs (ImplicitSearchWork), and the steps the budget cut.
        double spent = 0;
        double budget = options.ImplicitWorkBudget ?? ImplicitSearchWork.DefaultBudget;
        var cuts = new List<string>();
        double Score(FactorModel model)
        {
            spent += ImplicitSearchWork.Scoring(scoredUsers.Length, model.Items.Count, model.NumberOfFactors);
            // The lists in parallel, then the standard evaluation over them.
            RankUsers(model, scoredUsers, k, lists, cancellationToken);
            return RankingEvaluation.EvaluateLists(model, data.Validation, k, user => Listed(lists[user]), cancellationToken).Ndcg;
        }

        // The item-item eigenpairs at a trial's rank (at most the number of items), with its seed and threads.
        double SpectrumWork(ImplicitAlsTrainer.Options o) => ImplicitSearchWork.Spectrum(feedback.NumberOfEntries, feedback.NumberOfItems,
            Math.Min(o.ItemItemRank, feedback.NumberOfItems), ImplicitAlsDefaults.ItemItemIterations);
        ItemItemSpectrum ComputeSpectrum(ImplicitAlsTrainer.Options o)
        {
            spent += SpectrumWork(o);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.NumberOfThreads ?? Environment.ProcessorCount, CancellationToken = cancellationToken };
            return ItemItemSpectrum.Compute(feedback, Math.Min(o.ItemItemRank, feedback.NumberOfItems), ImplicitAlsDefaults.ItemItemIterations, o.Seed, parallel);
        }

        double EpochWork(ImplicitAlsTrainer.Options o) =>
            ImplicitSearchWork.Epoch(o, feedback.NumberOfUsers, feedback.NumberOfItems, feedback.NumberOfEntries);
        (float[] Users, float[] Items) FitFactors(ImplicitAlsTrainer.Options o)
        {
            spent += o.NumberOfIterations * EpochWork(o);
            return new ImplicitAlsTrainer(o).FitFactors(feedback, cancellationToken);
        }

        ItemItemSpectrum? spectrum = null;   // the same for every item-item trial: computed once
        void Fit(ImplicitAlsTrainer.Options o, Func<int, FactorModel, bool> afterEpoch)
        {
            if (o.ItemItemWeight > 0)
            {
                spectrum ??= ComputeSpectrum(o);
            }

            double epochWork = EpochWork(o);
            new ImplicitAlsTrainer(o).Fit(feedback, null, (epoch, model) =>
            {
                spent += epochWork;
                return afterEpoch(epoch, model);
            }, cancellationToken, spectrum);
        }

        var search = new Search<ImplicitAlsTrainer.Options>(higherIsBetter: true, options.Patience, progress, cancellationToken,
            Fit, Score, (o, epochs) => o with { NumberOfIterations = epochs }, keepBestModel: root.PopularityWeight == 0f);
        ImplicitAlsTrainer.Options grid = root with { NumberOfIterations = ImplicitMaxEpochs, NumberOfFactors = 64 };

        // At most what a choice of options adds to the final fit over the whole log beyond a fit of the grid's (counted on every row,
        // duplicates too, for the most epochs): the budget sets it aside before a trial of such options runs, so a wider model is not
        // chosen where its final fit alone would cost more than the budget left.
        double finalGrid = ImplicitSearchWork.Fit(grid, log.Users.Count, log.Items.Count, log.Count, ImplicitMaxEpochs);
        double FinalExtra(ImplicitAlsTrainer.Options o) =>
            Math.Max(0, ImplicitSearchWork.Fit(o, log.Users.Count, log.Items.Count, log.Count, ImplicitMaxEpochs) - finalGrid);
        double ScoringWork(int width) => ImplicitSearchWork.Scoring(scoredUsers.Length, feedback.NumberOfItems, width);
        int BlendWidth(ImplicitAlsTrainer.Options o) => o.NumberOfFactors + Math.Min(o.ItemItemRank, feedback.NumberOfItems);   // a blend's scores

        // Whether a trial that ran to a cap of its epochs was shortened by it: whether it would have gone on (patience had not
        // stopped it); a trial that stops on its own at the cap or before is the same either way.
        bool Shortened(AutoTuneTrial<ImplicitAlsTrainer.Options> trial, int cap) =>
            trial.EpochsRun == cap && trial.EpochsRun - trial.BestEpoch < options.Patience;

        // Every trial after the first runs as many of its epochs as the budget of work leaves (counting its scoring and what its
        // options add to the final fit), and not at all when that is fewer than the minimum. The options are remembered as asked
        // for, not as capped, so a trial is never tried twice.
        var considered = new HashSet<ImplicitAlsTrainer.Options>();
        void TryWithin(string stage, ImplicitAlsTrainer.Options o)
        {
            if (search.Tried(o) || !considered.Add(o))
            {
                return;
            }

            int epochs = ImplicitSearchWork.EpochsWithin(budget, spent, FinalExtra(o), EpochWork(o) + ScoringWork(o.NumberOfFactors),
                o.NumberOfIterations);
            string what = string.Create(CultureInfo.InvariantCulture,
                $"the {stage} trial at {o.NumberOfFactors} factors, regularization {o.Regularization}, alpha {o.ConfidenceScale}");
            if (epochs < ImplicitMinEpochs)
            {
                cuts.Add(what + ": not run");
            }
            else
            {
                search.Try(stage, o with { NumberOfIterations = epochs }, ImplicitMinEpochs);
                if (epochs < o.NumberOfIterations && Shortened(search.Last, epochs))
                {
                    cuts.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {epochs} of {o.NumberOfIterations} epochs"));
                }
            }
        }

        search.Try("default", grid with { Regularization = ImplicitAlsDefaults.Regularization, ConfidenceScale = ImplicitAlsDefaults.ConfidenceScale },
            ImplicitMinEpochs);
        foreach (float lambda in ImplicitRegularization)
        {
            foreach (float alpha in ImplicitConfidence)
            {
                TryWithin("grid", grid with { Regularization = lambda, ConfidenceScale = alpha });
            }
        }

        // Refine: half a grid step each way in each dimension; a step that wins keeps walking that way (at most 4 steps), so a best
        // value beyond the grid's edge is still found.
        void Walk(Func<ImplicitAlsTrainer.Options, float, ImplicitAlsTrainer.Options> step, float factor)
        {
            for (int s = 0; s < 4; s++)
            {
                AutoTuneTrial<ImplicitAlsTrainer.Options> before = search.Best;
                TryWithin("refine", step(before.Options with { NumberOfIterations = ImplicitMaxEpochs }, factor));
                if (ReferenceEquals(search.Best, before))
                {
                    break;
                }
            }
        }

        foreach (float factor in new[] { 0.55f, 1.8f })
        {
            Walk((o, f) => o with { Regularization = Round(o.Regularization * f) }, factor);
        }

        foreach (float factor in new[] { 0.55f, 1.8f })
        {
            Walk((o, f) => o with { ConfidenceScale = Round(MathF.Min(o.ConfidenceScale * f, 1e5f)) }, factor);
        }

        ImplicitAlsTrainer.Options center = search.Best.Options with { NumberOfIterations = ImplicitMaxEpochs };
        TryWithin("factors", center with { NumberOfFactors = 32 });
        TryWithin("factors", center with { NumberOfFactors = 128 });
        if (search.Best.Options.NumberOfFactors == 128)
        {
            TryWithin("factors", center with { NumberOfFactors = 256 });
        }

        // The best factors blended with an item-item model: λ first at a middle share, then the share. Not on catalogues or user bases so
        // large that the item-item values would cost more memory than they are worth.
        ImplicitAlsTrainer.Options[] pair = [];
        var atBest = new (float[] Users, float[] Items)[2];
        if (log.Items.Count <= ItemItemMaxItems && log.Users.Count <= ItemItemMaxUsers && log.Count >= ItemItemMinRowsPerItem * log.Items.Count)
        {
            // The two blends share one run of the ALS epochs (the item-item options do not change them, only which epoch validates
            // best), and each keeps the factors of its best epoch.
            // Their epochs, as many as the budget leaves after the eigenpairs and what a blend adds to the final fit.
            ImplicitAlsTrainer.Options factorsOnly = search.Best.Options with { NumberOfIterations = ImplicitMaxEpochs };
            ImplicitAlsTrainer.Options probe = factorsOnly with { ItemItemWeight = 0.35f };
            int pairEpochs = ImplicitSearchWork.EpochsWithin(budget, spent, (spectrum is null ? SpectrumWork(probe) : 0) + FinalExtra(probe),
                EpochWork(factorsOnly) + (2 * ScoringWork(BlendWidth(probe))), ImplicitMaxEpochs);
            string pairWhat = string.Create(CultureInfo.InvariantCulture, $"the item-item trials at {factorsOnly.NumberOfFactors} factors");
            if (pairEpochs < ImplicitMinEpochs)
            {
                cuts.Add(pairWhat + ": not run");
            }
            else
            {
                factorsOnly = factorsOnly with { NumberOfIterations = pairEpochs };
                pair =
                [
                    factorsOnly with { ItemItemWeight = 0.35f, ItemItemRegularization = 100f },
                    factorsOnly with { ItemItemWeight = 0.35f, ItemItemRegularization = 1000f },
                ];
            }

            float[]? users = null, items = null;
            double pairEpochWork = EpochWork(factorsOnly);
            int trialsBefore = search.Trials.Count;
            search.TryShared("item-item", pair, ImplicitMinEpochs, afterEpoch =>
            {
                ItemItemSpectrum shared = spectrum ??= ComputeSpectrum(factorsOnly);
                new ImplicitAlsTrainer(factorsOnly).FitFactors(feedback, cancellationToken, (epoch, u, i) =>
                {
                    spent += pairEpochWork;
                    (users, items) = (u, i);
                    return afterEpoch(epoch,
                        o => new ImplicitAlsTrainer(o with { NumberOfIterations = epoch }).Assemble(feedback, u, i, shared, cancellationToken));
                });
            }, v => atBest[v] = ((float[])users!.Clone(), (float[])items!.Clone()));
            if (pairEpochs < ImplicitMaxEpochs && search.Trials.Skip(trialsBefore).Any(t => Shortened(t, pairEpochs)))
            {
                cuts.Add(string.Create(CultureInfo.InvariantCulture, $"{pairWhat}: {pairEpochs} of {ImplicitMaxEpochs} epochs"));
            }
        }

        // The last factors fitted alone and their options: the ones every blended trial after the first two shares.
        (ImplicitAlsTrainer.Options Options, float[] Users, float[] Items)? fitted = null;
        if (search.Best.Options.ItemItemWeight > 0 && spectrum is not null)
        {
            // The remaining trials blend the factors of the best blended trial's best epoch, kept from the shared run above; when the
            // best is another blend (base options that ask for one), they are trained once more for its epochs.
            ImplicitAlsTrainer.Options blended = search.Best.Options;
            int fromPair = Array.FindIndex(pair, o => o with { NumberOfIterations = blended.NumberOfIterations } == blended);
            bool shared = fromPair >= 0 && atBest[fromPair].Users is not null;
            double BlendWork(ImplicitAlsTrainer.Options o) =>
                FinalExtra(o) + ScoringWork(BlendWidth(o));
            if (!shared && !ImplicitSearchWork.Affords(budget, spent, (blended.NumberOfIterations * EpochWork(blended)) + BlendWork(blended)))
            {
                // The factors to blend would have to be fitted once more, and the budget left does not cover that fit.
                cuts.Add("the item-item blends: not run");
            }
            else
            {
                (float[] userFactors, float[] itemFactors) = shared ? atBest[fromPair] : FitFactors(blended);
                fitted = (blended, userFactors, itemFactors);
                void TryBlend(ImplicitAlsTrainer.Options o)
                {
                    if (search.Tried(o))
                    {
                        return;
                    }

                    if (!ImplicitSearchWork.Affords(budget, spent, BlendWork(o)))
                    {
                        cuts.Add(string.Create(CultureInfo.InvariantCulture,
                            $"the item-item blend at share {o.ItemItemWeight}, item-item regularization {o.ItemItemRegularization}: not run"));
                        return;
                    }

                    search.TryModel("item-item", o, o.NumberOfIterations,
                        () => new ImplicitAlsTrainer(o).Assemble(feedback, userFactors, itemFactors, spectrum, cancellationToken), TimeSpan.Zero);
                }

                TryBlend(blended with { ItemItemRegularization = blended.ItemItemRegularization < 300f ? 30f : 3000f });
                blended = search.Best.Options;
                TryBlend(blended with { ItemItemWeight = 0.15f });
                TryBlend(blended with { ItemItemWeight = 0.65f });
                if (search.Best.Options.ItemItemWeight == 0.65f)
                {
                    TryBlend(blended with { ItemItemWeight = 1f });
                }
            }
        }

        // On catalogues of a few thousand items, the item-item model at a wider rank: more of EASE's structure where there is enough
        // data per item (the Last.fm slice of 1,530 artists: 0.3259 against 0.3148 at rank 128 and 0.3183 without a blend), less where
        // the truncation regularizes (the sample: 0.1036 against 0.1077). Its trials blend one set of factors, so they cost the wider
        // eigenpairs, one ALS fit when the best has no blend yet, and scoring.
        ItemItemSpectrum? wideSpectrum = null;
        if (spectrum is not null && feedback.NumberOfItems > ImplicitAlsDefaults.ItemItemRank * 2 && feedback.NumberOfItems <= ItemItemWideMaxItems)
        {
            ImplicitAlsTrainer.Options best = search.Best.Options;
            ImplicitAlsTrainer.Options start = best.ItemItemWeight > 0 ? best : best with { ItemItemWeight = 0.35f, ItemItemRegularization = 100f };
            start = start with { ItemItemRank = Math.Min(ItemItemWideRank, feedback.NumberOfItems) };

            // A blended best shares the factors fitted for the blends above (the item-item options do not change the ALS epochs).
            bool reuses = best.ItemItemWeight > 0 && fitted is not null;

            // The stage runs whole or not at all: its eigenpairs, a fit when it cannot share factors, its four trials' scoring and
            // what the wider rank adds to the final fit.
            if (!ImplicitSearchWork.Affords(budget, spent, SpectrumWork(start) + (reuses ? 0 : start.NumberOfIterations * EpochWork(start))
                + (4 * ScoringWork(BlendWidth(start))) + FinalExtra(start)))
            {
                cuts.Add(string.Create(CultureInfo.InvariantCulture, $"the item-item trials at rank {start.ItemItemRank}: not run"));
            }
            else
            {
                long wideStarted = Stopwatch.GetTimestamp();

                (float[] userFactors, float[] itemFactors) = reuses && fitted is { } reused
                    ? (reused.Users, reused.Items)
                    : FitFactors(start);
                fitted = (start, userFactors, itemFactors);
                ItemItemSpectrum wide = wideSpectrum = ComputeSpectrum(start);
                TimeSpan shared = Stopwatch.GetElapsedTime(wideStarted);
                void TryWide(ImplicitAlsTrainer.Options o)
                {
                    search.TryModel("wide", o, o.NumberOfIterations,
                        () => new ImplicitAlsTrainer(o).Assemble(feedback, userFactors, itemFactors, wide, cancellationToken), shared);
                    shared = TimeSpan.Zero;   // the first of these trials carries the shared fit and eigenpairs
                }

                TryWide(start);
                TryWide(start with { ItemItemRegularization = start.ItemItemRegularization * 3 });

                // The shares around the better of those two, whether or not it beat the best so far: a wider rank often wants a smaller
                // share (Last.fm's slice: 0.15), and these trials only score.
                AutoTuneTrial<ImplicitAlsTrainer.Options> wider = search.BestOf(t => t.Stage == "wide");
                TryWide(wider.Options with { ItemItemWeight = 0.15f });
                TryWide(wider.Options with { ItemItemWeight = 0.65f });
            }
        }

        // Popularity blended into the best model, at growing shares while the last one wins by PopularityMargin: where the model knows
        // little about most people, what many people chose is what the next person chooses, and where no trial beats the most-popular
        // list the choice can move to it. The trials blend one fit of the best.
        {
            ImplicitAlsTrainer.Options best = search.Best.Options;
            long popularityStarted = Stopwatch.GetTimestamp();
            ItemItemSpectrum? bestSpectrum = best.ItemItemWeight <= 0 ? null
                : best.ItemItemRank == wideSpectrum?.Rank ? wideSpectrum
                : best.ItemItemRank == spectrum?.Rank ? spectrum
                : null;
            static ImplicitAlsTrainer.Options FactorPart(ImplicitAlsTrainer.Options o) => o with
            {
                ItemItemWeight = 0f, ItemItemRegularization = 0f, ItemItemRank = 1, PopularityWeight = 0f,
            };
            // The best trial's own model at its best epoch, kept by the search, is exactly the model the options below fit. The search
            // keeps none when the base options carry a popularity share (every trial's model then has one): a blended best whose factors
            // were fitted above (the item-item options do not change the ALS epochs) is then assembled from them, the model a fit gives
            // bit for bit, and any other is fitted once more.
            var bestTrainer = new ImplicitAlsTrainer(best with { PopularityWeight = 0f });
            FactorModel bestModel = search.BestModel is { } kept && best.PopularityWeight == 0f ? kept
                : bestSpectrum is not null && fitted is { } f && FactorPart(f.Options) == FactorPart(best)
                ? bestTrainer.Assemble(feedback, f.Users, f.Items, bestSpectrum, cancellationToken)
                : FitBest();
            FactorModel FitBest()
            {
                spent += best.NumberOfIterations * EpochWork(best);
                return bestTrainer.Fit(feedback, null, null, cancellationToken, bestSpectrum);
            }

            TimeSpan shared = Stopwatch.GetElapsedTime(popularityStarted);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = best.NumberOfThreads ?? Environment.ProcessorCount, CancellationToken = cancellationToken };
            bool TryPopularity(float share)
            {
                AutoTuneTrial<ImplicitAlsTrainer.Options> before = search.Best;
                search.TryModel("popularity", best with { PopularityWeight = share }, best.NumberOfIterations,
                    () => PopularityPart.Blend(bestModel, share, new Dictionary<string, string>(bestModel.Properties), parallel), shared,
                    PopularityMargin);
                shared = TimeSpan.Zero;   // the first of these trials carries the shared fit
                return !ReferenceEquals(search.Best, before);
            }

            TryPopularity(0.1f);
            if (TryPopularity(0.25f))
            {
                _ = TryPopularity(0.5f) && TryPopularity(0.8f) && TryPopularity(1f);
            }
            else if (search.Best.Score < baseline.Ndcg)
            {
                // No trial beat the most-popular list: the larger shares, up to the list itself, whichever validates best. A model
                // that knows too little about the people it serves then falls back toward popularity, not to its own noise.
                TryPopularity(0.5f);
                TryPopularity(0.8f);
                TryPopularity(1f);
            }
        }

        return search.Result(string.Create(CultureInfo.InvariantCulture, $"NDCG@{k}"), "most popular", baseline.Ndcg, data,
            Stopwatch.GetElapsedTime(started), cuts: cuts);
    }

    /// <summary>Chooses biased matrix-factorization options for a log of ratings.</summary>
    /// <param name="log">The training log with ratings (never the caller's test data).</param>
    /// <param name="ratingOptions">How duplicate ratings are combined, as for the final fit; <see langword="null"/> for the defaults.</param>
    /// <param name="baseOptions">The options the search does not vary (seed, threads, bias regularization); <see langword="null"/> for the defaults.
    /// What it varies (factors, the regularizations, learning rate, epochs, rated items, number of models, Bayesian sampling) is
    /// taken from the search, not from here.</param>
    /// <param name="options">The search's own settings; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives each trial when it ends, if given.</param>
    /// <param name="cancellationToken">Cancels the search; checked every epoch.</param>
    /// <returns>The chosen options (with NumberOfThreads set to the count used) and the trials.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentException">The log has no ratings, or no user has two or more rows to hold one out.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">The search was cancelled.</exception>
    public static AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> TuneExplicit(InteractionLog log, RatingMatrixOptions? ratingOptions = null,
        BiasedMatrixFactorizationTrainer.Options? baseOptions = null, AutoTuneOptions? options = null,
        IProgress<AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options>>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.HasRatings)
        {
            throw new ArgumentException("The log has no ratings; explicit options are chosen by the RMSE of predicted ratings.", nameof(log));
        }

        options ??= new AutoTuneOptions();
        OptionsValidation.ThrowIfInvalid(options, nameof(AutoTuneOptions));
        BiasedMatrixFactorizationTrainer.Options root = baseOptions ?? new BiasedMatrixFactorizationTrainer.Options();
        OptionsValidation.ThrowIfInvalid(root, "BiasedMatrixFactorizationTrainer.Options");
        // The search varies the model's kind itself (rated items, several models, Bayesian sampling): its SGD trials start from none of them.
        root = root with
        {
            NumberOfThreads = root.NumberOfThreads ?? Math.Min(Environment.ProcessorCount, 256),
            UseRatedItems = false,
            NumberOfModels = 1,
            UseBayesianSampling = false,
        };
        long started = Stopwatch.GetTimestamp();
        Prepared data = Prepare(log, TuningRows(options, ratings: true), options, int.MaxValue, latestHalf: false,
            withRest: log.Count <= ExplicitMaxRowsForAllUsers);
        RatingMatrix ratings = RatingMatrix.FromLog(data.Train, ratingOptions);

        int rows = data.Validation.Count;
        var users = new string[rows];
        var items = new string[rows];
        float[] actual = data.Validation.Ratings.ToArray();
        for (int row = 0; row < rows; row++)
        {
            users[row] = data.Validation.Users.GetId(data.Validation.UserIndices[row]);
            items[row] = data.Validation.Items.GetId(data.Validation.ItemIndices[row]);
        }

        var predicted = new float[rows];
        double Score(FactorModel model)
        {
            for (int row = 0; row < rows; row++)
            {
                predicted[row] = model.PredictRating(users[row], items[row]);
            }

            return RatingMetrics.RootMeanSquaredError(predicted, actual);
        }

        double baseline = Score(BiasBaseline.Fit(ratings));
        var search = new Search<BiasedMatrixFactorizationTrainer.Options>(higherIsBetter: false, options.Patience + 1, progress, cancellationToken,
            (o, afterEpoch) => new BiasedMatrixFactorizationTrainer(o).Fit(ratings, null, afterEpoch, cancellationToken), Score,
            (o, epochs) => o with { NumberOfIterations = epochs });
        BiasedMatrixFactorizationTrainer.Options grid = root with { NumberOfIterations = ExplicitMaxEpochs, NumberOfFactors = 32 };
        search.Try("default", grid with
        {
            FactorRegularization = BiasedMatrixFactorizationDefaults.FactorRegularization,
            RatingRegularization = BiasedMatrixFactorizationDefaults.RatingRegularization,
            LearningRate = BiasedMatrixFactorizationDefaults.LearningRate,
        }, ExplicitMinEpochs);
        foreach (float lambda in ExplicitRatingRegularization)
        {
            foreach (float rate in ExplicitLearningRate)
            {
                search.Try("grid", grid with { RatingRegularization = lambda, LearningRate = rate }, ExplicitMinEpochs);
            }
        }

        BiasedMatrixFactorizationTrainer.Options center = search.Best.Options with { NumberOfIterations = ExplicitMaxEpochs };
        search.Try("refine", center with { RatingRegularization = Round(center.RatingRegularization * 0.55f) }, ExplicitMinEpochs);
        search.Try("refine", center with { RatingRegularization = Round(center.RatingRegularization * 1.8f) }, ExplicitMinEpochs);
        center = search.Best.Options with { NumberOfIterations = ExplicitMaxEpochs };
        search.Try("refine", center with { FactorRegularization = Round(center.FactorRegularization / 3f) }, ExplicitMinEpochs);
        search.Try("refine", center with { FactorRegularization = Round(center.FactorRegularization * 3f) }, ExplicitMinEpochs);
        center = search.Best.Options with { NumberOfIterations = ExplicitMaxEpochs };
        search.Try("factors", center with { NumberOfFactors = 16 }, ExplicitMinEpochs);
        search.Try("factors", center with { NumberOfFactors = 64 }, ExplicitMinEpochs);
        center = search.Best.Options with { NumberOfIterations = ExplicitMaxEpochs };
        search.Try("rated-items", center with { UseRatedItems = true }, ExplicitMinEpochs);
        center = search.Best.Options with { NumberOfIterations = ExplicitMaxEpochs };
        search.Try("models", center with { NumberOfModels = ExplicitEnsembleSize }, ExplicitMinEpochs);
        // The longer caps only where the whole log is the tuning data, so the final fit is as cheap as the trial.
        bool sampled = data.Train.Count + data.Validation.Count < log.Count;
        BiasedMatrixFactorizationTrainer.Options bayesian = grid with
        {
            UseBayesianSampling = true,
            UseRatedItems = false,
            NumberOfModels = 1,
            NumberOfIterations = sampled ? BayesianMaxSweeps : BayesianMaxSweepsUnsampled,
            FactorRegularization = BiasedMatrixFactorizationDefaults.FactorRegularization,
            RatingRegularization = BiasedMatrixFactorizationDefaults.RatingRegularization,
            LearningRate = BiasedMatrixFactorizationDefaults.LearningRate,
        };
        IReadOnlyList<double> plain = search.Try("bayesian", bayesian, BayesianMinSweeps, minimumPatience: BayesianPatience);
        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> plainTrial = search.Last;
        // Which items people rated, in Bayesian sampling (both sides): on generated sets where people rate what they like it took
        // held-out RMSE from 0.8241 to 0.8014 (3,000 users) and 0.8071 to 0.7842 (10,000); where what is rated does not depend on taste
        // it cost up to 1 %. Its sweeps cost two to three plain ones, so it gives up as soon as it falls behind the plain trial at the
        // same sweep (from sweep 50 on).
        search.Try("bayesian", bayesian with { UseRatedItems = true, NumberOfIterations = sampled ? BayesianMaxSweepsRatedSampled : BayesianMaxSweepsRated },
            BayesianMinSweeps, minimumPatience: BayesianPatience, rival: plain, rivalFrom: BayesianRivalFrom);
        bool ratedWon = search.Last.Score < plainTrial.Score;
        if (data.Rest is { } rest)
        {
            // Bayesian sampling gains more from more users than SGD does (Jester ratings: it validated 0.2 % worse than the best SGD
            // options on a sample of 1,750 users and tested 0.8 % better on all 10,000), so when users were sampled and the best SGD
            // options led there, the last two trials put them and Bayesian sampling (with rated items when they won on the sample) side
            // by side on every user's rows but the held-out ones. Where Bayesian sampling already led on the sample SGD cannot catch up
            // (on four logs of 440,000 to 1,680,000 ratings Bayesian sampling's lead over the best SGD options grew from the sample to
            // every user in each: -0.3 → +0.15 %, +0.4 → +0.8 %, +1.1 → +1.6 %, +2 → +4 %), so neither trial runs (below).
            AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> bestSgd = search.BestOf(t => !t.Options.UseBayesianSampling);
            AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> bestBayesian = search.BestOf(t => t.Options.UseBayesianSampling);
            // Where Bayesian sampling led on the sample, SGD cannot catch up on every user, and the aligned mean of the chain does not
            // get worse with more sweeps, so no trial runs on every user: the final fit runs the sweeps that validated best on the
            // sample (capped below). That trial cost as much as the final fit (14.6 of the 48 s `train` took on a MovieLens-shaped log
            // of 470,000 ratings, where it ran to its cap of 70 sweeps).
            if (!search.Better(bestBayesian.Score, bestSgd.Score))
            {
                ratings = RatingMatrix.FromLog(rest, ratingOptions);
                search.Try("all users", bestSgd.Options with { NumberOfIterations = ExplicitMaxEpochs }, ExplicitMinEpochs, again: true);
                BiasedMatrixFactorizationTrainer.Options everyone = ratedWon
                    ? bayesian with { UseRatedItems = true, NumberOfIterations = BayesianMaxSweepsRatedAllUsers }
                    : bayesian;
                search.Try("all users", everyone with { NumberOfIterations = BayesianSweepsWithin(log, everyone) },
                    BayesianMinSweeps, again: true, minimumPatience: BayesianPatience);
            }
        }

        // After a sample the final Bayesian fit over the whole log keeps within a budget of work, so `train` on a sparse log of many
        // users and items stays bounded (20,000 users, 10,000 items, 539,000 ratings: 86.6 s before, with a trial on every user and
        // 70 sweeps twice; 44.0 s with 43 sweeps once).
        BiasedMatrixFactorizationTrainer.Options chosen = search.Best.Options;
        if (sampled && chosen.UseBayesianSampling)
        {
            chosen = chosen with { NumberOfIterations = BayesianSweepsWithin(log, chosen) };
        }

        return search.Result("RMSE", "biases", baseline, data, Stopwatch.GetElapsedTime(started), chosen);
    }

    /// <summary>The sweeps of <paramref name="options"/> (Bayesian sampling) over the whole of <paramref name="log"/> that keep within
    /// <see cref="BayesianWorkAfterSample"/>: a sweep costs about rows + 20 × (users + items) units with rated items and a third of
    /// that without. At most the options' own sweeps and <see cref="BayesianMaxSweepsRatedSampled"/> with rated items, and at least
    /// <see cref="BayesianMinSweeps"/> unless the options' own are fewer.</summary>
    internal static int BayesianSweepsWithin(InteractionLog log, BiasedMatrixFactorizationTrainer.Options options) =>
        BayesianSweepsWithin(log.Count, log.Users.Count, log.Items.Count, options);

    /// <summary>As <see cref="BayesianSweepsWithin(InteractionLog, BiasedMatrixFactorizationTrainer.Options)"/>, for a log of
    /// <paramref name="rows"/> ratings of <paramref name="users"/> users on <paramref name="items"/> items.</summary>
    internal static int BayesianSweepsWithin(long rows, int users, int items, BiasedMatrixFactorizationTrainer.Options options)
    {
        double perSweep = rows + BayesianWorkPerEntity * ((double)users + items);
        double affordable = BayesianWorkAfterSample / perSweep * (options.UseRatedItems ? 1 : BayesianPlainSweepShare);
        int most = options.UseRatedItems ? Math.Min(options.NumberOfIterations, BayesianMaxSweepsRatedSampled) : options.NumberOfIterations;
        return Math.Min(most, (int)Math.Max(Math.Floor(affordable), BayesianMinSweeps));
    }

    /// <summary>Chooses the cold-start list for people who first arrive after training: all-time popularity, or popularity weighted by
    /// recency, whichever serves the newcomers of the log's own latest period best.</summary>
    /// <remarks>The latest <see cref="AutoTuneOptions.ValidationFraction"/> of the log's rows (by time) play the future: users who first
    /// appear there are the newcomers, and each candidate list is counted on the rows before it, as of its start. The candidates are
    /// all-time popularity and half-lives of 1/4, 1/16, 1/64 and 1/256 of the earlier period's length (none under an hour). A half-life
    /// is chosen only when it beats all-time popularity by 3 % or more on at least 20 newcomers; otherwise the choice stays all-time.
    /// Deterministic; a log without timestamps gets all-time popularity.</remarks>
    /// <param name="log">The training log.</param>
    /// <param name="options">The share held out (<see cref="AutoTuneOptions.ValidationFraction"/>) and K; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the choice.</param>
    /// <returns>The choice; apply it with <see cref="PopularityCounter.Count(InteractionLog, IdMap, TimeSpan?, DateTimeOffset?)"/> and <see cref="FactorModel.WithItemPopularity"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public static FallbackChoice ChooseFallback(InteractionLog log, AutoTuneOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new AutoTuneOptions();
        OptionsValidation.ThrowIfInvalid(options, nameof(AutoTuneOptions));
        if (!log.HasTimestamps || log.Count < 2)
        {
            return new FallbackChoice(null, double.NaN, double.NaN, 0, "all-time popularity (the log has no timestamps to tell recent from old)");
        }

        long[] times = log.Timestamps.ToArray();
        Array.Sort(times);
        long cut = times[Math.Clamp((int)(times.Length * (1 - options.ValidationFraction)), 1, times.Length - 1)];
        long first = times[0];
        (InteractionLog before, InteractionLog after) = log.SplitByTime(DateTimeOffset.FromUnixTimeSeconds(cut));
        (int[] pairItems, long[] pairTimes) = PopularityCounter.LatestPairs(before, before.Items);
        float[] allTime = PopularityCounter.CountPairs(pairItems, pairTimes, before.Items.Count, 0, 0);
        var known = new HashSet<int>();
        for (int row = 0; row < before.Count; row++)
        {
            known.Add(before.UserIndices[row]);
        }

        // Newcomers: users of the later part without rows before it, and what they chose that existed before.
        var relevant = new SortedDictionary<int, HashSet<int>>();
        for (int row = 0; row < after.Count; row++)
        {
            int user = after.UserIndices[row];
            if (known.Contains(user) || !before.Items.TryGetIndex(after.Items.GetId(after.ItemIndices[row]), out int item) || allTime[item] == 0)
            {
                continue;
            }

            if (!relevant.TryGetValue(user, out HashSet<int>? set))
            {
                relevant[user] = set = [];
            }

            set.Add(item);
        }

        int k = options.K;
        double Score(float[] popularity)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] top = [.. Enumerable.Range(0, popularity.Length).OrderByDescending(i => popularity[i]).ThenBy(i => i).Take(k)];
            var sums = new RankingEvaluation.Sums(top.Length, popularity.Length);
            foreach (HashSet<int> set in relevant.Values)
            {
                sums.Add(top, default, set);
            }

            return relevant.Count == 0 ? double.NaN : sums.Report(0, 0).Ndcg;
        }

        double allTimeScore = Score(allTime);
        if (relevant.Count < 20)
        {
            return new FallbackChoice(null, allTimeScore, allTimeScore, relevant.Count, string.Create(CultureInfo.InvariantCulture,
                $"all-time popularity ({relevant.Count} newcomers in the latest part of the log are too few to choose a half-life)"));
        }

        TimeSpan span = TimeSpan.FromSeconds(cut - first);
        TimeSpan? bestHalfLife = null;
        double best = allTimeScore;
        foreach (int divisor in new[] { 4, 16, 64, 256 })
        {
            TimeSpan halfLife = span / divisor;
            if (halfLife < TimeSpan.FromHours(1))
            {
                break;
            }

            double score = Score(PopularityCounter.CountPairs(pairItems, pairTimes, before.Items.Count, Math.Log(2) / halfLife.TotalSeconds, cut));
            if (score > best)
            {
                (best, bestHalfLife) = (score, halfLife);
            }
        }

        return bestHalfLife is { } chosen && best >= 1.03 * allTimeScore
            ? new FallbackChoice(chosen, best, allTimeScore, relevant.Count, string.Create(CultureInfo.InvariantCulture,
                $"popularity with a half-life of {Describe(chosen)}: NDCG@{k} {best:F4} vs {allTimeScore:F4} all-time for {relevant.Count:N0} newcomers of the log's latest {options.ValidationFraction:P0}"))
            : new FallbackChoice(null, allTimeScore, allTimeScore, relevant.Count, string.Create(CultureInfo.InvariantCulture,
                $"all-time popularity: NDCG@{k} {allTimeScore:F4} for {relevant.Count:N0} newcomers of the log's latest {options.ValidationFraction:P0}; no half-life did 3 % better"));
    }

    private static string Describe(TimeSpan span) => span.TotalDays >= 2
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:F0} days")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:F0} hours");

    /// <summary>How much better, as a share of the best score, a popularity blend must validate to be chosen: on the development logs
    /// shares of 0.1 validated 0.2-0.4 % better on three (Last.fm play counts, the sample's two splits) and tested 0.1-0.5 % worse, so
    /// a blend is kept only for a clear gain, as where the model trails the most-popular list.</summary>
    private const double PopularityMargin = 0.01;

    /// <summary>The most log rows the implicit search trains on when <see cref="AutoTuneOptions.MaxTuningRows"/> is not given. Options
    /// chosen on 250,000 rows tested better than those chosen on 100,000 on 12 of 17 splits of logs above 100,000 rows (NDCG@10: a
    /// 1M-row shop of 50,000 items 0.0040 → 0.0055, still below its most-popular list's 0.0059; a 500k-row shop's time split 0.0271 →
    /// 0.0341; Jester's positives 0.5751 → 0.5814). Worse on Last.fm's tag events at one of four test fractions (0.1136 → 0.1068), on
    /// the time splits of a 390k-row shop (−2 %), and by at most 0.5 % on Jester at one seed of four and on a purchases-only log's
    /// per-user split. The validation part is the same size either way (<see cref="ScoringBudget"/>); each trial trains on more rows,
    /// so <c>train</c> on a 430k-500k-row log takes up to 1.7 times as long in all (MovieLens-shaped 20.9 → 31.3 s, Jester's positives
    /// 9.8 → 16.7 s on 2 cores).</summary>
    internal const int ImplicitTuningRows = 250_000;

    /// <summary>The most log rows the explicit search trains on when <see cref="AutoTuneOptions.MaxTuningRows"/> is not given (its budgets of
    /// sweeps and its "all users" trials are measured against it).</summary>
    internal const int ExplicitTuningRows = 100_000;

    /// <summary>The most log rows a search trains on: <see cref="AutoTuneOptions.MaxTuningRows"/> when given, otherwise
    /// <see cref="ExplicitTuningRows"/> for ratings and <see cref="ImplicitTuningRows"/> for implicit feedback.</summary>
    internal static int TuningRows(AutoTuneOptions options, bool ratings) =>
        options.MaxTuningRows ?? (ratings ? ExplicitTuningRows : ImplicitTuningRows);

    /// <summary>Validation users × catalogue items scored per implicit epoch, at most (the user count stays between 300 and the option's cap).</summary>
    private const long ScoringBudget = 10_000_000;

    /// <summary>How many users the implicit search validates on: scoring a validation user scans every item once per epoch, so users ×
    /// items is capped (<see cref="ScoringBudget"/>) to keep large catalogues affordable, between 300 and
    /// <see cref="AutoTuneOptions.MaxValidationUsers"/>.</summary>
    internal static int ImplicitValidationUsers(InteractionLog log, AutoTuneOptions options) =>
        (int)Math.Clamp(ScoringBudget / Math.Max(1, log.Items.Count), Math.Min(300, options.MaxValidationUsers), options.MaxValidationUsers);

    private static System.Collections.Concurrent.OrderablePartitioner<Tuple<int, int>> Partitioner(int count) =>
        System.Collections.Concurrent.Partitioner.Create(0, Math.Max(1, count), Math.Max(16, count / (4 * Environment.ProcessorCount)));

    /// <summary>The top <paramref name="k"/> of each of <paramref name="users"/> (model indices), seen items excluded, into
    /// <paramref name="lists"/> (by user index; unfilled places -1): the lists <see cref="Recommender.ForUserIndex"/> gives with the
    /// default options, computed in parallel a block of users at a time (<see cref="TopKScorer.ScanBlock"/>: each group of item rows
    /// is read once for the block), the same scores bit for bit.</summary>
    internal static void RankUsers(FactorModel model, int[] users, int k, int[]?[] lists, CancellationToken cancellationToken)
    {
        int rank = model.NumberOfFactors;
        int listLength = Math.Min(k, model.Items.Count);
        float[] userFactors = model.RawUserFactors;
        Parallel.ForEach(Partitioner(users.Length), new ParallelOptions { CancellationToken = cancellationToken },
            () => new ScoreBuffers(rank, listLength),
            (range, _, buffers) =>
            {
                ReadOnlySpan<float> itemFactors = model.RawItemFactors;
                ReadOnlySpan<float> itemBias = model.RawItemBiases;
                int[] seenOffsets = model.RawSeenOffsets;
                for (int first = range.Item1; first < range.Item2; first += TopKScorer.MaxBlock)
                {
                    int count = Math.Min(TopKScorer.MaxBlock, range.Item2 - first);
                    for (int v = 0; v < count; v++)
                    {
                        int user = users[first + v];
                        userFactors.AsSpan(user * rank, rank).CopyTo(buffers.Users.AsSpan(v * rank));
                        buffers.Excluded[v] = (seenOffsets[user], seenOffsets[user + 1] - seenOffsets[user]);
                        buffers.Kept[v] = 0;
                    }

                    TopKScorer.ScanBlock(buffers.Users.AsSpan(0, count * rank), rank, itemFactors, model.RawSeenItems, buffers.Excluded.AsSpan(0, count),
                        itemBias, buffers.Scores.AsSpan(0, count * listLength), buffers.Items.AsSpan(0, count * listLength), buffers.Kept.AsSpan(0, count));
                    for (int v = 0; v < count; v++)
                    {
                        Span<float> scores = buffers.Scores.AsSpan(v * listLength, listLength);
                        Span<int> items = buffers.Items.AsSpan(v * listLength, listLength);
                        MinHeap.SortDescending(scores, items, buffers.Kept[v]);
                        int[] list = lists[users[first + v]] ??= new int[k];
                        for (int r = 0; r < k; r++)
                        {
                            list[r] = r < buffers.Kept[v] ? items[r] : -1;
                        }
                    }
                }

                return buffers;
            }, static _ => { });
    }

    /// <summary>One thread's buffers for scoring a block of users (<see cref="TopKScorer.ScanBlock"/>).</summary>
    private sealed class ScoreBuffers(int rank, int k)
    {
        public float[] Users { get; } = new float[TopKScorer.MaxBlock * rank];
        public (int Start, int Length)[] Excluded { get; } = new (int, int)[TopKScorer.MaxBlock];
        public float[] Scores { get; } = new float[TopKScorer.MaxBlock * k];
        public int[] Items { get; } = new int[TopKScorer.MaxBlock * k];
        public int[] Kept { get; } = new int[TopKScorer.MaxBlock];
    }

    /// <summary>A list without its unfilled tail (-1).</summary>
    private static int[] Listed(int[]? list)
    {
        if (list is null)
        {
            return [];
        }

        int n = Array.IndexOf(list, -1);
        return n < 0 ? list : list[..n];
    }

    /// <summary>The distinct model indices of the log's users that the model knows.</summary>
    private static int[] ModelIndices(InteractionLog log, IdMap users)
    {
        var result = new SortedSet<int>();
        foreach (int user in log.UserIndices)
        {
            if (users.TryGetIndex(log.Users.GetId(user), out int index))
            {
                result.Add(index);
            }
        }

        return [.. result];
    }

    /// <summary>Rounds to 3 significant digits, so chosen values read cleanly.</summary>
    private static float Round(float value) => float.Parse(value.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    internal sealed record Prepared(InteractionLog Train, InteractionLog Validation, int Users, InteractionLog? Rest = null);

    /// <summary>Samples whole users (seeded) up to the row budget, then holds out a share of each sampled user's rows: with timestamps, half
    /// of it their latest rows and half drawn at random; without, all drawn at random.</summary>
    /// <remarks>With <paramref name="withRest"/>, also every row of the log but the held-out ones (<see cref="Prepared.Rest"/>), when users
    /// were left out of the sample.</remarks>
    internal static Prepared Prepare(InteractionLog log, int maxRows, AutoTuneOptions options, int maxValidationUsers, bool latestHalf, bool withRest = false)
    {
        int userCount = log.Users.Count;
        var rowsOf = new int[userCount];
        foreach (int user in log.UserIndices)
        {
            rowsOf[user]++;
        }

        int[] order = [.. Enumerable.Range(0, userCount)];
        new Random(options.Seed).Shuffle(order);
        var chosen = new bool[userCount];
        var validating = new bool[userCount];
        long rows = 0;
        int users = 0, validationUsers = 0;
        foreach (int user in order)
        {
            if (rowsOf[user] == 0)
            {
                continue;
            }

            if (rows + rowsOf[user] > maxRows && rows > 0)
            {
                continue;
            }

            chosen[user] = true;
            rows += rowsOf[user];
            users++;
            if (rowsOf[user] >= 2 && validationUsers < maxValidationUsers)
            {
                validating[user] = true;
                validationUsers++;
            }
        }

        if (validationUsers == 0)
        {
            throw new ArgumentException("No user has two or more rows, so none can be held out to choose options.",
                nameof(log));
        }

        // Hold out a share of each validating user's rows (at least one row stays in training), drawn with the seed.
        var random = new Random(options.Seed + 1);
        var byUser = new List<int>[userCount];
        ReadOnlySpan<int> rowUsers = log.UserIndices;
        for (int row = 0; row < log.Count; row++)
        {
            int user = rowUsers[row];
            if (chosen[user])
            {
                (byUser[user] ??= []).Add(row);
            }
        }

        bool latest = latestHalf && log.HasTimestamps;
        ReadOnlySpan<long> times = log.HasTimestamps ? log.Timestamps : default;
        var train = new List<int>((int)rows);
        var validation = new List<int>();
        for (int user = 0; user < userCount; user++)
        {
            if (byUser[user] is not { } userRows)
            {
                continue;
            }

            int held = validating[user]
                ? Math.Min(userRows.Count - 1, Math.Max(1, (int)Math.Round(options.ValidationFraction * userRows.Count, MidpointRounding.AwayFromZero)))
                : 0;
            int[] shuffled = [.. userRows];
            random.Shuffle(shuffled);
            if (latest && held >= 1)
            {
                // With timestamps, half the held-out rows (rounded up) are the user's latest and the rest a random draw of the others:
                // options that predict what comes next as well as what is missing (chosen on time and per-user splits of four logs).
                var keys = new long[shuffled.Length];
                for (int r = 0; r < keys.Length; r++)
                {
                    keys[r] = -times[shuffled[r]];
                }

                Array.Sort(keys, shuffled);
                random.Shuffle(shuffled.AsSpan((held + 1) / 2));
            }

            for (int r = 0; r < shuffled.Length; r++)
            {
                (r < held ? validation : train).Add(shuffled[r]);
            }
        }

        train.Sort();
        validation.Sort();
        InteractionLog? rest = null;
        if (withRest && train.Count + validation.Count < log.Count)
        {
            var held = new bool[log.Count];
            foreach (int row in validation)
            {
                held[row] = true;
            }

            var others = new List<int>(log.Count - validation.Count);
            for (int row = 0; row < log.Count; row++)
            {
                if (!held[row])
                {
                    others.Add(row);
                }
            }

            rest = log.Subset(others);
        }

        return new Prepared(log.Subset(train), log.Subset(validation), users, rest);
    }

    /// <summary>The trials run so far and the best of them.</summary>
    /// <remarks>With <paramref name="keepBestModel"/>, the search also keeps the model of the best trial at its best epoch
    /// (<see cref="BestModel"/>): the model a fit with the trial's options gives, so a later stage that blends into it needs no second
    /// fit.</remarks>
    private sealed class Search<TOptions>(bool higherIsBetter, int patience, IProgress<AutoTuneTrial<TOptions>>? progress,
        CancellationToken cancellationToken, Action<TOptions, Func<int, FactorModel, bool>> fit, Func<FactorModel, double> score,
        Func<TOptions, int, TOptions> withEpochs, bool keepBestModel = false)
        where TOptions : class
    {
        private readonly List<AutoTuneTrial<TOptions>> _trials = [];
        private readonly HashSet<TOptions> _tried = [];

        public AutoTuneTrial<TOptions> Best { get; private set; } = null!;

        /// <summary>Gets the model of <see cref="Best"/> at its best epoch when the search keeps it (each epoch's model is its own
        /// copy), or null.</summary>
        public FactorModel? BestModel { get; private set; }

        /// <summary>Gets the trial run last.</summary>
        public AutoTuneTrial<TOptions> Last => _trials[^1];

        /// <summary>Whether a trial of <paramref name="options"/> has run.</summary>
        public bool Tried(TOptions options) => _tried.Contains(options);

        /// <summary>Gets the trials run so far, in order.</summary>
        public IReadOnlyList<AutoTuneTrial<TOptions>> Trials => _trials;

        /// <summary>The best of the trials run so far that <paramref name="which"/> accepts, by the same rule as <see cref="Best"/>
        /// (ties to the earlier trial); there must be one.</summary>
        public AutoTuneTrial<TOptions> BestOf(Func<AutoTuneTrial<TOptions>, bool> which)
        {
            AutoTuneTrial<TOptions>? best = null;
            foreach (AutoTuneTrial<TOptions> trial in _trials)
            {
                if (which(trial) && (best is null || Better(trial.Score, best.Score)))
                {
                    best = trial;
                }
            }

            return best ?? throw new InvalidOperationException("No trial was accepted.");
        }

        /// <summary>Runs a trial and returns its score after each epoch. With <paramref name="rival"/> (another trial's scores by
        /// epoch), the trial also stops once, from epoch <paramref name="rivalFrom"/> on, it scores worse than the rival did at the
        /// same epoch.</summary>
        public IReadOnlyList<double> Try(string stage, TOptions options, int minimumEpochs, bool again = false, int minimumPatience = 0,
            IReadOnlyList<double>? rival = null, int rivalFrom = int.MaxValue)
        {
            var curve = new List<double>();
            if (!_tried.Add(options) && !again)
            {
                return curve;
            }

            long started = Stopwatch.GetTimestamp();
            double best = double.NaN;
            int bestEpoch = 0, sinceBest = 0, epochs = 0;
            FactorModel? bestModel = null;
            fit(options, (epoch, model) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                double metric = score(model);
                curve.Add(metric);
                epochs = epoch;
                if (rival is not null && epoch >= rivalFrom && epoch <= rival.Count && !double.IsNaN(metric) && Better(rival[epoch - 1], metric))
                {
                    return false;
                }

                if (!double.IsNaN(metric) && (double.IsNaN(best) || (higherIsBetter ? metric > best : metric < best)))
                {
                    (best, bestEpoch, sinceBest) = (metric, epoch, 0);
                    bestModel = KeepsModelOf(metric) ? model : null;
                }
                else
                {
                    sinceBest++;
                }

                return !(sinceBest >= Math.Max(patience, minimumPatience) && epoch >= minimumEpochs);
            });

            Record(new AutoTuneTrial<TOptions>(_trials.Count + 1, stage, withEpochs(options, Math.Max(1, bestEpoch)), best, Math.Max(1, bestEpoch),
                epochs, Stopwatch.GetElapsedTime(started)), model: bestModel);
            return curve;
        }

        /// <summary>Runs trials whose options differ only in what is built from the same epochs (and have as many of them), with one run
        /// of the epochs: <paramref name="fitShared"/> runs them and after each calls its callback with the epoch number and a builder
        /// of any trial's model at that epoch; the callback returns whether to go on. Each trial stops by the rule of <see cref="Try"/>
        /// (without a rival or a minimum patience) and the epochs go on while any trial runs, so each gets the score and epochs it would
        /// get alone.
        /// <paramref name="newBest"/>, if given, hears which trial (by its index in <paramref name="variants"/>) scored better than
        /// before at the current epoch, so the caller can keep that epoch's factors. Trials run before are skipped; the first trial
        /// run carries the time of the epochs, each its own scoring.</summary>
        public void TryShared(string stage, IReadOnlyList<TOptions> variants, int minimumEpochs,
            Action<Func<int, Func<TOptions, FactorModel>, bool>> fitShared, Action<int>? newBest = null)
        {
            var running = new List<int>();
            for (int v = 0; v < variants.Count; v++)
            {
                if (_tried.Add(variants[v]))
                {
                    running.Add(v);
                }
            }

            if (running.Count == 0)
            {
                return;
            }

            int count = variants.Count;
            var best = new double[count];
            Array.Fill(best, double.NaN);
            var bestEpoch = new int[count];
            var sinceBest = new int[count];
            var epochs = new int[count];
            var scoring = new long[count];
            var active = new bool[count];
            var bestModels = new FactorModel?[count];
            foreach (int v in running)
            {
                active[v] = true;
            }

            long started = Stopwatch.GetTimestamp();
            fitShared((epoch, build) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool any = false;
                foreach (int v in running)
                {
                    if (!active[v])
                    {
                        continue;
                    }

                    long scored = Stopwatch.GetTimestamp();
                    FactorModel model = build(variants[v]);
                    double metric = score(model);
                    scoring[v] += Stopwatch.GetTimestamp() - scored;
                    epochs[v] = epoch;
                    if (Better(metric, best[v]))
                    {
                        (best[v], bestEpoch[v], sinceBest[v]) = (metric, epoch, 0);
                        bestModels[v] = KeepsModelOf(metric) ? model : null;
                        newBest?.Invoke(v);
                    }
                    else
                    {
                        sinceBest[v]++;
                    }

                    active[v] = !(sinceBest[v] >= patience && epoch >= minimumEpochs);
                    any |= active[v];
                }

                return any;
            });

            long epochsOnly = Stopwatch.GetTimestamp() - started;
            foreach (int v in running)
            {
                epochsOnly -= scoring[v];
            }

            foreach (int v in running)
            {
                long ticks = scoring[v] + (v == running[0] ? epochsOnly : 0);
                Record(new AutoTuneTrial<TOptions>(_trials.Count + 1, stage, withEpochs(variants[v], Math.Max(1, bestEpoch[v])), best[v],
                    Math.Max(1, bestEpoch[v]), epochs[v], Stopwatch.GetElapsedTime(0, ticks)), model: bestModels[v]);
            }
        }

        /// <summary>Runs a trial on a model built without epochs of its own (<paramref name="build"/>), recorded as trained for
        /// <paramref name="epochs"/>; <paramref name="extra"/> is added to its time (work it shares with later trials). With
        /// <paramref name="margin"/>, the trial becomes the best only when it beats it by that share of its score.</summary>
        public void TryModel(string stage, TOptions options, int epochs, Func<FactorModel> build, TimeSpan extra, double margin = 0)
        {
            if (!_tried.Add(options))
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            long started = Stopwatch.GetTimestamp();
            FactorModel model = build();
            double metric = score(model);
            Record(new AutoTuneTrial<TOptions>(_trials.Count + 1, stage, options, metric, epochs, epochs, Stopwatch.GetElapsedTime(started) + extra), margin,
                keepBestModel ? model : null);
        }

        /// <summary>Whether an epoch's model that scored <paramref name="metric"/> is kept until its trial ends: only when the search keeps
        /// models and the score beats the best trial's so far, since only then can its trial become the best (so at most one such model
        /// is held besides <see cref="BestModel"/>, per trial run at once).</summary>
        private bool KeepsModelOf(double metric) => keepBestModel && (Best is null || Better(metric, Best.Score));

        /// <summary>Adds a finished trial, keeps it as <see cref="Best"/> if it is better (by <paramref name="margin"/>, a share of the
        /// best score, when given), with its <paramref name="model"/> as <see cref="BestModel"/>, and reports it.</summary>
        private void Record(AutoTuneTrial<TOptions> trial, double margin = 0, FactorModel? model = null)
        {
            _trials.Add(trial);
            if (Best is null || Better(trial.Score, Best.Score * (higherIsBetter ? 1 + margin : 1 - margin)))
            {
                Best = trial;
                BestModel = model;
            }

            progress?.Report(trial);
        }

        /// <summary>Whether <paramref name="candidate"/> is a better score than <paramref name="current"/> (a NaN score is never
        /// better, and any other score is better than a NaN one).</summary>
        public bool Better(double candidate, double current) =>
            !double.IsNaN(candidate) && (double.IsNaN(current) || (higherIsBetter ? candidate > current : candidate < current));

        /// <summary>The search's result: the best trial's options, or <paramref name="chosen"/> when the final fit differs from it.</summary>
        public AutoTuneResult<TOptions> Result(string metricName, string baselineName, double baselineScore, Prepared data, TimeSpan elapsed,
            TOptions? chosen = null, IReadOnlyList<string>? cuts = null) =>
            new(chosen ?? Best.Options, Best, [.. _trials], metricName, higherIsBetter, baselineName, baselineScore, data.Users, data.Train.Count,
                data.Validation.Count, elapsed, data.Validation.UserIndices.ToArray().Distinct().Count())
            {
                BudgetCuts = cuts is null ? [] : [.. cuts],
            };
    }
}
