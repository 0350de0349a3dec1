using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>A catalogue header with an empty or repeated column name is a data error naming the column, under both bad-row policies.</summary>
public sealed class ItemCatalogHeaderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, BadRowPolicy, int, string, string> BadHeaders
    {
        get
        {
            var data = new TheoryData<string, BadRowPolicy, int, string, string>();
            foreach (BadRowPolicy policy in Enum.GetValues<BadRowPolicy>())
            {
                data.Add("item_id,\ni1,x\n", policy, 2, "",
                    "column 2 of the header has no name; expected a name for every column (a delimiter at the end of the header line makes an empty one).");
                data.Add("item_id, ,title\ni1,x,T\n", policy, 2, "",   // names are trimmed
                    "column 2 of the header has no name; expected a name for every column (a delimiter at the end of the header line makes an empty one).");
                data.Add("item_id,category,category\ni1,a,b\n", policy, 3, "category",
                    "the column name 'category' appears twice (columns 2 and 3); expected distinct column names.");
                data.Add("item_id,title,item_id\ni1,T,i1\n", policy, 3, "item_id",
                    "the column name 'item_id' appears twice (columns 1 and 3); expected distinct column names.");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void A_bad_header_throws_the_data_exception_with_line_1_and_the_column(string content, BadRowPolicy policy, int column, string name, string reason)
    {
        string path = _directory.Write("items.csv", content);

        var exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path, new ItemCatalogOptions { BadRows = policy }));

        Assert.Equal((path, 1L, column, name), (exception.FilePath, exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal(reason, exception.Reason);
        Assert.StartsWith($"items.csv:1:{column}: ", exception.Message);
    }

    [Theory]
    [InlineData("item_id::title::genres\n1::Toy Story (1995)::Adventure|Children's|Fantasy\n")]
    [InlineData("1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n")]   // movies.dat: its '|' read as the delimiter
    public void A_catalogue_separated_by_double_colons_says_the_delimiter_is_one_character_and_how_to_convert_it(string content)
    {
        string path = _directory.Write("movies.dat", content);

        InteractionDataException exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path));

        Assert.Equal(1, exception.LineNumber);
        Assert.Contains("the header holds '::': the file looks '::'-separated, and a catalogue's delimiter is one character", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_catalogue_without_a_header_line_says_so_instead_of_naming_an_empty_column()
    {
        // MovieLens' u.item: an empty fourth field made "column 4 of the header has no name".
        string path = _directory.Write("u.item", "1|Toy Story (1995)|01-Jan-1995||http://example.org/1|0|1\n2|GoldenEye (1995)|01-Jan-1995||http://example.org/2|1|0\n");

        InteractionDataException exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path));

        Assert.Contains("the first line looks like data, not a header (3 of its fields are numbers: '1', 'Toy Story (1995)', '01-Jan-1995'); a catalogue needs a header line naming its columns",
            exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_as_a_column_name_beside_the_id_column_is_still_a_header()
    {
        string path = _directory.Write("items.csv", "item_id,title,2024\ni1,Mug,5\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);

        Assert.Equal(1, catalog.Count);
    }
}
