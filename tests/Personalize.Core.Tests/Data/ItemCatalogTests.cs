using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

public sealed class ItemCatalogTests
{
    [Fact]
    public void The_sample_catalogue_loads_with_every_attribute_typed()
    {
        ItemCatalog catalog = ItemCatalog.ReadCsv(Path.Combine(SampleData.Folder, "items.csv"));

        Assert.Equal(2000, catalog.Count);
        Assert.Equal((2000L, 0L), (catalog.Report.Accepted, catalog.Report.Rejected));
        var expected = new Dictionary<string, AttributeType>
        {
            ["title"] = AttributeType.Text, ["brand"] = AttributeType.Text, ["category"] = AttributeType.Category, ["price"] = AttributeType.Number,
            ["rating"] = AttributeType.Number, ["rating_count"] = AttributeType.Number, ["in_stock"] = AttributeType.Boolean,
            ["added_at"] = AttributeType.DateTime, ["tags"] = AttributeType.Tags,
        };
        foreach (var (name, type) in expected)
        {
            Assert.True(catalog.Schema.TryGetType(name, out AttributeType actual) && actual == type, $"{name}: {actual}, expected {type}");
        }

        int first = catalog.GetIndex("I0001");
        Assert.IsType<decimal>(catalog.GetValue(first, "price"));
        Assert.Contains('/', catalog.GetText(first, "category")!);
        Assert.IsType<bool>(catalog.GetValue(first, "in_stock"));
    }

    [Fact]
    public void Values_are_typed_and_empty_cells_are_null()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv",
            "item_id,brand,price,in_stock,added_at,tags,category\n" +
            "a,Acme,19.99,true,2026-01-02T03:04:05Z,new|sale,Kitchen / Coffee\n" +
            "b,,5,no,2026-02-01,,Garden\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);

        Assert.Equal(19.99m, catalog.GetValue(0, "price"));
        Assert.Equal(true, catalog.GetValue(0, "in_stock"));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), catalog.GetValue(0, "added_at"));
        Assert.Equal(["new", "sale"], (string[])catalog.GetValue(0, "tags")!);
        Assert.Equal("Kitchen/Coffee", catalog.GetText(0, "category"));
        Assert.Null(catalog.GetValue(1, "brand"));
        Assert.Equal(false, catalog.GetValue(1, "in_stock"));
        Assert.Null(catalog.GetValue(1, "tags"));
        var missing = Assert.Throws<KeyNotFoundException>(() => catalog.GetValue(0, "colour"));
        Assert.Contains("brand, price, in_stock, added_at, tags, category", missing.Message);
    }

    [Fact]
    public void A_category_of_slashes_alone_is_missing_and_a_time_keeps_its_fraction_of_a_second()
    {
        // "/" became the empty path, on which every category facet failed; "…00.7Z" was kept as "…00Z", so a filter
        // 'added_at >= "…00.5Z"' (the filter keeps fractions) left the item out.
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv",
            "item_id,added_at,category\n" +
            "a,2025-01-01T00:00:00.700Z,/\n" +
            "b,2025-01-01T00:00:00.300+00:00,Garden\n" +
            "c,2025-01-01T00:00:01Z, / / \n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path);

        Assert.Null(catalog.GetValue(0, "category"));
        Assert.Null(catalog.GetValue(2, "category"));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, 700, TimeSpan.Zero), catalog.GetValue(0, "added_at"));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, 300, TimeSpan.Zero), catalog.GetValue(1, "added_at"));
        var items = Personalize.Core.Data.IdMap.FromIds(["a", "b", "c"]);
        var later = Personalize.Core.Filtering.FilterCompiler.Compile(
            Personalize.Core.Filtering.FilterText.Parse("added_at >= \"2025-01-01T00:00:00.5Z\"", catalog.Schema).Value!, catalog, items);
        Assert.Equal((true, false, true), (later.IsEligible(0), later.IsEligible(1), later.IsEligible(2)));
        var facet = Personalize.Core.Filtering.FacetCounter.Count(catalog, [new Personalize.Core.Filtering.FacetRequest("category")]);
        Assert.Equal(("Garden", 1), (facet[0].Values.Single().Label, facet[0].Values.Single().Count));
    }

    [Fact]
    public void A_declared_schema_wins_and_bad_values_are_reported_with_line_and_column()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", "item_id,price,code\na,1.5,007\nb,cheap,008\na,2,009\n,3,010\n");
        var schema = new CatalogSchema([new("price", AttributeType.Number), new("code", AttributeType.Text)]);

        var strict = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = schema }));
        ItemCatalog lenient = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = schema, BadRows = BadRowPolicy.SkipAndReport });

        Assert.Equal((3L, 2, "price"), (strict.LineNumber, strict.ColumnNumber, strict.ColumnName));
        Assert.StartsWith("items.csv:3:2: column 'price': 'cheap' is not a number", strict.Message);
        Assert.Equal((4L, 1L, 3L), (lenient.Report.Read, lenient.Report.Accepted, lenient.Report.Rejected));
        Assert.Equal([3L, 4L, 5L], lenient.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Contains("appears again (first on line 2)", lenient.Report.RejectedRows[1].Reason);
        Assert.Equal("007", lenient.GetText(0, "code"));
    }

    [Fact]
    public void Match_reports_items_missing_on_either_side()
    {
        using var temp = new TempDirectory();
        ItemCatalog catalog = ItemCatalog.ReadCsv(temp.Write("items.csv", "item_id,brand\na,X\nb,Y\nc,Z\n"));

        CatalogMatch match = catalog.Match(IdMap.FromIds(["b", "c", "d", "e"]));

        Assert.Equal((2, 1, 2), (match.InBoth, match.OnlyInCatalogue, match.OnlyInModel));
        Assert.Equal(["d", "e"], match.MissingFromCatalogue);
    }

    [Fact]
    public void A_file_without_the_id_column_gives_one_clear_error()
    {
        using var temp = new TempDirectory();

        var exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(temp.Write("items.csv", "reference,brand\na,X\n")));

        Assert.Contains("no column named 'item_id'", exception.Message);
        Assert.EndsWith("Name the item id column with --items-id-col (ItemCatalogOptions.IdColumn), or call it 'item_id' in the header.", exception.Message);
    }

    [Fact]
    public void A_row_that_is_not_utf8_is_a_bad_row_naming_its_column_instead_of_merging_values()
    {
        using var temp = new TempDirectory();
        string path = temp.File("items.csv");
        // Latin-1: "Zoë" and "Zoä" each end in one byte that UTF-8 cannot read, so both became "Zo\uFFFD", one brand.
        File.WriteAllBytes(path, [.. "item_id,title,brand\nI1,Mug,Zo"u8, 0xEB, .. "\nI2,Plate,Zo"u8, 0xE4, .. "\nI3,Bowl,Acme\n"u8]);

        var strict = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path));
        ItemCatalog lenient = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { BadRows = BadRowPolicy.SkipAndReport });

        Assert.Equal("items.csv:2: column 'brand' is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8; one saved as Latin-1 or "
            + "Windows-1252 writes é as a byte UTF-8 cannot read).", strict.Message);
        Assert.Equal(["I3"], lenient.Items.Ids);
        Assert.Equal([2L, 3L], lenient.Report.RejectedRows.Select(r => r.LineNumber));
    }

    [Theory]
    [InlineData("20240131", "2024-01-31T00:00:00Z")]
    [InlineData("1706702400", "2024-01-31T12:00:00Z")]
    [InlineData("2024-01-31", "2024-01-31T00:00:00Z")]
    [InlineData("20240230", null)]
    [InlineData("2024", null)]
    [InlineData("0", null)]
    public void A_number_in_a_datetime_column_is_a_date_of_eight_digits_or_unix_seconds_never_a_time_in_1970(string cell, string? expected)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", $"item_id,added_at\nI1,{cell}\nI2,2025-06-01\n");
        var schema = new CatalogSchema([new("added_at", AttributeType.DateTime)]);

        ItemCatalog catalog = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Schema = schema, BadRows = BadRowPolicy.SkipAndReport });

        if (expected is null)
        {
            RejectedRow rejected = Assert.Single(catalog.Report.RejectedRows);
            Assert.Equal((2L, 2), (rejected.LineNumber, rejected.ColumnNumber));
            Assert.Contains("is not a date-time (expected ISO 8601 such as 2026-03-14T09:30:00Z, a date of eight digits such as 20260314, or Unix seconds", rejected.Reason);
        }
        else
        {
            Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), catalog.GetValue(catalog.GetIndex("I1"), "added_at"));
        }
    }

    [Fact]
    public void A_file_with_the_id_column_spelled_another_way_names_it()
    {
        using var temp = new TempDirectory();

        var exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(temp.Write("items.csv", "ItemID,brand\na,X\n")));

        Assert.EndsWith("'ItemID' differs from 'item_id' only in case or separators; if it is the item id, give --items-id-col ItemID (ItemCatalogOptions.IdColumn) or rename it 'item_id'.",
            exception.Message);
    }

    public static TheoryData<string, string> MisalignedRows => new()
    {
        { "item_id,title,price\nA1,\"Two\nlines\",5\nA2,Beta,6\n",
            "items.csv:2: the row opens a quoted field that is not closed on its line (expected a closing quote; quoted fields cannot span lines)." },
        { "item_id,title,price\nA1,\"Alpha,5\nA2,Beta,6\n",
            "items.csv:2: the row opens a quoted field that is not closed on its line (expected a closing quote; quoted fields cannot span lines)." },
        { "item_id,title,brand,price\nA1,Zen Beans No. 2, 500 g,Zen,12.99\n",
            "items.csv:2: the row has 5 fields where the header has 4; a delimiter inside an unquoted field (such as a comma in a title, or a decimal comma) splits it: quote that field, or choose another delimiter." },
        { "item_id,title,brand,price\nA1,Beans,Zen,12.99\nA2,Mug,Acme\n",
            "items.csv:3: the row has 3 field(s) where the header has 4; give every column a value, empty for a missing one (a,b,,d)." },
    };

    [Theory]
    [MemberData(nameof(MisalignedRows))]
    public void A_row_whose_fields_do_not_line_up_with_the_header_is_a_bad_row_with_its_line(string content, string expected)
    {
        using var temp = new TempDirectory();

        var exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(temp.Write("items.csv", content)));

        Assert.Equal(expected, exception.Message);
    }

    [Fact]
    public void A_line_of_spaces_holds_no_row_as_in_a_log()
    {
        using var temp = new TempDirectory();

        ItemCatalog catalog = ItemCatalog.ReadCsv(temp.Write("items.csv", "item_id,title\nA1,Alpha\n   \nA2,Beta\n\t\n"));

        Assert.Equal(["A1", "A2"], catalog.Items.Ids);
        Assert.Equal(0, catalog.Report.Rejected);
    }

    [Fact]
    public void Misaligned_rows_skipped_are_counted_and_the_rest_read_as_written()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", "item_id,title,price\nA1,\"Two\nlines\",5\nA2,Beta,6\nA3,Gamma\nA4,Delta,8,\n");

        ItemCatalog catalog = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { BadRows = BadRowPolicy.SkipAndReport });

        Assert.Equal(["A2", "A4"], [catalog.Items.GetId(0), catalog.Items.GetId(1)]);
        Assert.Equal(2, catalog.Count);
        Assert.Equal(3, catalog.Report.Rejected);
        Assert.Equal([2L, 3L, 5L], catalog.Report.RejectedRows.Select(r => r.LineNumber));
    }

    [Theory]
    [InlineData("\"", '|', "Delimiter")]
    [InlineData("::", '|', "Delimiter")]
    [InlineData(";", '"', "TagSeparator")]
    [InlineData(";", ';', "TagSeparator")]
    public void Options_that_cannot_read_a_file_are_refused_naming_the_option(string delimiter, char tags, string option)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("items.csv", "item_id;title\na;X\n");

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            ItemCatalog.ReadCsv(path, new ItemCatalogOptions { Delimiter = delimiter, TagSeparator = tags }));

        Assert.Contains(option + " = ", error.Message);
    }

    [Theory]
    [InlineData("productId,title,price", "productId")]
    [InlineData("StockCode,Description,UnitPrice", "StockCode")]
    public void A_file_with_one_column_named_like_an_id_or_a_product_code_names_it(string header, string column)
    {
        using var temp = new TempDirectory();

        var exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(temp.Write("items.csv", header + "\na,X,3\n")));

        Assert.EndsWith($"'{column}' looks like an id column; if it is the item id, give --items-id-col {column} (ItemCatalogOptions.IdColumn) or rename it 'item_id'.",
            exception.Message);
    }

    [Fact]
    public void A_file_read_with_another_id_column_uses_it_and_keeps_item_id_as_an_attribute()
    {
        using var temp = new TempDirectory();

        ItemCatalog catalog = ItemCatalog.ReadCsv(temp.Write("items.csv", "StockCode,item_id,price\n85123A,old-1,2.55\n71053,old-2,3.39\n"),
            new ItemCatalogOptions { IdColumn = "StockCode" });

        Assert.Equal(["85123A", "71053"], [catalog.Items.GetId(0), catalog.Items.GetId(1)]);
        Assert.Equal("old-2", catalog.GetText(1, "item_id"));
    }
}
