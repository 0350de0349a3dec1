using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Personalize.Cli.Commands;
using Personalize.Core.Training;
using Spectre.Console.Cli;

namespace Personalize.Cli.Tests;

/// <summary>The defaults that <c>train --help</c> states are written by hand in the options' descriptions; these tests hold them to the
/// trainers' own defaults, so changing a default without its help text fails here.</summary>
public sealed class HelpDefaultsTests
{
    private static string Help(string option)
    {
        PropertyInfo property = typeof(TrainCommand.Settings).GetProperties()
            .Single(p => p.GetCustomAttribute<CommandOptionAttribute>()?.LongNames.Contains(option.TrimStart('-')) == true);
        return property.GetCustomAttribute<DescriptionAttribute>()!.Description;
    }

    private static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);

    public static TheoryData<string, string> StatedDefaults()
    {
        var implicitOptions = new ImplicitAlsTrainer.Options();
        var explicitOptions = new BiasedMatrixFactorizationTrainer.Options();
        return new()
        {
            { "--factors", $"Default: {implicitOptions.NumberOfFactors} (implicit), {explicitOptions.NumberOfFactors} (explicit)." },
            { "--epochs", $"Default: {implicitOptions.NumberOfIterations} (implicit), {explicitOptions.NumberOfIterations} (explicit)." },
            { "--regularization", $"(default {Text(implicitOptions.Regularization)}); explicit, of the factors once per user and item (default {Text(explicitOptions.FactorRegularization)})." },
            { "--confidence-scale", $"Default: {Text(implicitOptions.ConfidenceScale)}." },
            { "--learning-rate", $"Default: {Text(explicitOptions.LearningRate)}." },
            { "--rating-regularization", $"Default: {Text(explicitOptions.RatingRegularization)}." },
            { "--bias-regularization", $"Default: {Text(explicitOptions.BiasRegularization)}." },
            { "--models", $"Default: {explicitOptions.NumberOfModels};" },
            { "--rated-items", $"Default: {(explicitOptions.UseRatedItems ? "on" : "off")};" },
            { "--bayesian", $"Default: {(explicitOptions.UseBayesianSampling ? "on" : "off")};" },
            { "--seed", $"Default: {implicitOptions.Seed}." },
        };
    }

    [Theory]
    [MemberData(nameof(StatedDefaults))]
    public void Train_help_states_the_trainers_defaults(string option, string expected) =>
        Assert.Contains(expected, Help(option), StringComparison.Ordinal);

    [Fact]
    public void Both_trainers_share_the_seed_the_help_states()
    {
        Assert.Equal(new ImplicitAlsTrainer.Options().Seed, new BiasedMatrixFactorizationTrainer.Options().Seed);
    }
}
