using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Xunit;

namespace Personalize.Core.Tests.Training;

public sealed class ItemItemSpectrumTests
{
    /// <summary>Users in three taste groups, each picking mostly from its own third of the items.</summary>
    private static FeedbackMatrix Data(int users, int items, int perUser, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < users; u++)
        {
            int group = u % 3;
            for (int e = 0; e < perUser; e++)
            {
                int item = random.NextDouble() < 0.8 ? group * (items / 3) + random.Next(items / 3) : random.Next(items);
                rows.Add(new Interaction($"u{u}", $"i{item}"));
            }
        }

        return FeedbackMatrix.FromLog(InteractionLog.Create(rows));
    }

    private static double[,] Gram(FeedbackMatrix data)
    {
        int n = data.NumberOfItems;
        var g = new double[n, n];
        for (int u = 0; u < data.NumberOfUsers; u++)
        {
            ReadOnlySpan<int> had = data.GetItems(u);
            foreach (int a in had)
            {
                foreach (int b in had)
                {
                    g[a, b]++;
                }
            }
        }

        return g;
    }

    private static double[,] Inverse(double[,] matrix, int n)
    {
        var a = (double[,])matrix.Clone();
        var inverse = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            inverse[i, i] = 1;
        }

        for (int k = 0; k < n; k++)
        {
            double pivot = a[k, k];
            for (int j = 0; j < n; j++)
            {
                a[k, j] /= pivot;
                inverse[k, j] /= pivot;
            }

            for (int i = 0; i < n; i++)
            {
                if (i == k)
                {
                    continue;
                }

                double f = a[i, k];
                for (int j = 0; j < n; j++)
                {
                    a[i, j] -= f * a[k, j];
                    inverse[i, j] -= f * inverse[k, j];
                }
            }
        }

        return inverse;
    }

    [Fact]
    public void Eigenpairs_satisfy_G_w_equals_g_w_and_are_orthonormal()
    {
        FeedbackMatrix data = Data(users: 120, items: 30, perUser: 6, seed: 1);
        double[,] g = Gram(data);
        ItemItemSpectrum spectrum = ItemItemSpectrum.Compute(data, rank: 5, iterations: 40, seed: 2, new ParallelOptions());
        int n = data.NumberOfItems;
        Assert.Equal(5, spectrum.Rank);
        for (int k = 0; k < spectrum.Rank; k++)
        {
            if (k > 0)
            {
                Assert.True(spectrum.Eigenvalues[k] <= spectrum.Eigenvalues[k - 1], "eigenvalues must come largest first");
            }

            double residual = 0;
            for (int i = 0; i < n; i++)
            {
                double gw = 0;
                for (int j = 0; j < n; j++)
                {
                    gw += g[i, j] * spectrum.Vectors[j * 5 + k];
                }

                double diff = gw - spectrum.Eigenvalues[k] * spectrum.Vectors[i * 5 + k];
                residual += diff * diff;
            }

            Assert.True(Math.Sqrt(residual) < 1e-3 * spectrum.Eigenvalues[0], $"pair {k}: |G w − g w| = {Math.Sqrt(residual)}");
            for (int l = 0; l <= k; l++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++)
                {
                    dot += (double)spectrum.Vectors[i * 5 + k] * spectrum.Vectors[i * 5 + l];
                }

                Assert.Equal(k == l ? 1.0 : 0.0, dot, 4);
            }
        }
    }

    [Fact]
    public void At_full_rank_the_eigenvalues_sum_to_the_trace_and_the_scores_are_exactly_EASE()
    {
        FeedbackMatrix data = Data(users: 90, items: 18, perUser: 5, seed: 3);
        int n = data.NumberOfItems;
        ItemItemSpectrum spectrum = ItemItemSpectrum.Compute(data, rank: n, iterations: 3, seed: 4, new ParallelOptions());
        // The trace of XᵀX is the number of (user, item) entries.
        Assert.Equal(data.NumberOfEntries, spectrum.Eigenvalues.Sum(), 2);

        const double lambda = 7;
        double[,] g = Gram(data);
        for (int i = 0; i < n; i++)
        {
            g[i, i] += lambda;
        }

        double[,] p = Inverse(g, n);
        ItemItemPart part = spectrum.Prepare(lambda, new ParallelOptions());
        float[] parts = part.ItemParts;
        var userPart = new float[n];
        int compared = 0;
        for (int u = 0; u < data.NumberOfUsers; u++)
        {
            ReadOnlySpan<int> had = data.GetItems(u);
            part.UserPart(had, userPart);
            for (int j = 0; j < n; j++)
            {
                if (had.Contains(j))
                {
                    continue;
                }

                // EASE: B_ij = −P_ij / P_jj, the score of j is the sum over the items the user had.
                double ease = 0;
                foreach (int i in had)
                {
                    ease += -p[i, j] / p[j, j];
                }

                double lowRank = 0;
                for (int k = 0; k < n; k++)
                {
                    lowRank += (double)userPart[k] * parts[j * n + k];
                }

                Assert.Equal(ease, lowRank, 3);
                compared++;
            }
        }

        Assert.True(compared > 500);
    }

    [Fact]
    public void The_pairs_do_not_depend_on_the_thread_count()
    {
        FeedbackMatrix data = Data(users: 200, items: 60, perUser: 8, seed: 5);
        ItemItemSpectrum one = ItemItemSpectrum.Compute(data, rank: 8, iterations: 6, seed: 6, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        ItemItemSpectrum two = ItemItemSpectrum.Compute(data, rank: 8, iterations: 6, seed: 6, new ParallelOptions { MaxDegreeOfParallelism = 2 });
        Assert.Equal(one.Eigenvalues, two.Eigenvalues);
        Assert.Equal(one.Vectors, two.Vectors);
    }

    [Fact]
    public void The_blend_scores_are_the_weighted_sum_of_each_users_standardized_scores()
    {
        FeedbackMatrix data = Data(users: 150, items: 45, perUser: 7, seed: 7);
        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 6, NumberOfIterations = 5 }).Fit(data);
        int n = data.NumberOfItems, k = model.NumberOfFactors;
        ItemItemSpectrum spectrum = ItemItemSpectrum.Compute(data, rank: 10, iterations: 10, seed: 8, new ParallelOptions());
        const double lambda = 20;
        const float weight = 0.4f;
        FactorModel blended = spectrum.Blend(model, data, lambda, weight, model.Properties);
        Assert.Equal(k + 10, blended.NumberOfFactors);
        Assert.Equal(model.GetSeenItems(3).ToArray(), blended.GetSeenItems(3).ToArray());

        ItemItemPart part = spectrum.Prepare(lambda, new ParallelOptions());
        float[] parts = part.ItemParts;
        var userPart = new float[10];
        for (int u = 0; u < data.NumberOfUsers; u += 7)
        {
            part.UserPart(data.GetItems(u), userPart);
            var factor = new double[n];
            var itemItem = new double[n];
            for (int j = 0; j < n; j++)
            {
                factor[j] = model.Score(u, j);
                for (int f = 0; f < 10; f++)
                {
                    itemItem[j] += (double)userPart[f] * parts[j * 10 + f];
                }
            }

            double factorSpread = Spread(factor), itemItemSpread = Spread(itemItem);
            Assert.True(factorSpread > 0 && itemItemSpread > 0);
            for (int j = 0; j < n; j++)
            {
                double expected = (1 - weight) * factor[j] / factorSpread + weight * itemItem[j] / itemItemSpread;
                Assert.Equal(expected, blended.Score(u, j), 3);
            }
        }
    }

    [Fact]
    public void A_blend_with_weight_zero_ranks_every_user_as_the_factor_model_does()
    {
        FeedbackMatrix data = Data(users: 90, items: 36, perUser: 6, seed: 9);
        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 4 }).Fit(data);
        ItemItemSpectrum spectrum = ItemItemSpectrum.Compute(data, rank: 6, iterations: 6, seed: 10, new ParallelOptions());
        FactorModel blended = spectrum.Blend(model, data, 10, 0f, model.Properties);
        for (int u = 0; u < data.NumberOfUsers; u++)
        {
            int[] expected = Enumerable.Range(0, data.NumberOfItems).OrderByDescending(j => model.Score(u, j)).ThenBy(j => j).ToArray();
            int[] actual = Enumerable.Range(0, data.NumberOfItems).OrderByDescending(j => blended.Score(u, j)).ThenBy(j => j).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        FeedbackMatrix data = Data(users: 30, items: 12, perUser: 4, seed: 11);
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemItemSpectrum.Compute(data, 0, 3, 1, new ParallelOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemItemSpectrum.Compute(data, data.NumberOfItems + 1, 3, 1, new ParallelOptions()));
        ItemItemSpectrum spectrum = ItemItemSpectrum.Compute(data, 3, 3, 1, new ParallelOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => spectrum.ItemParts(0));
        FeedbackMatrix other = Data(users: 30, items: 9, perUser: 4, seed: 12);
        FactorModel model = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfFactors = 2, NumberOfIterations = 1 }).Fit(other);
        Assert.Throws<ArgumentException>(() => spectrum.Blend(model, other, 1, 0.5f, model.Properties));
        Assert.Throws<ArgumentOutOfRangeException>(() => spectrum.Blend(model, other, 1, 1.5f, model.Properties));
    }

    private static double Spread(double[] scores)
    {
        double mean = scores.Average();
        return Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / scores.Length);
    }
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(17, 3)]
    [InlineData(150, 4)]
    [InlineData(300, 5)]
    public void SymmetricEigen_returns_orthonormal_vectors_with_A_v_equal_to_lambda_v(int n, int seed)
    {
        var random = new Random(seed);
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                // A Gram-like matrix: a dominant diagonal that falls off, as Rayleigh-Ritz sees, plus dense noise.
                double value = (i == j ? 1000.0 / (1 + i) : 0) + (random.NextDouble() - 0.5);
                matrix[i, j] = value;
                matrix[j, i] = value;
            }
        }

        AssertEigenpairs(matrix, n);
    }

    [Fact]
    public void SymmetricEigen_handles_repeated_eigenvalues_zeros_and_an_already_diagonal_matrix()
    {
        var repeated = new double[6, 6];
        for (int i = 0; i < 6; i++)
        {
            repeated[i, i] = i < 3 ? 2 : 5;
        }

        repeated[0, 5] = repeated[5, 0] = 1;
        AssertEigenpairs(repeated, 6);
        AssertEigenpairs(new double[4, 4], 4);
        var ones = new double[5, 5];
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                ones[i, j] = 1;   // rank 1: eigenvalues 5, 0, 0, 0, 0
            }
        }

        var (values, _) = ItemItemSpectrum.SymmetricEigen(ones, 5);
        Assert.Equal([0, 0, 0, 0, 5], values.Select(x => Math.Round(x, 9)).Order().ToArray());
        AssertEigenpairs(ones, 5);
    }

    private static void AssertEigenpairs(double[,] matrix, int n)
    {
        var (values, vectors) = ItemItemSpectrum.SymmetricEigen(matrix, n);

        double scale = 1;
        foreach (double x in matrix)
        {
            scale = Math.Max(scale, Math.Abs(x));
        }

        for (int c = 0; c < n; c++)
        {
            for (int r = 0; r < n; r++)
            {
                double product = 0;
                for (int k = 0; k < n; k++)
                {
                    product += matrix[r, k] * vectors[k, c];
                }

                Assert.True(Math.Abs(product - values[c] * vectors[r, c]) <= 1e-9 * scale * n, $"(A v − λ v)[{r}] of pair {c} is {product - values[c] * vectors[r, c]}");
            }

            for (int d = c; d < n; d++)
            {
                double dot = 0;
                for (int k = 0; k < n; k++)
                {
                    dot += vectors[k, c] * vectors[k, d];
                }

                Assert.True(Math.Abs(dot - (c == d ? 1 : 0)) <= 1e-10 * n, $"v{c}·v{d} = {dot}");
            }
        }
    }
}
