using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Personalize.Core.Data;

namespace Personalize.Core.Training;

/// <summary>
/// The SVD++ part of explicit training (Koren, "Factorization Meets the Neighborhood", 2008): every item j has a second factor row
/// y_j, and a user u is represented by p_u + z_u with z_u = |N(u)|^-1/2 Σ_{j ∈ N(u)} y_j over the items N(u) the user rated.
/// </summary>
/// <remarks>
/// <para>Deterministic and free of races in block-parallel SGD: z_u is computed for every user before an epoch and stays fixed during
/// it; the SGD pass uses p_u + z_u in the prediction and in the updates of p and q, and adds err × q_i to the user's gradient row g_u
/// (written only by the thread that owns the user's block); after the pass every y_j takes one step from the gradients of its
/// raters, in a fixed order, in parallel over items. Then z is recomputed from the new y.</para>
/// <para>The step of y_j is damped by the number of ratings behind it, P_j = Σ_{u ∈ R(j)} |N(u)| over its raters R(j):
/// y_j ← (y_j (1 + η c P_j) + η Σ_u |N(u)|^-1/2 g_u) / (1 + η ((c + λ_r,y) P_j + λ_y)). P_j bounds the curvature of the error in
/// y_j (each rater's z moves with y_j and is scored on all of the rater's ratings), so this is a damped Newton-like step; without it a
/// batched step moves a popular item's y by thousands of raters' gradients at once and diverges on dense data (Jester ratings: NaN
/// within 15 epochs). c trades stability for speed of learning: 0.03 keeps half of the gain of per-user SVD++ on taste-dependent
/// ratings and oscillates on none of the development sets. The regularization is per rating, as Koren's SGD applies it (each of u's
/// ratings shrinks every y_j of N(u)): applied once per user it overfits heavy users.</para>
/// <para>At the end of training z_u is added to the stored user factors, so serving sees an ordinary factor model.</para>
/// </remarks>
internal sealed unsafe class RatedItems
{
    /// <summary>The regularization of y as a multiple of the factors' (per entity and per rating).</summary>
    internal const float RegularizationScale = 0.1f;

    /// <summary>How strongly a y step is damped per rating behind it (c below).</summary>
    internal const float Damping = 0.03f;

    private readonly BlockLayout _userLayout;
    private readonly int _rank;
    private readonly int _blocks;
    private readonly int[] _userStart;     // by user row: the item rows each user rated
    private readonly int[] _userItems;
    private readonly int[] _itemStart;     // by item row: the user rows that rated each item
    private readonly int[] _itemUsers;
    private readonly float[] _norm;        // by user row: |N(u)|^-1/2, 0 for none
    private readonly float[] _pull;        // by item row: Σ over raters of |N(u)|
    private readonly float _factorRegularization;
    private readonly float _ratingRegularization;

    /// <summary>Builds the rated-item lists of both sides (rows of the tables) and zero y, z and gradients.</summary>
    public RatedItems(RatingMatrix data, BlockLayout userLayout, BlockLayout itemLayout, int rank, int blocks, float factorRegularization,
        float ratingRegularization)
    {
        _userLayout = userLayout;
        _rank = rank;
        _blocks = blocks;
        _factorRegularization = factorRegularization * RegularizationScale;
        _ratingRegularization = ratingRegularization * RegularizationScale;
        int users = userLayout.Count, items = itemLayout.Count;
        ReadOnlySpan<int> ratedUsers = data.UserIndices, ratedItems = data.ItemIndices;
        _userStart = new int[users + 1];
        _itemStart = new int[items + 1];
        for (int e = 0; e < ratedUsers.Length; e++)
        {
            _userStart[userLayout.Row[ratedUsers[e]] + 1]++;
            _itemStart[itemLayout.Row[ratedItems[e]] + 1]++;
        }

        for (int u = 0; u < users; u++)
        {
            _userStart[u + 1] += _userStart[u];
        }

        for (int i = 0; i < items; i++)
        {
            _itemStart[i + 1] += _itemStart[i];
        }

        _userItems = new int[ratedUsers.Length];
        _itemUsers = new int[ratedUsers.Length];
        int[] userFill = (int[])_userStart.Clone(), itemFill = (int[])_itemStart.Clone();
        for (int e = 0; e < ratedUsers.Length; e++)
        {
            int u = userLayout.Row[ratedUsers[e]], i = itemLayout.Row[ratedItems[e]];
            _userItems[userFill[u]++] = i;
            _itemUsers[itemFill[i]++] = u;
        }

        // Each list in ascending row order, so sums run in one fixed order whatever the order of the data.
        for (int u = 0; u < users; u++)
        {
            Array.Sort(_userItems, _userStart[u], _userStart[u + 1] - _userStart[u]);
        }

        for (int i = 0; i < items; i++)
        {
            Array.Sort(_itemUsers, _itemStart[i], _itemStart[i + 1] - _itemStart[i]);
        }

        _norm = new float[users];
        for (int u = 0; u < users; u++)
        {
            int n = _userStart[u + 1] - _userStart[u];
            _norm[u] = n == 0 ? 0 : 1 / MathF.Sqrt(n);
        }

        _pull = new float[items];
        for (int i = 0; i < items; i++)
        {
            double sum = 0;
            for (int e = _itemStart[i]; e < _itemStart[i + 1]; e++)
            {
                int u = _itemUsers[e];
                sum += _userStart[u + 1] - _userStart[u];
            }

            _pull[i] = (float)sum;
        }

        Implicit = new SgdTable(itemLayout, rank);
        Sums = new SgdTable(userLayout, rank);
        Gradients = new SgdTable(userLayout, rank);
    }

    /// <summary>Gets y, by item row.</summary>
    public SgdTable Implicit { get; }

    /// <summary>Gets z, by user row: fixed during an epoch.</summary>
    public SgdTable Sums { get; }

    /// <summary>Gets the gradient rows g_u accumulated during an epoch's pass.</summary>
    public SgdTable Gradients { get; }

    /// <summary>Clears the gradients before an epoch's pass.</summary>
    public void BeginEpoch() => Gradients.Clear();

    /// <summary>After an epoch's pass: one step of every y from its raters' gradients, then z from the new y.</summary>
    public void EndEpoch(float learningRate, ParallelOptions parallel)
    {
        int stride = Implicit.Stride;
        nint implicitRows = (nint)Implicit.Rows, gradientRows = (nint)Gradients.Rows;
        int items = _itemStart.Length - 1, users = _userStart.Length - 1;
        For(items, parallel, (from, to) =>
        {
            float* y = (float*)implicitRows, g = (float*)gradientRows;
            float* sum = stackalloc float[stride];
            for (int i = from; i < to; i++)
            {
                int first = _itemStart[i], last = _itemStart[i + 1];
                if (first == last)
                {
                    continue;
                }

                new Span<float>(sum, stride).Clear();
                for (int e = first; e < last; e++)
                {
                    int u = _itemUsers[e];
                    AddScaled(sum, g + (nint)u * stride, _norm[u], stride);
                }

                float keep = 1 + learningRate * Damping * _pull[i];
                float divide = 1 / (1 + learningRate * (((Damping + _ratingRegularization) * _pull[i]) + _factorRegularization));
                float* row = y + (nint)i * stride;
                for (int d = 0; d < stride; d++)
                {
                    row[d] = ((row[d] * keep) + (learningRate * sum[d])) * divide;
                }
            }
        });
        ComputeSums(users, parallel);
        GC.KeepAlive(Implicit);
        GC.KeepAlive(Sums);
        GC.KeepAlive(Gradients);
    }

    /// <summary>Adds z_u to each user's factors (entity order, <c>rank</c> values per user), as the stored model holds them.</summary>
    public void AddSumsTo(float[] userFactors)
    {
        int stride = Sums.Stride;
        for (int entity = 0; entity < _userLayout.Count; entity++)
        {
            var sum = new ReadOnlySpan<float>(Sums.Rows + (nint)_userLayout.Row[entity] * stride, _rank);
            Span<float> factors = userFactors.AsSpan(entity * _rank, _rank);
            System.Numerics.Tensors.TensorPrimitives.Add(factors, sum, factors);
        }

        GC.KeepAlive(Sums);
    }

    /// <summary>Copies y into entity order (<c>rank</c> values per item).</summary>
    public float[] ImplicitFactors(BlockLayout itemLayout)
    {
        var result = new float[itemLayout.Count * _rank];
        var unusedBias = new float[itemLayout.Count];
        Implicit.CopyTo(result, unusedBias);
        return result;
    }

    private void ComputeSums(int users, ParallelOptions parallel)
    {
        int stride = Sums.Stride;
        nint implicitRows = (nint)Implicit.Rows, sumRows = (nint)Sums.Rows;
        For(users, parallel, (from, to) =>
        {
            float* y = (float*)implicitRows, z = (float*)sumRows;
            for (int u = from; u < to; u++)
            {
                float* row = z + (nint)u * stride;
                new Span<float>(row, stride).Clear();
                for (int e = _userStart[u]; e < _userStart[u + 1]; e++)
                {
                    AddScaled(row, y + (nint)_userItems[e] * stride, 1, stride);
                }

                var values = new Span<float>(row, stride);
                System.Numerics.Tensors.TensorPrimitives.Multiply(values, _norm[u], values);
            }
        });
    }

    /// <summary>Runs <paramref name="body"/> over [0, count) in <c>blocks</c> fixed ranges (each value is computed by one thread in a fixed
    /// order, so the result does not depend on the scheduling).</summary>
    private void For(int count, ParallelOptions parallel, Action<int, int> body)
    {
        if (_blocks == 1 || count < 1024)
        {
            body(0, count);
            return;
        }

        int chunks = _blocks * 4;
        Parallel.For(0, chunks, parallel, c => body((int)((long)count * c / chunks), (int)((long)count * (c + 1) / chunks)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(float* into, float* row, float scale, int stride) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(row, stride), scale, new ReadOnlySpan<float>(into, stride),
            new Span<float>(into, stride));
}
