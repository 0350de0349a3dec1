using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Personalize.Core.Data;
using Personalize.Core.Internal;
using Personalize.Core.Models;

namespace Personalize.Core.Training;

/// <summary>
/// Learns user and item factors from implicit feedback (views, carts, purchases) with weighted alternating least squares
/// (Hu, Koren and Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", 2008).
/// </summary>
/// <remarks>
/// <para>Every (user, item) cell is fitted: cells with interactions towards 1 with confidence <c>1 + α·w</c>, all others towards 0
/// with confidence 1, where <c>w</c> is the cell's weight from <see cref="FeedbackMatrix"/> divided by the mean weight, so that α does not
/// depend on the units of the event weights. Each user's regularization is <c>λ·(number of items + α·Σw)^ν</c>, and each item's alike:
/// this frequency scaling (Rendle et al., "Revisiting the Performance of iALS on Item Recommendation Benchmarks", 2021) keeps one λ
/// good across data sets of different size and density.</para>
/// <para>Training runs in parallel over users, then over items, and the result is bit-identical for the same data, options and seed
/// whatever <see cref="Options.NumberOfThreads"/> is. A trainer is immutable and may be used from several threads.</para>
/// </remarks>
public sealed class ImplicitAlsTrainer
{
    /// <summary>The name saved in a model's properties under <c>trainer</c>.</summary>
    public const string TrainerName = "implicit-als";

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ValidationException">The options are invalid; the message lists every error.</exception>
    public ImplicitAlsTrainer(Options? options = null)
    {
        TrainerOptions = options ?? new Options();
        OptionsValidation.ThrowIfInvalid(TrainerOptions, "ImplicitAlsTrainer.Options");
    }

    /// <summary>Gets the settings of this trainer.</summary>
    public Options TrainerOptions { get; }

    /// <summary>Trains a model.</summary>
    /// <param name="data">The feedback to learn from.</param>
    /// <param name="progress">Receives one report per epoch, if given.</param>
    /// <param name="cancellationToken">Cancels training; checked between users and items.</param>
    /// <returns>The model, with the data's id maps, each user's seen items and item popularity.</returns>
    /// <exception cref="ArgumentException">The data has no entries.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (the factors overflowed), as with regularization 0 and users or
    /// items with fewer interactions than factors; the message says what to change.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public FactorModel Fit(FeedbackMatrix data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(data, progress, null, cancellationToken);

    /// <summary>Trains, calling <paramref name="afterEpoch"/> with a copy of the model so far after each epoch; it returns false to stop early.</summary>
    /// <remarks>For per-epoch reports and early stopping (the CLI's <c>evaluate --report</c> and <c>tune</c>): the callback gets the
    /// epoch number (from 1) and a model that stays valid after training goes on. It runs on the training thread, between epochs, so
    /// its cost adds to the training time.</remarks>
    /// <param name="data">The data to learn from, as for the overload without a callback.</param>
    /// <param name="progress">Receives one report per epoch, if given.</param>
    /// <param name="afterEpoch">Called after each epoch with the epoch number and the model so far; return false to stop training
    /// there. <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <returns>The model after the last epoch run.</returns>
    /// <exception cref="ArgumentException">The data is empty.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public FactorModel Fit(FeedbackMatrix data, IProgress<TrainingProgress>? progress, Func<int, FactorModel, bool>? afterEpoch,
        CancellationToken cancellationToken) => Fit(data, progress, afterEpoch, cancellationToken, null);

    /// <summary>Trains as the public overload does; <paramref name="spectrum"/>, when given, is the item-item eigenpairs of
    /// <paramref name="data"/> at this trainer's rank and seed (so a search computes them once).</summary>
    internal FactorModel Fit(FeedbackMatrix data, IProgress<TrainingProgress>? progress, Func<int, FactorModel, bool>? afterEpoch,
        CancellationToken cancellationToken, ItemItemSpectrum? spectrum)
    {
        ThrowIfEmpty(data);
        Options o = TrainerOptions;
        ParallelOptions parallel = ParallelOptionsFor(cancellationToken);
        ItemItemPart? itemItem = o.ItemItemWeight > 0
            ? (spectrum ?? ItemItemSpectrum.Compute(data, Math.Min(o.ItemItemRank, data.NumberOfItems), ImplicitAlsDefaults.ItemItemIterations, o.Seed, parallel))
                .Prepare(o.ItemItemRegularization, parallel)
            : null;
        ConfidenceWeighting weighting = Resolve(o.Weighting, data.UserWeights);
        int ran = o.NumberOfIterations;   // the model records the epochs it is made of, also when afterEpoch stops early
        (float[] userFactors, float[] itemFactors) = Epochs(data, weighting, progress, afterEpoch is null
            ? null
            : (epoch, users, items) =>
            {
                ran = epoch;
                return afterEpoch(epoch, Build(data, o with { NumberOfIterations = epoch }, weighting, (float[])users.Clone(), (float[])items.Clone(), itemItem, parallel));
            },
            parallel);
        return Build(data, o with { NumberOfIterations = ran }, weighting, userFactors, itemFactors, itemItem, parallel);
    }

    /// <summary>Runs the ALS epochs alone (<see cref="Options.NumberOfIterations"/> of them) and returns the user and item factors, for a
    /// search that blends one set of factors with several item-item settings (<see cref="Assemble"/>). After each epoch,
    /// <paramref name="afterEpoch"/> (if given) sees the epoch number and the factors so far (valid only during the call) and returns
    /// whether to go on.</summary>
    internal (float[] UserFactors, float[] ItemFactors) FitFactors(FeedbackMatrix data, CancellationToken cancellationToken,
        Func<int, float[], float[], bool>? afterEpoch = null)
    {
        ThrowIfEmpty(data);
        return Epochs(data, Resolve(TrainerOptions.Weighting, data.UserWeights), null, afterEpoch, ParallelOptionsFor(cancellationToken));
    }

    /// <summary>The model <see cref="Fit(FeedbackMatrix, IProgress{TrainingProgress}?, CancellationToken)"/> returns, from factors that
    /// <see cref="FitFactors"/> computed with the same options but for the item-item ones (the ALS epochs do not depend on them),
    /// blended with <paramref name="spectrum"/> (the eigenpairs of <paramref name="data"/> at this trainer's rank and seed) when
    /// <see cref="Options.ItemItemWeight"/> is above 0. The factor arrays are copied, so one set serves several calls.</summary>
    internal FactorModel Assemble(FeedbackMatrix data, float[] userFactors, float[] itemFactors, ItemItemSpectrum? spectrum,
        CancellationToken cancellationToken)
    {
        Options o = TrainerOptions;
        ParallelOptions parallel = ParallelOptionsFor(cancellationToken);
        ItemItemPart? itemItem = o.ItemItemWeight > 0
            ? (spectrum ?? throw new ArgumentNullException(nameof(spectrum), "A blended model needs the item-item eigenpairs.")).Prepare(o.ItemItemRegularization, parallel)
            : null;
        return Build(data, o, Resolve(o.Weighting, data.UserWeights), (float[])userFactors.Clone(), (float[])itemFactors.Clone(), itemItem, parallel);
    }

    private static void ThrowIfEmpty(FeedbackMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.NumberOfEntries == 0)
        {
            throw new ArgumentException("The feedback has no interactions to learn from; check the input file and its filters.", nameof(data));
        }
    }

    private ParallelOptions ParallelOptionsFor(CancellationToken cancellationToken) => new()
    {
        MaxDegreeOfParallelism = TrainerOptions.NumberOfThreads ?? Environment.ProcessorCount,
        CancellationToken = cancellationToken,
    };

    /// <summary>The ALS epochs with the confidence <paramref name="weighting"/> (resolved from <see cref="Options.Weighting"/> by the
    /// caller): after each, <paramref name="afterEpoch"/> (if given) sees the current factors and returns whether to go on.</summary>
    private (float[] UserFactors, float[] ItemFactors) Epochs(FeedbackMatrix data, ConfidenceWeighting weighting, IProgress<TrainingProgress>? progress,
        Func<int, float[], float[], bool>? afterEpoch, ParallelOptions parallel)
    {
        Options o = TrainerOptions;
        CancellationToken cancellationToken = parallel.CancellationToken;
        int rank = o.NumberOfFactors;
        int users = data.NumberOfUsers, items = data.NumberOfItems;

        // Confidence minus one, α·w/mean(w), in both layouts.
        float[] userWeights = Weighted(data.UserWeights, weighting);
        float[] itemWeights = Weighted(data.ItemWeights, weighting);
        double meanWeight = Mean(userWeights);
        float scale = (float)(o.ConfidenceScale / (meanWeight > 0 ? meanWeight : 1));
        float[] userConfidence = Scaled(userWeights, scale);
        float[] itemConfidence = Scaled(itemWeights, scale);
        float[] userRegularization = Regularization(data.UserOffsets, userConfidence, items, o);
        float[] itemRegularization = Regularization(data.ItemOffsets, itemConfidence, users, o);

        var random = new Random(o.Seed);
        float[] userFactors = Initial(random, users, rank, o.InitialScale);
        float[] itemFactors = Initial(random, items, rank, o.InitialScale);
        var gram = new float[rank * rank];
        var entityLoss = new double[Math.Max(users, items)];

        for (int epoch = 1; epoch <= o.NumberOfIterations; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long started = Stopwatch.GetTimestamp();
            AlsKernels.Gram(itemFactors, items, rank, gram, parallel);
            SolveSide(gram, itemFactors, userFactors, users, data.UserOffsets, data.UserItems, userConfidence, userRegularization, o, parallel, null);
            KeepOffZero(userFactors, o.InitialScale / MathF.Sqrt(rank));
            AlsKernels.Gram(userFactors, users, rank, gram, parallel);
            SolveSide(gram, userFactors, itemFactors, items, data.ItemOffsets, data.ItemUsers, itemConfidence, itemRegularization, o, parallel, entityLoss);

            double loss = 0;
            for (int i = 0; i < items; i++)
            {
                loss += entityLoss[i];
            }

            KeepOffZero(itemFactors, o.InitialScale / MathF.Sqrt(rank));

            loss += RegularizationLoss(userFactors, userRegularization, rank);
            if (!double.IsFinite(loss))
            {
                // The factors overflowed: a model of NaN would recommend nothing, and be taken for personalized lists.
                string advice = o.Regularization == 0 ? "give a regularization above 0" : "raise the regularization, or use fewer factors";
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Training diverged in epoch {epoch}: the loss is {loss}, so the factors are not finite numbers. With regularization {o.Regularization} and the {o.Solver} solver, the equations of users or items with fewer interactions than the {rank} factors have no single solution; {advice}."));
            }

            progress?.Report(new TrainingProgress(epoch, o.NumberOfIterations, Stopwatch.GetElapsedTime(started), loss / ((double)users * items)));
            if (afterEpoch is not null && !afterEpoch(epoch, userFactors, itemFactors))
            {
                break;
            }
        }

        return (userFactors, itemFactors);
    }

    /// <summary>The weighting <see cref="ConfidenceWeighting.Automatic"/> stands for on these weights: logarithmic when the largest weight
    /// is at least 100 times the median rounded up to a power of two (200 times a median of 1; 400 times one of 3).</summary>
    internal static ConfidenceWeighting Resolve(ConfidenceWeighting weighting, ReadOnlySpan<float> weights)
    {
        if (weighting != ConfidenceWeighting.Automatic)
        {
            return weighting;
        }

        // Median by powers of two: exact enough to tell 1-10 event weights from counts that run into the thousands.
        Span<int> buckets = stackalloc int[256];
        float max = 0;
        int positive = 0;
        foreach (float w in weights)
        {
            if (w > 0 && float.IsFinite(w))
            {
                buckets[Math.Clamp(MathF.ILogB(w) + 128, 0, 255)]++;
                max = MathF.Max(max, w);
                positive++;
            }
        }

        int seen = 0, median = 128;
        for (int b = 0; b < buckets.Length; b++)
        {
            seen += buckets[b];
            if (2 * seen >= positive)
            {
                median = b;
                break;
            }
        }

        return positive > 0 && max >= 100 * MathF.ScaleB(1f, median - 128) * 2 ? ConfidenceWeighting.Logarithmic : ConfidenceWeighting.Linear;
    }

    private static FactorModel Build(FeedbackMatrix data, Options o, ConfidenceWeighting weighting, float[] userFactors, float[] itemFactors,
        ItemItemPart? itemItem, ParallelOptions parallel)
    {
        var popularity = new float[data.NumberOfItems];
        for (int i = 0; i < popularity.Length; i++)
        {
            popularity[i] = data.GetUserCount(i);
        }

        Dictionary<string, string> properties = Describe(o, weighting);
        var model = new FactorModel(FactorModelKind.Implicit, data.Users, data.Items, o.NumberOfFactors, userFactors, itemFactors,
            (int[])data.UserOffsets.Clone(), (int[])data.UserItems.Clone(), popularity, properties, seenWeights: (float[])data.UserWeights.Clone());
        if (itemItem is not null)
        {
            itemItem.Describe(properties, o.ItemItemWeight);
            model = itemItem.Blend(model, data, o.ItemItemWeight, properties, parallel);
        }

        return o.PopularityWeight > 0 ? PopularityPart.Blend(model, o.PopularityWeight, properties, parallel) : model;
    }

    private static void SolveSide(float[] gram, float[] other, float[] factors, int count, int[] offsets, int[] partners, float[] confidence,
        float[] regularization, Options o, ParallelOptions parallel, double[]? loss)
    {
        int rank = o.NumberOfFactors;
        const int BlockSize = 32;
        int blocks = (count + BlockSize - 1) / BlockSize;
        int scratchLength = o.Solver == ImplicitAlsSolver.Cholesky ? rank * rank + rank : 3 * rank;
        // The body is compiled fully optimized at first use, like the kernels it calls: at tier 0 the first epoch would be slow.
        Parallel.For(0, blocks, parallel, () => new float[scratchLength], [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int block, ParallelLoopState _, float[] scratch) =>
        {
            int end = Math.Min(count, (block + 1) * BlockSize);
            for (int e = block * BlockSize; e < end; e++)
            {
                ReadOnlySpan<int> idx = partners.AsSpan(offsets[e], offsets[e + 1] - offsets[e]);
                ReadOnlySpan<float> conf = confidence.AsSpan(offsets[e], offsets[e + 1] - offsets[e]);
                Span<float> x = factors.AsSpan(e * rank, rank);
                if (o.Solver == ImplicitAlsSolver.Cholesky)
                {
                    AlsKernels.SolveCholesky(gram, other, idx, conf, regularization[e], x, scratch);
                }
                else
                {
                    AlsKernels.SolveConjugateGradient(gram, other, idx, conf, regularization[e], x, o.ConjugateGradientSteps, scratch);
                }

                if (loss is not null)
                {
                    loss[e] = AlsKernels.Loss(gram, other, idx, conf, regularization[e], x, scratch);
                }
            }

            return scratch;
        }, static _ => { });
    }

    /// <summary>
    /// Keeps a collapsing model on its way to popularity instead of noise. When λ is too strong for the data, the only fixed point is
    /// all-zero factors: each epoch shrinks them by a constant factor (the half-steps are then a power iteration), until they underflow
    /// and every score is 0 or noise. Rescaling each side back to its initial size whenever it falls below a thousandth of it (checked
    /// after every half-step) leaves every user's ranking unchanged (scores scale together) but lets the iteration converge to its leading direction, which
    /// ranks items by their confidence-weighted popularity. A fit that does not collapse never reaches the floor and is not touched.
    /// </summary>
    private static void KeepOffZero(float[] factors, float initialScale)
    {
        double squares = AlsKernels.SumOfSquares(factors);
        double rms = Math.Sqrt(squares / Math.Max(1, factors.Length));
        float floor = initialScale * 0.577f * 1e-3f;   // the RMS of uniform(±scale) is scale/√3
        if (rms < floor && rms > 0 && double.IsFinite(rms))
        {
            AlsKernels.Scale(factors, (float)(initialScale * 0.577 / rms));
        }
    }

    /// <summary>Σ_u λ_u ‖x_u‖², the users' share of the regularization term of the loss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RegularizationLoss(float[] factors, float[] regularization, int rank)
    {
        double loss = 0;
        for (int u = 0; u < regularization.Length; u++)
        {
            ReadOnlySpan<float> x = factors.AsSpan(u * rank, rank);
            loss += regularization[u] * (double)AlsKernels.Dot(x, x);
        }

        return loss;
    }

    private static double Mean(float[] values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    /// <summary>The weights as <paramref name="weighting"/> counts them (a copy for <see cref="ConfidenceWeighting.Logarithmic"/>).</summary>
    internal static float[] Weighted(float[] weights, ConfidenceWeighting weighting)
    {
        if (weighting == ConfidenceWeighting.Linear)
        {
            return weights;
        }

        var result = new float[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            result[i] = Weighted(weights[i], weighting);
        }

        return result;
    }

    /// <summary>One weight as <paramref name="weighting"/> counts it; negative weights count as 0 under the logarithm.</summary>
    internal static float Weighted(float weight, ConfidenceWeighting weighting) =>
        weighting == ConfidenceWeighting.Logarithmic ? ConfidenceWeights.Logarithm(weight) : weight;

    private static float[] Scaled(float[] weights, float scale)
    {
        var result = new float[weights.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(weights, scale, result);
        return result;
    }

    private static float[] Regularization(int[] offsets, float[] confidence, int otherCount, Options o)
    {
        int count = offsets.Length - 1;
        var result = new float[count];
        for (int e = 0; e < count; e++)
        {
            double total = otherCount;
            for (int j = offsets[e]; j < offsets[e + 1]; j++)
            {
                total += confidence[j];
            }

            result[e] = (float)(o.Regularization * Math.Pow(total, o.RegularizationExponent));
        }

        return result;
    }

    private static float[] Initial(Random random, int count, int rank, float scale)
    {
        var factors = new float[count * rank];
        float s = scale / MathF.Sqrt(rank);
        for (int i = 0; i < factors.Length; i++)
        {
            factors[i] = (float)(random.NextDouble() * 2 - 1) * s;
        }

        return factors;
    }

    private static Dictionary<string, string> Describe(Options o, ConfidenceWeighting weighting) => new()
    {
        [ModelPropertyNames.Trainer] = TrainerName,
        [ModelPropertyNames.Factors] = o.NumberOfFactors.ToString(CultureInfo.InvariantCulture),
        [ModelPropertyNames.Epochs] = o.NumberOfIterations.ToString(CultureInfo.InvariantCulture),
        [ModelPropertyNames.Regularization] = o.Regularization.ToString(CultureInfo.InvariantCulture),
        [ModelPropertyNames.RegularizationExponent] = o.RegularizationExponent.ToString(CultureInfo.InvariantCulture),
        [ModelPropertyNames.ConfidenceScale] = o.ConfidenceScale.ToString(CultureInfo.InvariantCulture),
        [ConfidenceWeights.Property] = weighting == ConfidenceWeighting.Logarithmic ? ConfidenceWeights.LogarithmicValue : "linear",
        [ModelPropertyNames.Solver] = o.Solver.ToString(),
        [ModelPropertyNames.ConjugateGradientSteps] = o.ConjugateGradientSteps.ToString(CultureInfo.InvariantCulture),
        [ModelPropertyNames.Seed] = o.Seed.ToString(CultureInfo.InvariantCulture),
        [ModelPropertyNames.InitialScale] = o.InitialScale.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Settings for <see cref="ImplicitAlsTrainer"/>. Immutable and safe to share between threads.</summary>
    public sealed record Options : IValidatableObject
    {
        /// <summary>Gets how many latent factors are learned per user and per item.</summary>
        /// <remarks>More factors capture finer taste, at 4 bytes per factor per item and linear to quadratic extra training time;
        /// with little data, more factors need more regularization.</remarks>
        /// <value>The default is 64.</value>
        [Range(1, 1024)]
        public int NumberOfFactors { get; init; } = ImplicitAlsDefaults.NumberOfFactors;

        /// <summary>Gets how many epochs (a user half-step then an item half-step) training runs.</summary>
        /// <remarks>ALS converges in few epochs; more cost linear time and rarely help past 15.</remarks>
        /// <value>The default is 15.</value>
        [Range(1, 10_000)]
        public int NumberOfIterations { get; init; } = ImplicitAlsDefaults.NumberOfIterations;

        /// <summary>Gets λ, the regularization strength relative to each user's and item's total confidence.</summary>
        /// <remarks>Larger values shrink factors towards zero and favour popular items; smaller ones fit individual taste and can
        /// over-fit. Because it is scaled by each entity's total confidence (see <see cref="RegularizationExponent"/>), the same value
        /// suits data sets of very different size.</remarks>
        /// <value>The default is 0.03 (chosen with <see cref="ConfidenceScale"/> on four real and synthetic logs together; see
        /// benchmarks/README.md).</value>
        [Range(0.0, 1e6)]
        public float Regularization { get; init; } = ImplicitAlsDefaults.Regularization;

        /// <summary>Gets ν, the exponent of the frequency scaling: λ is multiplied by (total confidence)^ν. 0 turns the scaling off.</summary>
        /// <value>The default is 1.</value>
        [Range(0.0, 2.0)]
        public float RegularizationExponent { get; init; } = ImplicitAlsDefaults.RegularizationExponent;

        /// <summary>Gets α, how much more an average interaction counts than a missing one: its confidence is 1 + α.</summary>
        /// <remarks>Weights are divided by their mean first, so α does not change meaning when all event weights are scaled.
        /// Larger values trust the observed interactions more relative to the many unobserved cells.</remarks>
        /// <value>The default is 50.</value>
        [Range(0.0, 1e6)]
        public float ConfidenceScale { get; init; } = ImplicitAlsDefaults.ConfidenceScale;

        /// <summary>Gets how a (user, item) weight becomes confidence: linear in the weight, or in its logarithm.</summary>
        /// <remarks>Logarithmic keeps heavy-tailed play counts and quantities (1 to 350,000) from drowning every other signal: on Last.fm
        /// play counts NDCG@10 is 0.299 log vs 0.271 linear at the default λ and α. Event-type weights (view=1 … purchase=10) stay linear
        /// under <see cref="ConfidenceWeighting.Automatic"/>, so a few new purchases still move a folded-in user's list. On 0/1 data all
        /// choices are the same.</remarks>
        /// <value>The default is <see cref="ConfidenceWeighting.Automatic"/>.</value>
        public ConfidenceWeighting Weighting { get; init; } = ConfidenceWeighting.Automatic;

        /// <summary>Gets how each least-squares problem is solved.</summary>
        /// <value>The default is <see cref="ImplicitAlsSolver.ConjugateGradient"/>.</value>
        public ImplicitAlsSolver Solver { get; init; } = ImplicitAlsSolver.ConjugateGradient;

        /// <summary>Gets how many conjugate-gradient steps each user and item takes per epoch.</summary>
        /// <remarks>Each epoch starts from the previous solution, so a few steps suffice; more approach the exact solve.</remarks>
        /// <value>The default is 3.</value>
        [Range(1, 1024)]
        public int ConjugateGradientSteps { get; init; } = ImplicitAlsDefaults.ConjugateGradientSteps;

        /// <summary>Gets the scale of the random initial factors (uniform in ±scale/√factors).</summary>
        /// <value>The default is 0.1.</value>
        [Range(1e-6, 10.0)]
        public float InitialScale { get; init; } = ImplicitAlsDefaults.InitialScale;

        /// <summary>Gets the share w of an item-item model (a low-rank EASE, Steck 2019) in a per-user blend with the factors: the model
        /// ranks by (1 − w)·z(factor score) + w·z(item-item score), z standardizing each user's scores over all items. 0 turns it off.</summary>
        /// <remarks>The item-item scores come from the <see cref="ItemItemRank"/> leading eigenpairs of the item co-occurrence matrix, so
        /// the blended model is still a factor model: its <see cref="FactorModel.NumberOfFactors"/> is <see cref="NumberOfFactors"/> plus
        /// the rank, and everything that serves a factor model serves it. It pays where items have strong item-item structure (a few
        /// hundred to a few thousand items bought or rated together); <see cref="Evaluation.AutoTuner.TuneImplicit"/> tries it and
        /// keeps it only when it validates better. Cost: the rank's values per user and per item in the model (4 bytes each), and while
        /// training about 16 bytes per item per eigenpair (plus 8 bytes per user per thread) for the eigenpairs, computed once per fit.
        /// Fold-in gives a new user's item-item values from their history exactly, and the factors by least squares as before.</remarks>
        /// <value>The default is 0 (off).</value>
        [Range(0.0, 1.0)]
        public float ItemItemWeight { get; init; } = ImplicitAlsDefaults.ItemItemWeight;

        /// <summary>Gets the item-item model's regularization λ (EASE's), in co-occurrence counts: larger values trust only pairs seen
        /// together by many users.</summary>
        /// <value>The default is 300.</value>
        [Range(1e-3, 1e9)]
        public float ItemItemRegularization { get; init; } = ImplicitAlsDefaults.ItemItemRegularization;

        /// <summary>Gets how many eigenpairs the item-item model keeps (at most the number of items).</summary>
        /// <value>The default is 128.</value>
        [Range(1, 1024)]
        public int ItemItemRank { get; init; } = ImplicitAlsDefaults.ItemItemRank;

        /// <summary>Gets the share w of popularity in a per-user blend with the model's own scores: the model ranks by
        /// (1 − w)·z(its score) + w·z(ln(1 + users of the item)), z standardizing each user's scores over all items. 0 turns it off.</summary>
        /// <remarks>The blend is applied last, after the item-item values when there are some, and is kept in the model as item biases and
        /// a scale of each user vector, so the blended model is still a factor model; fold-in scales a new user's vector the same way. It
        /// pays where the factors know little about most people, as on a time split of a sparse purchase log, where what many people buy
        /// is what the next person buys; <see cref="Evaluation.AutoTuner.TuneImplicit"/> tries it and keeps it only when it validates
        /// better. A user with no history gets the popularity list. Cost: one value per item and per user in the model.</remarks>
        /// <value>The default is 0 (off).</value>
        [Range(0.0, 1.0)]
        public float PopularityWeight { get; init; } = ImplicitAlsDefaults.PopularityWeight;

        /// <summary>Gets the seed of the initial factors: the same data, options and seed give the same model.</summary>
        /// <value>The default is 42.</value>
        public int Seed { get; init; } = ImplicitAlsDefaults.Seed;

        /// <summary>Gets how many threads train in parallel; the result does not depend on it.</summary>
        /// <value>The default is <see langword="null"/>: one per processor.</value>
        [Range(1, 1024)]
        public int? NumberOfThreads { get; init; }

        /// <inheritdoc />
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (!float.IsFinite(Regularization))
            {
                yield return OptionsValidation.Error(nameof(Regularization), Regularization, "must be a finite number.");
            }

            if (!float.IsFinite(ItemItemWeight))
            {
                yield return OptionsValidation.Error(nameof(ItemItemWeight), ItemItemWeight, "must be a finite number.");
            }

            if (!float.IsFinite(PopularityWeight))
            {
                yield return OptionsValidation.Error(nameof(PopularityWeight), PopularityWeight, "must be a finite number.");
            }

            if (!float.IsFinite(ItemItemRegularization))
            {
                yield return OptionsValidation.Error(nameof(ItemItemRegularization), ItemItemRegularization, "must be a finite number.");
            }

            if (!float.IsFinite(ConfidenceScale))
            {
                yield return OptionsValidation.Error(nameof(ConfidenceScale), ConfidenceScale, "must be a finite number.");
            }

            if (!Enum.IsDefined(Weighting))
            {
                yield return OptionsValidation.Error(nameof(Weighting), Weighting, "must be Automatic, Linear or Logarithmic.");
            }

            if (!Enum.IsDefined(Solver))
            {
                yield return OptionsValidation.Error(nameof(Solver), Solver, "must be ConjugateGradient or Cholesky.");
            }
        }
    }
}
