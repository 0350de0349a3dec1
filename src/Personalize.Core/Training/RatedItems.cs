using Personalize.Core.Data;

namespace Personalize.Core.Training;

/// <summary>
/// The SVD++ part of explicit training (Koren, "Factorization Meets the Neighborhood", 2008): every item j has a second factor row
/// y_j, and a user u is represented by p_u + z_u with z_u = |N(u)|^-1/2 Σ_{j ∈ N(u)} y_j over the items N(u) the user rated.
/// </summary>
/// <remarks>
/// <para>Deterministic and free of races in block-parallel SGD, with per-user updates of y as in Koren's SGD: z_u is kept as the
/// sum of one part per item block, z_u = Σ_c z_u^(c) with z_u^(c) = |N(u)|^-1/2 Σ_{j ∈ N(u) ∩ c} y_j. A cell (user block b, item
/// block c) holds each user's ratings together, and for each user the kernel (<see cref="SgdKernel.Run(Entry[], float, RatedItems, int)"/>)
/// first recomputes z_u^(c) from the current y of block c, then takes the SGD steps of the user's ratings with p_u + z_u, then moves
/// the y of those items by the user's gradient. The thread of a cell owns user block b (so z_u and its parts) and item block c (so
/// those y): no value is written by two threads, and every read of y sees the values of a fixed order of updates.</para>
/// <para>The y gradient of a visit comes from the user's ratings in block c only; it is scaled by |N(u)| / |N(u) ∩ c| to be an
/// unbiased estimate of the gradient of all the user's ratings. With one block this would be Koren's SGD with one y update per user;
/// the trainer's 8 blocks (whatever the thread count) estimate the gradient from fewer ratings (held-out RMSE on generated ratings where users rate what they like, 32
/// factors, in a single-threaded simulation of the blocks: 1 block 0.807, 2 blocks 0.809, 4 blocks 0.811, against 0.830 without
/// rated items). Updating y once per epoch from all its raters instead keeps less than half of that gain and, undamped, diverges
/// on dense ratings. The regularization is per rating
/// as in Koren's SGD (a visit shrinks each y_j by λ_y / m_j + λ_r,y |N(u)|, m_j the raters of j): applied once per user it overfits
/// heavy users.</para>
/// <para>At the end of training z_u is recomputed from the final y and added to the stored user factors, so serving sees an ordinary
/// factor model.</para>
/// </remarks>
internal sealed unsafe class RatedItems
{
    /// <summary>The regularization of y as a multiple of the factors' (per entity and per rating).</summary>
    internal const float RegularizationScale = 0.1f;

    private readonly BlockLayout _userLayout;
    private readonly int _rank;
    private readonly int _blocks;
    private readonly int _itemCount;
    private readonly int[] _userStart;     // by user row: the item rows each user rated, ascending
    private readonly int[] _userItems;

    /// <summary>Builds the rated-item lists of the users (rows of the tables) and zero y, z and parts of z.</summary>
    public RatedItems(RatingMatrix data, BlockLayout userLayout, BlockLayout itemLayout, int rank, int blocks, float factorRegularization,
        float ratingRegularization)
    {
        _userLayout = userLayout;
        _rank = rank;
        _blocks = blocks;
        _itemCount = itemLayout.Count;
        ImplicitRegularization = factorRegularization * RegularizationScale;
        ImplicitRatingRegularization = ratingRegularization * RegularizationScale;
        int users = userLayout.Count;
        ReadOnlySpan<int> ratedUsers = data.UserIndices, ratedItems = data.ItemIndices;
        _userStart = new int[users + 1];
        for (int e = 0; e < ratedUsers.Length; e++)
        {
            _userStart[userLayout.Row[ratedUsers[e]] + 1]++;
        }

        for (int u = 0; u < users; u++)
        {
            _userStart[u + 1] += _userStart[u];
        }

        _userItems = new int[ratedUsers.Length];
        int[] fill = (int[])_userStart.Clone();
        for (int e = 0; e < ratedUsers.Length; e++)
        {
            _userItems[fill[userLayout.Row[ratedUsers[e]]]++] = itemLayout.Row[ratedItems[e]];
        }

        Norm = new float[users];
        Count = new float[users];
        for (int u = 0; u < users; u++)
        {
            // Ascending rows, so the sum at the end runs in one fixed order whatever the order of the data.
            Array.Sort(_userItems, _userStart[u], _userStart[u + 1] - _userStart[u]);
            int n = _userStart[u + 1] - _userStart[u];
            Count[u] = n;
            Norm[u] = n == 0 ? 0 : 1 / MathF.Sqrt(n);
        }

        Implicit = new SgdTable(itemLayout, rank);
        Sums = new SgdTable(userLayout, rank);
        Parts = new SgdTable(new BlockLayout(new int[users * blocks], 1), rank);
    }

    /// <summary>Gets y, by item row.</summary>
    public SgdTable Implicit { get; }

    /// <summary>Gets z, by user row.</summary>
    public SgdTable Sums { get; }

    /// <summary>Gets the parts of z, row <c>user row × blocks + item block</c>.</summary>
    public SgdTable Parts { get; }

    /// <summary>Gets the number of item blocks.</summary>
    public int Blocks => _blocks;

    /// <summary>Gets |N(u)|^-1/2 by user row (0 for none).</summary>
    public float[] Norm { get; }

    /// <summary>Gets |N(u)| by user row.</summary>
    public float[] Count { get; }

    /// <summary>Gets λ_y, per item as the factors' per-entity regularization.</summary>
    public float ImplicitRegularization { get; }

    /// <summary>Gets λ_r,y, per rating.</summary>
    public float ImplicitRatingRegularization { get; }

    /// <summary>Adds z_u, recomputed from the current y, to each user's factors (entity order, <c>rank</c> values per user), as the
    /// stored model holds them.</summary>
    public void AddSumsTo(float[] userFactors)
    {
        int stride = Implicit.Stride;
        float* y = Implicit.Rows;
        var sum = new float[stride];
        for (int entity = 0; entity < _userLayout.Count; entity++)
        {
            int u = _userLayout.Row[entity];
            Array.Clear(sum);
            for (int e = _userStart[u]; e < _userStart[u + 1]; e++)
            {
                var row = new ReadOnlySpan<float>(y + (nint)_userItems[e] * stride, stride);
                System.Numerics.Tensors.TensorPrimitives.Add(sum, row, sum);
            }

            Span<float> factors = userFactors.AsSpan(entity * _rank, _rank);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(sum.AsSpan(0, _rank), Norm[u], factors, factors);
        }

        GC.KeepAlive(Implicit);
    }

    /// <summary>Copies y into entity order (<c>rank</c> values per item).</summary>
    public float[] ImplicitFactors()
    {
        var result = new float[_itemCount * _rank];
        Implicit.CopyTo(result, new float[_itemCount]);
        return result;
    }

    /// <summary>Reorders each cell so that each user's ratings are together: users in an order drawn from <paramref name="random"/>,
    /// each user's ratings in the cell's shuffled order.</summary>
    public static void GroupByUser(Entry[][] cells, int users, Random random)
    {
        var rank = new int[users];
        for (int u = 0; u < users; u++)
        {
            rank[u] = u;
        }

        random.Shuffle(rank);
        foreach (Entry[] cell in cells)
        {
            var keys = new long[cell.Length];
            for (int e = 0; e < cell.Length; e++)
            {
                keys[e] = ((long)rank[cell[e].User] << 32) | (uint)e;
            }

            Array.Sort(keys, cell);
        }
    }
}
