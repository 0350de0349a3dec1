using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Searches that train: scoring, early stopping, ranking, progress, cancellation and argument checks.</summary>
public sealed class HyperparameterSearchTests
{
    private static readonly ImplicitAlsTrainer.Options SmallImplicit = new() { NumberOfFactors = 8, NumberOfIterations = 8, NumberOfThreads = 1 };

    private static readonly BiasedMatrixFactorizationTrainer.Options SmallExplicit = new()
    {
        NumberOfFactors = 4, NumberOfIterations = 30, LearningRate = 0.05f, FactorRegularization = 1, NumberOfThreads = 1,
    };

    private static double Ndcg(FactorModel model, InteractionLog validation, int k)
    {
        using var recommender = new Recommender(model);
        return RankingEvaluation.Evaluate(recommender, validation, k).Ndcg;
    }

    internal static double Rmse(FactorModel model, InteractionLog validation)
    {
        var predicted = new float[validation.Count];
        for (int row = 0; row < validation.Count; row++)
        {
            predicted[row] = model.PredictRating(validation.Users.GetId(validation.UserIndices[row]), validation.Items.GetId(validation.ItemIndices[row]));
        }

        return RatingMetrics.RootMeanSquaredError(predicted, validation.Ratings);
    }

    [Fact]
    public void The_best_implicit_candidate_beats_a_deliberately_bad_one_and_the_leaderboard_is_best_first()
    {
        var (train, validation) = SearchData.Implicit();
        SearchSpace space = SearchSpace.ForImplicit(SearchParameter.OneOf("regularization", 100_000, 0.05), SearchParameter.OneOf("alpha", 5, 20));

        SearchResult<ImplicitAlsTrainer.Options> result = new HyperparameterSearch().SearchImplicit(train, validation, space, SmallImplicit);

        Assert.Equal("NDCG@10", result.MetricName);
        Assert.True(result.HigherIsBetter);
        Assert.Equal(4, result.Leaderboard.Count);
        Assert.Equal(0.05f, result.BestOptions.Regularization);
        double worstGood = result.Leaderboard.Where(c => c.Options.Regularization == 0.05f).Min(c => c.BestMetric);
        double bestBad = result.Leaderboard.Where(c => c.Options.Regularization == 100_000f).Max(c => c.BestMetric);
        // λ = 100,000 collapses the factors; the trainer then ranks like popularity (strong on this planted data), not like noise.
        Assert.True(worstGood > bestBad + 0.02, $"good NDCG {worstGood} should beat bad NDCG {bestBad} clearly");
        Assert.Equal(result.Leaderboard.Select(c => c.BestMetric).OrderDescending(), result.Leaderboard.Select(c => c.BestMetric));
        Assert.Equal([0, 1, 2, 3], result.Leaderboard.Select(c => c.Index).Order());
    }

    [Fact]
    public void The_best_explicit_candidate_beats_a_deliberately_bad_one_and_the_leaderboard_is_lowest_first()
    {
        var (train, validation) = SearchData.Explicit();
        SearchSpace space = SearchSpace.ForExplicit(SearchParameter.OneOf("regularization", 5000, 1));

        SearchResult<BiasedMatrixFactorizationTrainer.Options> result = new HyperparameterSearch().SearchExplicit(train, validation, space, SmallExplicit);

        Assert.Equal("RMSE", result.MetricName);
        Assert.False(result.HigherIsBetter);
        Assert.Equal(1f, result.BestOptions.FactorRegularization);
        Assert.Equal(1, result.Best.Index);
        Assert.True(result.Leaderboard[0].BestMetric < 0.6 && result.Leaderboard[1].BestMetric > 0.9,
            $"RMSE of the good candidate {result.Leaderboard[0].BestMetric}, of the bad one {result.Leaderboard[1].BestMetric}");
    }

    [Fact]
    public void A_candidate_whose_metric_stops_improving_stops_early_and_keeps_its_best_epoch()
    {
        // The learning rate halves every epoch, so after a few dozen epochs the model, and its validation RMSE, no longer change.
        var (train, validation) = SearchData.Explicit();
        BiasedMatrixFactorizationTrainer.Options frozen = SmallExplicit with { NumberOfIterations = 500, LearningRateDecay = 0.5f };
        var search = new HyperparameterSearch(new SearchOptions { Patience = 3, MinimumEpochs = 1 });

        SearchCandidate<BiasedMatrixFactorizationTrainer.Options> candidate =
            search.SearchExplicit(train, validation, SearchSpace.ForExplicit(), frozen).Best;

        Assert.True(candidate.StoppedEarly);
        Assert.True(candidate.EpochsRun < 100, $"ran {candidate.EpochsRun} of 500 epochs");
        Assert.Equal(500, candidate.MaxEpochs);
        Assert.Equal(candidate.BestEpoch + 3, candidate.EpochsRun);
        Assert.Equal(candidate.BestEpoch, candidate.Options.NumberOfIterations);
        Assert.Equal(candidate.MetricByEpoch.Min(), candidate.BestMetric);
        Assert.Equal(candidate.BestMetric, candidate.MetricByEpoch[candidate.BestEpoch - 1]);
        Assert.All(candidate.MetricByEpoch.Skip(candidate.BestEpoch), m => Assert.True(m >= candidate.BestMetric));
    }

    [Fact]
    public void No_candidate_stops_before_the_minimum_epochs()
    {
        var (train, validation) = SearchData.Explicit();
        BiasedMatrixFactorizationTrainer.Options frozen = SmallExplicit with { NumberOfIterations = 500, LearningRateDecay = 0.5f };
        var search = new HyperparameterSearch(new SearchOptions { Patience = 1, MinimumEpochs = 120 });

        SearchCandidate<BiasedMatrixFactorizationTrainer.Options> candidate =
            search.SearchExplicit(train, validation, SearchSpace.ForExplicit(), frozen).Best;

        Assert.Equal(120, candidate.EpochsRun);
        Assert.True(candidate.BestEpoch < 120, $"best epoch {candidate.BestEpoch}");
    }

    [Fact]
    public void Training_with_the_best_options_reproduces_the_best_metric()
    {
        var (ratings, ratingValidation) = SearchData.Explicit();
        var (feedback, feedbackValidation) = SearchData.Implicit();
        var search = new HyperparameterSearch(new SearchOptions { Patience = 2, MinimumEpochs = 1 });

        var explicitResult = search.SearchExplicit(ratings, ratingValidation, SearchSpace.ForExplicit(SearchParameter.OneOf("factors", 2, 4)), SmallExplicit);
        var implicitResult = search.SearchImplicit(feedback, feedbackValidation, SearchSpace.ForImplicit(SearchParameter.OneOf("alpha", 5, 20)), SmallImplicit);

        FactorModel explicitModel = new BiasedMatrixFactorizationTrainer(explicitResult.BestOptions).Fit(ratings);
        FactorModel implicitModel = new ImplicitAlsTrainer(implicitResult.BestOptions).Fit(feedback);
        Assert.Equal(explicitResult.Best.BestMetric, Rmse(explicitModel, ratingValidation));
        Assert.Equal(implicitResult.Best.BestMetric, Ndcg(implicitModel, feedbackValidation, 10));
    }

    [Fact]
    public void The_same_seed_gives_the_same_search()
    {
        var (train, validation) = SearchData.Implicit();
        SearchSpace space = SearchSpace.ForImplicit(SearchParameter.Between("regularization", 0.01, 1), SearchParameter.Between("factors", 2, 12));
        var search = new HyperparameterSearch(new SearchOptions { Strategy = SearchStrategy.Random, MaxCandidates = 3, Seed = 11 });

        var first = search.SearchImplicit(train, validation, space, SmallImplicit);
        var second = search.SearchImplicit(train, validation, space, SmallImplicit);

        Assert.Equal(first.Leaderboard.Select(c => (c.Options, c.BestEpoch)), second.Leaderboard.Select(c => (c.Options, c.BestEpoch)));
        Assert.Equal(first.Leaderboard.SelectMany(c => c.MetricByEpoch), second.Leaderboard.SelectMany(c => c.MetricByEpoch));
    }

    [Fact]
    public void Progress_reports_every_epoch_and_flags_the_last_one_of_each_candidate()
    {
        var (train, validation) = SearchData.Implicit();
        SearchSpace space = SearchSpace.ForImplicit(SearchParameter.OneOf("factors", 4, 8), SearchParameter.OneOf("alpha", 5, 20));
        var reports = new List<SearchProgress>();

        var result = new HyperparameterSearch().SearchImplicit(train, validation, space, SmallImplicit, new Collect(reports));

        Assert.Equal(result.Leaderboard.Sum(c => c.EpochsRun), reports.Count);
        Assert.All(reports, r => Assert.Equal(4, r.NumberOfCandidates));
        Assert.Equal([1, 2, 3, 4], reports.Where(r => r.IsCandidateFinished).Select(r => r.Candidate));
        foreach (SearchCandidate<ImplicitAlsTrainer.Options> candidate in result.Leaderboard)
        {
            SearchProgress[] own = [.. reports.Where(r => r.Candidate == candidate.Index + 1)];
            Assert.Equal(Enumerable.Range(1, candidate.EpochsRun), own.Select(r => r.Epoch));
            Assert.Equal(candidate.MetricByEpoch, own.Select(r => r.Metric));
            Assert.True(own[^1].IsCandidateFinished);
            Assert.Equal((candidate.BestMetric, candidate.BestEpoch), (own[^1].BestMetric, own[^1].BestEpoch));
            Assert.Equal(candidate.Values, own[0].Values);
        }
    }

    [Fact]
    public void Cancelling_stops_the_search_within_an_epoch()
    {
        var (train, validation) = SearchData.Implicit();
        using var cancel = new CancellationTokenSource();
        int reports = 0;
        var progress = new Collect(_ =>
        {
            reports++;
            cancel.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            new HyperparameterSearch().SearchImplicit(train, validation, SearchSpace.DefaultImplicit, SmallImplicit, progress, cancel.Token));
        Assert.Equal(1, reports);
    }

    [Fact]
    public void A_validation_log_no_user_of_which_can_be_evaluated_is_refused()
    {
        var (train, _) = SearchData.Implicit();
        InteractionLog strangers = InteractionLog.Create([new Interaction("nobody", "i1"), new Interaction("ghost", "i2")]);

        var exception = Assert.Throws<ArgumentException>(() =>
            new HyperparameterSearch().SearchImplicit(train, strangers, SearchSpace.ForImplicit(), SmallImplicit));

        Assert.Equal("validation", exception.ParamName);
        Assert.StartsWith("No validation user can be evaluated: each of the 2 users with validation rows is unknown to training", exception.Message);
    }

    [Fact]
    public void Explicit_search_needs_validation_ratings_and_both_searches_need_rows()
    {
        var (ratings, _) = SearchData.Explicit();
        var (feedback, _) = SearchData.Implicit();
        var search = new HyperparameterSearch();
        InteractionLog unrated = InteractionLog.Create([new Interaction("u1", "i1")]);
        InteractionLog empty = InteractionLog.Create([]);

        var noRatings = Assert.Throws<ArgumentException>(() => search.SearchExplicit(ratings, unrated, SearchSpace.ForExplicit()));
        var noRows = Assert.Throws<ArgumentException>(() => search.SearchImplicit(feedback, empty, SearchSpace.ForImplicit()));

        Assert.StartsWith("The validation log has no ratings;", noRatings.Message);
        Assert.StartsWith("The validation log is empty;", noRows.Message);
        Assert.Throws<ArgumentNullException>(() => search.SearchImplicit(null!, unrated, SearchSpace.ForImplicit()));
    }

    private sealed class Collect(Action<SearchProgress> report) : IProgress<SearchProgress>
    {
        public Collect(List<SearchProgress> reports)
            : this(reports.Add)
        {
        }

        public void Report(SearchProgress value) => report(value);
    }
}
