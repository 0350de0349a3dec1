using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Evaluation;

/// <summary><see cref="AutoTuner"/>: options chosen on a held-out part of the training log beat the baselines on a separate test split,
/// deterministically, within the row budget.</summary>
public sealed class AutoTunerTests
{
    /// <summary>300 users in 5 taste groups over 100 items (20 per group), 25 rows each, 85 % inside the group; items within a group are
    /// Zipf-popular, so popularity alone is a real baseline.</summary>
    [Theory]
    [InlineData(0f, 0f, 10)]
    [InlineData(0.35f, 0.25f, 10)]
    [InlineData(0.35f, 0f, 500)]
    public void The_tuners_validation_lists_are_the_recommenders_lists(float itemItem, float popularity, int k)
    {
        // Blends give the model item biases and 32 + 64 factors (a tail past 16 lanes); k = 500 asks for more items than there are.
        InteractionLog log = PlantedLog();
        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options
        {
            NumberOfFactors = 32, NumberOfIterations = 3, NumberOfThreads = 2, ItemItemWeight = itemItem, ItemItemRegularization = 100f,
            ItemItemRank = 64, PopularityWeight = popularity,
        }).Fit(FeedbackMatrix.FromLog(log));
        int[] users = [.. Enumerable.Range(0, model.Users.Count).Where(u => u % 3 != 1).Reverse()];
        var lists = new int[]?[model.Users.Count];

        AutoTuner.RankUsers(model, users, k, lists, CancellationToken.None);

        using var recommender = new Recommender(model);
        var buffer = new Recommendation[k];
        foreach (int user in users)
        {
            int written = recommender.ForUserIndex(user, buffer);
            int[] expected = [.. buffer.Take(written).Select(r => r.ItemIndex), .. Enumerable.Repeat(-1, k - written)];
            Assert.Equal(expected, lists[user]);
        }

        Assert.All(Enumerable.Range(0, model.Users.Count).Where(u => u % 3 == 1), u => Assert.Null(lists[u]));
        Assert.Contains(users, u => lists[u]![k - 1] == -1 == (k > model.Items.Count));
    }

    private static InteractionLog PlantedLog(int seed = 11, int users = 300)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < users; u++)
        {
            int group = u % 5;
            for (int e = 0; e < 25; e++)
            {
                int inGroup = (int)(20 * Math.Pow(random.NextDouble(), 2));
                int item = random.NextDouble() < 0.85 ? group * 20 + inGroup : random.Next(100);
                rows.Add(new Interaction($"u{u}", $"i{item}"));
            }
        }

        return InteractionLog.Create(rows);
    }

    private static double Ndcg(FactorModel model, InteractionLog test)
    {
        using var recommender = new Recommender(model);
        return RankingEvaluation.Evaluate(recommender, test, 10).Ndcg;
    }

    [Fact]
    public void Implicit_options_chosen_on_the_training_log_beat_popularity_and_a_collapsed_setting_on_the_test_split()
    {
        LogSplit split = TrainTestSplit.PerUser(PlantedLog(), 0.25, seed: 5);
        var baseOptions = new ImplicitAlsTrainer.Options { NumberOfThreads = 1 };

        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(split.Train, baseOptions: baseOptions);

        FeedbackMatrix feedback = FeedbackMatrix.FromLog(split.Train);
        double tuned = Ndcg(new ImplicitAlsTrainer(result.Options).Fit(feedback), split.Test);
        double collapsed = Ndcg(new ImplicitAlsTrainer(baseOptions with { Regularization = 3 }).Fit(feedback), split.Test);
        FactorModel any = new ImplicitAlsTrainer(baseOptions with { NumberOfIterations = 1 }).Fit(feedback);
        double popular = RankingEvaluation.EvaluatePopularity(any, split.Test, 10).Ndcg;
        Assert.True(tuned > 1.2 * popular, $"tuned NDCG@10 {tuned:F4} vs most popular {popular:F4}");
        Assert.True(tuned > collapsed + 0.05, $"tuned NDCG@10 {tuned:F4} vs λ = 3 {collapsed:F4}");
        Assert.True(result.BeatsBaseline, $"best trial {result.Best.Score:F4} vs {result.BaselineName} {result.BaselineScore:F4}");
        Assert.Equal("NDCG@10", result.MetricName);
        Assert.Equal("most popular", result.BaselineName);
    }

    [Fact]
    public void Where_no_trial_beats_the_most_popular_list_the_choice_moves_toward_it()
    {
        // Nobody has a taste of their own: every row is a draw from one Zipf popularity over a large catalogue, so the most-popular list is
        // the best answer, and a share of a quarter is not enough to reach it (the larger shares are tried because no trial beat it).
        var random = new Random(3);
        var rows = new List<Interaction>();
        for (int u = 0; u < 3000; u++)
        {
            for (int e = 0; e < 5; e++)
            {
                rows.Add(new Interaction($"u{u}", $"i{(int)(20000 * Math.Pow(random.NextDouble(), 2.5))}"));
            }
        }

        LogSplit split = TrainTestSplit.PerUser(InteractionLog.Create(rows), 0.25, seed: 5);
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(split.Train, baseOptions: new() { NumberOfThreads = 1 });

        AutoTuneTrial<ImplicitAlsTrainer.Options> bestFactors = result.Trials.Where(t => t.Options.PopularityWeight == 0).MaxBy(t => t.Score)!;
        Assert.True(bestFactors.Score < result.BaselineScore, $"the case needs factors below popularity: {bestFactors.Score:F4} vs {result.BaselineScore:F4}");
        Assert.True(result.Options.PopularityWeight >= 0.5f, $"chose a popularity share of {result.Options.PopularityWeight}");
        Assert.Contains(result.Trials, t => t.Options.PopularityWeight == 1f);
        Assert.True(result.Best.Score >= result.BaselineScore * 0.99, $"chosen {result.Best.Score:F4} vs most popular {result.BaselineScore:F4}");

        FeedbackMatrix feedback = FeedbackMatrix.FromLog(split.Train);
        double chosen = Ndcg(new ImplicitAlsTrainer(result.Options).Fit(feedback), split.Test);
        double factorsOnly = Ndcg(new ImplicitAlsTrainer(bestFactors.Options).Fit(feedback), split.Test);
        double popular = RankingEvaluation.EvaluatePopularity(new ImplicitAlsTrainer(new() { NumberOfIterations = 1 }).Fit(feedback), split.Test, 10).Ndcg;
        Assert.True(chosen > factorsOnly, $"on the test split: chosen {chosen:F4}, the best factors alone {factorsOnly:F4}, most popular {popular:F4}");
        Assert.True(chosen >= 0.95 * popular, $"on the test split: chosen {chosen:F4}, most popular {popular:F4}");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.25f)]
    public void The_popularity_trials_blend_the_model_the_best_options_fit(float basePopularity)
    {
        // The popularity trials blend the best trial's own model at its best epoch, kept by the search (or, when every trial already
        // has a popularity share, a fit of its factor part): each popularity trial scores what a fit of its options scores on the same
        // validation part.
        InteractionLog log = PlantedLog();
        var options = new AutoTuneOptions();
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(log,
            baseOptions: new() { NumberOfThreads = 2, PopularityWeight = basePopularity }, options: options);
        AutoTuner.Prepared data = AutoTuner.Prepare(log, AutoTuner.TuningRows(options, ratings: false), options,
            AutoTuner.ImplicitValidationUsers(log, options), latestHalf: true);
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(data.Train);

        AutoTuneTrial<ImplicitAlsTrainer.Options>[] popularity = [.. result.Trials.Where(t => t.Stage == "popularity")];
        Assert.NotEmpty(popularity);
        AutoTuneTrial<ImplicitAlsTrainer.Options> blendedInto =
            result.Trials.Take(popularity[0].Number - 1).Aggregate((a, b) => b.Score > a.Score ? b : a);
        Assert.Equal(basePopularity, blendedInto.Options.PopularityWeight);
        Assert.Equal(blendedInto.Options with { PopularityWeight = 0f }, popularity[0].Options with { PopularityWeight = 0f });
        Assert.True(blendedInto.BestEpoch < blendedInto.EpochsRun,
            $"the case needs a best epoch before the last one run ({blendedInto.Stage}, {blendedInto.BestEpoch} of {blendedInto.EpochsRun})");
        foreach (AutoTuneTrial<ImplicitAlsTrainer.Options> trial in popularity)
        {
            using var recommender = new Recommender(new ImplicitAlsTrainer(trial.Options).Fit(feedback));
            Assert.Equal(RankingEvaluation.Evaluate(recommender, data.Validation, options.K).Ndcg, trial.Score, 12);
        }
    }

    [Fact]
    public void The_best_trial_is_the_highest_scoring_and_its_options_carry_its_best_epoch()
    {
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(PlantedLog(), baseOptions: new() { NumberOfThreads = 1 });

        Assert.Equal(result.Trials.Max(t => t.Score), result.Best.Score);
        Assert.Same(result.Best.Options, result.Options);
        Assert.Equal(result.Best.BestEpoch, result.Options.NumberOfIterations);
        Assert.All(result.Trials, t => Assert.InRange(t.BestEpoch, 1, t.EpochsRun));
        Assert.Equal(Enumerable.Range(1, result.Trials.Count), result.Trials.Select(t => t.Number));
        Assert.Equal(12, result.Trials.Count(t => t.Stage is "grid" or "default"));   // the default (0.03, 50) is also a grid point
        Assert.Equal("default", result.Trials[0].Stage);
        // 12 grid, at least one step of each refine walk (less repeats), 2 or 3 factor counts, 2 to 6 item-item blends
        Assert.InRange(result.Trials.Count, 17, 38);
        Assert.InRange(result.Trials.Count(t => t.Stage == "item-item"), 2, 6);
        Assert.DoesNotContain(result.Trials, t => t.Stage == "wide");   // 100 items: rank 128 already holds every pair
        Assert.Equal(result.Trials.Count, result.Trials.Select(t => t.Options with { NumberOfIterations = 0 }).Distinct().Count());
        Assert.Empty(result.BudgetCuts);   // the default budget of work is far above a search of this size
    }

    [Fact]
    public void A_budget_of_work_shortens_the_search_after_the_first_trial_and_the_trials_it_ran_stay_within_it()
    {
        InteractionLog log = PlantedLog();
        var whole = new AutoTuneOptions();
        AutoTuneResult<ImplicitAlsTrainer.Options> full = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 }, options: whole);
        AutoTuner.Prepared data = AutoTuner.Prepare(log, AutoTuner.TuningRows(whole, ratings: false), whole,
            AutoTuner.ImplicitValidationUsers(log, whole), latestHalf: true);
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(data.Train);
        int scored = data.Validation.UserIndices.ToArray().Distinct().Count(u => feedback.Users.TryGetIndex(data.Validation.Users.GetId(u), out _));
        // The work of a trial of plain factors (the item-item and popularity trials are counted apart), as the search counts it.
        double Work(AutoTuneTrial<ImplicitAlsTrainer.Options> t) => t.EpochsRun * (
            ImplicitSearchWork.Epoch(t.Options, feedback.NumberOfUsers, feedback.NumberOfItems, feedback.NumberOfEntries)
            + ImplicitSearchWork.Scoring(scored, feedback.NumberOfItems, t.Options.NumberOfFactors));
        AutoTuneTrial<ImplicitAlsTrainer.Options>[] plain = [.. full.Trials.TakeWhile(t => t.Stage is "default" or "grid" or "refine" or "factors")];
        double budget = plain.Take(8).Sum(Work);   // the default trial and most of the grid

        AutoTuneResult<ImplicitAlsTrainer.Options> cut = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 },
            options: whole with { ImplicitWorkBudget = budget });

        Assert.Empty(full.BudgetCuts);
        Assert.NotEmpty(cut.BudgetCuts);
        Assert.InRange(cut.Trials.Count, 2, full.Trials.Count - 1);
        Assert.All(cut.BudgetCuts, c => Assert.Matches(@"^the (grid|refine|factors|item-item) trials? .*: (not run|\d+ of 20 epochs)$", c));
        // The trials the budget did not touch are the full search's, and every trial that trains factors stays within it.
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal((full.Trials[i].Options, full.Trials[i].Score, full.Trials[i].EpochsRun),
                (cut.Trials[i].Options, cut.Trials[i].Score, cut.Trials[i].EpochsRun));
        }

        Assert.DoesNotContain(cut.Trials, t => t.Stage is "item-item" or "wide");
        Assert.InRange(cut.Trials.Where(t => t.Stage != "popularity").Sum(Work), budget * 0.5, budget);
        Assert.Contains(cut.Trials, t => t.Stage == "popularity");   // they only score, so they always run
        Assert.True(cut.BeatsBaseline);

        // A budget that caps a trial exactly where it stops on its own (patience) does not shorten it, so it is not named; the next
        // trial is.
        int s = Enumerable.Range(1, plain.Length - 1).First(j => plain[j].EpochsRun < 20 && plain.Take(j).Sum(Work) >= 1e9);
        double exact = plain.Take(s).Sum(Work) + (Work(plain[s]) / plain[s].EpochsRun * (plain[s].EpochsRun + 0.5));
        AutoTuneResult<ImplicitAlsTrainer.Options> atStop = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 },
            options: whole with { ImplicitWorkBudget = exact });
        Assert.Equal(full.Trials.Take(s + 1).Select(t => (t.Options, t.Score)), atStop.Trials.Take(s + 1).Select(t => (t.Options, t.Score)));
        string stopped = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the {plain[s].Stage} trial at 64 factors, regularization {plain[s].Options.Regularization}, alpha {plain[s].Options.ConfidenceScale}:");
        Assert.NotEmpty(atStop.BudgetCuts);
        Assert.DoesNotContain(atStop.BudgetCuts, c => c.StartsWith(stopped, StringComparison.Ordinal));
    }

    [Fact]
    public void At_any_budget_the_search_names_a_cut_exactly_when_its_trials_differ_from_the_unlimited_search()
    {
        // From a budget inside the grid to one above the whole search: each search runs the unlimited search's trials until the
        // first cut, and names a cut (the item-item pair's, a blend's, a trial's) only where that changed what ran.
        InteractionLog log = PlantedLog(seed: 13);
        var unlimited = new AutoTuneOptions { ImplicitWorkBudget = double.MaxValue };
        AutoTuneResult<ImplicitAlsTrainer.Options> full = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 }, options: unlimited);
        Assert.Contains(full.Trials, t => t.Stage == "item-item");
        var seen = new HashSet<string>();

        // Counted, not timed, so these budgets cut the same trials on any machine: 10⁹ stops the grid, 2.5 × 10⁹ the 128-factor trial
        // and the item-item pair, 2.95 × 10⁹ the last item-item blend, and 6 × 10⁹ nothing.
        foreach (double budget in new[] { 1e9, 2.5e9, 2.95e9, 6e9 })
        {
            AutoTuneResult<ImplicitAlsTrainer.Options> cut = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 },
                options: unlimited with { ImplicitWorkBudget = budget });

            var ran = cut.Trials.Select(t => (t.Stage, t.Options, t.Score, t.EpochsRun)).ToList();
            var all = full.Trials.Select(t => (t.Stage, t.Options, t.Score, t.EpochsRun)).ToList();
            Assert.True(ran.SequenceEqual(all) == (cut.BudgetCuts.Count == 0),
                $"budget {budget:E1}: {cut.Trials.Count} of {full.Trials.Count} trials; cuts: {string.Join(" | ", cut.BudgetCuts)}");
            int same = ran.Zip(all).TakeWhile(p => p.First == p.Second).Count();
            Assert.True(same >= 1 && (same == ran.Count || cut.BudgetCuts.Count > 0));
            Assert.Equal(cut.BudgetCuts.Count, cut.BudgetCuts.Distinct().Count());
            seen.UnionWith(cut.BudgetCuts.Select(c => c[..c.IndexOf(" at ", StringComparison.Ordinal)]));
            if (budget == 6e9)
            {
                Assert.Empty(cut.BudgetCuts);
            }
        }

        Assert.Subset(seen, new HashSet<string> { "the grid trial", "the factors trial", "the item-item trials", "the item-item blend" });
    }

    [Fact]
    public void The_budget_counts_what_wider_factors_add_to_the_final_fit_over_the_whole_log()
    {
        // 4,000 users, tuned on a sample of 100: 128 factors cost little on the sample, but their final fit over every user would cost
        // about 12 billion operations more than one at 64 factors.
        InteractionLog log = PlantedLog(users: 4_000);
        var sampled = new AutoTuneOptions { MaxTuningRows = 2_500, ImplicitWorkBudget = 1e15 };

        AutoTuneResult<ImplicitAlsTrainer.Options> wide = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 }, options: sampled);
        AutoTuneResult<ImplicitAlsTrainer.Options> held = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 },
            options: sampled with { ImplicitWorkBudget = 8e9 });

        Assert.Contains(wide.Trials, t => t.Options.NumberOfFactors == 128);
        Assert.Empty(wide.BudgetCuts);
        Assert.DoesNotContain(held.Trials, t => t.Options.NumberOfFactors >= 128);
        Assert.Contains(held.Trials, t => t.Stage == "factors" && t.Options.NumberOfFactors == 32);   // no wider than the grid: no extra
        Assert.Contains(held.BudgetCuts,
            c => c.StartsWith("the factors trial at 128 factors", StringComparison.Ordinal) && c.EndsWith(": not run", StringComparison.Ordinal));
        // Up to the 128-factor trial, the two searches ran the same trials.
        double[] before = [.. wide.Trials.TakeWhile(t => t.Options.NumberOfFactors <= 64).Select(t => t.Score)];
        Assert.Equal(before, held.Trials.Take(before.Length).Select(t => t.Score));
    }

    [Fact]
    public void On_a_catalogue_of_a_few_hundred_items_the_item_item_model_is_also_tried_at_a_wider_rank_and_the_choice_fits()
    {
        // 600 users in 6 taste groups over 300 items (50 per group), 30 rows each: 60 rows per item.
        var random = new Random(31);
        var rows = new List<Interaction>();
        for (int u = 0; u < 600; u++)
        {
            for (int e = 0; e < 30; e++)
            {
                int item = random.NextDouble() < 0.8 ? (u % 6) * 50 + (int)(50 * Math.Pow(random.NextDouble(), 2)) : random.Next(300);
                rows.Add(new Interaction($"u{u}", $"i{item}"));
            }
        }

        InteractionLog log = InteractionLog.Create(rows);

        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 2 });

        AutoTuneTrial<ImplicitAlsTrainer.Options>[] wide = [.. result.Trials.Where(t => t.Stage == "wide")];
        Assert.InRange(wide.Length, 2, 4);
        Assert.All(wide, t => Assert.Equal((300, true), (t.Options.ItemItemRank, t.Options.ItemItemWeight > 0)));   // min(512, items)
        Assert.All(result.Trials.Where(t => t.Stage == "item-item"), t => Assert.Equal(128, t.Options.ItemItemRank));
        Assert.Equal(result.Trials.Max(t => t.Score), result.Best.Score);
        FactorModel model = new ImplicitAlsTrainer(result.Options).Fit(FeedbackMatrix.FromLog(log));
        int expected = result.Options.NumberOfFactors + (result.Options.ItemItemWeight > 0 ? result.Options.ItemItemRank : 0);
        Assert.Equal(expected, model.NumberOfFactors);
    }

    [Fact]
    public void The_same_log_and_seed_choose_the_same_options()
    {
        InteractionLog log = PlantedLog(seed: 12);

        AutoTuneResult<ImplicitAlsTrainer.Options> first = AutoTuner.TuneImplicit(log);
        AutoTuneResult<ImplicitAlsTrainer.Options> second = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 1 });

        Assert.Equal(first.Options with { NumberOfThreads = null }, second.Options with { NumberOfThreads = null });
        Assert.Equal(first.Trials.Select(t => t.Score), second.Trials.Select(t => t.Score));
    }

    [Fact]
    public void A_log_over_the_row_budget_is_tuned_on_a_sample_of_whole_users()
    {
        InteractionLog log = PlantedLog(users: 400);   // 10,000 rows

        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(log, options: new AutoTuneOptions { MaxTuningRows = 2_500 });

        Assert.InRange(result.TuningRows + result.ValidationRows, 2_000, 2_500);
        Assert.Equal(100, result.TuningUsers);   // 25 rows each: whole users only
        Assert.True(result.BeatsBaseline);
    }

    [Fact]
    public void By_default_the_implicit_search_trains_on_every_user_of_a_log_above_100000_rows()
    {
        InteractionLog log = PlantedLog(users: 4_200);   // 105,000 rows: under the implicit default of 250,000 (ratings: 100,000)

        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(log, options: new AutoTuneOptions { Patience = 1 });

        Assert.Equal(105_000, result.TuningRows + result.ValidationRows);
        Assert.Equal(4_200, result.TuningUsers);   // not the 4,000 whole users of 100,000 rows
        Assert.True(result.BeatsBaseline);
    }

    [Theory]
    [InlineData(null, false, 250_000)]
    [InlineData(null, true, 100_000)]
    [InlineData(40_000, false, 40_000)]
    [InlineData(40_000, true, 40_000)]
    public void The_row_budget_is_the_given_one_or_each_searchs_default(int? given, bool ratings, int expected)
    {
        // The explicit search's default is checked here rather than by a search on 100,000+ ratings, which takes tens of seconds.
        Assert.Equal(expected, AutoTuner.TuningRows(new AutoTuneOptions { MaxTuningRows = given }, ratings));
    }

    [Fact]
    public void A_log_where_no_user_has_two_rows_is_refused_with_a_message()
    {
        InteractionLog log = InteractionLog.Create([new Interaction("a", "x"), new Interaction("b", "y")]);

        var error = Assert.Throws<ArgumentException>(() => AutoTuner.TuneImplicit(log));

        Assert.Contains("two or more rows", error.Message);
    }

    [Fact]
    public void Invalid_settings_are_refused_before_any_work()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            () => AutoTuner.TuneImplicit(PlantedLog(),
                options: new AutoTuneOptions { ValidationFraction = 0, MaxTuningRows = 5, ImplicitWorkBudget = 5 }));

        Assert.Contains("ValidationFraction", error.Message);
        Assert.Contains("MaxTuningRows", error.Message);
        Assert.Contains("ImplicitWorkBudget", error.Message);
    }

    /// <summary>Ratings on Jester's -10..+10 scale: 200 users × 40 items, 70 % rated, a rank-2 taste plus noise.</summary>
    private static InteractionLog WideRatings(int seed = 21)
    {
        var random = new Random(seed);
        double[][] users = [.. Enumerable.Range(0, 200).Select(_ => new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 })];
        double[][] items = [.. Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 })];
        var rows = new List<Interaction>();
        for (int u = 0; u < users.Length; u++)
        {
            for (int i = 0; i < items.Length; i++)
            {
                if (random.NextDouble() < 0.7)
                {
                    double rating = 8 * (users[u][0] * items[i][0] + users[u][1] * items[i][1]) + 1 + 2 * (random.NextDouble() - 0.5);
                    rows.Add(new Interaction($"u{u}", $"i{i}", Rating: (float)Math.Clamp(rating, -10, 10)));
                }
            }
        }

        return InteractionLog.Create(rows);
    }

    [Fact]
    public void Explicit_options_chosen_on_the_training_log_beat_the_biases_on_a_wide_rating_scale()
    {
        LogSplit split = TrainTestSplit.Random(WideRatings(), 0.2, seed: 4);
        var baseOptions = new BiasedMatrixFactorizationTrainer.Options { NumberOfThreads = 1 };

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> result = AutoTuner.TuneExplicit(split.Train, baseOptions: baseOptions);

        RatingMatrix ratings = RatingMatrix.FromLog(split.Train);
        double tuned = HyperparameterSearchTests.Rmse(new BiasedMatrixFactorizationTrainer(result.Options).Fit(ratings), split.Test);
        double biases = HyperparameterSearchTests.Rmse(BiasBaseline.Fit(ratings), split.Test);
        Assert.True(tuned < 0.8 * biases, $"tuned RMSE {tuned:F3} vs biases {biases:F3}");
        Assert.Equal(1, result.Options.NumberOfThreads);
        Assert.Equal("RMSE", result.MetricName);
        Assert.False(result.HigherIsBetter);
        Assert.Equal(result.Trials.Min(t => t.Score), result.Best.Score);
    }

    [Fact]
    public void Explicit_tuning_needs_ratings()
    {
        var error = Assert.Throws<ArgumentException>(() => AutoTuner.TuneExplicit(PlantedLog()));

        Assert.Contains("no ratings", error.Message);
    }
}

/// <summary>The explicit trainer works in units of the ratings' standard deviation, so its defaults mean the same on any scale.</summary>
public sealed class ExplicitRatingScaleTests
{
    [Fact]
    public void Ratings_scaled_by_ten_give_predictions_scaled_by_ten()
    {
        var random = new Random(8);
        var rows = new List<Interaction>();
        for (int u = 0; u < 50; u++)
        {
            foreach (int i in Enumerable.Range(0, 30).OrderBy(_ => random.Next()).Take(15))
            {
                rows.Add(new Interaction($"u{u}", $"i{i}", Rating: 1 + random.Next(9) / 2f));
            }
        }

        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 10, NumberOfThreads = 1 };
        FactorModel small = new BiasedMatrixFactorizationTrainer(options).Fit(RatingMatrix.FromLog(InteractionLog.Create(rows)));
        FactorModel wide = new BiasedMatrixFactorizationTrainer(options).Fit(RatingMatrix.FromLog(InteractionLog.Create(
            [.. rows.Select(r => r with { Rating = r.Rating * 10 })])));

        for (int u = 0; u < 50; u += 7)
        {
            for (int i = 0; i < 30; i += 3)
            {
                float expected = 10 * small.PredictRating($"u{u}", $"i{i}");
                Assert.Equal(expected, wide.PredictRating($"u{u}", $"i{i}"), Math.Abs(expected) * 1e-3 + 1e-3);
            }
        }
    }
}
