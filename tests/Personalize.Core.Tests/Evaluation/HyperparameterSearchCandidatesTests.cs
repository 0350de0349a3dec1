using Personalize.Core.Evaluation;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Which candidates a search trains, and in what order: grids and seeded random draws, without training.</summary>
public sealed class HyperparameterSearchCandidatesTests
{
    [Fact]
    public void Grid_lists_the_full_product_with_the_first_parameter_varying_slowest()
    {
        SearchSpace space = SearchSpace.ForImplicit(
            SearchParameter.OneOf("factors", 8, 16),
            SearchParameter.OneOf("regularization", 0.1, 0.01),
            SearchParameter.Between("alpha", 1, 100));
        var baseOptions = new ImplicitAlsTrainer.Options { NumberOfIterations = 7, Seed = 5 };

        IReadOnlyList<ImplicitAlsTrainer.Options> candidates = new HyperparameterSearch().GetImplicitCandidates(space, baseOptions);

        var expected = new List<(int, float, float)>();
        foreach (int factors in new[] { 8, 16 })
        {
            foreach (float regularization in new[] { 0.1f, 0.01f })
            {
                foreach (float alpha in new[] { 1f, 10f, 100f })
                {
                    expected.Add((factors, regularization, alpha));
                }
            }
        }

        Assert.Equal(expected, candidates.Select(c => (c.NumberOfFactors, c.Regularization, c.ConfidenceScale)));
        Assert.All(candidates, c => Assert.Equal(baseOptions with { NumberOfFactors = c.NumberOfFactors, Regularization = c.Regularization, ConfidenceScale = c.ConfidenceScale }, c));
    }

    [Fact]
    public void Grid_points_of_a_whole_number_range_are_rounded_without_repeats()
    {
        SearchSpace space = SearchSpace.ForImplicit(SearchParameter.Between("epochs", 1, 3), SearchParameter.Between("regularization", 0.1, 1.3, SearchScale.Linear));
        var search = new HyperparameterSearch(new SearchOptions { GridPointsPerRange = 5 });

        IReadOnlyList<ImplicitAlsTrainer.Options> candidates = search.GetImplicitCandidates(space);

        Assert.Equal([1, 2, 3], candidates.Select(c => c.NumberOfIterations).Distinct());
        Assert.Equal([0.1f, 0.4f, 0.7f, 1f, 1.3f], candidates.Where(c => c.NumberOfIterations == 1).Select(c => c.Regularization));
        Assert.Equal(15, candidates.Count);
    }

    [Fact]
    public void Random_search_is_the_same_for_a_seed_and_differs_for_another()
    {
        SearchSpace space = SearchSpace.ForImplicit(
            SearchParameter.Between("factors", 4, 64),
            SearchParameter.Between("regularization", 0.001, 1),
            SearchParameter.OneOf("alpha", 10, 40));
        static IReadOnlyList<ImplicitAlsTrainer.Options> Draw(SearchSpace space, int seed) =>
            new HyperparameterSearch(new SearchOptions { Strategy = SearchStrategy.Random, MaxCandidates = 12, Seed = seed }).GetImplicitCandidates(space);

        IReadOnlyList<ImplicitAlsTrainer.Options> first = Draw(space, 7), again = Draw(space, 7), other = Draw(space, 8);

        Assert.Equal(12, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Random_draws_stay_within_their_ranges_and_lists_and_are_distinct()
    {
        SearchSpace space = SearchSpace.ForExplicit(
            SearchParameter.Between("factors", 4, 9),
            SearchParameter.Between("learning-rate", 0.001, 0.1),
            SearchParameter.Between("learning-rate-decay", 0.8, 1),
            SearchParameter.OneOf("regularization", 1, 7));
        var search = new HyperparameterSearch(new SearchOptions { Strategy = SearchStrategy.Random, MaxCandidates = 200, Seed = 3 });

        IReadOnlyList<BiasedMatrixFactorizationTrainer.Options> candidates = search.GetExplicitCandidates(space);

        Assert.Equal(200, candidates.Count);
        Assert.Equal(200, candidates.Distinct().Count());
        Assert.All(candidates, c =>
        {
            Assert.InRange(c.NumberOfFactors, 4, 9);
            Assert.InRange(c.LearningRate, 0.001f, 0.1f);
            Assert.InRange(c.LearningRateDecay, 0.8f, 1f);
            Assert.Contains(c.FactorRegularization, new[] { 1f, 7f });
        });
        Assert.Equal([4, 5, 6, 7, 8, 9], candidates.Select(c => c.NumberOfFactors).Distinct().Order());
        int belowOneHundredth = candidates.Count(c => c.LearningRate < 0.01f);
        Assert.InRange(belowOneHundredth, 60, 140);   // log-uniform: half of the draws fall in the lower decade
    }

    [Fact]
    public void Random_search_of_a_small_list_space_lists_each_point_once()
    {
        SearchSpace space = SearchSpace.ForImplicit(SearchParameter.OneOf("factors", 8, 16), SearchParameter.OneOf("alpha", 10, 40));
        var search = new HyperparameterSearch(new SearchOptions { Strategy = SearchStrategy.Random, MaxCandidates = 20 });

        IReadOnlyList<ImplicitAlsTrainer.Options> candidates = search.GetImplicitCandidates(space);

        Assert.Equal(4, candidates.Count);
        Assert.Equal([(8, 10f), (8, 40f), (16, 10f), (16, 40f)], candidates.Select(c => (c.NumberOfFactors, c.ConfidenceScale)).Order());
    }

    [Fact]
    public void An_empty_space_has_the_base_options_as_its_one_candidate()
    {
        var baseOptions = new ImplicitAlsTrainer.Options { NumberOfFactors = 3 };

        Assert.Equal([baseOptions], new HyperparameterSearch().GetImplicitCandidates(SearchSpace.ForImplicit(), baseOptions));
        Assert.Equal([baseOptions], new HyperparameterSearch(new SearchOptions { Strategy = SearchStrategy.Random }).GetImplicitCandidates(SearchSpace.ForImplicit(), baseOptions));
    }

    [Fact]
    public void A_grid_larger_than_the_limit_is_refused_with_its_size()
    {
        double[] many = [.. Enumerable.Range(1, 30).Select(i => (double)i)];
        SearchSpace space = SearchSpace.ForImplicit(SearchParameter.OneOf("factors", many), SearchParameter.OneOf("epochs", many), SearchParameter.OneOf("cg-steps", many));

        var exception = Assert.Throws<ArgumentException>(() => new HyperparameterSearch().GetImplicitCandidates(space));

        Assert.Equal("space", exception.ParamName);
        Assert.StartsWith("The grid has 27,000 candidates (NumberOfFactors 30 × NumberOfIterations 30 × ConjugateGradientSteps 30), more than the limit of 10,000;",
            exception.Message);
    }

    [Fact]
    public void A_space_for_the_other_trainer_is_refused()
    {
        var search = new HyperparameterSearch();

        var exception = Assert.Throws<ArgumentException>(() => search.GetImplicitCandidates(SearchSpace.DefaultExplicit));

        Assert.StartsWith("The search space is for the explicit trainer; make it with SearchSpace.ForImplicit.", exception.Message);
        Assert.Throws<ArgumentException>(() => search.GetExplicitCandidates(SearchSpace.DefaultImplicit));
    }

    [Fact]
    public void Explicit_candidates_fix_the_thread_count_their_models_depend_on()
    {
        var search = new HyperparameterSearch();

        IReadOnlyList<BiasedMatrixFactorizationTrainer.Options> automatic = search.GetExplicitCandidates(SearchSpace.DefaultExplicit);
        IReadOnlyList<BiasedMatrixFactorizationTrainer.Options> given = search.GetExplicitCandidates(SearchSpace.DefaultExplicit,
            new BiasedMatrixFactorizationTrainer.Options { NumberOfThreads = 3 });

        Assert.All(automatic, c => Assert.Equal(Math.Min(Environment.ProcessorCount, 256), c.NumberOfThreads));
        Assert.All(given, c => Assert.Equal(3, c.NumberOfThreads));
    }
}
