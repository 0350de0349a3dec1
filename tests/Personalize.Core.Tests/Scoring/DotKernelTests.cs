using Personalize.Core.Scoring;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Scoring;

/// <summary>
/// <see cref="DotKernel"/>: every kernel this machine has (16, 8, 4 and 1 lanes) scores every rank from 1 to 257 within a relative
/// tolerance of a double reference, and the group kernels of <see cref="TopKScorer.Scan"/> give each item exactly the score
/// <see cref="DotKernel.Score(ReadOnlySpan{float}, ref float, int)"/> gives it alone, whatever its position in a group (the int8 pre-scan
/// relies on that to return the full scan's scores bit for bit).
/// </summary>
public sealed class DotKernelTests
{
    private const int MaxRank = 257;

    public static TheoryData<int> Widths => new(16, 8, 4, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Score_is_within_a_relative_tolerance_of_a_double_reference_for_every_rank(int width)
    {
        var random = new Random(100 + width);
        int tested = 0;
        for (int rank = 1; rank <= MaxRank; rank++)
        {
            if (!DotKernel.Supports(width, rank))
            {
                continue;
            }

            // Non-negative values: no cancellation, so a relative tolerance bounds the rounding.
            float[] user = TestModels.Values(random, rank, onGrid: false).Select(Math.Abs).ToArray();
            float[] row = TestModels.Values(random, rank, onGrid: false).Select(Math.Abs).ToArray();
            double expected = 0;
            for (int d = 0; d < rank; d++)
            {
                expected += (double)user[d] * row[d];
            }

            float actual = DotKernel.Score(user, ref row[0], width);

            ReferenceTopK.AssertClose(expected, actual, 1e-5, $"width {width}, rank {rank}");
            tested++;
        }

        Assert.True(width == 1 || tested > 0 || !DotKernel.Supports(width, MaxRank), $"width {width}: no rank was tested on a machine that has it");
    }

    [Theory, MemberData(nameof(Widths))]
    public void Scan_gives_every_item_the_score_of_the_single_item_kernel(int width)
    {
        var random = new Random(200 + width);
        const int ItemCount = 37;   // four groups of 8 and a tail of 5, or nine groups of 4 and a tail of 1
        for (int rank = 1; rank <= MaxRank; rank++)
        {
            if (!DotKernel.Supports(width, rank))
            {
                continue;
            }

            float[] user = TestModels.Values(random, rank, onGrid: false);
            float[] items = TestModels.Values(random, ItemCount * rank, onGrid: false);
            var scores = new float[ItemCount];
            var best = new int[ItemCount];
            int kept = 0;

            TopKScorer.ScanWith(width, user, items, 0, ItemCount, default, default, default, scores, best, ref kept);

            Assert.Equal(ItemCount, kept);
            for (int j = 0; j < kept; j++)
            {
                float alone = DotKernel.Score(user, ref items[best[j] * rank], width);
                Assert.True(BitConverter.SingleToInt32Bits(alone) == BitConverter.SingleToInt32Bits(scores[j]),
                    $"width {width}, rank {rank}, item {best[j]}: the scan gave {scores[j]:R}, the single-item kernel {alone:R}");
            }
        }
    }

    [Fact]
    public void Lane_width_is_the_widest_kernel_the_machine_has_for_the_rank()
    {
        foreach (int rank in new[] { 1, 3, 4, 7, 8, 15, 16, 64, 65 })
        {
            int width = DotKernel.LaneWidth(rank);

            Assert.True(DotKernel.Supports(width, rank), $"rank {rank}: chose {width} lanes, which the machine or rank does not support");
            Assert.All(new[] { 16, 8, 4, 1 }.Where(w => w > width), w => Assert.False(DotKernel.Supports(w, rank), $"rank {rank}: {w} lanes were available but {width} chosen"));
        }
    }
}
