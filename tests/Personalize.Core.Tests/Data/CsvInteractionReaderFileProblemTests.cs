using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>Problems with the whole file throw one clear <see cref="InteractionDataException"/>, whatever the bad-row policy.</summary>
public sealed class CsvInteractionReaderFileProblemTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, BadRowPolicy> EmptyFiles => new()
    {
        { "", BadRowPolicy.Fail },
        { "", BadRowPolicy.SkipAndReport },
        { "\n\n", BadRowPolicy.Fail },
        { "\r\n", BadRowPolicy.SkipAndReport },
    };

    [Theory]
    [MemberData(nameof(EmptyFiles))]
    public void Read_of_an_empty_file_says_that_it_is_empty_and_what_was_expected(string content, BadRowPolicy policy)
    {
        string path = _directory.Write("events.csv", content);

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = policy }).Read(path));

        Assert.Equal("events.csv: the file is empty; expected a header line naming the columns, such as 'user_id,item_id,event_type,timestamp'.", exception.Message);
        Assert.Equal(path, exception.FilePath);
        Assert.Equal((0L, 0), (exception.LineNumber, exception.ColumnNumber));
    }

    [Fact]
    public void Read_of_an_empty_file_names_the_configured_columns_in_the_example_header()
    {
        string path = _directory.Write("events.csv", "");

        var exception = Assert.Throws<InteractionDataException>(() =>
            new CsvInteractionReader(new CsvInteractionReaderOptions { UserColumn = "customer", ItemColumn = "sku" }).Read(path));

        Assert.Contains("'customer,sku,event_type,timestamp'", exception.Message);
    }

    [Theory]
    [InlineData(BadRowPolicy.Fail)]
    [InlineData(BadRowPolicy.SkipAndReport)]
    public void Read_of_a_file_without_the_item_column_names_the_column_and_lists_the_header(BadRowPolicy policy)
    {
        string path = _directory.Write("events.csv", "user_id,product,event_type\nu1,i1,view\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { BadRows = policy }).Read(path));

        Assert.Equal("events.csv:1: no column named 'item_id' (ItemColumn); the header has 3 column(s): 'user_id', 'product', 'event_type'.", exception.Message);
        Assert.Equal("item_id", exception.ColumnName);
        Assert.Equal(1, exception.LineNumber);
    }

    [Theory]
    [InlineData("EventColumn", "event_type,user_id,item_id,ts")]
    [InlineData("TimeColumn", "user_id,item_id,event_type")]
    [InlineData("WeightColumn", "user_id,item_id,event_type,ts")]
    public void Read_of_a_file_without_an_explicitly_named_optional_column_names_it(string option, string header)
    {
        string path = _directory.Write("events.csv", header + "\n");
        var options = option switch
        {
            "EventColumn" => new CsvInteractionReaderOptions { EventColumn = "kind" },
            "TimeColumn" => new CsvInteractionReaderOptions { TimeColumn = "kind" },
            _ => new CsvInteractionReaderOptions { WeightColumn = "kind" },
        };

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(options).Read(path));

        Assert.StartsWith($"events.csv:1: no column named 'kind' ({option}); the header has ", exception.Message);
        Assert.Equal("kind", exception.ColumnName);
    }

    [Fact]
    public void Read_of_a_semicolon_separated_file_with_a_comma_delimiter_suggests_the_semicolon()
    {
        string path = _directory.Write("events.csv", "user_id;item_id;event_type;timestamp\nu1;i1;view;2024-01-31T12:00:00Z\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { Delimiter = "," }).Read(path));

        Assert.Equal("events.csv:1: no column named 'user_id' (UserColumn); the header has 1 column(s): 'user_id;item_id;event_type;timestamp'. "
            + "The header is one column containing ';': the file looks ';'-separated; set the delimiter to ';' (--delimiter).", exception.Message);
    }

    public static TheoryData<string, string, string> WrongDelimiters => new()
    {
        { ";", ",", ";" },
        { "\t", ",", "\\t" },
        { "|", ",", "|" },
        { "::", ",", "::" },
        { ",", ";", "," },
        { ",", "\t", "," },
        { ";", "::", ";" },
    };

    [Theory]
    [MemberData(nameof(WrongDelimiters))]
    public void Read_with_the_wrong_delimiter_suggests_the_one_in_the_file(string actual, string configured, string suggested)
    {
        string path = _directory.Write("events.csv", string.Join(actual, "user_id", "item_id") + "\n" + string.Join(actual, "u1", "i1") + "\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { Delimiter = configured }).Read(path));

        Assert.EndsWith($"the file looks '{suggested}'-separated; set the delimiter to '{suggested}' (--delimiter).", exception.Message);
        Assert.Equal("user_id", exception.ColumnName);
    }

    [Theory]
    [InlineData("userId,item_id", "user_id", "userId", "--user-col")]
    [InlineData("user_id,Item ID", "item_id", "Item ID", "--item-col")]
    public void Read_with_a_column_spelled_another_way_names_it_and_the_option_that_takes_it(string header, string wanted, string found, string flag)
    {
        string path = _directory.Write("events.csv", header + "\nu1,i1\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));

        Assert.EndsWith($"'{found}' differs from '{wanted}' only in case or separators; if it is that column, give {flag} {found}.", exception.Message);
        Assert.Equal(wanted, exception.ColumnName);
    }

    [Fact]
    public void Read_of_a_header_with_no_column_like_the_one_named_gives_no_such_hint()
    {
        string path = _directory.Write("events.csv", "userId,title\nu1,i1\n");

        var exception = Assert.Throws<InteractionDataException>(() =>
            new CsvInteractionReader(new CsvInteractionReaderOptions { UserColumn = "userId" }).Read(path));

        Assert.Equal("events.csv:1: no column named 'item_id' (ItemColumn); the header has 2 column(s): 'userId', 'title'.", exception.Message);
    }

    [Theory]
    [InlineData("userId,movieId,rating", "userId", "item_id", "'movieId' looks like an id column; if it is the item id, give --item-col movieId.")]
    [InlineData("InvoiceNo,StockCode,CustomerID", "user_id", "item_id", "'CustomerID' looks like an id column; if it is the user id, give --user-col CustomerID.")]
    [InlineData("reviewer id,product_id,asin", "user_id", "item_id", "'reviewer id', 'product_id' look like id columns; if one is the user id, give --user-col and its name.")]
    [InlineData("InvoiceNo,StockCode,CustomerID", "CustomerID", "item_id", "'StockCode' looks like an id column; if it is the item id, give --item-col StockCode.")]
    [InlineData("reviewerID,asin,overall", "reviewerID", "item_id", "'asin' looks like an id column; if it is the item id, give --item-col asin.")]
    public void Read_of_a_header_with_a_column_named_like_an_id_names_it_and_the_option_that_takes_it(string header, string userColumn, string wanted, string hint)
    {
        string path = _directory.Write("events.csv", header + "\nu1,i1,4\n");

        var exception = Assert.Throws<InteractionDataException>(() =>
            new CsvInteractionReader(new CsvInteractionReaderOptions { UserColumn = userColumn }).Read(path));

        Assert.EndsWith(hint, exception.Message);
        Assert.Equal(userColumn == "user_id" ? "user_id" : wanted, exception.ColumnName);
    }

    [Theory]
    [InlineData("movieId", true)]
    [InlineData("CustomerID", true)]
    [InlineData("product_id", true)]
    [InlineData("item id", true)]
    [InlineData("paid", false)]
    [InlineData("Android", false)]
    [InlineData("id", false)]
    [InlineData("valid", false)]
    public void A_column_name_looks_like_an_id_when_it_ends_in_id_as_a_word(string name, bool expected)
    {
        Assert.Equal(expected, CsvInteractionReader.LooksLikeId(name));
    }

    [Theory]
    [InlineData("StockCode", true)]
    [InlineData("product_code", true)]
    [InlineData("SKU", true)]
    [InlineData("variant_sku", true)]
    [InlineData("asin", true)]
    [InlineData("ISBN", true)]
    [InlineData("PostCode", false)]
    [InlineData("CountryCode", false)]
    [InlineData("Description", false)]
    public void A_column_name_looks_like_a_product_code_when_it_names_a_stock_or_product_code(string name, bool expected)
    {
        Assert.Equal(expected, CsvInteractionReader.LooksLikeProductCode(name));
    }

    [Fact]
    public void Read_of_a_one_column_file_without_a_known_delimiter_says_to_check_the_delimiter()
    {
        string path = _directory.Write("events.csv", "user_id\nu1\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));

        Assert.Equal("events.csv:1: no column named 'item_id' (ItemColumn); the header has 1 column(s): 'user_id'. "
            + "The header has a single column: check the delimiter (--delimiter).", exception.Message);
    }

    [Fact]
    public void Read_of_a_UTF16_file_with_a_multi_character_delimiter_says_to_save_it_as_UTF8()
    {
        string path = _directory.File("ratings.dat");
        File.WriteAllText(path, "user_id::item_id\nu1::i1\n", System.Text.Encoding.Unicode);

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { Delimiter = "::" }).Read(path));

        Assert.Equal("ratings.dat: the file is UTF-16 or UTF-32 (it starts with a byte order mark), "
            + "which a delimiter of several characters such as '::' cannot be read from; save the file as UTF-8.", exception.Message);
        Assert.Equal((0L, 0), (exception.LineNumber, exception.ColumnNumber));
    }

    [Fact]
    public void Read_throws_for_a_file_problem_even_when_bad_rows_are_skipped_and_calls_back_for_nothing()
    {
        string path = _directory.Write("events.csv", "user;item\nu1;i1\n");
        int calls = 0;
        var options = new CsvInteractionReaderOptions { Delimiter = ",", BadRows = BadRowPolicy.SkipAndReport, OnRejectedRow = _ => calls++ };

        Assert.Throws<InteractionDataException>(() => new CsvInteractionReader(options).Read(path));
        Assert.Equal(0, calls);
    }
}
