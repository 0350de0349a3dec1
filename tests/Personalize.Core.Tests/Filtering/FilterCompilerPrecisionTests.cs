using Personalize.Core.Data;
using Personalize.Core.Filtering;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Filtering;

/// <summary>Numbers and instants compare exactly, even where two values round to the same double.</summary>
public sealed class FilterCompilerPrecisionTests
{
    private static ItemCatalog Catalog(TempDirectory temp) => ItemCatalog.ReadCsv(temp.Write("items.csv",
        "item_id,price,added_at\n"
        + "a,10,2026-01-01T00:00:00Z\n"
        + "b,10.000000000000000001,2026-01-01T00:00:01Z\n"
        + "c,9.999999999999999999,2025-12-31T23:59:59Z\n"
        + "d,,\n"));

    [Theory]
    [InlineData("price > 10", "b")]
    [InlineData("price >= 10", "a,b")]
    [InlineData("price < 10", "c")]
    [InlineData("price <= 10", "a,c")]
    [InlineData("price = 10", "a")]
    [InlineData("price in (10.000000000000000001, 3)", "b")]
    [InlineData("price between 10 and 10.000000000000000001", "a,b")]
    [InlineData("added_at > \"2026-01-01T00:00:00Z\"", "b")]
    [InlineData("added_at >= \"2026-01-01T00:00:00Z\"", "a,b")]
    [InlineData("added_at < \"2026-01-01T00:00:00Z\"", "c")]
    [InlineData("not price >= 10", "c,d")]
    public void Ties_in_double_are_decided_exactly(string text, string expected)
    {
        using var temp = new TempDirectory();
        ItemCatalog catalog = Catalog(temp);
        CompiledFilter compiled = FilterCompiler.Compile(FilterText.Parse(text, catalog.Schema).Value, catalog, catalog.Items);

        string actual = string.Join(',', Enumerable.Range(0, catalog.Count).Where(compiled.IsEligible).Select(catalog.Items.GetId));
        Assert.Equal(expected, actual);
    }
}
