using Personalize.Core.Data;

namespace Personalize.Core.Tests.Data;

/// <summary><see cref="EventWeights"/>: the defaults, parsing and formatting, lookup by name, and the errors of bad input.</summary>
public sealed class EventWeightsTests
{
    [Fact]
    public void Default_weighs_a_view_1_a_cart_4_and_a_purchase_10()
    {
        EventWeights weights = EventWeights.Default;

        Assert.Equal(["view", "cart", "purchase"], weights.Names);
        Assert.Equal(3, weights.Count);
        Assert.Equal([1f, 4f, 10f], Enumerable.Range(0, weights.Count).Select(weights.GetWeight));
        Assert.Equal("view=1,cart=4,purchase=10", weights.ToString());
    }

    [Theory]
    [InlineData("view=1,cart=4,purchase=10")]
    [InlineData("click=0.5")]
    [InlineData("Like=2.25,Share=3,Comment=0")]
    [InlineData("tiny=1E-07,huge=3.4028235E+38")]
    [InlineData("play=0.1,skip=0.3")]
    public void Parse_and_ToString_round_trip(string text)
    {
        EventWeights parsed = EventWeights.Parse(text);
        EventWeights again = EventWeights.Parse(parsed.ToString());

        Assert.Equal(text, parsed.ToString());
        Assert.Equal(parsed.Names, again.Names);
        Assert.Equal(Enumerable.Range(0, parsed.Count).Select(parsed.GetWeight), Enumerable.Range(0, again.Count).Select(again.GetWeight));
    }

    [Fact]
    public void Parse_trims_spaces_around_names_weights_and_pairs()
    {
        EventWeights weights = EventWeights.Parse("  view = 1 ,cart=  4.5  ");

        Assert.Equal(["view", "cart"], weights.Names);
        Assert.Equal(4.5f, weights.GetWeight(1));
        Assert.Equal("view=1,cart=4.5", weights.ToString());
    }

    [Theory]
    [InlineData("view", 0)]
    [InlineData("VIEW", 0)]
    [InlineData("Cart", 1)]
    [InlineData("pURchase", 2)]
    [InlineData("  purchase ", 2)]
    [InlineData("click", -1)]
    [InlineData("", -1)]
    [InlineData("views", -1)]
    public void IndexOf_finds_a_name_ignoring_case_and_surrounding_spaces(string name, int expected)
    {
        Assert.Equal(expected, EventWeights.Default.IndexOf(name));
    }

    public static TheoryData<string, string> ParseErrors => new()
    {
        { "view", "Event weights 'view': 'view' is not of the form name=weight (for example view=1,cart=4,purchase=10)." },
        { "", "Event weights '': '' is not of the form name=weight (for example view=1,cart=4,purchase=10)." },
        { "=1", "Event weights '=1': '=1' is not of the form name=weight (for example view=1,cart=4,purchase=10)." },
        { "view=", "Event weights 'view=': 'view=' is not of the form name=weight (for example view=1,cart=4,purchase=10)." },
        { "view=1,", "Event weights 'view=1,': '' is not of the form name=weight (for example view=1,cart=4,purchase=10)." },
        { "view=1;cart=4", "Event weights 'view=1;cart=4': the weight '1;cart=4' of 'view' is not a number." },
        { "view=x", "Event weights 'view=x': the weight 'x' of 'view' is not a number." },
        { "view=1,cart=4,5", "Event weights 'view=1,cart=4,5': '5' is not of the form name=weight (for example view=1,cart=4,purchase=10)." },
        { "view=-1", "Event weights 'view=-1': The weight of event type 'view' is -1; weights must be finite and 0 or more." },
        { "view=NaN", "Event weights 'view=NaN': The weight of event type 'view' is NaN; weights must be finite and 0 or more." },
        { "view=1,cart=Infinity", "Event weights 'view=1,cart=Infinity': The weight of event type 'cart' is Infinity; weights must be finite and 0 or more." },
        { "view=1,cart=4,VIEW=2", "Event weights 'view=1,cart=4,VIEW=2': The event type 'VIEW' is given twice; each event type takes one weight." },
        { "view=1, view =1", "Event weights 'view=1, view =1': The event type 'view' is given twice; each event type takes one weight." },
    };

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public void Parse_throws_FormatException_naming_the_pair_at_fault(string text, string message)
    {
        var exception = Assert.Throws<FormatException>(() => EventWeights.Parse(text));

        Assert.Equal(message, exception.Message);
    }

    [Fact]
    public void Parse_of_null_throws_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => EventWeights.Parse(null!));
    }

    [Fact]
    public void Create_keeps_the_order_of_the_pairs()
    {
        EventWeights weights = EventWeights.Create([new("purchase", 5f), new("view", 0.5f)]);

        Assert.Equal(["purchase", "view"], weights.Names);
        Assert.Equal(5f, weights.GetWeight(0));
        Assert.Equal(0.5f, weights.GetWeight(1));
        Assert.Equal(1, weights.IndexOf("VIEW"));
    }

    public static TheoryData<KeyValuePair<string, float>[], string> CreateErrors => new()
    {
        { [], "No event types were given; give at least one, such as view=1." },
        { [new(" ", 1f)], "An event type name is empty; every event type needs a name such as 'view'." },
        { [new("view", -0.5f)], "The weight of event type 'view' is -0.5; weights must be finite and 0 or more." },
        { [new("view", float.PositiveInfinity)], "The weight of event type 'view' is Infinity; weights must be finite and 0 or more." },
        { [new("view", 1f), new("View ", 2f)], "The event type 'View ' is given twice; each event type takes one weight." },
    };

    [Theory]
    [MemberData(nameof(CreateErrors))]
    public void Create_throws_ArgumentException_saying_what_is_wrong(KeyValuePair<string, float>[] pairs, string message)
    {
        var exception = Assert.Throws<ArgumentException>(() => EventWeights.Create(pairs));

        Assert.Equal("weights", exception.ParamName);
        Assert.Equal(message + " (Parameter 'weights')", exception.Message);
    }

    [Fact]
    public void Create_accepts_254_event_types_but_not_255()
    {
        EventWeights most = EventWeights.Create(Enumerable.Range(0, 254).Select(i => new KeyValuePair<string, float>("e" + i, 1f)));
        var exception = Assert.Throws<ArgumentException>(() => EventWeights.Create(Enumerable.Range(0, 255).Select(i => new KeyValuePair<string, float>("e" + i, 1f))));

        Assert.Equal(254, most.Count);
        Assert.StartsWith("255 event types were given; at most 254 are supported.", exception.Message);
    }
}
