using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Training;

/// <summary>
/// The leading eigenpairs of the item co-occurrence matrix <c>G = XᵀX</c> (X the users × items 0/1 matrix of who had what), and from
/// them a low-rank form of the closed-form item-item model EASE (Steck 2019) that can be blended into a factor model.
/// </summary>
/// <remarks>
/// <para>EASE scores an item <c>j</c> the user has not had as <c>−(x P)_j / P_jj</c> with <c>P = (G + λI)⁻¹</c>. Writing
/// <c>P = (I − H) / λ</c> with <c>H = G (G + λI)⁻¹</c>, the score of an unseen item is <c>(x H)_j d_j / λ</c>, <c>d_j = 1 / P_jj</c>.
/// <c>H</c> shares G's eigenvectors with eigenvalues <c>γ = g / (g + λ)</c>, largest where G is largest, so its top <c>r</c> eigenpairs
/// carry most of it: the score becomes a dot product of the user part <c>t = Σ_{i had} w_i</c> (w_i an item's row of the r
/// eigenvectors) with the item part <c>γ ∘ w_j · d_j / λ</c>, and <c>P_jj</c> is estimated from the same r pairs plus <c>(1 − |w_j|²) / λ</c>
/// for the rest of the spectrum. No m × m matrix is formed or inverted: the pairs come from subspace iteration with products
/// <c>Xᵀ(X Y)</c> on the sparse data, and one decomposition serves every λ.</para>
/// <para>Scratch measurements (benchmarks/README.md, per-user 75/25, NDCG@10): blended with the tuned implicit ALS model, it led on the
/// bundled sample (+7 %) and on Jester (+2 %), and was not chosen on a validation part of Amazon or Last.fm. <see cref="ImplicitAlsTrainer"/>
/// uses it when <see cref="ImplicitAlsTrainer.Options.ItemItemWeight"/> is above 0.</para>
/// </remarks>
internal sealed class ItemItemSpectrum
{
    private ItemItemSpectrum(int items, int rank, double[] eigenvalues, float[] vectors)
    {
        Items = items;
        Rank = rank;
        Eigenvalues = eigenvalues;
        Vectors = vectors;
    }

    /// <summary>Gets the number of items.</summary>
    public int Items { get; }

    /// <summary>Gets the number of eigenpairs kept.</summary>
    public int Rank { get; }

    /// <summary>Gets the eigenvalues of G, largest first.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>Gets the eigenvectors, one row of <see cref="Rank"/> values per item (item-major).</summary>
    public float[] Vectors { get; }

    /// <summary>Computes the top <paramref name="rank"/> eigenpairs of <c>XᵀX</c> by subspace iteration and a Rayleigh-Ritz step.</summary>
    /// <param name="data">The feedback; each (user, item) entry counts as 1 whatever its weight.</param>
    /// <param name="rank">How many pairs to keep; at most the number of items.</param>
    /// <param name="iterations">How many subspace-iteration steps to run (each is one product with G).</param>
    /// <param name="seed">The seed of the random start: the same data, rank and seed give the same pairs.</param>
    /// <param name="parallel">The degree of parallelism and cancellation.</param>
    /// <returns>The pairs.</returns>
    public static ItemItemSpectrum Compute(FeedbackMatrix data, int rank, int iterations, int seed, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(data);
        int items = data.NumberOfItems, users = data.NumberOfUsers;
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, items);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        // Oversampling makes the leading r pairs converge faster than the space's last columns.
        int width = Math.Min(items, rank + Math.Max(8, rank / 8));
        var random = new Random(seed);
        var basis = new double[width][];
        for (int c = 0; c < width; c++)
        {
            var column = new double[items];
            for (int i = 0; i < items; i++)
            {
                column[i] = random.NextDouble() - 0.5;
            }

            basis[c] = column;
        }

        // Y ← G Y, one column per task: X Y per user (in a buffer per thread), then Xᵀ of it per item (sums in a fixed order, so the
        // result does not depend on the thread count).
        void MultiplyByGram(double[][] source, double[][] destination)
        {
            Parallel.For(0, width, parallel, () => new double[users], (c, _, xy) =>
            {
                double[] y = source[c], result = destination[c];
                for (int u = 0; u < users; u++)
                {
                    double sum = 0;
                    for (int e = data.UserOffsets[u]; e < data.UserOffsets[u + 1]; e++)
                    {
                        sum += y[data.UserItems[e]];
                    }

                    xy[u] = sum;
                }

                for (int j = 0; j < items; j++)
                {
                    double sum = 0;
                    for (int e = data.ItemOffsets[j]; e < data.ItemOffsets[j + 1]; e++)
                    {
                        sum += xy[data.ItemUsers[e]];
                    }

                    result[j] = sum;
                }

                return xy;
            }, static _ => { });
        }

        var product = new double[width][];
        for (int c = 0; c < width; c++)
        {
            product[c] = new double[items];
        }

        for (int step = 0; step < iterations; step++)
        {
            Orthonormalize(basis, parallel);
            MultiplyByGram(basis, product);
            (basis, product) = (product, basis);
        }

        Orthonormalize(basis, parallel);
        MultiplyByGram(basis, product);
        // Rayleigh-Ritz: the small matrix T = Yᵀ G Y, its eigenpairs, and back to item space.
        var t = new double[width, width];
        Parallel.For(0, width, parallel, a =>
        {
            for (int b = a; b < width; b++)
            {
                double dot = Dot(basis[a], product[b]);
                t[a, b] = dot;
                t[b, a] = dot;
            }
        });
        // T is symmetric up to rounding; average the two triangles so the eigen-solver sees an exactly symmetric matrix.
        for (int a = 0; a < width; a++)
        {
            for (int b = a + 1; b < width; b++)
            {
                double mean = 0.5 * (t[a, b] + t[b, a]);
                t[a, b] = mean;
                t[b, a] = mean;
            }
        }

        var (values, vectors) = SymmetricEigen(t, width);
        int[] order = Enumerable.Range(0, width).OrderByDescending(i => values[i]).ThenBy(i => i).Take(rank).ToArray();
        var eigenvalues = new double[rank];
        var itemVectors = new float[(long)items * rank];
        for (int k = 0; k < rank; k++)
        {
            int c = order[k];
            eigenvalues[k] = Math.Max(0, values[c]);
        }

        // Back to item space: each item's row is Σ_a basis[a][j] · (row a of the kept Ritz vectors), summed in double on contiguous rows.
        var kept = new double[width * rank];
        for (int a = 0; a < width; a++)
        {
            for (int k = 0; k < rank; k++)
            {
                kept[a * rank + k] = vectors[a, order[k]];
            }
        }

        Parallel.For(0, items, parallel, () => new double[rank], (j, _, row) =>
        {
            Array.Clear(row);
            for (int a = 0; a < width; a++)
            {
                TensorPrimitives.MultiplyAdd<double>(kept.AsSpan(a * rank, rank), basis[a][j], row, row);
            }

            Span<float> destination = itemVectors.AsSpan((int)((long)j * rank), rank);
            for (int k = 0; k < rank; k++)
            {
                destination[k] = (float)row[k];
            }

            return row;
        }, static _ => { });
        return new ItemItemSpectrum(items, rank, eigenvalues, itemVectors);
    }

    /// <summary>The item parts of the low-rank EASE scores for regularization <paramref name="lambda"/>: item-major, <see cref="Rank"/>
    /// values per item, <c>γ_k w_jk d_j / λ</c>.</summary>
    /// <param name="lambda">EASE's λ, greater than 0.</param>
    /// <returns>The item parts.</returns>
    public float[] ItemParts(double lambda)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lambda);
        int r = Rank;
        var gamma = new double[r];
        var inverse = new double[r];
        for (int k = 0; k < r; k++)
        {
            gamma[k] = Eigenvalues[k] / (Eigenvalues[k] + lambda);
            inverse[k] = 1 / (Eigenvalues[k] + lambda);
        }

        var parts = new float[Vectors.Length];
        for (int j = 0; j < Items; j++)
        {
            ReadOnlySpan<float> w = Vectors.AsSpan((int)((long)j * r), r);
            double diagonal = 0, covered = 0;
            for (int k = 0; k < r; k++)
            {
                double x = w[k];
                diagonal += x * x * inverse[k];
                covered += x * x;
            }

            // P_jj: the kept pairs exactly, the rest of the spectrum as if its eigenvalues were 0.
            diagonal += Math.Max(0, 1 - covered) / lambda;
            double scale = 1 / (diagonal * lambda);
            Span<float> destination = parts.AsSpan((int)((long)j * r), r);
            for (int k = 0; k < r; k++)
            {
                destination[k] = (float)(gamma[k] * w[k] * scale);
            }
        }

        return parts;
    }

    /// <summary>The item-item part for regularization <paramref name="lambda"/>: the item values and their moments, ready to blend.</summary>
    /// <param name="lambda">EASE's λ, greater than 0.</param>
    /// <param name="parallel">The degree of parallelism.</param>
    /// <returns>The part.</returns>
    public ItemItemPart Prepare(double lambda, ParallelOptions parallel) => new(Items, Rank, lambda, Eigenvalues, Vectors, ItemParts(lambda), parallel);

    /// <summary>Blends, as <see cref="ItemItemPart.Blend"/> does, after <see cref="Prepare"/>.</summary>
    /// <param name="model">The implicit factor model trained on <paramref name="data"/>.</param>
    /// <param name="data">The feedback the model was trained on (same user and item indices).</param>
    /// <param name="lambda">EASE's λ.</param>
    /// <param name="weight">The item-item share w, in [0, 1].</param>
    /// <param name="properties">The blended model's properties.</param>
    /// <returns>The blended model, with <c>k + r</c> factors.</returns>
    public FactorModel Blend(FactorModel model, FeedbackMatrix data, double lambda, float weight, IReadOnlyDictionary<string, string> properties) =>
        Prepare(lambda, new ParallelOptions()).Blend(model, data, weight, properties, new ParallelOptions());

    private static double Dot(double[] x, double[] y) => TensorPrimitives.Dot<double>(x, y);

    /// <summary>Rows per block of the orthonormalization's updates: fixed, so that the result never depends on the thread count.</summary>
    private const int RowBlock = 512;

    /// <summary>Classical Gram-Schmidt applied twice per column (as stable as modified Gram-Schmidt, and parallel: the projections on the
    /// earlier columns are independent dot products, and the update runs by fixed blocks of rows); a column that vanishes is left as
    /// zeros.</summary>
    private static void Orthonormalize(double[][] columns, ParallelOptions parallel)
    {
        int length = columns.Length == 0 ? 0 : columns[0].Length;
        int blocks = (length + RowBlock - 1) / RowBlock;
        var coefficients = new double[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            double[] column = columns[c];
            for (int pass = 0; pass < 2 && c > 0; pass++)
            {
                Parallel.For(0, c, parallel, d => coefficients[d] = TensorPrimitives.Dot<double>(column, columns[d]));
                int earlier = c;
                Parallel.For(0, blocks, parallel, b =>
                {
                    int start = b * RowBlock, count = Math.Min(RowBlock, length - start);
                    Span<double> target = column.AsSpan(start, count);
                    for (int d = 0; d < earlier; d++)
                    {
                        TensorPrimitives.MultiplyAdd<double>(columns[d].AsSpan(start, count), -coefficients[d], target, target);
                    }
                });
            }

            double norm = Math.Sqrt(TensorPrimitives.Dot<double>(column, column));
            TensorPrimitives.Multiply<double>(column, norm > 1e-300 ? 1 / norm : 0, column);
        }
    }

    /// <summary>The eigenvalues and eigenvectors (columns) of a small symmetric matrix: Householder reduction to tridiagonal form, then
    /// the implicit-shift QL iteration (Wilkinson and Reinsch), about 4n³ flops on contiguous rows; cyclic Jacobi rotations, which this
    /// replaced, took several times as long at the wider item-item rank (4.8 s against about 0.4 s at n = 576).</summary>
    /// <exception cref="InvalidOperationException">The iteration did not converge (it takes 1-3 steps per eigenvalue in practice).</exception>
    internal static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix, int n)
    {
        // The matrix, row-major, and W = Qᵀ, whose rows become the eigenvectors.
        var a = new double[n * n];
        var w = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i * n + j] = matrix[i, j];
            }

            w[i * n + i] = 1;
        }

        // Householder: for each column k, H = I − 2vvᵀ zeroes its entries below the subdiagonal; A ← HAH on the trailing block as
        // A − 2(v uᵀ + u vᵀ) with p = A v and u = p − (vᵀp) v, and W ← H W.
        var v = new double[n];
        var p = new double[n];
        var t = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            int m = n - k - 1, start = k + 1;
            Span<double> x = a.AsSpan(k * n + start, m);
            double norm = Math.Sqrt(TensorPrimitives.Dot<double>(x, x));
            if (norm == 0)
            {
                continue;
            }

            double alpha = x[0] > 0 ? -norm : norm;
            Span<double> vk = v.AsSpan(0, m);
            x.CopyTo(vk);
            vk[0] -= alpha;
            double length = Math.Sqrt(TensorPrimitives.Dot<double>(vk, vk));
            if (length == 0)
            {
                continue;
            }

            TensorPrimitives.Multiply<double>(vk, 1 / length, vk);
            Span<double> pk = p.AsSpan(0, m);
            for (int i = 0; i < m; i++)
            {
                pk[i] = TensorPrimitives.Dot<double>(a.AsSpan((start + i) * n + start, m), vk);
            }

            double kv = TensorPrimitives.Dot<double>(vk, pk);
            TensorPrimitives.MultiplyAdd<double>(vk, -kv, pk, pk);   // u = p − (vᵀp) v
            for (int i = 0; i < m; i++)
            {
                Span<double> row = a.AsSpan((start + i) * n + start, m);
                TensorPrimitives.MultiplyAdd<double>(pk, -2 * vk[i], row, row);
                TensorPrimitives.MultiplyAdd<double>(vk, -2 * pk[i], row, row);
            }

            // Column k and row k now hold alpha on the subdiagonal and zeros below it.
            a[k * n + start] = alpha;
            a[start * n + k] = alpha;
            for (int i = 1; i < m; i++)
            {
                a[k * n + start + i] = 0;
                a[(start + i) * n + k] = 0;
            }

            // W ← H W: t = vᵀ W[start..], then W[start + i] −= 2 v_i t.
            Array.Clear(t);
            for (int i = 0; i < m; i++)
            {
                TensorPrimitives.MultiplyAdd<double>(w.AsSpan((start + i) * n, n), vk[i], t, t);
            }

            for (int i = 0; i < m; i++)
            {
                Span<double> row = w.AsSpan((start + i) * n, n);
                TensorPrimitives.MultiplyAdd<double>(t, -2 * vk[i], row, row);
            }
        }

        var d = new double[n];
        var e = new double[n];   // e[i] couples d[i] and d[i + 1]; e[n − 1] = 0
        for (int i = 0; i < n; i++)
        {
            d[i] = a[i * n + i];
            e[i] = i + 1 < n ? a[i * n + i + 1] : 0;
        }

        // Implicit QL with Wilkinson's shift on each unreduced block; every plane rotation of T mixes two rows of W.
        for (int l = 0; l < n; l++)
        {
            for (int iteration = 0; ; iteration++)
            {
                int m = l;
                while (m < n - 1 && Math.Abs(e[m]) > 1e-15 * (Math.Abs(d[m]) + Math.Abs(d[m + 1])))
                {
                    m++;
                }

                if (m == l)
                {
                    break;
                }

                if (iteration == 60)
                {
                    throw new InvalidOperationException("The symmetric eigenvalue iteration did not converge.");
                }

                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = double.Hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                double s = 1, c = 1, shift = 0;
                bool deflated = false;
                for (int i = m - 1; i >= l; i--)
                {
                    double f = s * e[i], b = c * e[i];
                    r = double.Hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0)
                    {
                        // An exact zero split the block: undo the last update and start over on the smaller block.
                        d[i + 1] -= shift;
                        e[m] = 0;
                        deflated = true;
                        break;
                    }

                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - shift;
                    r = (d[i] - g) * s + 2 * c * b;
                    shift = s * r;
                    d[i + 1] = g + shift;
                    g = c * r - b;
                    Rotate(w.AsSpan(i * n, n), w.AsSpan((i + 1) * n, n), c, s);
                }

                if (!deflated)
                {
                    d[l] -= shift;
                    e[l] = g;
                    e[m] = 0;
                }
            }
        }

        var vectors = new double[n, n];
        for (int c = 0; c < n; c++)
        {
            for (int r = 0; r < n; r++)
            {
                vectors[r, c] = w[c * n + r];
            }
        }

        return (d, vectors);
    }

    /// <summary>Rows i and i + 1 of W after the rotation of T's columns i and i + 1: (c·wᵢ − s·wᵢ₊₁, s·wᵢ + c·wᵢ₊₁).</summary>
    private static void Rotate(Span<double> first, Span<double> second, double c, double s)
    {
        for (int k = 0; k < first.Length; k++)
        {
            double x = first[k], y = second[k];
            first[k] = c * x - s * y;
            second[k] = s * x + c * y;
        }
    }
}
