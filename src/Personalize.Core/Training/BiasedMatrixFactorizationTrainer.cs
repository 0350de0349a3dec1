using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Internal;
using Personalize.Core.Models;

namespace Personalize.Core.Training;

/// <summary>
/// Learns to predict explicit ratings as global mean + user bias + item bias + the dot product of user and item factors
/// (Koren, Bell and Volinsky, "Matrix Factorization Techniques for Recommender Systems", 2009), with stochastic gradient descent, or,
/// with <see cref="Options.UseBayesianSampling"/>, as the posterior mean of the same model drawn by Gibbs sampling.
/// </summary>
/// <remarks>
/// <para>Training is parallel by blocks: users and items are each dealt at random into 8 groups, whatever the number of threads,
/// and each epoch runs 8 strata of 8 (user group, item group) cells that share no user and no item, so the threads (up to
/// <see cref="Options.NumberOfThreads"/>) never write the same factors and each cell is one thread's sequence of updates. The ratings
/// of each cell are shuffled once, from the seed. The same data, options and seed therefore give bit-identical models on any machine,
/// with any thread count (with one group per thread, as before, the model depended on the core count: the tuned Amazon ratings tested
/// 0.8783 / 0.8782 / 0.8783 / 0.8769 RMSE with 2 / 4 / 8 / 16 groups, the spread of the update order alone). Bayesian sampling draws every user and item in parallel from its own seeded stream, so its models are
/// bit-identical for any thread count.</para>
/// <para>The model is a <see cref="FactorModel"/> of kind <see cref="FactorModelKind.Explicit"/>; its predicted ratings are clamped to
/// the range observed in training, and unknown users or items fall back to the biases that are known (see
/// <see cref="FactorModel.PredictRating(string, string)"/>). A trainer is immutable and may be used from several threads.</para>
/// </remarks>
public sealed class BiasedMatrixFactorizationTrainer
{
    /// <summary>The name saved in a model's properties under <c>trainer</c>.</summary>
    public const string TrainerName = "explicit-mf";

    /// <summary>The side of the SGD grid: users and items are each dealt into this many groups whatever the thread count, so that a
    /// model depends on the data, the options and the seed, not on the machine it was trained on.</summary>
    internal const int GridSize = 8;

    /// <summary>How far above its reference an epoch's training RMSE (in standard deviations of the ratings) must be for the epoch to
    /// have diverged (SGD only). The reference is the error of the epoch before, but at least 1, what predicting the mean scores: a
    /// model pulled back towards the mean by strong regularization stays near 1, one blown up by too large a step goes far past it.</summary>
    private const double DivergedGrowth = 1.5;

    /// <summary>The largest factor or bias, in standard deviations of the ratings, a saved copy of the tables may hold: a state beyond
    /// it was already blown up by the epoch before, which its error alone did not show, and is not saved over an older copy.</summary>
    private const float LargestSavedValue = 1e4f;

    /// <summary>How many times a fit may halve its step size before it gives up with an error.</summary>
    private const int MaxHalvings = 20;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ValidationException">The options are invalid; the message lists every error.</exception>
    public BiasedMatrixFactorizationTrainer(Options? options = null)
    {
        TrainerOptions = options ?? new Options();
        OptionsValidation.ThrowIfInvalid(TrainerOptions, "BiasedMatrixFactorizationTrainer.Options");
    }

    /// <summary>Gets the settings of this trainer.</summary>
    public Options TrainerOptions { get; }

    /// <summary>Gets how many epochs, from the first and from each halving of the step size, start by saving a copy of the tables that
    /// an epoch that diverges goes back to (SGD only; settable for tests of an epoch that diverges after them).</summary>
    internal int WatchedEpochs { get; init; } = 5;

    /// <summary>Trains a model.</summary>
    /// <param name="data">The ratings.</param>
    /// <param name="progress">Receives one report per epoch, with the training RMSE measured during the epoch's pass.</param>
    /// <param name="cancellationToken">Cancels training; checked between strata.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The data has no ratings.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="InvalidOperationException">SGD diverged even after its step size was halved 20 times.</exception>
    public FactorModel Fit(RatingMatrix data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(data, progress, null, cancellationToken);

    /// <summary>Trains, calling <paramref name="afterEpoch"/> with the model so far after each epoch; it returns false to stop early.</summary>
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
    /// <exception cref="InvalidOperationException">SGD diverged even after its step size was halved 20 times.</exception>
    public FactorModel Fit(RatingMatrix data, IProgress<TrainingProgress>? progress, Func<int, FactorModel, bool>? afterEpoch,
        CancellationToken cancellationToken) =>
        Fit(data, progress, afterEpoch, null, cancellationToken);

    /// <summary>Trains as <see cref="Fit(RatingMatrix, IProgress{TrainingProgress}?, Func{int, FactorModel, bool}?, CancellationToken)"/>
    /// does, and with <see cref="Options.UseRatedItems"/> hands <paramref name="beforeFolding"/> each model's user factors p and item
    /// factors y (entity order, rating units) before z is folded into the stored user factors.</summary>
    internal FactorModel Fit(RatingMatrix data, IProgress<TrainingProgress>? progress, Func<int, FactorModel, bool>? afterEpoch,
        Action<int, float[], float[]>? beforeFolding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException("The ratings are empty; there is nothing to learn from.", nameof(data));
        }

        Options o = TrainerOptions;
        if (o.UseBayesianSampling)
        {
            return BayesianSampler.Fit(data, o, progress, afterEpoch,
                (effective, x, y, mean, ub, ib) => BuildModel(data, effective, o.NumberOfFactors, x, y, mean, ub, ib), cancellationToken);
        }

        int rank = o.NumberOfFactors, users = data.Users.Count, items = data.Items.Count;
        const int blocks = GridSize;
        int threads = o.NumberOfThreads ?? Environment.ProcessorCount;
        // Train on ratings divided by their standard deviation, so the learning rate and the initial scale mean the same on a 1-5 scale
        // and on a -10..+10 one; the model is scaled back to rating units below (the regularization constants keep their meaning).
        float unit = RatingUnit(data);

        // Start from the damped baseline, so the factors only have to explain what the biases cannot.
        FactorModel baseline = BiasBaseline.Fit(data);
        float[] baselineUserBias = baseline.RawUserBiases!;
        float[] baselineItemBias = baseline.RawItemBiases!;
        TensorPrimitives.Divide(baselineUserBias, unit, baselineUserBias);
        TensorPrimitives.Divide(baselineItemBias, unit, baselineItemBias);
        float mean = (float)(data.Mean / unit);
        float[] userInverse = InverseCounts(data.UserIndices, users), itemInverse = InverseCounts(data.ItemIndices, items);
        int models = o.NumberOfModels;
        var members = new Member[models];
        for (int m = 0; m < models; m++)
        {
            // Each model draws its groups, its order of updates and its initial factors from its own seed (the first from Seed, as a
            // single model always has), so the models end apart and their errors partly cancel in the average. Sharing the order and
            // drawing only new initial factors kept much less of the gain (Jester 3.938 → 3.935 against 3.927).
            var random = new Random(m == 0 ? o.Seed : unchecked(o.Seed + (m * 7919)));
            var userLayout = new BlockLayout(Groups(random, users, blocks), blocks);
            var itemLayout = new BlockLayout(Groups(random, items, blocks), blocks);
            Entry[][] cells = Cells(data, userLayout, itemLayout, blocks, random, 1 / unit);
            float[] userFactors = Initial(random, users * rank, o.InitialScale / MathF.Sqrt(rank));
            float[] itemFactors = Initial(random, items * rank, o.InitialScale / MathF.Sqrt(rank));
            float[] userBias = m == models - 1 ? baselineUserBias : (float[])baselineUserBias.Clone();
            float[] itemBias = m == models - 1 ? baselineItemBias : (float[])baselineItemBias.Clone();
            var userTable = new SgdTable(userLayout, rank, userFactors, userBias, userInverse);
            var itemTable = new SgdTable(itemLayout, rank, itemFactors, itemBias, itemInverse);
            RatedItems? rated = null;
            if (o.UseRatedItems)
            {
                rated = new RatedItems(data, userLayout, itemLayout, rank, blocks, o.FactorRegularization, o.RatingRegularization);
                RatedItems.GroupByUser(cells, users, random);
            }

            members[m] = new Member(cells, userTable, itemTable, new SgdKernel(userTable, itemTable, mean, o.FactorRegularization,
                o.RatingRegularization, o.BiasRegularization), userFactors, itemFactors, userBias, itemBias, rated);
        }

        var cellError = new double[blocks * blocks];
        var halvedAt = new List<int>();   // the epochs undone and run again at half the step size (below)
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };

        // The arrays the tables were filled from are free once the tables hold the values: the final model of a single-model fit reuses
        // them, and only a model handed to afterEpoch (which must stay valid while training goes on) gets new ones. Several models are
        // stored as one: each user's rows side by side, divided by the number of models, against the items' rows side by side, so one
        // dot product is the average of the models' dot products; the biases are averaged.
        FactorModel Snapshot(bool final, int epochs)
        {
            int combined = rank * models;
            float[] x = final && models == 1 ? members[0].UserFactors : new float[users * combined];
            float[] y = final && models == 1 ? members[0].ItemFactors : new float[items * combined];
            float[] ub = final && models == 1 ? members[0].UserBias : new float[users];
            float[] ib = final && models == 1 ? members[0].ItemBias : new float[items];
            if (models == 1)
            {
                members[0].UserTable.CopyTo(x, ub);
                members[0].ItemTable.CopyTo(y, ib);
                Fold(members[0], x, 0);
            }
            else
            {
                // Each model's own arrays (free once its tables hold the values) take its copy on the way into the combined rows.
                for (int m = 0; m < models; m++)
                {
                    Member member = members[m];
                    member.UserTable.CopyTo(member.UserFactors, member.UserBias);
                    member.ItemTable.CopyTo(member.ItemFactors, member.ItemBias);
                    Fold(member, member.UserFactors, m);
                    Interleave(member.UserFactors, x, users, rank, m, 1f / models);
                    Interleave(member.ItemFactors, y, items, rank, m, 1f);
                    TensorPrimitives.MultiplyAdd(member.UserBias, 1f / models, ub, ub);
                    TensorPrimitives.MultiplyAdd(member.ItemBias, 1f / models, ib, ib);
                }
            }

            TensorPrimitives.Multiply(x, unit, x);
            TensorPrimitives.Multiply(ub, unit, ub);
            TensorPrimitives.Multiply(ib, unit, ib);
            return BuildModel(data, o with { NumberOfIterations = epochs }, combined, x, y, mean * unit, ub, ib, halvedAt);   // the epochs run

            // The user factors the model stores are p + z (with the z of the current y), so serving needs no y.
            void Fold(Member member, float[] userFactors, int index)
            {
                if (member.Rated is not { } rated)
                {
                    return;
                }

                if (final && beforeFolding is not null)
                {
                    float[] implicitFactors = rated.ImplicitFactors();
                    beforeFolding(index, Scaled(userFactors, unit), Scaled(implicitFactors, unit));
                }

                rated.AddSumsTo(userFactors);
            }
        }

        // Too large a step size makes SGD diverge: the training error grows, usually to infinity within an epoch. The first
        // WatchedEpochs epochs start by saving a copy of the tables (the copy costs about what SGD over a few ratings per user does,
        // so it is not made every epoch). When an epoch's training error (of any model) is not finite or more than DivergedGrowth
        // times its reference, the tables go back to the copy, and the epoch runs again at half the step size, which stays halved for
        // the rest of the schedule; the copies are then made again for WatchedEpochs epochs. An epoch that diverges after the watched
        // ones goes back to the last copy, losing the epochs since. A run that does not diverge is unchanged by this. The first
        // epoch's reference is the error the starting factors can add to the biases' (at most 1): their dot products spread by
        // InitialScale² / (3 √k), which a large InitialScale makes more than the ratings' own spread.
        var saved = Array.ConvertAll(members, member => Array.ConvertAll(member.Tables, table => new float[table.SavedLength]));
        var errors = new double[models];
        double start = 1 + (o.InitialScale * (double)o.InitialScale / (3 * Math.Sqrt(rank)));
        double reference = start, referenceWhenSaved = start;
        float stepScale = 1;
        int retries = 0, watchedFrom = 0;
        void Save()
        {
            // A state already blown up (the epoch before ended in huge values that its error did not show) does not replace the older
            // copy: the epoch then diverges and goes back to that one.
            foreach (Member member in members)
            {
                foreach (SgdTable table in member.Tables)
                {
                    if (!(table.MaxMagnitude() <= LargestSavedValue))
                    {
                        return;
                    }
                }
            }

            referenceWhenSaved = reference;
            for (int m = 0; m < models; m++)
            {
                for (int t = 0; t < saved[m].Length; t++)
                {
                    (SgdTable table, float[] copy) = (members[m].Tables[t], saved[m][t]);
                    Parallel.For(0, blocks, parallel, part => table.SaveTo(copy, part, blocks));
                }
            }
        }

        int ran = 0;
        for (int epoch = 0; epoch < o.NumberOfIterations; epoch++)
        {
            long started = Stopwatch.GetTimestamp();
            if (epoch - watchedFrom < WatchedEpochs)
            {
                Save();
            }

            float learningRate = o.LearningRate * stepScale * MathF.Pow(o.LearningRateDecay, epoch);
            double rmse = 0;
            bool diverged = false;
            for (int m = 0; m < models; m++)
            {
                Member member = members[m];
                SgdKernel kernel = member.Kernel;
                Entry[][] cells = member.Cells;
                RatedItems? rated = member.Rated;
                for (int stratum = 0; stratum < blocks; stratum++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int s = stratum;
                    // Each cell is one thread's run of updates; which thread runs it does not matter.
                    Parallel.For(0, blocks, parallel, b =>
                    {
                        int cell = b * blocks + (b + s) % blocks;
                        cellError[cell] = rated is null ? kernel.Run(cells[cell], learningRate)
                            : kernel.Run(cells[cell], learningRate, rated, (b + s) % blocks);
                    });
                }

                double squared = 0;
                foreach (double e in cellError)
                {
                    squared += e;
                }

                errors[m] = Math.Sqrt(squared / data.Count);
                diverged |= !(errors[m] <= DivergedGrowth * Math.Max(reference, 1));   // NaN too
                rmse += errors[m] * unit / models;
            }

            if (diverged)
            {
                if (halvedAt.Count == MaxHalvings)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"Explicit training diverged: the training RMSE of epoch {epoch + 1} was {rmse:G4} even at a step size of {learningRate:G3} (the learning rate {o.LearningRate:G3} halved {MaxHalvings} times). Look for extreme ratings in the input, or train with more regularization or a smaller initial scale."));
                }

                for (int m = 0; m < models; m++)
                {
                    for (int t = 0; t < saved[m].Length; t++)
                    {
                        members[m].Tables[t].RestoreFrom(saved[m][t]);
                    }
                }

                reference = referenceWhenSaved;
                watchedFrom = epoch;
                stepScale /= 2;
                halvedAt.Add(epoch + 1);
                retries++;
                epoch--;
                continue;
            }

            reference = errors.Max();
            progress?.Report(new TrainingProgress(epoch + 1, o.NumberOfIterations, Stopwatch.GetElapsedTime(started), rmse)
            {
                LearningRate = learningRate,
                Retries = retries,
            });
            retries = 0;
            ran = epoch + 1;
            if (afterEpoch is not null && !afterEpoch(epoch + 1, Snapshot(final: false, ran)))
            {
                break;
            }
        }

        return Snapshot(final: true, ran);
    }

    /// <summary>Copies each row of <paramref name="source"/> (<paramref name="rank"/> values per row) times <paramref name="scale"/> into
    /// slot <paramref name="slot"/> of the matching row of <paramref name="destination"/>, whose rows hold one such slot per model.</summary>
    private static void Interleave(float[] source, float[] destination, int rows, int rank, int slot, float scale)
    {
        int width = destination.Length / rows;
        for (int row = 0; row < rows; row++)
        {
            TensorPrimitives.Multiply(source.AsSpan(row * rank, rank), scale, destination.AsSpan((row * width) + (slot * rank), rank));
        }
    }

    /// <summary>A copy of <paramref name="values"/> times <paramref name="scale"/>.</summary>
    private static float[] Scaled(float[] values, float scale)
    {
        var result = new float[values.Length];
        TensorPrimitives.Multiply(values, scale, result);
        return result;
    }

    /// <summary>One of the models a fit trains side by side: its ratings in update order, its tables, its kernel, the arrays the
    /// tables were filled from, and with <see cref="Options.UseRatedItems"/> its rated-item factors.</summary>
    private sealed record Member(Entry[][] Cells, SgdTable UserTable, SgdTable ItemTable, SgdKernel Kernel, float[] UserFactors, float[] ItemFactors,
        float[] UserBias, float[] ItemBias, RatedItems? Rated)
    {
        /// <summary>Gets every table the model's training writes, which an epoch that diverged restores.</summary>
        public SgdTable[] Tables { get; } = Rated is null ? [UserTable, ItemTable]
            : [UserTable, ItemTable, Rated.Implicit, Rated.Sums, Rated.Parts];
    }

    private static FactorModel BuildModel(RatingMatrix data, Options o, int rank, float[] userFactors, float[] itemFactors, float mean,
        float[] userBias, float[] itemBias, IReadOnlyList<int>? halvedAt = null)
    {
        int users = data.Users.Count, items = data.Items.Count;
        var offsets = new int[users + 1];
        var popularity = new float[items];
        ReadOnlySpan<int> ratedUsers = data.UserIndices;
        foreach (int u in ratedUsers)
        {
            offsets[u + 1]++;
        }

        for (int u = 0; u < users; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        foreach (int i in data.ItemIndices)
        {
            popularity[i]++;
        }

        var properties = new Dictionary<string, string>
        {
            [ModelPropertyNames.Trainer] = TrainerName,
            [ModelPropertyNames.Factors] = rank.ToString(CultureInfo.InvariantCulture),
            [ModelPropertyNames.Epochs] = o.NumberOfIterations.ToString(CultureInfo.InvariantCulture),
            [ModelPropertyNames.FactorRegularization] = o.FactorRegularization.ToString(CultureInfo.InvariantCulture),
            [ModelPropertyNames.RatingRegularization] = o.RatingRegularization.ToString(CultureInfo.InvariantCulture),
            [ModelPropertyNames.BiasRegularization] = o.BiasRegularization.ToString(CultureInfo.InvariantCulture),
            [ModelPropertyNames.Seed] = o.Seed.ToString(CultureInfo.InvariantCulture),
            [FactorModel.MinRatingProperty] = data.MinRating.ToString("R", CultureInfo.InvariantCulture),
            [FactorModel.MaxRatingProperty] = data.MaxRating.ToString("R", CultureInfo.InvariantCulture),
        };
        if (o.UseBayesianSampling)
        {
            // No step size: the regularizations are the ones the sampled prior amounts to, for fold-in.
            properties[ModelPropertyNames.Bayesian] = "true";
        }
        else
        {
            properties[ModelPropertyNames.LearningRate] = o.LearningRate.ToString(CultureInfo.InvariantCulture);
            properties[ModelPropertyNames.LearningRateDecay] = o.LearningRateDecay.ToString(CultureInfo.InvariantCulture);
            properties[ModelPropertyNames.InitialScale] = o.InitialScale.ToString(CultureInfo.InvariantCulture);
            if (halvedAt is { Count: > 0 })
            {
                properties[ModelPropertyNames.LearningRateHalvedAt] = string.Join(',', halvedAt);
            }
        }

        if (o.UseRatedItems)
        {
            properties[ModelPropertyNames.RatedItems] = "true";
        }

        if (o.NumberOfModels > 1)
        {
            properties[ModelPropertyNames.Factors] = o.NumberOfFactors.ToString(CultureInfo.InvariantCulture);
            properties[ModelPropertyNames.Models] = o.NumberOfModels.ToString(CultureInfo.InvariantCulture);
        }

        return new FactorModel(FactorModelKind.Explicit, data.Users, data.Items, rank, userFactors, itemFactors, offsets,
            data.ItemIndexArray.ToArray(), popularity, properties, mean, userBias, itemBias, seenWeights: data.RatingArray.ToArray());
    }

    private static float[] InverseCounts(ReadOnlySpan<int> indices, int count)
    {
        var counts = new int[count];
        foreach (int index in indices)
        {
            counts[index]++;
        }

        var inverse = new float[count];
        for (int i = 0; i < count; i++)
        {
            inverse[i] = counts[i] == 0 ? 0 : 1f / counts[i];
        }

        return inverse;
    }

    private static int[] Groups(Random random, int count, int blocks)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        var group = new int[count];
        for (int position = 0; position < count; position++)
        {
            group[order[position]] = position % blocks;
        }

        return group;
    }

    /// <summary>The standard deviation of the ratings (1 when they are all equal): the unit the trainer works in.</summary>
    internal static float RatingUnit(RatingMatrix data)
    {
        ReadOnlySpan<float> ratings = data.Ratings;
        double mean = data.Mean, sum = 0;
        foreach (float r in ratings)
        {
            sum += (r - mean) * (r - mean);
        }

        double sd = Math.Sqrt(sum / ratings.Length);
        return sd > 1e-6 && double.IsFinite(sd) ? (float)sd : 1f;
    }

    /// <summary>Deals the ratings into the blocks² cells, with indices renumbered to the layouts' rows, each cell shuffled once.</summary>
    private static Entry[][] Cells(RatingMatrix data, BlockLayout userLayout, BlockLayout itemLayout, int blocks, Random random, float scale)
    {
        var counts = new int[blocks * blocks];
        ReadOnlySpan<int> users = data.UserIndices, items = data.ItemIndices;
        ReadOnlySpan<float> ratings = data.Ratings;
        for (int e = 0; e < users.Length; e++)
        {
            counts[userLayout.Group[users[e]] * blocks + itemLayout.Group[items[e]]]++;
        }

        var cells = new Entry[blocks * blocks][];
        for (int c = 0; c < cells.Length; c++)
        {
            cells[c] = new Entry[counts[c]];
            counts[c] = 0;
        }

        for (int e = 0; e < users.Length; e++)
        {
            int u = users[e], i = items[e];
            int c = userLayout.Group[u] * blocks + itemLayout.Group[i];
            cells[c][counts[c]++] = new Entry(userLayout.Row[u], itemLayout.Row[i], ratings[e] * scale);
        }

        foreach (Entry[] cell in cells)
        {
            random.Shuffle(cell);
        }

        return cells;
    }

    private static float[] Initial(Random random, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }

        return values;
    }

    /// <summary>Settings for <see cref="BiasedMatrixFactorizationTrainer"/>. Immutable and safe to share between threads.</summary>
    public sealed record Options : IValidatableObject
    {
        /// <summary>Gets how many latent factors each user and item has.</summary>
        /// <remarks>More factors fit finer structure but need more data and regularization; sparse data sets do well with few.</remarks>
        /// <value>The default is 32.</value>
        [Range(1, 1024)]
        public int NumberOfFactors { get; init; } = BiasedMatrixFactorizationDefaults.NumberOfFactors;

        /// <summary>Gets how many passes over the ratings training makes.</summary>
        /// <value>The default is 50.</value>
        [Range(1, 10_000)]
        public int NumberOfIterations { get; init; } = BiasedMatrixFactorizationDefaults.NumberOfIterations;

        /// <summary>Gets the SGD step size of the first epoch.</summary>
        /// <remarks>Too small needs many epochs. Too large diverges: the training RMSE blows up (to infinity, or to more than
        /// 1.5 times the epoch before's and 1.5 standard deviations of the ratings, where predicting the mean scores 1). The trainer then
        /// undoes the epoch and runs it again at half the step size, for the rest of the schedule too, and records the epochs in the
        /// model's <see cref="ModelPropertyNames.LearningRateHalvedAt"/>; each epoch is reported with the step size it ran at
        /// (<see cref="TrainingProgress.LearningRate"/>). It keeps one copy of everything it trains for this (the factors and
        /// biases, and with <see cref="UseRatedItems"/> the rated items' factors and each user's sums of them: about twice the training
        /// memory), saved at the start of the first 5 epochs and of the 5 after each halving (an epoch that diverges later goes back
        /// to the last copy, losing the epochs since), and gives up with an <see cref="InvalidOperationException"/> after 20
        /// halvings.</remarks>
        /// <value>The default is 0.02.</value>
        [Range(1e-6, 1.0)]
        public float LearningRate { get; init; } = BiasedMatrixFactorizationDefaults.LearningRate;

        /// <summary>Gets the factor by which the step size shrinks after every epoch (1 keeps it constant).</summary>
        /// <value>The default is 0.95.</value>
        [Range(0.5, 1.0)]
        public float LearningRateDecay { get; init; } = BiasedMatrixFactorizationDefaults.LearningRateDecay;

        /// <summary>Gets the L2 regularization of the factors per user and item (λ), applied once per user and item per epoch (each of
        /// a user's n updates shrinks by λ/n); larger values shrink towards the bias-only prediction.</summary>
        /// <remarks>Per-entity regularization acts like a prior of λ pseudo-ratings: it restrains users and items with few ratings
        /// much more than heavy ones. It adds to <see cref="RatingRegularization"/>, which grows with the number of ratings.</remarks>
        /// <value>The default is 3.</value>
        [Range(0.0, 10_000.0)]
        public float FactorRegularization { get; init; } = BiasedMatrixFactorizationDefaults.FactorRegularization;

        /// <summary>Gets the L2 regularization of the factors per rating (λ_r): every update shrinks the user's and the item's
        /// factors by λ_r, so a user with n ratings is pulled towards zero n × λ_r per epoch (the "weighted λ" of Zhou et al., 2008).
        /// </summary>
        /// <remarks>Heavy users and popular items have many ratings to fit; without a pull that grows with them, SGD overfits them
        /// (measured on dense Jester ratings and a MovieLens-shaped set: RMSE 4.88 → 3.94 and 0.921 → 0.889 at 64 factors and 20
        /// epochs). Fold-in solves the same objective: λ + n × λ_r on the diagonal.</remarks>
        /// <value>The default is 0.03.</value>
        [Range(0.0, 100.0)]
        public float RatingRegularization { get; init; } = BiasedMatrixFactorizationDefaults.RatingRegularization;

        /// <summary>Gets the L2 regularization of the user and item biases, per entity like <see cref="FactorRegularization"/>.
        /// The biases start from the damped baseline (<see cref="BiasBaseline.Fit"/>).</summary>
        /// <value>The default is 7.</value>
        [Range(0.0, 10_000.0)]
        public float BiasRegularization { get; init; } = BiasedMatrixFactorizationDefaults.BiasRegularization;

        /// <summary>Gets the scale of the random initial factors (uniform in ±scale/√factors).</summary>
        /// <remarks>Too small a scale leaves SGD near the saddle point at zero for many epochs.</remarks>
        /// <value>The default is 0.5.</value>
        [Range(1e-6, 10.0)]
        public float InitialScale { get; init; } = BiasedMatrixFactorizationDefaults.InitialScale;

        /// <summary>Gets the seed of the initial factors, the groups and the order of updates.</summary>
        /// <value>The default is 42.</value>
        public int Seed { get; init; } = BiasedMatrixFactorizationDefaults.Seed;

        /// <summary>Gets how many models training fits side by side, each from its own random initial factors (the groups and the order
        /// of updates are shared), to average their predictions.</summary>
        /// <remarks>Stochastic gradient descent ends in a different solution from each start; averaging a few cancels part of their
        /// errors (held-out RMSE at 64 factors and 20 epochs, 3 models against 1: dense Jester ratings 3.938 → 3.927, a MovieLens-shaped
        /// set 0.889 → 0.886; sparse Amazon ratings unchanged). The average is stored as one model of
        /// <see cref="NumberOfFactors"/> × NumberOfModels factors (each user's rows side by side, divided by the number of models; the
        /// items' rows side by side; the biases averaged), so predicting, recommending, fold-in and the model file work unchanged, at the
        /// cost of that many times the training time and factor memory. Automatic tuning tries 3 and keeps it only when it validates
        /// better.</remarks>
        /// <value>The default is 1.</value>
        [Range(1, 16)]
        public int NumberOfModels { get; init; } = BiasedMatrixFactorizationDefaults.NumberOfModels;

        /// <summary>Gets whether each user is also represented by the items they rated, whatever the ratings (SVD++, Koren 2008): the
        /// user's vector is p_u + |N(u)|^-1/2 Σ_{j ∈ N(u)} y_j, with a second learned factor row y_j per item.</summary>
        /// <remarks><para>Which items people rate says something about their taste (people mostly rate what they chose to watch or buy), and
        /// this lets the model learn it; where what is rated does not depend on taste it adds a little noise. Held-out RMSE with the
        /// options chosen by automatic tuning (random 20 % split): a generated set of 143,000 ratings where users mostly rate what they
        /// like, 0.831 → 0.813; on Jester and Amazon ratings the tuning trial validated 0.04-0.06 % worse than the best without it, on
        /// a generated set whose rated items do not depend on taste 0.5 % worse, and was not kept. The y rows are updated per user
        /// inside the parallel blocks (8 item groups, whatever the thread count), so training stays deterministic for a seed; each update
        /// sees the user's ratings in one item group, an unbiased estimate of all of them. The learned p_u + z_u is stored as the user's factors, so
        /// predicting, recommending, averaged models and the model file work as without it. Costs about 2.5 times the training time per
        /// epoch (Jester ratings, 32 factors, 2 threads: 7 → 16-18 ms) and, during training, one more item-factor table and
        /// 9 more user-factor tables of memory (the grid's 8 partial sums and the sum). Folding in a user after training solves for the stored user factors
        /// from their ratings, as without it. Automatic tuning tries it and keeps it only when it validates better.</para>
        /// <para>With <see cref="UseBayesianSampling"/> it enters on both sides, drawn by the same sampler (Bayesian SVD++ "flipped",
        /// Rendle, Zhang and Koren, 2019): a user's first m = min(NumberOfFactors, 16) factors are their own plus |N(u)|^-1/2 Σ x_j over
        /// the items they rated, an item's its own plus |R(i)|^-1/2 Σ y_v over the people who rated it. The stored factors include those
        /// sums, so the model is one row per user and per item as before. Held-out RMSE at 32 factors and 100 sweeps (random 20 % split):
        /// generated sets where people rate what they like, 3,000 users 0.8241 → 0.8014 and 10,000 users 0.8071 → 0.7842; elsewhere it
        /// gains nothing or loses (Amazon ratings 0.9020 → 0.9040; where what is rated does not depend on taste: the bundled sample
        /// 0.5149 → 0.5175, a MovieLens-shaped slice 0.9325 → 0.9390), which is why tuning keeps it only when it validates better. A sweep
        /// costs about two to three plain ones (sequential passes reading one m × m matrix per rating), and training holds about 1.3 KB
        /// more per user and per item.</para></remarks>
        /// <value>The default is <see langword="false"/>.</value>
        public bool UseRatedItems { get; init; }

        /// <summary>Gets whether the model is drawn by Gibbs sampling instead of fitted by SGD: Bayesian matrix factorization
        /// (Salakhutdinov and Mnih, 2008), with the biases inside the factor vectors and the rating noise drawn too.</summary>
        /// <remarks>
        /// <para>The prior of the user and of the item factors (their mean and full precision matrix) is itself drawn from the data every
        /// sweep, so there is no regularization, learning rate or initial scale to choose: <see cref="NumberOfIterations"/> is the number of
        /// sweeps (the first min(10, half) are burn-in) and <see cref="NumberOfFactors"/> the rank; the SGD settings and
        /// <see cref="NumberOfModels"/> do not apply, and <see cref="UseRatedItems"/> represents each user also by the items they rated and each item by the people who rated it.
        /// The model is the mean of the factors drawn after burn-in (each sweep's factors turned into line with the mean so far: the chain
        /// wanders among rotations that predict the same), which averages over many fits the way an ensemble does. Every user's and item's draw depends only on the seed, the sweep
        /// and the row, so the model is the same for any <see cref="NumberOfThreads"/>.</para>
        /// <para>Held-out RMSE at 32 factors and 60 sweeps against the SGD options automatic tuning chose (random 20 % split): dense Jester
        /// ratings 3.983 → 3.951 (3.946 at 150 sweeps), a generated MovieLens-shaped set 0.891 → 0.886, the bundled sample 0.515 → 0.514;
        /// sparse Amazon ratings, which are mostly biases, 0.878 → 0.904 (worse). Each sweep solves one (k+1)-sized linear system per user
        /// and per item (Jester, 32 factors: about 120 ms a sweep on one thread). Automatic tuning tries it and keeps it only when it
        /// validates better. Fold-in solves a ridge regression with the regularization the sampled prior amounts to (recorded in the
        /// model's properties).</para>
        /// </remarks>
        /// <value>The default is <see langword="false"/>.</value>
        public bool UseBayesianSampling { get; init; }

        /// <summary>Gets how many threads train in parallel. The model does not depend on it: the same data, options and seed give the
        /// same model with any thread count. SGD runs 8 cells of its 8 × 8 grid at a time, so more than 8 threads do not make it faster;
        /// Bayesian sampling uses every thread.</summary>
        /// <value>The default is <see langword="null"/>: one per processor.</value>
        [Range(1, 256)]
        public int? NumberOfThreads { get; init; }

        /// <inheritdoc />
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            foreach (var (name, value) in new[] { (nameof(LearningRate), LearningRate), (nameof(FactorRegularization), FactorRegularization), (nameof(RatingRegularization), RatingRegularization), (nameof(BiasRegularization), BiasRegularization) })
            {
                if (!float.IsFinite(value))
                {
                    yield return OptionsValidation.Error(name, value, "must be a finite number.");
                }
            }

            if (UseBayesianSampling && NumberOfModels > 1)
            {
                yield return OptionsValidation.Error(nameof(UseBayesianSampling), UseBayesianSampling,
                    $"cannot be combined with NumberOfModels ({NumberOfModels}) above 1: Bayesian sampling already averages many draws.");
            }

            if (NumberOfModels > 1 && (long)NumberOfFactors * NumberOfModels > 1024)
            {
                yield return OptionsValidation.Error(nameof(NumberOfModels), NumberOfModels,
                    $"times NumberOfFactors ({NumberOfFactors}) must be at most 1024, the most factors a model holds.");
            }
        }
    }
}
