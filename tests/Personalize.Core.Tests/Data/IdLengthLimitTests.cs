using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary>Ids longer than <c>MaxIdLength</c> UTF-8 bytes are bad rows, in the interaction reader and in the catalogue reader.</summary>
public sealed class IdLengthLimitTests : IDisposable
{
    private const string Header = "user_id,item_id,event_type";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_user_id_one_byte_over_the_default_limit_throws_with_its_line_and_column()
    {
        string path = _directory.Write("events.csv", $"{Header}\nu1,i1,view\n{new string('u', 1025)},i1,view\n");

        var exception = Assert.Throws<InteractionDataException>(() => new CsvInteractionReader().Read(path));

        Assert.Equal((3L, 1, "user_id"), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal("column 'user_id': the id is 1,025 bytes long; expected at most 1,024 UTF-8 bytes (MaxIdLength).", exception.Reason);
    }

    [Fact]
    public void The_limit_counts_utf8_bytes_after_trimming_not_characters()
    {
        string atLimit = new('é', 512);      // 1,024 bytes
        string overLimit = new('é', 513);    // 1,026 bytes, though only 513 characters
        string path = _directory.Write("events.csv", $"{Header}\nu1,  {atLimit}  ,view\nu2,{overLimit},view\n");
        var rejected = new List<RejectedRow>();

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions
        {
            BadRows = BadRowPolicy.SkipAndReport,
            OnRejectedRow = rejected.Add,
        }).Read(path);

        Assert.Equal(1, log.Count);
        Assert.Equal(atLimit, log.Items.GetId(log.ItemIndices[0]));
        RejectedRow row = Assert.Single(rejected);
        Assert.Equal((3L, 2, "item_id"), (row.LineNumber, row.ColumnNumber, row.ColumnName));
        Assert.Contains("1,026 bytes long", row.Reason);
        Assert.Equal(1, log.Report.Rejected);
    }

    [Fact]
    public void The_limit_is_configurable()
    {
        string path = _directory.Write("events.csv", $"{Header}\nabcd,i1,view\nabcde,i1,view\nab,i2,view\n");

        InteractionLog log = new CsvInteractionReader(new CsvInteractionReaderOptions
        {
            MaxIdLength = 4,
            BadRows = BadRowPolicy.SkipAndReport,
        }).Read(path);

        Assert.Equal(["abcd", "ab"], Enumerable.Range(0, log.Count).Select(r => log.Users.GetId(log.UserIndices[r])));
        Assert.Equal([3L], log.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Contains("expected at most 4 UTF-8 bytes", log.Report.RejectedRows[0].Reason);
    }

    [Fact]
    public void A_limit_below_one_is_invalid()
    {
        var exception = Assert.Throws<ValidationException>(() => new CsvInteractionReader(new CsvInteractionReaderOptions { MaxIdLength = 0 }));

        Assert.Contains("MaxIdLength = 0: must be between 1 and 2147483647.", exception.Message);
    }

    [Fact]
    public void The_catalogue_rejects_an_item_id_over_its_limit_under_both_policies()
    {
        string path = _directory.Write("items.csv", $"item_id,title\ni1,One\n{new string('x', 1025)},Long\ni3,Three\n");

        var exception = Assert.Throws<InteractionDataException>(() => ItemCatalog.ReadCsv(path));
        ItemCatalog skipped = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { BadRows = BadRowPolicy.SkipAndReport });
        ItemCatalog looser = ItemCatalog.ReadCsv(path, new ItemCatalogOptions { MaxIdLength = 2000 });

        Assert.Equal((3L, 1, "item_id"), (exception.LineNumber, exception.ColumnNumber, exception.ColumnName));
        Assert.Equal("the item id is 1,025 bytes long; expected at most 1,024 UTF-8 bytes (MaxIdLength).", exception.Reason);
        Assert.Equal(2, skipped.Count);
        Assert.Equal([3L], skipped.Report.RejectedRows.Select(r => r.LineNumber));
        Assert.Equal(3, looser.Count);
    }
}
