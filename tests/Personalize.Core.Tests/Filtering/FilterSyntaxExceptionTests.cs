using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>The message of <see cref="FilterSyntaxException"/>: location, reason, and the text with a caret under the error.</summary>
public sealed class FilterSyntaxExceptionTests
{
    [Fact]
    public void The_caret_stays_under_the_error_on_a_long_line_cut_to_a_window()
    {
        string text = string.Join(" and ", Enumerable.Range(0, 40).Select(i => $"a{i} = {i}")) + " #";
        FilterSyntaxException error = FilterText.Parse(text).Error!;
        Assert.Equal(text.Length - 1, error.Position);

        string[] lines = error.Message.Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("  …", lines[1], StringComparison.Ordinal);
        Assert.True(lines[1].Length <= 104, lines[1]);
        int caret = lines[2].IndexOf('^', StringComparison.Ordinal);
        Assert.Equal('#', lines[1][caret]);
        Assert.Equal(caret + 1, lines[2].Length);
    }

    [Fact]
    public void The_window_is_cut_on_both_sides_when_the_error_is_in_the_middle()
    {
        string text = "a = \"" + new string('x', 200) + "\\q" + new string('y', 200) + "\"";
        FilterSyntaxException error = FilterText.Parse(text).Error!;
        Assert.Equal((FilterErrorCode.InvalidEscape, 205), (error.ErrorCode, error.Position));

        string[] lines = error.Message.Split('\n');

        Assert.StartsWith("  …", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("…", lines[1], StringComparison.Ordinal);
        Assert.Equal('\\', lines[1][lines[2].IndexOf('^', StringComparison.Ordinal)]);
    }

    [Fact]
    public void Tabs_and_control_characters_keep_the_caret_aligned()
    {
        FilterSyntaxException error = FilterText.Parse("\tbrand\t=\t\"a\u0001\" #").Error!;

        string[] lines = error.Message.Split('\n');

        Assert.Equal("  \tbrand\t=\t\"a?\" #", lines[1]);
        Assert.Equal("  \t     \t \t     ^", lines[2]);
    }

    [Fact]
    public void Values_found_in_the_text_are_quoted_on_one_line_in_the_reason()
    {
        FilterSyntaxException error = FilterText.Parse("brand = \"a\"\n\"two\nlines\"").Error!;

        Assert.Equal("expected 'and', 'or' or the end of the filter; found the string \"two\\nlines\".", error.Reason);
        Assert.Equal((11, 1, 12), (error.Position, error.Line, error.Column));
        Assert.Equal(3, error.Message.Split('\n').Length);
    }

    [Fact]
    public void An_escaped_line_break_is_named_without_breaking_the_message()
    {
        // Found by the fuzz test: the reason quoted the raw line break.
        FilterSyntaxException error = FilterText.Parse("a = \"x\\\ny\"").Error!;

        Assert.Equal((FilterErrorCode.InvalidEscape, 6), (error.ErrorCode, error.Position));
        Assert.Equal("'\\\\n' is not an escape; inside a string only \\\" (a quote) and \\\\ (a backslash) are.", error.Reason);
        Assert.Equal(3, error.Message.Split('\n').Length);
    }

    [Fact]
    public void The_error_is_a_FormatException_with_its_facts_in_properties()
    {
        FilterSyntaxException error = FilterText.Parse("price between 50 and 10").Error!;

        Assert.IsAssignableFrom<FormatException>(error);
        Assert.Equal(("price between 50 and 10", 6, 1, 7, FilterErrorCode.EmptyRange),
            (error.Text, error.Position, error.Line, error.Column, error.ErrorCode));
        Assert.Equal("the range is empty: 50 is greater than 10; write the low end first (between 10 and 50).", error.Reason);
    }
}
