using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Data;

/// <summary><see cref="CsvInteractionReader.Read(string, CancellationToken)"/> checks its token every 65,536 rows.</summary>
public sealed class CsvInteractionReaderCancellationTests : IDisposable
{
    private const int Rows = 70_000; // more than one 65,536-row chunk

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string WriteLargeFile()
    {
        var text = new StringBuilder("user_id,item_id,event_type\n", Rows * 16);
        for (int i = 0; i < Rows; i++)
        {
            text.Append('u').Append(i % 1000).Append(",i").Append(i % 777).Append(",view\n");
        }

        return _directory.Write("large.csv", text.ToString());
    }

    [Fact]
    public void Read_with_a_cancelled_token_throws_OperationCanceledException_on_a_large_file()
    {
        string path = WriteLargeFile();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var exception = Assert.ThrowsAny<OperationCanceledException>(() => new CsvInteractionReader().Read(path, cancellation.Token));

        Assert.Equal(cancellation.Token, exception.CancellationToken);
    }

    [Fact]
    public void ReadCsv_with_a_cancelled_token_throws_OperationCanceledException_on_a_large_file()
    {
        string path = WriteLargeFile();

        Assert.ThrowsAny<OperationCanceledException>(() => InteractionLog.ReadCsv(path, cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Read_with_a_live_token_reads_every_row_of_a_large_file()
    {
        string path = WriteLargeFile();
        using var cancellation = new CancellationTokenSource();

        InteractionLog log = new CsvInteractionReader().Read(path, cancellation.Token);

        Assert.Equal(Rows, log.Count);
        Assert.Equal(1000, log.Users.Count);
        Assert.Equal(777, log.Items.Count);
    }
}
