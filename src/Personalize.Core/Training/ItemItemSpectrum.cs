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

        Parallel.For(0, items, parallel, j =>
        {
            for (int k = 0; k < rank; k++)
            {
                int c = order[k];
                double sum = 0;
                for (int a = 0; a < width; a++)
                {
                    sum += vectors[a, c] * basis[a][j];
                }

                itemVectors[(long)j * rank + k] = (float)sum;
            }
        });
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
    private const int RowBlock = 4096;

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

    /// <summary>The eigenvalues and eigenvectors (columns) of a small symmetric matrix, by cyclic Jacobi rotations.</summary>
    internal static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix, int n)
    {
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            v[i, i] = 1;
        }

        double scale = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                scale += a[i, j] * a[i, j];
            }
        }

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    off += a[i, j] * a[i, j];
                }
            }

            if (off <= 1e-30 * scale)
            {
                break;
            }

            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0)
                    {
                        continue;
                    }

                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double tangent = (theta >= 0 ? 1 : -1) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double cos = 1 / Math.Sqrt(tangent * tangent + 1), sin = tangent * cos;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = cos * akp - sin * akq;
                        a[k, q] = sin * akp + cos * akq;
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = cos * apk - sin * aqk;
                        a[q, k] = sin * apk + cos * aqk;
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = cos * vkp - sin * vkq;
                        v[k, q] = sin * vkp + cos * vkq;
                    }
                }
            }
        }

        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }

        return (values, v);
    }
}
