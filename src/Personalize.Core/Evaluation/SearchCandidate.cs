namespace Personalize.Core.Evaluation;

/// <summary>One trained candidate of a <see cref="HyperparameterSearch"/>: its options, its validation curve and its best epoch.</summary>
/// <typeparam name="TOptions">The trainer's options type.</typeparam>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SearchCandidate<TOptions>
    where TOptions : class
{
    private readonly double[] _metricByEpoch;

    internal SearchCandidate(int index, IReadOnlyList<KeyValuePair<string, double>> values, TOptions options, int maxEpochs, double[] metricByEpoch,
        double bestMetric, int bestEpoch, TimeSpan elapsed)
    {
        Index = index;
        Values = values;
        Options = options;
        MaxEpochs = maxEpochs;
        _metricByEpoch = metricByEpoch;
        BestMetric = bestMetric;
        BestEpoch = bestEpoch;
        Elapsed = elapsed;
    }

    /// <summary>Gets the candidate's 0-based position in the order the search made and trained the candidates.</summary>
    public int Index { get; }

    /// <summary>Gets the candidate's values of the searched options, in the space's order, under their property names.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Values { get; }

    /// <summary>Gets the options to train with: the candidate's, with NumberOfIterations set to <see cref="BestEpoch"/>.</summary>
    /// <remarks>Training with them gives the model that scored <see cref="BestMetric"/>: the trainers are deterministic and an epoch
    /// does not depend on how many follow it. When no epoch gave a number, NumberOfIterations stays <see cref="MaxEpochs"/>.</remarks>
    public TOptions Options { get; }

    /// <summary>Gets the most epochs the candidate could run (its NumberOfIterations before the search).</summary>
    public int MaxEpochs { get; }

    /// <summary>Gets how many epochs the candidate ran.</summary>
    public int EpochsRun => _metricByEpoch.Length;

    /// <summary>Gets whether the candidate stopped before <see cref="MaxEpochs"/> because its metric stopped improving.</summary>
    public bool StoppedEarly => EpochsRun < MaxEpochs;

    /// <summary>Gets the validation metric after each epoch run; entry e is epoch e + 1.</summary>
    public IReadOnlyList<double> MetricByEpoch => _metricByEpoch;

    /// <summary>Gets the best validation metric over the epochs run; NaN when no epoch gave a number (the training diverged).</summary>
    public double BestMetric { get; }

    /// <summary>Gets the 1-based epoch of <see cref="BestMetric"/>, or 0 when no epoch gave a number.</summary>
    public int BestEpoch { get; }

    /// <summary>Gets how long the candidate took to train and evaluate.</summary>
    public TimeSpan Elapsed { get; }
}
