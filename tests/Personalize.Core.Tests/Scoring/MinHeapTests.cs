using Personalize.Core.Scoring;

namespace Personalize.Core.Tests.Scoring;

public sealed class MinHeapTests
{
    public static TheoryData<float, int, float, int, bool> WorseCases => new()
    {
        // a, a's index, b, b's index, whether (a, ai) ranks below (b, bi)
        { 1f, 0, 2f, 0, true },
        { 2f, 0, 1f, 0, false },
        { 1f, 5, 1f, 3, true },
        { 1f, 3, 1f, 5, false },
        { 1f, 3, 1f, 3, false },
        { -0f, 1, 0f, 0, true },
        { float.NegativeInfinity, 0, -1e30f, 9, true },
        { float.NaN, 0, float.NegativeInfinity, 9, true },
        { float.NegativeInfinity, 9, float.NaN, 0, false },
        { float.NaN, 0, float.NaN, 1, false },
        { float.NaN, 1, float.NaN, 0, false },
    };

    [Theory, MemberData(nameof(WorseCases))]
    public void Worse_ranks_lower_scores_then_higher_indices_then_NaN_below_everything(float a, int ai, float b, int bi, bool expected)
    {
        bool worse = MinHeap.Worse(a, ai, b, bi);

        Assert.Equal(expected, worse);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(17)]
    [InlineData(64)]
    public void Offer_then_SortDescending_keeps_the_best_k_best_first_for_every_count(int k)
    {
        var random = new Random(100 + k);
        for (int n = 0; n <= 150; n++)
        {
            // Scores from a small set make ties common; items arrive in a random order.
            int[] order = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
            float[] scoreOf = Enumerable.Range(0, n).Select(_ => (float)random.Next(-5, 6)).ToArray();
            var scores = new float[k];
            var items = new int[k];
            int kept = 0;

            foreach (int item in order)
            {
                MinHeap.Offer(scores, items, ref kept, scoreOf[item], item);
            }

            MinHeap.SortDescending(scores, items, kept);

            int[] expected = Enumerable.Range(0, n).OrderByDescending(i => scoreOf[i]).ThenBy(i => i).Take(k).ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(items.AsSpan(0, kept)),
                $"seed {100 + k}, n {n}: expected [{string.Join(", ", expected)}] but got [{string.Join(", ", items[..kept])}]");
            Assert.Equal(expected.Select(i => scoreOf[i]), scores[..kept]);
        }
    }

    [Fact]
    public void Offer_keeps_the_lowest_indices_among_equal_scores_whatever_the_order_they_arrive_in()
    {
        var scores = new float[3];
        var items = new int[3];
        int kept = 0;

        foreach (int item in new[] { 9, 4, 7, 1, 8, 0, 5 })
        {
            MinHeap.Offer(scores, items, ref kept, 2.5f, item);
        }

        MinHeap.SortDescending(scores, items, kept);
        Assert.Equal([0, 1, 4], items);
    }

    [Fact]
    public void Offer_into_a_heap_of_length_zero_keeps_nothing()
    {
        int kept = 0;

        MinHeap.Offer([], [], ref kept, 1f, 0);

        Assert.Equal(0, kept);
    }

    [Fact]
    public void Offer_never_lets_NaN_displace_a_number()
    {
        var scores = new float[2];
        var items = new int[2];
        int kept = 0;
        MinHeap.Offer(scores, items, ref kept, float.NegativeInfinity, 5);
        MinHeap.Offer(scores, items, ref kept, -1f, 6);

        MinHeap.Offer(scores, items, ref kept, float.NaN, 0);

        MinHeap.SortDescending(scores, items, kept);
        Assert.Equal([6, 5], items);
    }

    [Fact]
    public void SortDescending_leaves_slots_beyond_the_count_untouched()
    {
        float[] scores = [1f, 2f, 99f];
        int[] items = [1, 0, 42];

        MinHeap.SortDescending(scores, items, 2);

        Assert.Equal([2f, 1f, 99f], scores);
        Assert.Equal([0, 1, 42], items);
    }
}
