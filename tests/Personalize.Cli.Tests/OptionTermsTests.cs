namespace Personalize.Cli.Tests;

/// <summary>The library's refusals, shown in the terms of the command line: the option the person typed, not the property it sets.</summary>
public sealed class OptionTermsTests
{
    [Theory]
    [InlineData(new[] { "train", "--threads", "0" }, "error: --threads 0: must be between 1 and 1024.")]
    [InlineData(new[] { "train", "--factors", "0", "--regularization", "-1" }, "error: --factors 0: must be between 1 and 1024. --regularization -1: must be between 0 and 1000000.")]
    [InlineData(new[] { "tune", "--out", "best.json", "--patience", "0" }, "error: --patience 0: must be between 1 and 10000.")]
    [InlineData(new[] { "trending", "--baseline-half-life", "30m" }, "error: --baseline-half-life 00:30:00: must be longer than --half-life (01:00:00), or the baseline cannot tell a surge from the usual rate.")]
    [InlineData(new[] { "buy-again", "--user", "u1", "--min-repeat-rate", "-1" }, "error: --min-repeat-rate -1: must be between 0 and 1.")]
    public void A_refused_option_value_is_named_by_its_option(string[] args, string expected)
    {
        using var cli = new CliRunner();
        string[] input = args[0] == "train" ? ["--out", cli.PathOf("m.pzm")] : [];

        var (code, _, error) = cli.Run([.. args, "--input", cli.SmallLog(), .. input]);

        Assert.Equal(2, code);
        Assert.Equal(expected, error.Trim());
    }

    [Fact]
    public void Dotnet_s_parameter_suffix_is_left_out_and_a_qualified_property_becomes_the_option()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("sample", "--out", cli.PathOf("shop"), "--items", "10");

        Assert.Equal(2, code);
        Assert.Equal("error: --items must be between 24 (two items per leaf category) and 1,000,000 (was 10).", error.Trim());
    }

    [Fact]
    public void A_split_named_for_code_is_named_as_the_option_that_chooses_it()
    {
        using var cli = new CliRunner();
        string log = cli.Write("untimed.csv", "user_id,item_id\nu1,i1\nu1,i2\nu2,i1\n");

        var (code, _, error) = cli.Run("evaluate", "--input", log, "--split", "last");

        Assert.Equal(2, code);
        Assert.EndsWith("or use --split per-user for a random share of each user's rows.", error.Trim());
    }
}
