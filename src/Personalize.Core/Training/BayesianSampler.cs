using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Internal;
using Personalize.Core.Models;

namespace Personalize.Core.Training;

/// <summary>Bayesian biased matrix factorization by Gibbs sampling (Salakhutdinov and Mnih, "Bayesian Probabilistic Matrix
/// Factorization using Markov Chain Monte Carlo", 2008), for <see cref="BiasedMatrixFactorizationTrainer.Options.UseBayesianSampling"/>.
/// </summary>
/// <remarks>
/// <para>Ratings are standardized (minus their mean, over their standard deviation). A user's row is [f_u, b_u, 1] and an item's
/// [g_i, 1, c_i], so one dot product is f·g + b_u + c_i. The free parts ([f_u, b_u] and [g_i, c_i], k + 1 values) have a Gaussian prior
/// whose mean and precision are drawn each sweep from their Normal-Wishart posterior (μ0 = 0, β0 = 2, ν0 = k + 1, W0 = I); the
/// rating noise precision has a Gamma(1, 1) prior and is drawn too. So nothing is tuned but the number of factors and sweeps.</para>
/// <para>Each sweep draws the users' hyperparameters, every user given the items, the items' hyperparameters, every item given the
/// users, then the noise; with rated items (<see cref="ImplicitPart"/>), each side's draw is followed by the draw of what the other side's
/// choices say about it. A row's draw depends only on the seed, the sweep and the row (the implicit parts are drawn in a fixed order),
/// so the result is the same for any thread count.
/// After <see cref="BurnIn"/> sweeps the rows are summed, each sweep's factors first turned into line with the sums (see
/// <see cref="AddAligned"/>); the model is the posterior mean of the rows (over the sweeps after burn-in), which predicted as well as
/// averaging every sweep's predictions on held-out ratings (generated MovieLens-shaped and taste-driven sets: 0.8832 against 0.8830 and
/// 0.8207 against 0.8213 after 300 sweeps; a 600-user slice 0.9305 against 0.9303).</para>
/// </remarks>
internal static class BayesianSampler
{
    /// <summary>The standard deviation of the initial factors, in standardized rating units. Small starts (0.1) sat for 50-100 sweeps
    /// in a state of small factors and a strong prior before the chain found the structure; 0.3 found it within 20.</summary>
    private const double InitialScale = 0.3;

    /// <summary>The number of sweeps before the rows are summed for the model, whatever the run's length: so the model after sweep e of a
    /// longer run (what a search scores) is the model of a run of e sweeps (what its options train). It was half the sweeps below 20,
    /// and the two differed there. A run of 10 sweeps or fewer gives its last draw.</summary>
    public const int BurnIn = 10;

    /// <summary>Runs <see cref="BiasedMatrixFactorizationTrainer.Options.NumberOfIterations"/> sweeps and returns the posterior-mean model,
    /// calling <paramref name="afterSweep"/> with the model so far after each sweep (false stops there) and <paramref name="build"/> to
    /// make a model from the options to record (with the regularization the prior amounts to) and the values in rating units.</summary>
    public static FactorModel Fit(RatingMatrix data, BiasedMatrixFactorizationTrainer.Options o, IProgress<TrainingProgress>? progress,
        Func<int, FactorModel, bool>? afterSweep, Func<BiasedMatrixFactorizationTrainer.Options, float[], float[], float, float[], float[], FactorModel> build,
        CancellationToken cancellationToken)
    {
        int k = o.NumberOfFactors, width = k + 2, free = k + 1;
        int users = data.Users.Count, items = data.Items.Count, sweeps = o.NumberOfIterations, burnIn = BurnIn;
        double mean = data.Mean, unit = BiasedMatrixFactorizationTrainer.RatingUnit(data);
        Side userSide = Side.Build(users, data.UserIndices, data.ItemIndices, data.Ratings, mean, unit);
        Side itemSide = Side.Build(items, data.ItemIndices, data.UserIndices, data.Ratings, mean, unit);
        var random = new SplitMix((ulong)o.Seed);
        double[] userRows = InitialRows(users, k, oneAt: k + 1, ref random), itemRows = InitialRows(items, k, oneAt: k, ref random);
        // With rated items, both sides also carry what the other side's choices say: each user the items they rated, each item the
        // people who rated it. The rows each side sees of the other are the effective ones (own row plus that part).
        ImplicitPart? rated = o.UseRatedItems ? ImplicitPart.Start(userRows, userSide, items, k, ref random) : null;
        ImplicitPart? raters = o.UseRatedItems ? ImplicitPart.Start(itemRows, itemSide, users, k, ref random) : null;
        double[] effectiveUsers = rated?.Effective ?? userRows, effectiveItems = raters?.Effective ?? itemRows;

        double[] userSum = new double[userRows.Length], itemSum = new double[itemRows.Length];
        int summed = 0;
        double noisePrecision = 2, factorPrecisionSum = 0, biasPrecisionSum = 0, noisePrecisionSum = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = o.NumberOfThreads ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };

        FactorModel Snapshot(int done)
        {
            double[] u = effectiveUsers, it = effectiveItems;
            double scale = 1;
            if (summed > 0)
            {
                (u, it, scale) = (userSum, itemSum, 1.0 / summed);
            }

            // Fold-in solves a ridge regression in rating units; the prior precision over the noise precision, times the unit, is where
            // the posterior mean of a new user's row sits (the prior's off-diagonal terms aside).
            double factorPrecision = summed > 0 ? factorPrecisionSum / summed : 1, biasPrecision = summed > 0 ? biasPrecisionSum / summed : 1;
            double noise = summed > 0 ? noisePrecisionSum / summed : noisePrecision;
            BiasedMatrixFactorizationTrainer.Options effective = o with
            {
                NumberOfIterations = done,   // the model records the sweeps it is made of ("epochs")
                FactorRegularization = (float)(unit * factorPrecision / noise),
                RatingRegularization = 0,
                BiasRegularization = (float)(unit * biasPrecision / noise),
            };
            return Export(u, it, scale, users, items, k, mean, unit, m => build(effective, m.UserFactors, m.ItemFactors, m.Mean, m.UserBias, m.ItemBias));
        }

        for (int sweep = 1; sweep <= sweeps; sweep++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long started = Stopwatch.GetTimestamp();
            ulong sweepSeed = SplitMix.Mix(((ulong)(uint)o.Seed << 32) ^ (ulong)sweep);
            (double[] userMean, double[] userPrecision) = Hyperparameters(userRows, users, width, free, k, ref random);
            DrawRows(userRows, effectiveItems, userSide, width, free, userMean, userPrecision, noisePrecision, sweepSeed, userSideRows: true,
                parallel, rated);
            // Right after each side's draw, while the residuals it kept are current.
            rated?.Sweep(userRows, userSide, itemSide, noisePrecision, SplitMix.Mix(sweepSeed + 2), ref random, parallel);

            (double[] itemMean, double[] itemPrecision) = Hyperparameters(itemRows, items, width, free, k + 1, ref random);
            DrawRows(itemRows, effectiveUsers, itemSide, width, free, itemMean, itemPrecision, noisePrecision, SplitMix.Mix(sweepSeed + 1),
                userSideRows: false, parallel, raters);
            raters?.Sweep(itemRows, itemSide, userSide, noisePrecision, SplitMix.Mix(sweepSeed + 3), ref random, parallel);

            double squared = SquaredError(effectiveUsers, effectiveItems, userSide, width);
            noisePrecision = random.Gamma(1 + (data.Count / 2.0)) / (1 + (squared / 2));
            if (sweep > burnIn)
            {
                double diagonal = 0;
                for (int f = 0; f < k; f++)
                {
                    diagonal += userPrecision[(f * free) + f];
                }

                factorPrecisionSum += k == 0 ? 0 : diagonal / k;
                biasPrecisionSum += userPrecision[(k * free) + k];
                noisePrecisionSum += noisePrecision;
                AddAligned(effectiveUsers, effectiveItems, userSum, itemSum, users, items, k, first: summed == 0);
                summed++;
            }

            progress?.Report(new TrainingProgress(sweep, sweeps, Stopwatch.GetElapsedTime(started), Math.Sqrt(squared / data.Count) * unit));
            if (afterSweep is not null && sweep < sweeps)
            {
                FactorModel snapshot = Snapshot(sweep);
                if (!afterSweep(sweep, snapshot))
                {
                    return snapshot;
                }
            }
        }

        FactorModel model = Snapshot(sweeps);
        afterSweep?.Invoke(sweeps, model);
        return model;
    }

    /// <summary>Adds a sweep's rows to the sums, its factors turned first by the rotation that brings them closest to the sums' (orthogonal
    /// Procrustes over users and items together). A rotation of both sides' factors changes no prediction, and the prior does not
    /// prefer one, so the chain drifts among them; summed unaligned, the mean's factors shrink and its predictions got worse after
    /// 100-150 sweeps on small logs (a 600-user MovieLens-shaped slice: held-out RMSE 0.9324 at 110 sweeps, 0.9338 at 300; aligned
    /// 0.9317 and 0.9308, against 0.9303 for averaging every sweep's predictions).</summary>
    internal static void AddAligned(double[] userRows, double[] itemRows, double[] userSum, double[] itemSum, int users, int items, int k, bool first)
    {
        double[]? rotation = null;
        if (!first && k > 0)
        {
            var cross = new double[k * k];
            AddCross(cross, userRows, userSum, users, k);
            AddCross(cross, itemRows, itemSum, items, k);
            rotation = Rotation.Polar(cross, k);
        }

        AddRotated(userSum, userRows, users, k, rotation);
        AddRotated(itemSum, itemRows, items, k, rotation);
    }

    /// <summary>Adds Σ_r x_rᵀ s_r over the rows' factors (k × k, row-major).</summary>
    private static void AddCross(double[] cross, double[] rows, double[] sums, int count, int k)
    {
        int width = k + 2;
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<double> x = rows.AsSpan(r * width, k), s = sums.AsSpan(r * width, k);
            for (int a = 0; a < k; a++)
            {
                Span<double> line = cross.AsSpan(a * k, k);
                TensorPrimitives.MultiplyAdd(s, x[a], line, line);
            }
        }
    }

    /// <summary>Adds each row to its sum, its factors times <paramref name="rotation"/> (none: as they are); the biases and constants as they are.</summary>
    private static void AddRotated(double[] sums, double[] rows, int count, int k, double[]? rotation)
    {
        if (rotation is null)
        {
            TensorPrimitives.Add(sums, rows, sums);
            return;
        }

        int width = k + 2;
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<double> x = rows.AsSpan(r * width, width);
            Span<double> s = sums.AsSpan(r * width, width);
            for (int a = 0; a < k; a++)
            {
                TensorPrimitives.MultiplyAdd(rotation.AsSpan(a * k, k), x[a], s[..k], s[..k]);
            }

            s[k] += x[k];
            s[k + 1] += x[k + 1];
        }
    }

    /// <summary>Rows of k random factors (N(0, <see cref="InitialScale"/>²)), a zero bias and the constant 1 at <paramref name="oneAt"/>.</summary>
    private static double[] InitialRows(int count, int k, int oneAt, ref SplitMix random)
    {
        int width = k + 2;
        var rows = new double[count * width];
        for (int r = 0; r < count; r++)
        {
            for (int f = 0; f < k; f++)
            {
                rows[(r * width) + f] = InitialScale * random.Normal();
            }

            rows[(r * width) + oneAt] = 1;
        }

        return rows;
    }

    /// <summary>The model of the rows (times <paramref name="scale"/>) in rating units, centred so that people and items the model has
    /// not seen fall back to the right biases: the mean user factor moves into the item biases, the mean item factor into the user
    /// biases, and the mean biases into the global mean. Each step leaves every known user-item prediction as it was.</summary>
    private static FactorModel Export(double[] userRows, double[] itemRows, double scale, int users, int items, int k, double mean, double unit,
        Func<Exported, FactorModel> build)
    {
        (double[] f, double[] ub) = Split(userRows, users, k, biasAt: k, scale);
        (double[] g, double[] ib) = Split(itemRows, items, k, biasAt: k + 1, scale);

        double[] userCentre = ColumnMeans(f, users, k);
        for (int i = 0; i < items; i++)
        {
            ib[i] += TensorPrimitives.Dot(userCentre, g.AsSpan(i * k, k));
        }

        Subtract(f, userCentre, users, k);
        double[] itemCentre = ColumnMeans(g, items, k);
        for (int u = 0; u < users; u++)
        {
            ub[u] += TensorPrimitives.Dot(itemCentre, f.AsSpan(u * k, k));
        }

        Subtract(g, itemCentre, items, k);
        double userBiasMean = users == 0 ? 0 : TensorPrimitives.Sum<double>(ub) / users;
        double itemBiasMean = items == 0 ? 0 : TensorPrimitives.Sum<double>(ib) / items;
        double root = Math.Sqrt(unit);
        var userFactors = new float[f.Length];
        var itemFactors = new float[g.Length];
        var userBias = new float[users];
        var itemBias = new float[items];
        for (int x = 0; x < f.Length; x++)
        {
            userFactors[x] = (float)(f[x] * root);
        }

        for (int x = 0; x < g.Length; x++)
        {
            itemFactors[x] = (float)(g[x] * root);
        }

        for (int u = 0; u < users; u++)
        {
            userBias[u] = (float)((ub[u] - userBiasMean) * unit);
        }

        for (int i = 0; i < items; i++)
        {
            itemBias[i] = (float)((ib[i] - itemBiasMean) * unit);
        }

        return build(new Exported(userFactors, itemFactors, (float)(mean + ((userBiasMean + itemBiasMean) * unit)), userBias, itemBias));
    }

    /// <summary>The rows' factors (k per row) and biases (at <paramref name="biasAt"/>), times <paramref name="scale"/>.</summary>
    private static (double[] Factors, double[] Biases) Split(double[] rows, int count, int k, int biasAt, double scale)
    {
        int width = k + 2;
        var factors = new double[count * k];
        var biases = new double[count];
        for (int r = 0; r < count; r++)
        {
            for (int x = 0; x < k; x++)
            {
                factors[(r * k) + x] = rows[(r * width) + x] * scale;
            }

            biases[r] = rows[(r * width) + biasAt] * scale;
        }

        return (factors, biases);
    }

    private static double[] ColumnMeans(double[] rows, int count, int k)
    {
        var sum = new double[k];
        for (int r = 0; r < count; r++)
        {
            TensorPrimitives.Add(sum, rows.AsSpan(r * k, k), sum);
        }

        if (count > 0)
        {
            TensorPrimitives.Divide(sum, count, sum);
        }

        return sum;
    }

    private static void Subtract(double[] rows, double[] centre, int count, int k)
    {
        for (int r = 0; r < count; r++)
        {
            TensorPrimitives.Subtract(rows.AsSpan(r * k, k), centre, rows.AsSpan(r * k, k));
        }
    }

    private static double SquaredError(double[] userRows, double[] itemRows, Side users, int width)
    {
        double squared = 0;
        for (int u = 0; u < users.Count; u++)
        {
            ReadOnlySpan<double> row = userRows.AsSpan(u * width, width);
            for (int e = users.Start[u]; e < users.Start[u + 1]; e++)
            {
                double residual = users.Rating[e] - TensorPrimitives.Dot(row, itemRows.AsSpan(users.Other[e] * width, width));
                squared += residual * residual;
            }
        }

        return squared;
    }

    /// <summary>Draws the prior mean and precision of the free parts of the rows from their Normal-Wishart posterior.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="count">How many rows.</param>
    /// <param name="width">The length of a row.</param>
    /// <param name="free">The length of the free part.</param>
    /// <param name="lastFree">Where the free part's last value (the bias) sits in a row: k for users, k + 1 for items.</param>
    /// <param name="random">The generator of the sweep's shared draws.</param>
    private static (double[] Mean, double[] Precision) Hyperparameters(double[] rows, int count, int width, int free, int lastFree, ref SplitMix random)
    {
        const double Beta0 = 2;
        int m = free;
        var mean = new double[m];
        var scatter = new double[m * m];
        var value = new double[m];
        for (int r = 0; r < count; r++)
        {
            Free(rows, r * width, m, lastFree, value);
            TensorPrimitives.Add(mean, value, mean);
        }

        if (count > 0)
        {
            TensorPrimitives.Divide(mean, count, mean);
        }

        // The scatter Σ (x − x̄)(x − x̄)ᵀ by the same blocked kernel as the rows' systems, a chunk of centred rows at a time.
        int padded = (m + Vector256<double>.Count - 1) / Vector256<double>.Count * Vector256<double>.Count;
        var gram = new double[padded * padded];
        var chunk = new double[GramChunk * padded];
        for (int first = 0; first < count; first += GramChunk)
        {
            int n = Math.Min(GramChunk, count - first);
            for (int r = 0; r < n; r++)
            {
                Span<double> centred = chunk.AsSpan(r * padded, padded);
                Free(rows, (first + r) * width, m, lastFree, value);
                TensorPrimitives.Subtract(value, mean, centred[..m]);
            }

            AddGram(gram, padded, chunk.AsSpan(0, n * padded), n);
        }

        for (int a = 0; a < m; a++)
        {
            gram.AsSpan(a * padded, a + 1).CopyTo(scatter.AsSpan(a * m, a + 1));
        }

        // W*^-1 = W0^-1 + scatter + β0 n / (β0 + n) x̄ x̄ᵀ (lower triangle), then Λ ~ Wishart(W*, ν0 + n) by Bartlett's decomposition.
        double shrink = Beta0 * count / (Beta0 + count);
        for (int a = 0; a < m; a++)
        {
            scatter[(a * m) + a] += 1;
            for (int b = 0; b <= a; b++)
            {
                scatter[(a * m) + b] += shrink * mean[a] * mean[b];
            }
        }

        double[] scale = InverseOfSymmetric(scatter, m);
        Cholesky(scale, m);
        ZeroUpper(scale, m);
        double degrees = m + count;
        var bartlett = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            bartlett[(a * m) + a] = Math.Sqrt(2 * random.Gamma((degrees - a) / 2));
            for (int b = 0; b < a; b++)
            {
                bartlett[(a * m) + b] = random.Normal();
            }
        }

        double[] la = LowerProduct(scale, bartlett, m);
        var precision = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                double s = TensorPrimitives.Dot(la.AsSpan(a * m, b + 1), la.AsSpan(b * m, b + 1));
                precision[(a * m) + b] = s;
                precision[(b * m) + a] = s;
            }
        }

        // μ ~ N(n x̄ / (β0 + n), (β* Λ)^-1), β* = β0 + n.
        double betaStar = Beta0 + count;
        var factor = (double[])precision.Clone();
        Cholesky(factor, m);
        var draw = new double[m];
        for (int a = 0; a < m; a++)
        {
            draw[a] = random.Normal() / Math.Sqrt(betaStar);
        }

        SolveTransposed(factor, draw, m);
        for (int a = 0; a < m; a++)
        {
            draw[a] += count * mean[a] / betaStar;
        }

        return (draw, precision);
    }

    private static void Free(double[] rows, int offset, int m, int lastFree, double[] value)
    {
        rows.AsSpan(offset, m - 1).CopyTo(value);
        value[m - 1] = rows[offset + lastFree];
    }

    /// <summary>Draws every row of one side given the other side: N(Λ*⁻¹ (Λμ + α Σ z (r − fixed)), Λ*⁻¹), Λ* = Λ + α Σ z zᵀ, where z is
    /// the other side's factors and its constant 1, and "fixed" the other side's bias.</summary>
    private static void DrawRows(double[] rows, double[] others, Side side, int width, int free, double[] priorMean, double[] priorPrecision,
        double noisePrecision, ulong seed, bool userSideRows, ParallelOptions parallel, ImplicitPart? part)
    {
        int m = free, k = width - 2;
        // Each rating's z and its target side by side, padded to whole vectors: one Gram matrix of [z, target] gives Σ z zᵀ in its first
        // m rows and columns and Σ target z in row m.
        int padded = (m + 1 + Vector256<double>.Count - 1) / Vector256<double>.Count * Vector256<double>.Count;
        var priorTimesMean = new double[m];
        for (int a = 0; a < m; a++)
        {
            priorTimesMean[a] = TensorPrimitives.Dot(priorPrecision.AsSpan(a * m, m), priorMean);
        }

        // Users: free part at 0..k-1 and k (b_u); the item's 1 sits at k and its bias at k + 1. Items: free part at 0..k-1 and k + 1
        // (c_i); the user's bias sits at k and its 1 at k + 1.
        int ownBias = userSideRows ? k : k + 1, otherOne = userSideRows ? k : k + 1, otherBias = userSideRows ? k + 1 : k;
        Parallel.For(0, side.Count, parallel, () => new double[(m * m) + m + (padded * padded) + (GramChunk * padded)], (r, _, buffer) =>
        {
            Span<double> a = buffer.AsSpan(0, m * m), b = buffer.AsSpan(m * m, m);
            Span<double> gram = buffer.AsSpan((m * m) + m, padded * padded), z = buffer.AsSpan((m * m) + m + (padded * padded), GramChunk * padded);
            gram.Clear();
            for (int first = side.Start[r]; first < side.Start[r + 1]; first += GramChunk)
            {
                int count = Math.Min(GramChunk, side.Start[r + 1] - first);
                for (int e = 0; e < count; e++)
                {
                    int o = side.Other[first + e] * width;
                    Span<double> row = z.Slice(e * padded, padded);
                    others.AsSpan(o, k).CopyTo(row);
                    row[k] = others[o + otherOne];
                    row[m] = side.Rating[first + e] - others[o + otherBias];
                    if (part is not null)
                    {
                        row[m] -= Dot(row[..part.Dimensions], part.Part.AsSpan(r * part.Dimensions, part.Dimensions));
                    }

                    row[(m + 1)..].Clear();
                }

                AddGram(gram, padded, z[..(count * padded)], count);
            }

            for (int x = 0; x < m; x++)
            {
                for (int y = 0; y <= x; y++)
                {
                    a[(x * m) + y] = priorPrecision[(x * m) + y] + (noisePrecision * gram[(x * padded) + y]);
                }

                b[x] = priorTimesMean[x] + (noisePrecision * gram[(m * padded) + x]);
            }

            DrawGaussian(a, b, m, SplitMix.Mix(seed ^ SplitMix.Mix((ulong)r + 0x9E3779B97F4A7C15UL)));
            Span<double> drawn = rows.AsSpan(r * width, width);
            b[..k].CopyTo(drawn);
            drawn[ownBias] = b[m - 1];
            part?.Keep(r, gram, padded, b);
            return buffer;
        }, _ => { });
    }

    /// <summary>Replaces <paramref name="b"/> with a draw of N(A⁻¹ b, A⁻¹) for the m × m precision A (only its lower triangle read;
    /// overwritten by its Cholesky factor L): L⁻ᵀ (L⁻¹ b + ε), ε standard normal from a generator seeded by <paramref name="seed"/>.</summary>
    private static void DrawGaussian(Span<double> a, Span<double> b, int m, ulong seed)
    {
        Cholesky(a, m);
        SolveLower(a, b, m);
        var random = new SplitMix(seed);
        for (int x = 0; x < m; x++)
        {
            b[x] += random.Normal();
        }

        SolveTransposed(a, b, m);
    }

    /// <summary>a += <paramref name="weight"/> G and b += <paramref name="weight"/> G w for a k × k <paramref name="gram"/> held in
    /// floats, reading each row of G once and adding in doubles.</summary>
    internal static void AddScaledAndMultiply(ReadOnlySpan<float> gram, double weight, Span<double> a, ReadOnlySpan<double> w, Span<double> b, int k)
    {
        ref float g = ref MemoryMarshal.GetReference(gram);
        ref double sum = ref MemoryMarshal.GetReference(a);
        ref double ws = ref MemoryMarshal.GetReference(w);
        Vector256<double> scale = Vector256.Create(weight);
        for (int x = 0; x < k; x++)
        {
            ref float row = ref Unsafe.Add(ref g, x * k);
            ref double target = ref Unsafe.Add(ref sum, x * k);
            Vector256<double> dot = Vector256<double>.Zero;
            int i = 0;
            for (; i <= k - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.LoadUnsafe(ref row, (nuint)i));
                int j = i + Vector256<double>.Count;
                Vector256.FusedMultiplyAdd(low, scale, Vector256.LoadUnsafe(ref target, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
                Vector256.FusedMultiplyAdd(high, scale, Vector256.LoadUnsafe(ref target, (nuint)j)).StoreUnsafe(ref target, (nuint)j);
                dot = Vector256.FusedMultiplyAdd(low, Vector256.LoadUnsafe(ref ws, (nuint)i), dot);
                dot = Vector256.FusedMultiplyAdd(high, Vector256.LoadUnsafe(ref ws, (nuint)j), dot);
            }

            double total = Vector256.Sum(dot);
            for (; i < k; i++)
            {
                double value = Unsafe.Add(ref row, i);
                Unsafe.Add(ref target, i) += value * weight;
                total += value * Unsafe.Add(ref ws, i);
            }

            b[x] += weight * total;
        }
    }

    /// <summary>How many ratings' vectors are gathered at a time for <see cref="AddGram"/> (36 KiB at 32 factors: within L1/L2).</summary>
    private const int GramChunk = 128;

    /// <summary>Adds Σ_e z_e z_eᵀ over <paramref name="count"/> rows of <paramref name="z"/> (stride <paramref name="stride"/>, a whole
    /// number of vectors) to the blocks of <paramref name="gram"/> on and below the diagonal: four rows by two vectors of columns at a
    /// time (one vector where only one is left), the eight sums in registers across the ratings, so eight independent FMA chains hide
    /// the FMA latency.</summary>
    internal static void AddGram(Span<double> gram, int stride, ReadOnlySpan<double> z, int count)
    {
        const int Width = 4;
        ref double zs = ref MemoryMarshal.GetReference(z);
        ref double g = ref MemoryMarshal.GetReference(gram);
        for (int row = 0; row < stride; row += Width)
        {
            int column = 0;
            for (; column + Width <= row; column += 2 * Width)
            {
                Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                ref double e0 = ref zs;
                for (int e = 0; e < count; e++)
                {
                    Vector256<double> c = Vector256.LoadUnsafe(ref e0, (nuint)column);
                    Vector256<double> d = Vector256.LoadUnsafe(ref e0, (nuint)(column + Width));
                    Vector256<double> r0 = Vector256.Create(Unsafe.Add(ref e0, row)), r1 = Vector256.Create(Unsafe.Add(ref e0, row + 1));
                    Vector256<double> r2 = Vector256.Create(Unsafe.Add(ref e0, row + 2)), r3 = Vector256.Create(Unsafe.Add(ref e0, row + 3));
                    a0 = Vector256.FusedMultiplyAdd(r0, c, a0);
                    b0 = Vector256.FusedMultiplyAdd(r0, d, b0);
                    a1 = Vector256.FusedMultiplyAdd(r1, c, a1);
                    b1 = Vector256.FusedMultiplyAdd(r1, d, b1);
                    a2 = Vector256.FusedMultiplyAdd(r2, c, a2);
                    b2 = Vector256.FusedMultiplyAdd(r2, d, b2);
                    a3 = Vector256.FusedMultiplyAdd(r3, c, a3);
                    b3 = Vector256.FusedMultiplyAdd(r3, d, b3);
                    e0 = ref Unsafe.Add(ref e0, stride);
                }

                ref double g0 = ref Unsafe.Add(ref g, (row * stride) + column);
                Accumulate(ref g0, 0, a0, b0);
                Accumulate(ref g0, stride, a1, b1);
                Accumulate(ref g0, 2 * stride, a2, b2);
                Accumulate(ref g0, 3 * stride, a3, b3);
            }

            if (column <= row)
            {
                Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
                ref double e0 = ref zs;
                for (int e = 0; e < count; e++)
                {
                    Vector256<double> c = Vector256.LoadUnsafe(ref e0, (nuint)column);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref e0, row)), c, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref e0, row + 1)), c, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref e0, row + 2)), c, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref e0, row + 3)), c, a3);
                    e0 = ref Unsafe.Add(ref e0, stride);
                }

                ref double g0 = ref Unsafe.Add(ref g, (row * stride) + column);
                (Vector256.LoadUnsafe(ref g0) + a0).StoreUnsafe(ref g0);
                (Vector256.LoadUnsafe(ref g0, (nuint)stride) + a1).StoreUnsafe(ref g0, (nuint)stride);
                (Vector256.LoadUnsafe(ref g0, (nuint)(2 * stride)) + a2).StoreUnsafe(ref g0, (nuint)(2 * stride));
                (Vector256.LoadUnsafe(ref g0, (nuint)(3 * stride)) + a3).StoreUnsafe(ref g0, (nuint)(3 * stride));
            }
        }

        static void Accumulate(ref double at, int offset, Vector256<double> first, Vector256<double> second)
        {
            ref double start = ref Unsafe.Add(ref at, offset);
            (Vector256.LoadUnsafe(ref start) + first).StoreUnsafe(ref start);
            (Vector256.LoadUnsafe(ref start, Width) + second).StoreUnsafe(ref start, Width);
        }
    }

    /// <summary>In-place Cholesky factor of the lower triangle of a symmetric positive-definite matrix (row-major, m × m).</summary>
    private static void Cholesky(Span<double> a, int m)
    {
        for (int j = 0; j < m; j++)
        {
            double s = a[(j * m) + j] - Dot(a.Slice(j * m, j), a.Slice(j * m, j));
            double l = Math.Sqrt(Math.Max(s, 1e-12));
            a[(j * m) + j] = l;
            for (int i = j + 1; i < m; i++)
            {
                a[(i * m) + j] = (a[(i * m) + j] - Dot(a.Slice(i * m, j), a.Slice(j * m, j))) / l;
            }
        }
    }

    /// <summary>The dot product of two short vectors (the rows of a (k+1)-sized system), inlined: a call to a general routine costs
    /// more than the arithmetic at these lengths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0;
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        Vector256<double> sum = Vector256<double>.Zero;
        for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            sum = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i), sum);
        }

        double total = Vector256.Sum(sum);
        for (; i < n; i++)
        {
            total += Unsafe.Add(ref xs, i) * Unsafe.Add(ref ys, i);
        }

        return total;
    }

    private static void ZeroUpper(double[] a, int m)
    {
        for (int r = 0; r < m; r++)
        {
            a.AsSpan((r * m) + r + 1, m - r - 1).Clear();
        }
    }

    /// <summary>Solves L x = b in place (L lower triangular).</summary>
    private static void SolveLower(Span<double> l, Span<double> b, int m)
    {
        for (int i = 0; i < m; i++)
        {
            b[i] = (b[i] - Dot(l.Slice(i * m, i), b[..i])) / l[(i * m) + i];
        }
    }

    /// <summary>Solves Lᵀ x = b in place (L lower triangular).</summary>
    private static void SolveTransposed(ReadOnlySpan<double> l, Span<double> b, int m)
    {
        for (int i = m - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int t = i + 1; t < m; t++)
            {
                s -= l[(t * m) + i] * b[t];
            }

            b[i] = s / l[(i * m) + i];
        }
    }

    /// <summary>The inverse of a symmetric positive-definite matrix given by its lower triangle.</summary>
    private static double[] InverseOfSymmetric(double[] lower, int m)
    {
        var l = (double[])lower.Clone();
        Cholesky(l, m);
        var inverse = new double[m * m];
        var column = new double[m];
        for (int c = 0; c < m; c++)
        {
            Array.Clear(column);
            column[c] = 1;
            SolveLower(l, column, m);
            SolveTransposed(l, column, m);
            for (int r = 0; r < m; r++)
            {
                inverse[(r * m) + c] = column[r];
            }
        }

        return inverse;
    }

    /// <summary>L × A for lower-triangular L and A.</summary>
    private static double[] LowerProduct(double[] l, double[] a, int m)
    {
        var product = new double[m * m];
        for (int r = 0; r < m; r++)
        {
            for (int c = 0; c <= r; c++)
            {
                double s = 0;
                for (int t = c; t <= r; t++)
                {
                    s += l[(r * m) + t] * a[(t * m) + c];
                }

                product[(r * m) + c] = s;
            }
        }

        return product;
    }

    /// <summary>What the other side's choices say about one side's rows, for <see cref="BiasedMatrixFactorizationTrainer.Options.UseRatedItems"/>:
    /// each row r of the other side (the key) carries a vector y of m = min(k, 16) values, and an owner's first m factors are its own plus
    /// |N(o)|^-1/2 Σ_{r ∈ N(o)} y_r over the keys N(o) it has ratings with. For users (the owners) the keys are the items they rated
    /// (SVD++, Koren 2008); for items, the people who rated them (the "flipped" form of Rendle, Zhang and Koren, "On the Difficulty of
    /// Evaluating Baselines", 2019). Both are drawn by the same sampler, as in their Bayesian SVD++. Which items a person rates carries
    /// their taste; the stored model is still one row per user and per item, with the parts added, so serving, fold-in and the model
    /// file are unchanged.</summary>
    /// <remarks>The y are drawn one key at a time, each given all the rest: a key's y enters the prediction of every rating of every
    /// owner it belongs to, through Σ_o c_o² G_o (G_o = the Gram matrix of the other side's factors over the owner's ratings, which the
    /// owner's own draw has just built) and each owner's residual vector e_o = Σ (other side's factors) × (rating − prediction), kept
    /// current (see <see cref="Draw"/>). That keeps the chain exact; the price is a sequential pass reading one m × m matrix per rating.</remarks>
    private sealed class ImplicitPart
    {
        /// <summary>The most factors the parts span (the first ones). Their cost grows with its square: each rating's pass reads one
        /// owner's matrix of that size, and at 32 dimensions those of 10,000 users and 3,600 items no longer fit in the caches (a sweep
        /// cost 9.4 plain ones there). Scratch harness `/work/exp/bpmf2`, 32 factors, 100 sweeps, held-out RMSE and time, parts of 32 /
        /// 16 / 8 dimensions: a taste-driven 2,300-user set 0.8194 / 0.8187 / 0.8201 (15.9 / 7.3 / 4.8 s), the 3,000-user one 0.8038 /
        /// 0.8014 / 0.8046 (17.5 / 6.9 / 3.8 s; plain 3.4 s), its 10,000-user version (436,000 training rows) 16: 0.7842 in 21.7 s,
        /// 8: 0.7898 in 13.8 s, plain 0.8071 in 8.3 s. Where rated items lose, 16 loses less than 32.</summary>
        private const int MaximumDimensions = 16;

        private readonly int _k;
        private readonly int _m;
        private readonly double[] _scale;
        private readonly float[] _gram;
        private readonly double[] _residual;
        private readonly double[] _pending;

        private ImplicitPart(int keys, int owners, int k, int m, double[] scale, double[] effective)
        {
            _k = k;
            _m = m;
            _scale = scale;
            Rows = new double[keys * m];
            Part = new double[owners * m];
            Effective = effective;
            _gram = new float[owners * m * m];
            _residual = new double[owners * m];
            _pending = new double[owners * m];
        }

        /// <summary>Gets how many of the factors the part spans (the first ones).</summary>
        public int Dimensions => _m;

        /// <summary>Gets the keys' y, <see cref="Dimensions"/> per key.</summary>
        public double[] Rows { get; }

        /// <summary>Gets each owner's part, c_o Σ y_r (<see cref="Dimensions"/> per owner).</summary>
        public double[] Part { get; }

        /// <summary>Gets the owners' rows with their part added to their first <see cref="Dimensions"/> factors.</summary>
        public double[] Effective { get; }

        /// <summary>Starts y at N(0, <see cref="InitialScale"/>²) and the owners' effective rows from them.</summary>
        /// <param name="ownerRows">The owners' rows.</param>
        /// <param name="owners">The owners' ratings, by owner (the other side's row in <see cref="Side.Other"/>).</param>
        /// <param name="keys">How many keys (rows of the other side).</param>
        /// <param name="k">The number of factors.</param>
        /// <param name="random">The generator of the initial values.</param>
        public static ImplicitPart Start(double[] ownerRows, Side owners, int keys, int k, ref SplitMix random)
        {
            int m = Math.Min(k, MaximumDimensions);
            var scale = new double[owners.Count];
            for (int o = 0; o < owners.Count; o++)
            {
                int count = owners.Start[o + 1] - owners.Start[o];
                scale[o] = count == 0 ? 0 : 1 / Math.Sqrt(count);
            }

            var part = new ImplicitPart(keys, owners.Count, k, m, scale, new double[ownerRows.Length]);
            for (int x = 0; x < part.Rows.Length; x++)
            {
                part.Rows[x] = InitialScale * random.Normal();
            }

            part.Update(ownerRows, owners, new ParallelOptions());
            return part;
        }

        /// <summary>Keeps what owner <paramref name="owner"/>'s draw built: G_o from its Gram matrix over [z, 1, target] (stride
        /// <paramref name="padded"/>, z the other side's factors, target = r − the other side's bias − z · part), and
        /// e_o = Σ z target − G_o f_o − b_o Σ z for its new row [f_o, b_o].</summary>
        public void Keep(int owner, ReadOnlySpan<double> gram, int padded, ReadOnlySpan<double> drawn)
        {
            int k = _k, m = _m;
            // G_o is kept in floats: the pass over the keys reads one per rating and is bound by those reads; e_o is computed from the
            // doubles.
            Span<float> g = _gram.AsSpan(owner * m * m, m * m);
            for (int x = 0; x < m; x++)
            {
                for (int y = 0; y <= x; y++)
                {
                    g[(x * m) + y] = (float)gram[(x * padded) + y];
                    g[(y * m) + x] = (float)gram[(x * padded) + y];
                }
            }

            _pending.AsSpan(owner * m, m).Clear();
            Span<double> e = _residual.AsSpan(owner * m, m);
            double bias = drawn[k];
            for (int x = 0; x < m; x++)
            {
                double product = 0;
                for (int y = 0; y < k; y++)
                {
                    product += gram[(Math.Max(x, y) * padded) + Math.Min(x, y)] * drawn[y];
                }

                e[x] = gram[((k + 1) * padded) + x] - product - (bias * gram[(k * padded) + x]);
            }
        }

        /// <summary>One sweep of the part: the keys' prior from their y, every key's y, then the owners' effective rows.</summary>
        /// <param name="ownerRows">The owners' rows, just drawn (their draw kept the residuals this uses).</param>
        /// <param name="owners">The owners' ratings, by owner.</param>
        /// <param name="keys">The same ratings, by key.</param>
        /// <param name="noisePrecision">The rating noise precision.</param>
        /// <param name="seed">The seed of the keys' draws.</param>
        /// <param name="random">The generator of the sweep's shared draws (the prior).</param>
        /// <param name="parallel">The threads for the owners' rows.</param>
        public void Sweep(double[] ownerRows, Side owners, Side keys, double noisePrecision, ulong seed, ref SplitMix random, ParallelOptions parallel)
        {
            (double[] mean, double[] precision) = Hyperparameters(Rows, keys.Count, _m, _m, _m - 1, ref random);
            Draw(keys, mean, precision, noisePrecision, seed);
            Update(ownerRows, owners, parallel);
        }

        /// <summary>Draws every key's y in turn given the rest (prior N(<paramref name="mean"/>, <paramref name="precision"/>⁻¹)),
        /// updating the residuals of the owners it belongs to.</summary>
        /// <param name="keys">The ratings by key (the owner in <see cref="Side.Other"/>).</param>
        /// <param name="mean">The prior mean.</param>
        /// <param name="precision">The prior precision (m × m).</param>
        /// <param name="noisePrecision">The rating noise precision.</param>
        /// <param name="seed">The seed of this draw: each key draws from its own stream.</param>
        private void Draw(Side keys, double[] mean, double[] precision, double noisePrecision, ulong seed)
        {
            int m = _m;
            var priorTimesMean = new double[m];
            for (int a = 0; a < m; a++)
            {
                priorTimesMean[a] = TensorPrimitives.Dot(precision.AsSpan(a * m, m), mean);
            }

            var a2 = new double[m * m];
            var b = new double[m];
            var w = new double[m];
            for (int v = 0; v < keys.Count; v++)
            {
                // e_o = e_o⁰ − c_o G_o D_o, where D_o sums the changes of the owner's keys drawn so far in this pass (kept, not applied:
                // applying each change costs an m × m product per rating, keeping it m). So b = Λμ + α Σ c_o (e_o + c_o G_o y) =
                // Λμ + α Σ c_o e_o⁰ + α Σ c_o² G_o (y − D_o): one read of G_o per rating, fused with adding it to the system.
                Array.Clear(a2);
                priorTimesMean.CopyTo(b, 0);
                Span<double> y = Rows.AsSpan(v * m, m);
                int end = keys.Start[v + 1];
                for (int e = keys.Start[v]; e < end; e++)
                {
                    int o = keys.Other[e];
                    if (e + 2 < end)
                    {
                        // The owners are scattered over arrays larger than the caches: ask for the one after next ahead of its turn
                        // (10,000 users × 3,600 items, 436,000 ratings, 100 sweeps: 21.3-21.6 s → 19.8 s in two runs each).
                        PrefetchOwner(keys.Other[e + 2]);
                    }

                    double c = _scale[o], weight = noisePrecision * c * c;
                    TensorPrimitives.Subtract(y, _pending.AsSpan(o * m, m), w);
                    AddScaledAndMultiply(_gram.AsSpan(o * m * m, m * m), weight, a2, w, b, m);
                    TensorPrimitives.MultiplyAdd(_residual.AsSpan(o * m, m), noisePrecision * c, b, b);
                }

                TensorPrimitives.Add(a2, precision, a2);
                DrawGaussian(a2, b, m, SplitMix.Mix(seed ^ SplitMix.Mix((ulong)v + 0x632BE59BD9B4E019UL)));
                // b becomes the change, which each of the key's owners keeps in D_o.
                TensorPrimitives.Subtract(b, y, b);
                TensorPrimitives.Add(y, b, y);
                for (int e = keys.Start[v]; e < end; e++)
                {
                    Span<double> pending = _pending.AsSpan(keys.Other[e] * m, m);
                    TensorPrimitives.Add(pending, b, pending);
                }
            }
        }

        /// <summary>Asks the processor to start loading owner <paramref name="owner"/>'s matrix, residual and pending change.</summary>
        private unsafe void PrefetchOwner(int owner)
        {
            if (!Sse.IsSupported)
            {
                return;
            }

            int m = _m;
            fixed (float* gram = &_gram[owner * m * m])
            {
                for (int x = 0; x < m * m; x += 16)
                {
                    Sse.Prefetch0(gram + x);
                }
            }

            fixed (double* residual = &_residual[owner * m])
            {
                Sse.Prefetch0(residual);
                Sse.Prefetch0(residual + m - 1);
            }

            fixed (double* pending = &_pending[owner * m])
            {
                Sse.Prefetch0(pending);
                Sse.Prefetch0(pending + m - 1);
            }
        }

        /// <summary>Recomputes each owner's part and its effective row from <paramref name="ownerRows"/>.</summary>
        private void Update(double[] ownerRows, Side owners, ParallelOptions parallel)
        {
            int m = _m, width = _k + 2;
            Parallel.For(0, owners.Count, parallel, o =>
            {
                Span<double> part = Part.AsSpan(o * m, m);
                part.Clear();
                for (int e = owners.Start[o]; e < owners.Start[o + 1]; e++)
                {
                    TensorPrimitives.Add(part, Rows.AsSpan(owners.Other[e] * m, m), part);
                }

                TensorPrimitives.Multiply(part, _scale[o], part);
                ownerRows.AsSpan(o * width, width).CopyTo(Effective.AsSpan(o * width, width));
                TensorPrimitives.Add(Effective.AsSpan(o * width, m), part, Effective.AsSpan(o * width, m));
            });
        }
    }

    /// <summary>The model's values in rating units.</summary>
    private sealed record Exported(float[] UserFactors, float[] ItemFactors, float Mean, float[] UserBias, float[] ItemBias);

    /// <summary>One side's ratings grouped by row (compressed rows), standardized.</summary>
    private sealed class Side(int count, int[] start, int[] other, double[] rating)
    {
        public int Count { get; } = count;

        public int[] Start { get; } = start;

        public int[] Other { get; } = other;

        public double[] Rating { get; } = rating;

        public static Side Build(int count, ReadOnlySpan<int> row, ReadOnlySpan<int> column, ReadOnlySpan<float> ratings, double mean, double unit)
        {
            var start = new int[count + 1];
            foreach (int r in row)
            {
                start[r + 1]++;
            }

            for (int r = 0; r < count; r++)
            {
                start[r + 1] += start[r];
            }

            int[] fill = (int[])start.Clone();
            var other = new int[row.Length];
            var rating = new double[row.Length];
            for (int e = 0; e < row.Length; e++)
            {
                int at = fill[row[e]]++;
                other[at] = column[e];
                rating[at] = (ratings[e] - mean) / unit;
            }

            return new Side(count, start, other, rating);
        }
    }

    /// <summary>SplitMix64 with Box-Muller normals and Marsaglia-Tsang gamma draws: small, fast, and seeded per row.</summary>
    private struct SplitMix(ulong seed)
    {
        private ulong _state = Mix(seed);
        private double _spare;
        private bool _hasSpare;

        public static ulong Mix(ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double Uniform()
        {
            _state += 0x9E3779B97F4A7C15UL;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return ((z >> 11) + 0.5) * (1.0 / (1UL << 53));
        }

        public double Normal()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }

            double radius = Math.Sqrt(-2 * Math.Log(Uniform())), angle = 2 * Math.PI * Uniform();
            _spare = radius * Math.Sin(angle);
            _hasSpare = true;
            return radius * Math.Cos(angle);
        }

        /// <summary>A draw of Gamma(shape, scale 1).</summary>
        public double Gamma(double shape)
        {
            if (shape < 1)
            {
                return Gamma(shape + 1) * Math.Pow(Uniform(), 1 / shape);
            }

            double d = shape - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
            while (true)
            {
                double x = Normal(), v = 1 + (c * x);
                if (v <= 0)
                {
                    continue;
                }

                v = v * v * v;
                if (Math.Log(Uniform()) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
                {
                    return d * v;
                }
            }
        }
    }
}
