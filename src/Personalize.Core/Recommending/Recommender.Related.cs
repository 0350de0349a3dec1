using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Personalize.Core.Filtering;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Scoring;

namespace Personalize.Core.Recommending;

/// <summary>Related items: "customers who viewed this also viewed", "similar to what you searched".</summary>
public sealed partial class Recommender
{
    private StrongBox<ArraySegment<float>>? _normalizedItemFactors;   // starts on a cache line, as the model's

    /// <summary>Finds the items most related to one item, a basket or a search result, best first.</summary>
    /// <param name="itemIds">The input items (one item: <c>["I0291"]</c>); duplicates count once, and items the model does not know are
    /// skipped and reported.</param>
    /// <param name="count">How many items at most.</param>
    /// <param name="filter">Only items that pass this filter (compiled for this model's items); <see langword="null"/> for all.</param>
    /// <returns>The best min(<paramref name="count"/>, eligible) items that are not inputs; empty when the model knows no input item
    /// (<see cref="RelatedItemList.UnknownItemIds"/> says so). Each item's factor similarity and co-occurrence are averaged over the
    /// known input items.</returns>
    /// <remarks>The list form, with ids; the allocation-free form, with item indices, is
    /// <see cref="RelatedTo(ReadOnlySpan{int}, CompiledFilter?, Span{RelatedItem})"/>.</remarks>
    /// <exception cref="ArgumentNullException">An id is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for another item set, or has <c>not bought</c> or <c>not seen</c> (a list
    /// of related items has no user).</exception>
    public RelatedItemList RelatedTo(IReadOnlyList<string> itemIds, int count, CompiledFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var known = new List<int>(itemIds.Count);
        var knownIds = new List<string>(itemIds.Count);
        var unknownIds = new List<string>();
        for (int i = 0; i < itemIds.Count; i++)
        {
            string id = itemIds[i] ?? throw new ArgumentNullException(nameof(itemIds), $"The item id at index {i} is null.");
            if (Model.Items.TryGetIndex(id, out int index))
            {
                if (!known.Contains(index))
                {
                    known.Add(index);
                    knownIds.Add(id);
                }
            }
            else if (!unknownIds.Contains(id))
            {
                unknownIds.Add(id);
            }
        }

        var buffer = new RelatedItem[Math.Min(count, Model.Items.Count)];
        int written = known.Count == 0 ? 0 : RelatedTo(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(known), filter, buffer);
        return new RelatedItemList(knownIds, unknownIds, UsesCooccurrence, written == buffer.Length ? buffer : buffer[..written]);
    }

    /// <summary>Finds the items most related to one or more items into a caller-owned buffer, without allocating.</summary>
    /// <param name="itemIndices">The input items by index, in any order; duplicates count once.</param>
    /// <param name="filter">Only items that pass this filter; <see langword="null"/> for all.</param>
    /// <param name="destination">Receives the related items, best first; its length is how many are wanted.</param>
    /// <returns>How many items were written: min(destination length, eligible items that are not inputs).</returns>
    /// <remarks>
    /// <para>The factor part scores every item against the mean of the inputs' vectors in one SIMD scan (for
    /// <see cref="ItemSimilarity.Cosine"/>, over unit-length copies of the item factors made on first use and kept by this
    /// recommender: as much memory again as the item factors). The co-occurrence part reads the inputs' neighbour lists in the model's
    /// <see cref="CooccurrenceIndex"/>. Every item in the result is either among the best by factors alone or a co-occurring neighbour,
    /// so the blend is exact without scoring co-occurrence for every item.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the model's items.</exception>
    /// <exception cref="ArgumentException">The filter was compiled for another item set, or has <c>not bought</c> or <c>not seen</c> (a list
    /// of related items has no user).</exception>
    public int RelatedTo(ReadOnlySpan<int> itemIndices, CompiledFilter? filter, Span<RelatedItem> destination)
    {
        int itemCount = Model.Items.Count;
        foreach (int index in itemIndices)
        {
            if ((uint)index >= (uint)itemCount)
            {
                ThrowHelper.ItemIndexOutside(nameof(itemIndices), index, itemCount);
            }
        }

        if (filter is not null)
        {
            CheckFilter(filter);
            if (filter.ExcludesSeen)
            {
                // A related list has no user whose seen items could be left out: the rule would be dropped in silence.
                throw new ArgumentException(
                    $"The filter '{FilterText.Format(filter.Filter)}' has 'not seen', but a list of related items has no user; leave the rule out, or leave out the items the user saw yourself.",
                    nameof(filter));
            }
        }

        int k = Math.Min(destination.Length, itemCount);
        if (k == 0 || itemIndices.IsEmpty)
        {
            return 0;
        }

        var pool = new RelatedScratch(itemIndices.Length, k, Model.NumberOfFactors, CandidateCapacity(itemIndices));
        try
        {
            return Related(itemIndices, destination[..k], filter, pool);
        }
        finally
        {
            pool.Return();
        }
    }

    private bool UsesCooccurrence => Model.Cooccurrence is not null;

    private int CandidateCapacity(ReadOnlySpan<int> inputs)
    {
        CooccurrenceIndex? index = Model.Cooccurrence;
        if (index is null)
        {
            return 0;
        }

        int total = 0;
        foreach (int item in inputs)
        {
            total += index.GetNeighbors(item).Length;
        }

        return total;
    }

    private int Related(ReadOnlySpan<int> itemIndices, Span<RelatedItem> destination, CompiledFilter? filter, RelatedScratch scratch)
    {
        int rank = Model.NumberOfFactors;
        int k = destination.Length;
        bool cosine = Options.RelatedItemsSimilarity == ItemSimilarity.Cosine;
        ReadOnlySpan<float> factors = cosine ? NormalizedItemFactors() : Model.ItemFactors;

        // The inputs, ascending and distinct: the scan skips them.
        Span<int> inputs = scratch.Inputs.AsSpan(0, itemIndices.Length);
        itemIndices.CopyTo(inputs);
        inputs.Sort();
        int m = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (i == 0 || inputs[i] != inputs[m - 1])
            {
                inputs[m++] = inputs[i];
            }
        }

        inputs = inputs[..m];

        // Query: the mean of the inputs' (unit) vectors, so a score is the mean similarity to the inputs.
        Span<float> query = scratch.Query.AsSpan(0, rank);
        query.Clear();
        foreach (int item in inputs)
        {
            TensorPrimitives.Add(query, factors.Slice(item * rank, rank), query);
        }

        TensorPrimitives.Multiply(query, 1f / m, query);

        // 1. The best k by factors alone.
        Span<float> factorScores = scratch.FactorScores.AsSpan(0, k);
        Span<int> factorItems = scratch.FactorItems.AsSpan(0, k);
        int kept = 0;
        if (filter is not null && filter.EligibleCount * 4L < Model.Items.Count)
        {
            TopKScorer.ScanEligible(query, factors, inputs, filter.Bits, default, factorScores, factorItems, ref kept);
        }
        else
        {
            TopKScorer.Scan(query, factors, 0, Model.Items.Count, inputs, filter is null ? default : filter.Bits, default, factorScores, factorItems, ref kept);
        }

        factorItems = factorItems[..kept];
        factorScores = factorScores[..kept];
        factorItems.Sort(factorScores);

        // 2. The co-occurring neighbours of the inputs, grouped by item: key = item << 32 | entry.
        CooccurrenceIndex? index = Model.Cooccurrence;
        int keys = 0;
        if (index is not null)
        {
            int[] offsets = index.RawOffsets, neighbors = index.RawNeighbors;
            foreach (int item in inputs)
            {
                for (int e = offsets[item]; e < offsets[item + 1]; e++)
                {
                    scratch.Keys[keys++] = ((long)neighbors[e] << 32) | (uint)e;
                }
            }
        }

        Span<long> neighborKeys = scratch.Keys.AsSpan(0, keys);
        neighborKeys.Sort();

        // 3. Merge both (ascending by item) into candidates with their blended scores, then keep the best k.
        float w = index is null ? 0f : Options.CooccurrenceWeight;
        float inverseInputs = 1f / m;
        int candidates = 0;
        int a = 0, c = 0;
        while (a < factorItems.Length || c < neighborKeys.Length)
        {
            int fromFactors = a < factorItems.Length ? factorItems[a] : int.MaxValue;
            int fromNeighbors = c < neighborKeys.Length ? (int)(neighborKeys[c] >> 32) : int.MaxValue;
            int item = Math.Min(fromFactors, fromNeighbors);
            float similaritySum = 0;
            int countSum = 0;
            while (c < neighborKeys.Length && (int)(neighborKeys[c] >> 32) == item)
            {
                int entry = (int)(uint)neighborKeys[c];
                similaritySum += index!.RawSimilarities[entry];
                countSum += index.RawCounts[entry];
                c++;
            }

            float factorScore;
            RelatedItemSource source;
            if (fromFactors == item)
            {
                factorScore = factorScores[a++];
                source = countSum > 0 ? RelatedItemSource.Both : RelatedItemSource.Factors;
            }
            else
            {
                if (inputs.BinarySearch(item) >= 0 || (filter is not null && !filter.IsEligible(item)))
                {
                    continue;
                }

                factorScore = TensorPrimitives.Dot(query, factors.Slice(item * rank, rank));
                source = RelatedItemSource.Cooccurrence;
            }

            scratch.CandidateItems[candidates] = item;
            scratch.CandidateFactorScores[candidates] = factorScore;
            scratch.CandidateCounts[candidates] = countSum;
            scratch.CandidateSources[candidates] = (byte)source;
            scratch.CandidateScores[candidates] = (1 - w) * factorScore + w * similaritySum * inverseInputs;
            candidates++;
        }

        Span<float> bestScores = scratch.BestScores.AsSpan(0, k);
        Span<int> bestPositions = scratch.BestPositions.AsSpan(0, k);
        int best = 0;
        for (int p = 0; p < candidates; p++)
        {
            float score = scratch.CandidateScores[p];
            if (!float.IsNaN(score))
            {
                MinHeap.Offer(bestScores, bestPositions, ref best, score, p);
            }
        }

        MinHeap.SortDescending(bestScores, bestPositions, best);
        string[] ids = Model.Items.RawIds;
        for (int r = 0; r < best; r++)
        {
            int p = bestPositions[r];
            int item = scratch.CandidateItems[p];
            destination[r] = new RelatedItem(ids[item], item, bestScores[r], scratch.CandidateFactorScores[p], scratch.CandidateCounts[p],
                (RelatedItemSource)scratch.CandidateSources[p]);
        }

        return best;
    }

    /// <summary>The item factors scaled to unit length (zero vectors stay zero), computed once per recommender on first use.</summary>
    private ArraySegment<float> NormalizedItemFactors()
    {
        StrongBox<ArraySegment<float>>? normalized = Volatile.Read(ref _normalizedItemFactors);
        if (normalized is not null)
        {
            return normalized.Value;
        }

        int rank = Model.NumberOfFactors;
        ReadOnlySpan<float> source = Model.ItemFactors;
        ArraySegment<float> values = AlignedFloats.Allocate(source.Length);
        for (int offset = 0; offset < source.Length; offset += rank)
        {
            ReadOnlySpan<float> vector = source.Slice(offset, rank);
            float norm = TensorPrimitives.Norm(vector);
            if (norm > 0 && float.IsFinite(norm))
            {
                TensorPrimitives.Multiply(vector, 1f / norm, values.AsSpan(offset, rank));
            }
        }

        normalized = new StrongBox<ArraySegment<float>>(values);
        return (Interlocked.CompareExchange(ref _normalizedItemFactors, normalized, null) ?? normalized).Value;
    }

    /// <summary>The pooled buffers of one related-items query.</summary>
    private readonly struct RelatedScratch
    {
        public RelatedScratch(int inputs, int k, int rank, int neighbors)
        {
            Inputs = ArrayPool<int>.Shared.Rent(inputs);
            Query = ArrayPool<float>.Shared.Rent(rank);
            FactorScores = ArrayPool<float>.Shared.Rent(k);
            FactorItems = ArrayPool<int>.Shared.Rent(k);
            Keys = ArrayPool<long>.Shared.Rent(neighbors);
            int candidates = k + neighbors;
            CandidateItems = ArrayPool<int>.Shared.Rent(candidates);
            CandidateFactorScores = ArrayPool<float>.Shared.Rent(candidates);
            CandidateScores = ArrayPool<float>.Shared.Rent(candidates);
            CandidateCounts = ArrayPool<int>.Shared.Rent(candidates);
            CandidateSources = ArrayPool<byte>.Shared.Rent(candidates);
            BestScores = ArrayPool<float>.Shared.Rent(k);
            BestPositions = ArrayPool<int>.Shared.Rent(k);
        }

        public int[] Inputs { get; }

        public float[] Query { get; }

        public float[] FactorScores { get; }

        public int[] FactorItems { get; }

        public long[] Keys { get; }

        public int[] CandidateItems { get; }

        public float[] CandidateFactorScores { get; }

        public float[] CandidateScores { get; }

        public int[] CandidateCounts { get; }

        public byte[] CandidateSources { get; }

        public float[] BestScores { get; }

        public int[] BestPositions { get; }

        public void Return()
        {
            ArrayPool<int>.Shared.Return(Inputs);
            ArrayPool<float>.Shared.Return(Query);
            ArrayPool<float>.Shared.Return(FactorScores);
            ArrayPool<int>.Shared.Return(FactorItems);
            ArrayPool<long>.Shared.Return(Keys);
            ArrayPool<int>.Shared.Return(CandidateItems);
            ArrayPool<float>.Shared.Return(CandidateFactorScores);
            ArrayPool<float>.Shared.Return(CandidateScores);
            ArrayPool<int>.Shared.Return(CandidateCounts);
            ArrayPool<byte>.Shared.Return(CandidateSources);
            ArrayPool<float>.Shared.Return(BestScores);
            ArrayPool<int>.Shared.Return(BestPositions);
        }
    }
}
