using System.ComponentModel.DataAnnotations;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

public sealed class SearchOptionsTests
{
    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new SearchOptions();

        Assert.Equal(SearchStrategy.Grid, options.Strategy);
        Assert.Equal(20, options.MaxCandidates);
        Assert.Equal(3, options.GridPointsPerRange);
        Assert.Equal(42, options.Seed);
        Assert.Equal(3, options.Patience);
        Assert.Null(options.MinimumEpochs);
        Assert.Equal(10, options.K);
    }

    [Fact]
    public void Invalid_options_are_reported_together_in_one_message()
    {
        var options = new SearchOptions { Strategy = (SearchStrategy)7, MaxCandidates = 0, Patience = 0, K = 0, GridPointsPerRange = 1, MinimumEpochs = 0 };

        var exception = Assert.Throws<ValidationException>(() => new HyperparameterSearch(options));

        Assert.Equal(
            "SearchOptions is invalid (6 errors): MaxCandidates = 0: must be between 1 and 10000. GridPointsPerRange = 1: must be between 2 and 100. "
            + "Patience = 0: must be between 1 and 10000. MinimumEpochs = 0: must be between 1 and 10000. K = 0: must be between 1 and 1000. "
            + "Strategy = 7: must be Grid or Random.",
            exception.Message);
    }
}
