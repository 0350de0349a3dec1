namespace Personalize.Core.Tests.TestSupport;

/// <summary>The plain reference for top-k selection: score every item with a scalar loop in double, sort, take k.</summary>
internal static class ReferenceTopK
{
    /// <summary>Scores one item in double: the dot product of the factors plus the item's bias, if any.</summary>
    public static double Score(float[] user, float[] items, int item, float[]? itemBias)
    {
        int rank = user.Length;
        double sum = 0;
        for (int d = 0; d < rank; d++)
        {
            sum += (double)user[d] * items[item * rank + d];
        }

        return itemBias is null ? sum : sum + itemBias[item];
    }

    /// <summary>
    /// The best k allowed items of <c>[start, end)</c>, best first: higher score, then lower index. Items whose score is NaN are never
    /// returned.
    /// </summary>
    public static (int Item, double Score)[] Select(float[] user, float[] items, int k, Func<int, bool>? allowed = null, float[]? itemBias = null,
        int start = 0, int end = -1)
    {
        int itemCount = user.Length == 0 ? 0 : items.Length / user.Length;
        if (end < 0)
        {
            end = itemCount;
        }

        var scored = new List<(int Item, double Score)>();
        for (int item = start; item < end; item++)
        {
            if (allowed is not null && !allowed(item))
            {
                continue;
            }

            double score = Score(user, items, item, itemBias);
            if (!double.IsNaN(score))
            {
                scored.Add((item, score));
            }
        }

        scored.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Item.CompareTo(b.Item));
        return scored.Take(k).ToArray();
    }

    /// <summary>
    /// Asserts that a selection equals the reference: the same items in the same order, and each score within a relative
    /// <paramref name="tolerance"/> of the reference score. <paramref name="context"/> goes into the failure message.
    /// </summary>
    public static void AssertSame((int Item, double Score)[] expected, ReadOnlySpan<int> actualItems, ReadOnlySpan<float> actualScores,
        string context, double tolerance = 1e-5)
    {
        int[] expectedItems = expected.Select(e => e.Item).ToArray();
        if (!actualItems.SequenceEqual(expectedItems))
        {
            Assert.Fail($"{context}: expected items [{string.Join(", ", expectedItems)}] but got [{string.Join(", ", actualItems.ToArray())}].");
        }

        for (int r = 0; r < expected.Length; r++)
        {
            AssertClose(expected[r].Score, actualScores[r], tolerance, $"{context}, rank {r} (item {expected[r].Item})");
        }
    }

    /// <summary>Asserts |expected - actual| &lt;= tolerance × max(|expected|, |actual|), or that both are the same value.</summary>
    public static void AssertClose(double expected, double actual, double tolerance, string context)
    {
        if (expected.Equals(actual))
        {
            return;
        }

        double error = Math.Abs(expected - actual);
        double allowed = tolerance * Math.Max(Math.Abs(expected), Math.Abs(actual));
        if (!(error <= allowed))
        {
            Assert.Fail($"{context}: expected {expected:R} but got {actual:R} (relative error {error / Math.Max(Math.Abs(expected), double.Epsilon):E2}, allowed {tolerance:E0}).");
        }
    }
}
