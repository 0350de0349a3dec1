namespace Personalize.Core.Scoring;

/// <summary>A bounded min-heap of (score, item) pairs in two caller-owned spans: the root is the worst of the best kept so far.</summary>
internal static class MinHeap
{
    /// <summary>Adds a pair to a heap that is not full.</summary>
    public static void Push(Span<float> scores, Span<int> items, ref int count, float score, int item)
    {
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Worse(score, item, scores[parent], items[parent]))
            {
                break;
            }

            scores[i] = scores[parent];
            items[i] = items[parent];
            i = parent;
        }

        scores[i] = score;
        items[i] = item;
    }

    /// <summary>Replaces the root of a full heap with a better pair.</summary>
    public static void ReplaceRoot(Span<float> scores, Span<int> items, int count, float score, int item)
    {
        int i = 0;
        while (true)
        {
            int left = 2 * i + 1;
            if (left >= count)
            {
                break;
            }

            int right = left + 1;
            int child = right < count && Worse(scores[right], items[right], scores[left], items[left]) ? right : left;
            if (!Worse(scores[child], items[child], score, item))
            {
                break;
            }

            scores[i] = scores[child];
            items[i] = items[child];
            i = child;
        }

        scores[i] = score;
        items[i] = item;
    }

    /// <summary>Offers a pair: kept if the heap is not full or the pair beats the root.</summary>
    public static void Offer(Span<float> scores, Span<int> items, ref int count, float score, int item)
    {
        if (count < scores.Length)
        {
            Push(scores, items, ref count, score, item);
        }
        else if (count > 0 && Worse(scores[0], items[0], score, item))
        {
            ReplaceRoot(scores, items, count, score, item);
        }
    }

    /// <summary>Sorts the kept pairs best first (higher score; on a tie, lower item index), in place, without allocating.</summary>
    public static void SortDescending(Span<float> scores, Span<int> items, int count)
    {
        // Heap sort: repeatedly move the worst (the root) to the end.
        for (int end = count - 1; end > 0; end--)
        {
            float rootScore = scores[0];
            int rootItem = items[0];
            float lastScore = scores[end];
            int lastItem = items[end];
            ReplaceRoot(scores, items, end, lastScore, lastItem);
            scores[end] = rootScore;
            items[end] = rootItem;
        }
    }

    /// <summary>Whether (a, ai) ranks below (b, bi): a lower score, or the same score and a higher index. NaN ranks lowest.</summary>
    public static bool Worse(float a, int ai, float b, int bi) => a < b || (a == b && ai > bi) || (float.IsNaN(a) && !float.IsNaN(b));
}
