using Spectre.Console.Cli;

namespace Personalize.Cli.Tests;

/// <summary>An option that takes one value, given more than once, is refused (exit 2) instead of the parser silently keeping the last;
/// options that collect a list (related's <c>--item</c>) may repeat.</summary>
public sealed class RepeatedOptionTests
{
    /// <summary>Each option of each command with whether it is a flag, read here independently of the tool's own lookup; options that
    /// collect a list are left out.</summary>
    public static TheoryData<string, string, bool> SingleValueOptions
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var (name, type) in CliApp.Commands)
            {
                foreach (var (option, property) in Options(type).Where(o => !IsList(o.Property.PropertyType)))
                {
                    data.Add(name, option.LongNames.Count > 0 ? "--" + option.LongNames[0] : "-" + option.ShortNames[0],
                        (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(bool));
                }
            }

            return data;
        }
    }

    /// <summary>Each option of each command that collects a list.</summary>
    public static TheoryData<string, string> ListOptions
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (name, type) in CliApp.Commands)
            {
                foreach (var (option, _) in Options(type).Where(o => IsList(o.Property.PropertyType)))
                {
                    data.Add(name, "--" + option.LongNames[0]);
                }
            }

            return data;
        }
    }

    private static IEnumerable<(CommandOptionAttribute Option, System.Reflection.PropertyInfo Property)> Options(Type commandType) =>
        commandType.BaseType!.GetGenericArguments()[0].GetProperties()
            .Select(p => (Option: p.GetCustomAttributes(typeof(CommandOptionAttribute), inherit: true).Cast<CommandOptionAttribute>().FirstOrDefault(), Property: p))
            .Where(o => o.Option is not null)
            .Select(o => (o.Option!, o.Property));

    private static bool IsList(Type type) => type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    [Theory]
    [InlineData(new[] { "train", "--input", "a.csv", "--input", "b.csv", "--out", "m.pzm" }, "error: --input is given twice ('a.csv' and 'b.csv'); give it once.")]
    [InlineData(new[] { "train", "--input", "a.csv", "--out", "m.pzm", "--factors", "8", "--factors", "16" }, "error: --factors is given twice ('8' and '16'); give it once.")]
    [InlineData(new[] { "browse", "--items", "items.csv", "--filter", "in_stock", "--filter", "price <= 50" }, "error: --filter is given twice ('in_stock' and 'price <= 50'); give it once.")]
    [InlineData(new[] { "recommend", "--model", "m.pzm", "--user", "U1", "--user", "U2" }, "error: --user is given twice ('U1' and 'U2'); give it once.")]
    [InlineData(new[] { "search", "--items", "items.csv", "--query", "a", "--query", "b" }, "error: --query is given twice ('a' and 'b'); give it once.")]
    [InlineData(new[] { "recommend", "--model", "m.pzm", "--user", "U1", "-k", "5", "--top", "7" }, "error: -k and --top are one option, given twice ('5' and '7'); give it once.")]
    [InlineData(new[] { "recommend", "--model", "m.pzm", "-u", "U1", "--k", "5", "-k", "7" }, "error: --k is given twice ('5' and '7'); give it once.")]
    [InlineData(new[] { "train", "-i", "a.csv", "--input=b.csv", "--out", "m.pzm" }, "error: -i and --input are one option, given twice ('a.csv' and 'b.csv'); give it once.")]
    [InlineData(new[] { "train", "--input:a.csv", "--input", "b.csv", "--input=c.csv" }, "error: --input is given 3 times ('a.csv', 'b.csv' and 'c.csv'); give it once.")]
    [InlineData(new[] { "train", "--input", "a.csv", "--alpha", "10", "--confidence-scale", "40" }, "error: --alpha and --confidence-scale are one option, given twice ('10' and '40'); give it once.")]
    [InlineData(new[] { "train", "--input", "a.csv", "--min-rating", "-1", "--min-rating=-2" }, "error: --min-rating is given twice ('-1' and '-2'); give it once.")]
    [InlineData(new[] { "train", "--input", "a.csv", "--no-header", "--out", "m.pzm", "--no-header" }, "error: --no-header is given twice; give it once.")]
    [InlineData(new[] { "train", "--input", "a.csv", "--bayesian", "false", "--trainer", "explicit", "--bayesian" }, "error: --bayesian is given twice; give it once.")]
    public void A_single_value_option_given_twice_is_refused_with_the_values_given(string[] args, string expected)
    {
        using var cli = new CliRunner();

        var (code, output, error) = cli.Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(expected, error.Trim());
    }

    [Theory]
    [MemberData(nameof(SingleValueOptions))]
    public void Every_single_value_option_of_every_command_is_refused_when_repeated(string command, string option, bool flag)
    {
        using var cli = new CliRunner();
        string[] args = flag ? [command, option, option] : [command, option, "1", option + "=2"];

        var (code, _, error) = cli.Run(args);

        Assert.Equal(2, code);
        Assert.Equal(flag ? $"error: {option} is given twice; give it once." : $"error: {option} is given twice ('1' and '2'); give it once.", error.Trim());
    }

    [Theory]
    [MemberData(nameof(ListOptions))]
    public void An_option_that_collects_a_list_may_repeat(string command, string option)
    {
        Assert.Null(CliApp.RepeatedOption([command, option, "a", option, "b", $"{option}=c"]));
    }

    [Fact]
    public void Related_still_takes_a_basket_of_repeated_items()
    {
        using var cli = new CliRunner();
        string model = cli.PathOf("model.pzm");
        var (trained, _, trainError) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "3");
        Assert.True(trained == 0, trainError);

        var (code, output, error) = cli.Run("related", "--model", model, "--item", "i21", "--item", "i22", "--top", "3", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Equal(4, output.Trim().Split('\n').Length);
    }

    [Theory]
    [InlineData((object)new[] { "train", "--input", "a.csv", "--out", "m.pzm", "--no-header", "true", "--factors", "8" })]
    [InlineData((object)new[] { "train", "--input", "--input", "--out", "m.pzm" })]
    [InlineData((object)new[] { "recommend", "--model", "m.pzm", "--user", "--top", "--top", "5" })]
    [InlineData((object)new[] { "browse", "--items", "items.csv", "--filter", "x", "--", "--filter", "y" })]
    [InlineData((object)new[] { "nonsense", "--input", "a", "--input", "b" })]
    public void Values_that_look_like_options_and_lines_without_a_repeat_are_left_to_the_parser(string[] args)
    {
        Assert.Null(CliApp.RepeatedOption(args));
    }
}
