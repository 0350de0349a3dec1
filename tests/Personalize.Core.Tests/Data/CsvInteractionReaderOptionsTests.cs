using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;

namespace Personalize.Core.Tests.Data;

/// <summary>The documented defaults of <see cref="CsvInteractionReaderOptions"/> and its validation in the reader's constructor.</summary>
public sealed class CsvInteractionReaderOptionsTests
{
    [Fact]
    public void New_options_have_the_documented_defaults()
    {
        var options = new CsvInteractionReaderOptions();

        Assert.Null(options.Delimiter);
        Assert.True(options.HasHeader);
        Assert.Equal("user_id", options.UserColumn);
        Assert.Equal("item_id", options.ItemColumn);
        Assert.Null(options.EventColumn);
        Assert.Null(options.TimeColumn);
        Assert.Null(options.WeightColumn);
        Assert.Same(EventWeights.Default, options.EventWeights);
        Assert.Equal(BadRowPolicy.Fail, options.BadRows);
        Assert.Null(options.OnRejectedRow);
        Assert.Equal(1000, options.MaxReportedRejections);
        Assert.Equal(1024, options.MaxIdLength);
    }

    [Fact]
    public void A_reader_without_options_uses_the_defaults()
    {
        var reader = new CsvInteractionReader();

        Assert.Equal(new CsvInteractionReaderOptions(), reader.Options);
    }

    [Fact]
    public void A_reader_keeps_the_options_it_was_given()
    {
        var options = new CsvInteractionReaderOptions { Delimiter = "::", HasHeader = false, WeightColumn = "3" };

        var reader = new CsvInteractionReader(options);

        Assert.Same(options, reader.Options);
    }

    [Fact]
    public void A_reader_rejects_invalid_options_listing_every_error_in_one_message()
    {
        var options = new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "user", Delimiter = "" };

        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(options));

        Assert.Equal("CsvInteractionReaderOptions is invalid (2 errors): Delimiter = '': must be one or more characters other than quotes and line breaks. "
            + "UserColumn = 'user': must be a 1-based column position such as 1, because the file has no header.", exception.Message);
    }

    [Fact]
    public void A_reader_rejects_rating_bounds_that_are_not_finite()
    {
        var options = new CsvInteractionReaderOptions { MinRating = float.NaN, MaxRating = float.PositiveInfinity };

        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(options));

        Assert.Equal("CsvInteractionReaderOptions is invalid (2 errors): MinRating = NaN: must be a finite number (a bound of NaN or infinity would reject nothing). "
            + "MaxRating = Infinity: must be a finite number (a bound of NaN or infinity would reject nothing).", exception.Message);
    }

    [Fact]
    public void A_reader_reports_attribute_and_cross_field_errors_together()
    {
        var options = new CsvInteractionReaderOptions { MaxReportedRejections = -1, Delimiter = "" };

        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(options));

        Assert.Equal("CsvInteractionReaderOptions is invalid (2 errors): MaxReportedRejections = -1: must be between 0 and 2147483647. "
            + "Delimiter = '': must be one or more characters other than quotes and line breaks.", exception.Message);
    }

    [Fact]
    public void A_reader_reports_every_missing_required_option()
    {
        var options = new CsvInteractionReaderOptions { UserColumn = "", ItemColumn = null!, EventWeights = null! };

        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(options));

        Assert.Equal("CsvInteractionReaderOptions is invalid (3 errors): "
            + "UserColumn = '': is required. ItemColumn = null: is required. EventWeights = null: is required.", exception.Message);
    }

    [Theory]
    [InlineData("\"", "'\"'")]
    [InlineData("\n", "'\n'")]
    [InlineData("\r\n", "'\r\n'")]
    [InlineData(",\"", "',\"'")]
    public void A_reader_rejects_a_delimiter_with_quotes_or_line_breaks(string delimiter, string shown)
    {
        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { Delimiter = delimiter }));

        Assert.Equal($"CsvInteractionReaderOptions is invalid (1 error): Delimiter = {shown}: must be one or more characters other than quotes and line breaks.",
            exception.Message);
    }

    [Fact]
    public void A_reader_without_a_header_rejects_every_column_that_is_not_a_position()
    {
        var options = new CsvInteractionReaderOptions { HasHeader = false, ItemColumn = "sku", EventColumn = "0", TimeColumn = "-2", WeightColumn = "n" };

        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(options));

        Assert.Equal("CsvInteractionReaderOptions is invalid (4 errors): "
            + "ItemColumn = 'sku': must be a 1-based column position such as 1, because the file has no header. "
            + "EventColumn = '0': must be a 1-based column position such as 1, because the file has no header. "
            + "TimeColumn = '-2': must be a 1-based column position such as 1, because the file has no header. "
            + "WeightColumn = 'n': must be a 1-based column position such as 1, because the file has no header.", exception.Message);
    }

    public static TheoryData<CsvInteractionReaderOptions> ValidOptions => new()
    {
        new CsvInteractionReaderOptions(),
        new CsvInteractionReaderOptions { Delimiter = "::" },
        new CsvInteractionReaderOptions { Delimiter = "\t", BadRows = BadRowPolicy.SkipAndReport, MaxReportedRejections = 0 },
        new CsvInteractionReaderOptions { HasHeader = false, UserColumn = "2", ItemColumn = "1", EventColumn = "3", TimeColumn = "4", WeightColumn = "5" },
        new CsvInteractionReaderOptions { HasHeader = false }, // user_id and item_id mean positions 1 and 2
        new CsvInteractionReaderOptions { UserColumn = "customer", ItemColumn = "sku", EventColumn = "kind", TimeColumn = "at", WeightColumn = "qty" },
    };

    [Theory]
    [MemberData(nameof(ValidOptions))]
    public void A_reader_accepts_valid_options(CsvInteractionReaderOptions options)
    {
        var reader = new CsvInteractionReader(options);

        Assert.Same(options, reader.Options);
    }

    [Fact]
    public void Options_are_values_compared_by_their_settings()
    {
        var a = new CsvInteractionReaderOptions { Delimiter = ";", WeightColumn = "n" };
        var b = new CsvInteractionReaderOptions { Delimiter = ";", WeightColumn = "n" };

        Assert.Equal(a, b);
        Assert.NotEqual(a, b with { HasHeader = false });
    }
}
