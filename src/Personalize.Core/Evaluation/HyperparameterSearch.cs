using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Internal;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;

namespace Personalize.Core.Evaluation;

/// <summary>
/// Finds good trainer options: trains one candidate per point of a <see cref="SearchSpace"/> (grid or random), scores each on a
/// validation log after every epoch, stops a candidate once its score stops improving, and ranks the candidates.
/// </summary>
/// <remarks>
/// <para>Implicit-feedback candidates (<see cref="ImplicitAlsTrainer"/>) are scored by NDCG@K on the validation log, under the rules of
/// <see cref="RankingEvaluation"/> (seen items excluded; higher is better). Explicit-rating candidates
/// (<see cref="BiasedMatrixFactorizationTrainer"/>) are scored by the RMSE of <see cref="FactorModel.PredictRating(string, string)"/>
/// against the validation ratings (lower is better). Keep the validation log apart from both the training data and any final test.</para>
/// <para>Each candidate runs at most its NumberOfIterations epochs. After each epoch the model so far is scored; the best epoch is
/// kept, and after <see cref="SearchOptions.Patience"/> epochs in a row without a strictly better score the candidate stops, once it
/// has run <see cref="SearchOptions.MinimumEpochs"/>. Its
/// reported options have NumberOfIterations set to the best epoch, so training with them reproduces the scored model.</para>
/// <para>The search is deterministic: the candidates depend only on the space, the base options and <see cref="SearchOptions.Seed"/>
/// (random search draws from <c>new Random(seed)</c>), every candidate keeps the base options' trainer seed, and the trainers are
/// deterministic. Explicit candidates fix NumberOfThreads to the count actually used (the base options', or the processor count up
/// to 256), because that trainer's model depends on it. Candidates are trained one after another, each with the base options'
/// threads. A search object is immutable and may be used from several threads.</para>
/// </remarks>
public sealed class HyperparameterSearch
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a search.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">Measures how long candidates take; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ValidationException">The options are invalid; the message lists every error.</exception>
    public HyperparameterSearch(SearchOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new SearchOptions();
        OptionsValidation.ThrowIfInvalid(Options, nameof(SearchOptions));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the settings of this search.</summary>
    public SearchOptions Options { get; }

    /// <summary>Lists the implicit ALS candidates a search would train, in training order, without training them.</summary>
    /// <remarks>A grid lists every combination with the first parameter varying slowest, each list in its given order and each range
    /// from its minimum to its maximum. A random search lists distinct draws; values from ranges are rounded to 3 significant digits
    /// (whole numbers for counts) and stay within the range.</remarks>
    /// <param name="space">The space; it must be for the implicit trainer.</param>
    /// <param name="baseOptions">The options of everything the space does not vary; <see langword="null"/> for the defaults.</param>
    /// <returns>The candidates' options.</returns>
    /// <exception cref="ArgumentException">The space is for another trainer, or the grid has more than 10,000 candidates.</exception>
    /// <exception cref="ValidationException">The base options are invalid.</exception>
    public IReadOnlyList<ImplicitAlsTrainer.Options> GetImplicitCandidates(SearchSpace space, ImplicitAlsTrainer.Options? baseOptions = null)
    {
        ImplicitAlsTrainer.Options root = ImplicitBase(space, baseOptions);
        return [.. Points(space).Select(point => ApplyImplicit(root, point))];
    }

    /// <summary>Lists the explicit matrix-factorization candidates a search would train, in training order, without training them.</summary>
    /// <remarks>The order and the rounding are those of <see cref="GetImplicitCandidates"/>; NumberOfThreads is fixed as in the search.</remarks>
    /// <param name="space">The space; it must be for the explicit trainer.</param>
    /// <param name="baseOptions">The options of everything the space does not vary; <see langword="null"/> for the defaults.</param>
    /// <returns>The candidates' options.</returns>
    /// <exception cref="ArgumentException">The space is for another trainer, or the grid has more than 10,000 candidates.</exception>
    /// <exception cref="ValidationException">The base options are invalid.</exception>
    public IReadOnlyList<BiasedMatrixFactorizationTrainer.Options> GetExplicitCandidates(SearchSpace space, BiasedMatrixFactorizationTrainer.Options? baseOptions = null)
    {
        BiasedMatrixFactorizationTrainer.Options root = ExplicitBase(space, baseOptions);
        return [.. Points(space).Select(point => ApplyExplicit(root, point))];
    }

    /// <summary>Searches implicit ALS options, scoring each candidate by NDCG@K on the validation log.</summary>
    /// <param name="train">The feedback to train on.</param>
    /// <param name="validation">The held-out interactions, matched by id; users and items unknown to <paramref name="train"/> are
    /// skipped as in <see cref="RankingEvaluation"/>.</param>
    /// <param name="space">The options to vary; it must be for the implicit trainer.</param>
    /// <param name="baseOptions">The options of everything the space does not vary; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives one report per epoch of each candidate, if given.</param>
    /// <param name="cancellationToken">Cancels the search; checked at least once per epoch.</param>
    /// <returns>The ranked candidates and the best options.</returns>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="baseOptions"/> and <paramref name="progress"/> is null.</exception>
    /// <exception cref="ArgumentException">The space is for another trainer, the grid is too large, the training data is empty, or no
    /// validation user can be evaluated (none has training rows and a held-out item known to training that they have not seen).</exception>
    /// <exception cref="ValidationException">The base options are invalid.</exception>
    /// <exception cref="OperationCanceledException">The search was cancelled.</exception>
    public SearchResult<ImplicitAlsTrainer.Options> SearchImplicit(FeedbackMatrix train, InteractionLog validation, SearchSpace space,
        ImplicitAlsTrainer.Options? baseOptions = null, IProgress<SearchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckValidation(validation, needsRatings: false);
        ImplicitAlsTrainer.Options root = ImplicitBase(space, baseOptions);
        if (train.NumberOfEntries == 0)
        {
            throw new ArgumentException("The training feedback has no interactions to learn from.", nameof(train));
        }

        int k = Options.K;
        double Score(FactorModel model)
        {
            using var recommender = new Recommender(model);
            RankingReport report = RankingEvaluation.Evaluate(recommender, validation, k, cancellationToken);
            if (report.UsersEvaluated == 0)
            {
                throw new ArgumentException(
                    $"No validation user can be evaluated: each of the {report.UsersSkipped} users with validation rows is unknown to training or has no held-out item that training knows and they have not seen. Hold out part of each user's rows (a per-user split) instead.",
                    nameof(validation));
            }

            return report.Ndcg;
        }

        return Run(space, root, o => o.NumberOfIterations, (o, epochs) => o with { NumberOfIterations = epochs }, ApplyImplicit,
            (options, afterEpoch) => new ImplicitAlsTrainer(options).Fit(train, null, afterEpoch, cancellationToken),
            Score, string.Create(CultureInfo.InvariantCulture, $"NDCG@{k}"), higherIsBetter: true, progress, cancellationToken);
    }

    /// <summary>Searches explicit matrix-factorization options, scoring each candidate by RMSE on the validation ratings.</summary>
    /// <param name="train">The ratings to train on.</param>
    /// <param name="validation">The held-out ratings, matched by id; every row counts, and unknown users or items get the model's
    /// bias fallback (see <see cref="FactorModel.PredictRating(string, string)"/>).</param>
    /// <param name="space">The options to vary; it must be for the explicit trainer.</param>
    /// <param name="baseOptions">The options of everything the space does not vary; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives one report per epoch of each candidate, if given.</param>
    /// <param name="cancellationToken">Cancels the search; checked at least once per epoch.</param>
    /// <returns>The ranked candidates and the best options.</returns>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="baseOptions"/> and <paramref name="progress"/> is null.</exception>
    /// <exception cref="ArgumentException">The space is for another trainer, the grid is too large, the training ratings are empty, or
    /// the validation log is empty or has no ratings.</exception>
    /// <exception cref="ValidationException">The base options are invalid.</exception>
    /// <exception cref="OperationCanceledException">The search was cancelled.</exception>
    public SearchResult<BiasedMatrixFactorizationTrainer.Options> SearchExplicit(RatingMatrix train, InteractionLog validation, SearchSpace space,
        BiasedMatrixFactorizationTrainer.Options? baseOptions = null, IProgress<SearchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckValidation(validation, needsRatings: true);
        BiasedMatrixFactorizationTrainer.Options root = ExplicitBase(space, baseOptions);
        if (train.Count == 0)
        {
            throw new ArgumentException("The training ratings are empty; there is nothing to learn from.", nameof(train));
        }

        int rows = validation.Count;
        var users = new string[rows];
        var items = new string[rows];
        float[] actual = validation.Ratings.ToArray();
        for (int row = 0; row < rows; row++)
        {
            users[row] = validation.Users.GetId(validation.UserIndices[row]);
            items[row] = validation.Items.GetId(validation.ItemIndices[row]);
        }

        var predicted = new float[rows];
        double Score(FactorModel model)
        {
            for (int row = 0; row < rows; row++)
            {
                predicted[row] = model.PredictRating(users[row], items[row]);
            }

            return RatingMetrics.RootMeanSquaredError(predicted, actual);
        }

        return Run(space, root, o => o.NumberOfIterations, (o, epochs) => o with { NumberOfIterations = epochs }, ApplyExplicit,
            (options, afterEpoch) => new BiasedMatrixFactorizationTrainer(options).Fit(train, null, afterEpoch, cancellationToken),
            Score, "RMSE", higherIsBetter: false, progress, cancellationToken);
    }

    private SearchResult<TOptions> Run<TOptions>(SearchSpace space, TOptions root, Func<TOptions, int> epochsOf, Func<TOptions, int, TOptions> withEpochs,
        Func<TOptions, KeyValuePair<string, double>[], TOptions> apply, Action<TOptions, Func<int, FactorModel, bool>> fit,
        Func<FactorModel, double> score, string metricName, bool higherIsBetter, IProgress<SearchProgress>? progress,
        CancellationToken cancellationToken)
        where TOptions : class
    {
        long searchStarted = _timeProvider.GetTimestamp();
        List<KeyValuePair<string, double>[]> points = Points(space);
        var candidates = new SearchCandidate<TOptions>[points.Count];
        int patience = Options.Patience;
        for (int c = 0; c < points.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            KeyValuePair<string, double>[] values = points[c];
            TOptions options = apply(root, values);
            int maxEpochs = epochsOf(options);
            int minimumEpochs = Options.MinimumEpochs ?? (maxEpochs + 4) / 5;
            var metrics = new List<double>(maxEpochs);
            double best = double.NaN;
            int bestEpoch = 0, sinceBest = 0;
            long started = _timeProvider.GetTimestamp();
            fit(options, (epoch, model) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                double metric = score(model);
                metrics.Add(metric);
                if (!double.IsNaN(metric) && (double.IsNaN(best) || (higherIsBetter ? metric > best : metric < best)))
                {
                    (best, bestEpoch, sinceBest) = (metric, epoch, 0);
                }
                else
                {
                    sinceBest++;
                }

                bool stop = sinceBest >= patience && epoch >= minimumEpochs;
                progress?.Report(new SearchProgress(c + 1, points.Count, values, epoch, maxEpochs, metric, best, bestEpoch, stop || epoch >= maxEpochs));
                return !stop;
            });

            TOptions kept = bestEpoch > 0 ? withEpochs(options, bestEpoch) : options;
            candidates[c] = new SearchCandidate<TOptions>(c, values, kept, maxEpochs, [.. metrics], best, bestEpoch, _timeProvider.GetElapsedTime(started));
        }

        SearchCandidate<TOptions>[] leaderboard = [.. candidates];
        Array.Sort(leaderboard, (a, b) =>
        {
            bool aMissing = double.IsNaN(a.BestMetric), bMissing = double.IsNaN(b.BestMetric);
            int order = aMissing != bMissing ? aMissing.CompareTo(bMissing)
                : aMissing ? 0
                : higherIsBetter ? b.BestMetric.CompareTo(a.BestMetric) : a.BestMetric.CompareTo(b.BestMetric);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        return new SearchResult<TOptions>(metricName, higherIsBetter, leaderboard, _timeProvider.GetElapsedTime(searchStarted));
    }

    private static ImplicitAlsTrainer.Options ImplicitBase(SearchSpace space, ImplicitAlsTrainer.Options? baseOptions)
    {
        CheckSpace(space, FactorModelKind.Implicit);
        ImplicitAlsTrainer.Options root = baseOptions ?? new ImplicitAlsTrainer.Options();
        OptionsValidation.ThrowIfInvalid(root, "ImplicitAlsTrainer.Options");
        return root;
    }

    private static BiasedMatrixFactorizationTrainer.Options ExplicitBase(SearchSpace space, BiasedMatrixFactorizationTrainer.Options? baseOptions)
    {
        CheckSpace(space, FactorModelKind.Explicit);
        BiasedMatrixFactorizationTrainer.Options root = baseOptions ?? new BiasedMatrixFactorizationTrainer.Options();
        OptionsValidation.ThrowIfInvalid(root, "BiasedMatrixFactorizationTrainer.Options");
        return root with { NumberOfThreads = root.NumberOfThreads ?? Math.Min(Environment.ProcessorCount, 256) };
    }

    private static ImplicitAlsTrainer.Options ApplyImplicit(ImplicitAlsTrainer.Options root, KeyValuePair<string, double>[] point)
    {
        foreach ((string name, double value) in point)
        {
            root = SearchableOptions.Apply(root, name, value);
        }

        return root;
    }

    private static BiasedMatrixFactorizationTrainer.Options ApplyExplicit(BiasedMatrixFactorizationTrainer.Options root, KeyValuePair<string, double>[] point)
    {
        foreach ((string name, double value) in point)
        {
            root = SearchableOptions.Apply(root, name, value);
        }

        return root;
    }

    private static void CheckSpace(SearchSpace space, FactorModelKind kind)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Kind != kind)
        {
            string other = space.Kind == FactorModelKind.Explicit ? "explicit" : "implicit";
            string wanted = kind == FactorModelKind.Explicit ? "ForExplicit" : "ForImplicit";
            throw new ArgumentException($"The search space is for the {other} trainer; make it with SearchSpace.{wanted}.", nameof(space));
        }
    }

    private static void CheckValidation(InteractionLog validation, bool needsRatings)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Count == 0)
        {
            throw new ArgumentException("The validation log is empty; hold out some rows to score the candidates on.", nameof(validation));
        }

        if (needsRatings && !validation.HasRatings)
        {
            throw new ArgumentException("The validation log has no ratings; explicit candidates are scored by the RMSE of their predicted ratings.",
                nameof(validation));
        }
    }

    /// <summary>The candidates' values, in training order.</summary>
    private List<KeyValuePair<string, double>[]> Points(SearchSpace space)
    {
        SearchableOption[] options = SearchableOptions.For(space.Kind);
        IReadOnlyList<SearchParameter> parameters = space.Parameters;
        bool[] integer = [.. parameters.Select(p => Array.Find(options, o => o.Name == p.Name)!.IsInteger)];
        return Options.Strategy == SearchStrategy.Random ? RandomPoints(parameters, integer) : GridPoints(parameters, integer);
    }

    private List<KeyValuePair<string, double>[]> GridPoints(IReadOnlyList<SearchParameter> parameters, bool[] integer)
    {
        var axes = new double[parameters.Count][];
        double size = 1;
        for (int p = 0; p < axes.Length; p++)
        {
            SearchParameter parameter = parameters[p];
            axes[p] = parameter.IsRange ? RangeGrid(parameter, integer[p], Options.GridPointsPerRange) : [.. parameter.Values];
            size *= axes[p].Length;
        }

        if (size > SearchDefaults.MaxGridCandidates)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The grid has {size:N0} candidates ({string.Join(" × ", parameters.Select((q, i) => $"{q.Name} {axes[i].Length}"))}), more than the limit of {SearchDefaults.MaxGridCandidates:N0}; list fewer values or use random search."),
                "space");
        }

        var points = new List<KeyValuePair<string, double>[]>((int)size);
        var digits = new int[axes.Length];
        for (int n = 0; n < (int)size; n++)
        {
            var point = new KeyValuePair<string, double>[axes.Length];
            for (int p = 0; p < axes.Length; p++)
            {
                point[p] = new(parameters[p].Name, axes[p][digits[p]]);
            }

            points.Add(point);
            for (int p = axes.Length - 1; p >= 0; p--)
            {
                if (++digits[p] < axes[p].Length)
                {
                    break;
                }

                digits[p] = 0;
            }
        }

        return points;
    }

    private List<KeyValuePair<string, double>[]> RandomPoints(IReadOnlyList<SearchParameter> parameters, bool[] integer)
    {
        var random = new Random(Options.Seed);
        var points = new List<KeyValuePair<string, double>[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int attempts = Options.MaxCandidates * 20;
        for (int attempt = 0; attempt < attempts && points.Count < Options.MaxCandidates; attempt++)
        {
            var point = new KeyValuePair<string, double>[parameters.Count];
            for (int p = 0; p < point.Length; p++)
            {
                SearchParameter parameter = parameters[p];
                double value = parameter.IsRange
                    ? Draw(parameter, integer[p], random.NextDouble(), wholeCells: true)
                    : parameter.Values[random.Next(parameter.Values.Count)];
                point[p] = new(parameter.Name, value);
            }

            if (seen.Add(string.Join(";", point.Select(v => SearchParameter.Format(v.Value)))))
            {
                points.Add(point);
            }

            if (point.Length == 0)
            {
                break;   // an empty space has one point
            }
        }

        return points;
    }

    /// <summary>Evenly spread points from the minimum to the maximum on the range's scale, rounded, without repeats.</summary>
    private static double[] RangeGrid(SearchParameter parameter, bool integer, int count)
    {
        var values = new List<double>(count);
        for (int j = 0; j < count; j++)
        {
            double value = Draw(parameter, integer, (double)j / (count - 1), wholeCells: false);
            if (!values.Contains(value))
            {
                values.Add(value);
            }
        }

        return [.. values];
    }

    /// <summary>The value at position <paramref name="fraction"/> (0 to 1) of a range, on its scale, rounded and kept within the range.
    /// With <paramref name="wholeCells"/>, a whole-number range is widened by half a unit at each end before rounding, so that a uniform
    /// fraction gives its end values as often as the others.</summary>
    private static double Draw(SearchParameter parameter, bool integer, double fraction, bool wholeCells)
    {
        double min = parameter.Minimum, max = parameter.Maximum;
        if (integer && wholeCells)
        {
            (min, max) = (min - 0.5, max + 0.5);
            if (parameter.Scale == SearchScale.Logarithmic && min <= 0)
            {
                min = parameter.Minimum;
            }
        }

        double value = parameter.Scale == SearchScale.Logarithmic
            ? Math.Exp(Math.Log(min) + fraction * (Math.Log(max) - Math.Log(min)))
            : min + fraction * (max - min);
        value = integer ? Math.Round(value, MidpointRounding.AwayFromZero) : RoundSignificant(value, SearchDefaults.SignificantDigits);
        return Math.Clamp(value, parameter.Minimum, parameter.Maximum);
    }

    private static double RoundSignificant(double value, int digits)
    {
        if (value == 0)
        {
            return 0;
        }

        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        int decimals = digits - 1 - exponent;
        return decimals >= 0 && decimals <= 15
            ? Math.Round(value, decimals, MidpointRounding.AwayFromZero)
            : Math.Round(value / Math.Pow(10, -decimals), MidpointRounding.AwayFromZero) * Math.Pow(10, -decimals);
    }
}
