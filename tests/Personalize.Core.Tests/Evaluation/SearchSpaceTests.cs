using Personalize.Core.Evaluation;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.Evaluation;

public sealed class SearchSpaceTests
{
    public static TheoryData<string, string> Valid => new()
    {
        { "factors=16,32,64", "NumberOfFactors=16,32,64" },
        { " factors = 16 , 32 ; alpha=10,40; ", "NumberOfFactors=16,32;ConfidenceScale=10,40" },
        { "regularization=0.01..1", "Regularization=0.01..1:log" },
        { "regularization=0..1", "Regularization=0..1:linear" },
        { "Regularization=0.01..1:linear", "Regularization=0.01..1:linear" },
        { "factors=8..64", "NumberOfFactors=8..64:linear" },
        { "NUMBEROFFACTORS=8..64:log", "NumberOfFactors=8..64:log" },
        { "epochs=5;cg-steps=2,3;initial-scale=0.05,0.1;regularization-exponent=0..1", "NumberOfIterations=5;ConjugateGradientSteps=2,3;InitialScale=0.05,0.1;RegularizationExponent=0..1:linear" },
        { "", "" },
    };

    [Theory, MemberData(nameof(Valid))]
    public void ParseParameters_reads_lists_and_ranges_and_a_space_keeps_them_under_property_names(string text, string expected)
    {
        SearchSpace space = SearchSpace.ForImplicit(SearchSpace.ParseParameters(text));

        Assert.Equal(expected, space.ToString());
        Assert.Equal(FactorModelKind.Implicit, space.Kind);
    }

    [Fact]
    public void The_text_form_reads_back_to_the_same_space()
    {
        SearchSpace space = SearchSpace.ForExplicit(
            SearchParameter.OneOf("factors", 16, 32),
            SearchParameter.Between("LearningRate", 0.001, 0.1),
            SearchParameter.Between("bias-regularization", 1, 20, SearchScale.Linear));

        SearchSpace again = SearchSpace.ForExplicit(SearchSpace.ParseParameters(space.ToString()));

        Assert.Equal("NumberOfFactors=16,32;LearningRate=0.001..0.1:log;BiasRegularization=1..20:linear", again.ToString());
        Assert.Equal(space.ToString(), again.ToString());
        Assert.Equal(FactorModelKind.Explicit, again.Kind);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "factors", "at 'factors': there is no '=' between the name and the values" },
        { "=16,32", "at '=16,32': the name before '=' is missing" },
        { "factors=16,,64", "at 'factors=16,,64': a value is missing" },
        { "factors=sixteen", "at 'factors=sixteen': 'sixteen' is not a number" },
        { "regularization=0.01..", "at 'regularization=0.01..': a value is missing" },
        { "regularization=1..0.01", "at 'regularization=1..0.01': The range of 'regularization' is 1..0.01; the minimum must be less than the maximum" },
        { "regularization=0.01..1:cubic", "at 'regularization=0.01..1:cubic': 'cubic' is not a scale (expected log or linear)" },
        { "regularization=0..1:log", "its minimum must be above 0 (or use a linear scale)" },
        { "factors=16,16", "at 'factors=16,16': The parameter 'factors' lists 16 twice; list each value once" },
    };

    [Theory, MemberData(nameof(Malformed))]
    public void ParseParameters_quotes_the_part_at_fault_and_shows_the_syntax(string text, string expected)
    {
        var exception = Assert.Throws<FormatException>(() => SearchSpace.ParseParameters(text));

        Assert.StartsWith("The search space is invalid ", exception.Message);
        Assert.Contains(expected, exception.Message);
        Assert.EndsWith("Write name=v1,v2,... or name=min..max (optionally :log or :linear), separated by ';', such as factors=16,32,64;regularization=0.01..1.",
            exception.Message);
    }

    [Fact]
    public void An_unknown_name_is_reported_with_every_valid_name()
    {
        var exception = Assert.Throws<ArgumentException>(() => SearchSpace.ForImplicit(SearchParameter.OneOf("factorz", 16, 32)));

        Assert.Equal("parameters", exception.ParamName);
        Assert.StartsWith(
            "The search space for ImplicitAlsTrainer.Options is invalid (1 error): 'factorz' is not an option a search can vary in ImplicitAlsTrainer.Options. "
            + "Valid names: NumberOfFactors (factors), NumberOfIterations (epochs), Regularization (regularization), RegularizationExponent (regularization-exponent), "
            + "ConfidenceScale (alpha), ConjugateGradientSteps (cg-steps), InitialScale (initial-scale), ItemItemWeight (item-item-weight), "
            + "ItemItemRegularization (item-item-regularization), ItemItemRank (item-item-rank), PopularityWeight (popularity-weight).",
            exception.Message);
    }

    [Fact]
    public void Every_problem_of_a_space_is_reported_at_once()
    {
        var exception = Assert.Throws<ArgumentException>(() => SearchSpace.ForExplicit(
            SearchParameter.OneOf("factors", 0, 16.5),
            SearchParameter.OneOf("NumberOfFactors", 8),
            SearchParameter.Between("learning-rate", 0.001, 2),
            SearchParameter.OneOf("alpha", 10)));

        Assert.StartsWith(
            "The search space for BiasedMatrixFactorizationTrainer.Options is invalid (5 errors): NumberOfFactors = 0: must be between 1 and 1024. "
            + "NumberOfFactors = 16.5: must be a whole number. NumberOfFactors is given twice; give each option once. "
            + "LearningRate = 2: must be between 1E-06 and 1. 'alpha' is not an option a search can vary in BiasedMatrixFactorizationTrainer.Options. "
            + "Valid names: NumberOfFactors (factors), NumberOfIterations (epochs), LearningRate (learning-rate), LearningRateDecay (learning-rate-decay), "
            + "FactorRegularization (regularization), RatingRegularization (rating-regularization), BiasRegularization (bias-regularization), "
            + "InitialScale (initial-scale).",
            exception.Message);
    }

    [Fact]
    public void Parameters_reject_empty_lists_bad_numbers_and_bad_ranges_when_made()
    {
        Assert.Contains("lists no values", Assert.Throws<ArgumentException>(() => SearchParameter.OneOf("factors")).Message);
        Assert.Contains("every value must be a finite number", Assert.Throws<ArgumentException>(() => SearchParameter.OneOf("alpha", double.NaN)).Message);
        Assert.Contains("both ends must be finite", Assert.Throws<ArgumentException>(() => SearchParameter.Between("alpha", 1, double.PositiveInfinity)).Message);
        Assert.Contains("the minimum must be less than the maximum", Assert.Throws<ArgumentException>(() => SearchParameter.Between("alpha", 4, 4)).Message);
        Assert.Contains("its minimum must be above 0", Assert.Throws<ArgumentException>(() => SearchParameter.Between("alpha", 0, 4, SearchScale.Logarithmic)).Message);
        Assert.Contains("A search parameter's name is empty", Assert.Throws<ArgumentException>(() => SearchParameter.OneOf(" ", 1)).Message);
    }

    [Fact]
    public void The_default_spaces_are_small_grids_for_their_trainers()
    {
        var search = new HyperparameterSearch();

        Assert.Equal(12, search.GetImplicitCandidates(SearchSpace.DefaultImplicit).Count);
        Assert.Equal(12, search.GetExplicitCandidates(SearchSpace.DefaultExplicit).Count);
        Assert.Equal("NumberOfFactors=16,32,64;Regularization=0.01,0.1;ConfidenceScale=10,40", SearchSpace.DefaultImplicit.ToString());
        Assert.Equal("NumberOfFactors=16,32;FactorRegularization=2,7,15;LearningRate=0.02,0.05", SearchSpace.DefaultExplicit.ToString());
    }
}
