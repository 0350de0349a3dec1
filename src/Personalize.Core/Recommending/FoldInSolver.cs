using System.Globalization;
using System.Numerics.Tensors;
using Personalize.Core.Internal;
using Personalize.Core.Models;

namespace Personalize.Core.Recommending;

/// <summary>
/// The least-squares step of the trainer for one user against the model's fixed item factors, with the trainer's own conventions read
/// back from the model; built once per model (it holds YᵀY for implicit models) and then allocation-free per solve.
/// </summary>
/// <remarks>
/// <para>Implicit ALS (Hu, Koren and Volinsky 2008): <c>(YᵀY + Σ_j c'_j y_j y_jᵀ + λ_u I) x = Σ_j (1 + c'_j) y_j</c>, where
/// <c>c'_j = α · w_j / mean(w)</c> and <c>λ_u = λ · (items + Σ_j c'_j)^ν</c>, exactly as <see cref="Training.ImplicitAlsTrainer"/> solves each user.
/// The mean training weight comes from the model's seen weights (1 when the model does not keep them).</para>
/// <para>Explicit (biased MF): ridge regression of <c>r_j − μ − b_j</c> on <c>[y_j; 1]</c>, giving the user factors and the user bias
/// together, with <see cref="Training.BiasedMatrixFactorizationTrainer.Options.FactorRegularization"/> and
/// <see cref="Training.BiasedMatrixFactorizationTrainer.Options.BiasRegularization"/> per user, which is where the trainer's per-user SGD
/// regularization converges.</para>
/// </remarks>
internal sealed class FoldInSolver
{
    private readonly FactorModel _model;
    private readonly float[]? _gram;
    private readonly ItemItemPart? _itemItem;
    private readonly float _itemItemWeight;
    private readonly float[]? _factorMoment;
    private readonly float[]? _factorMean;
    private readonly float _popularityWeight;
    private readonly float[]? _vectorMoment;
    private readonly float[]? _vectorMean;

    private FoldInSolver(FactorModel model)
    {
        _model = model;
        int rank = model.NumberOfFactors;
        IReadOnlyDictionary<string, string> p = model.Properties;
        IsExplicit = model.Kind == FactorModelKind.Explicit;
        Dimension = IsExplicit ? rank + 1 : rank;
        FactorCount = rank;
        if (IsExplicit)
        {
            FactorRegularization = Read(p, ModelPropertyNames.FactorRegularization, FoldInDefaults.ExplicitFactorRegularization);
            BiasRegularization = Read(p, ModelPropertyNames.BiasRegularization, FoldInDefaults.ExplicitBiasRegularization);
            // Models that record their factor regularization but not this one were trained before the option existed, without it.
            RatingRegularization = Read(p, ModelPropertyNames.RatingRegularization,
                p.ContainsKey(ModelPropertyNames.FactorRegularization) ? 0f : FoldInDefaults.ExplicitRatingRegularization);
            return;
        }

        // A model blended with item-item values: the least-squares system covers the ALS factors only; the item-item values follow from
        // the history (see Complete).
        _itemItem = ItemItemPart.FromModel(model);
        if (_itemItem is not null)
        {
            _itemItemWeight = Read(p, ModelPropertyNames.ItemItemWeight, 0f);
            rank -= _itemItem.Rank;
            Dimension = rank;
        }

        FactorCount = rank;
        Regularization = Read(p, ModelPropertyNames.Regularization, FoldInDefaults.ImplicitRegularization);
        RegularizationExponent = Read(p, ModelPropertyNames.RegularizationExponent, FoldInDefaults.ImplicitRegularizationExponent);
        float alpha = Read(p, ModelPropertyNames.ConfidenceScale, FoldInDefaults.ImplicitConfidenceScale);
        Logarithmic = p.TryGetValue(ConfidenceWeights.Property, out string? weighting) && weighting == ConfidenceWeights.LogarithmicValue;
        float meanWeighted = Weighted(1f);
        if (model.RawSeenWeights is { Length: > 0 } weights)
        {
            double sum = 0;
            foreach (float w in weights)
            {
                sum += Weighted(w);
            }

            double mean = sum / weights.Length;
            meanWeighted = mean > 0 ? (float)mean : meanWeighted;
        }

        // The raw weight that counts as the mean: what a history item weighs when the model keeps no weights.
        MeanWeight = Logarithmic ? MathF.Exp(meanWeighted) - 1 : meanWeighted;
        ConfidenceScale = alpha / meanWeighted;
        _gram = new float[rank * rank];
        // A model blended with popularity scales each user's whole vector by its spread over the items (see Complete).
        _popularityWeight = PopularityPart.ReadWeight(p, model.Kind, model.HasBiases);
        if (_itemItem is null)
        {
            AlsKernels.Gram(model.RawItemFactors, model.Items.Count, rank, _gram, new ParallelOptions());
            if (_popularityWeight > 0)
            {
                (_vectorMoment, _vectorMean) = ItemItemPart.Moments(_gram, model.RawItemFactors, model.Items.Count, rank);
            }

            return;
        }

        if (_popularityWeight > 0)
        {
            (_vectorMoment, _vectorMean) = ItemItemPart.Moments(model.RawItemFactors, model.Items.Count, model.NumberOfFactors, new ParallelOptions());
        }

        int items = model.Items.Count, total = model.NumberOfFactors;
        var factors = new float[(long)items * rank];
        for (int j = 0; j < items; j++)
        {
            model.GetItemFactors(j)[..rank].CopyTo(factors.AsSpan(j * rank, rank));
        }

        AlsKernels.Gram(factors, items, rank, _gram, new ParallelOptions());
        (_factorMoment, _factorMean) = ItemItemPart.Moments(_gram, factors, items, rank);
    }

    /// <summary>Gets how many of the model's factors the least-squares system solves for: all of them, except for a model blended with
    /// item-item values, whose last values come from the history directly.</summary>
    public int FactorCount { get; }

    /// <summary>Gets whether the model blends item-item values after its factors.</summary>
    public bool HasItemItem => _itemItem is not null;

    /// <summary>
    /// Writes the user vector the model scores with: the solved factors, and for a blended model the item-item values of the history
    /// (every item in it, whatever its weight, as the trainer counts every entry), each part scaled as the trainer scales it, and for a
    /// model blended with popularity the whole vector scaled by (1 − w)/σ as the trainer scales it. Returns the two scales (1 and 0
    /// without item-item values or popularity).
    /// </summary>
    public (float FactorScale, float PartScale) Complete(ReadOnlySpan<int> items, ReadOnlySpan<float> solution, Span<float> destination)
    {
        int k = FactorCount;
        (float FactorScale, float PartScale) scales;
        if (_itemItem is null)
        {
            solution[..k].CopyTo(destination);
            scales = (1f, 0f);
        }
        else
        {
            _itemItem.UserPart(items, destination.Slice(k, _itemItem.Rank));
            scales = _itemItem.Combine(solution[..k], destination, _itemItemWeight, _factorMoment!, _factorMean!);
        }

        if (_popularityWeight > 0)
        {
            Span<float> vector = destination[.._model.NumberOfFactors];
            float scale = PopularityPart.UserScale(vector, _vectorMoment!, _vectorMean!, _popularityWeight);
            TensorPrimitives.Multiply(vector, scale, vector);
            scales = (scales.FactorScale * scale, scales.PartScale * scale);
        }

        return scales;
    }

    /// <summary>The item-item part of a blended model's score of <paramref name="item"/> that history item <paramref name="historyItem"/>
    /// contributes, before the user's scale: the dot product of its eigenvector row with the item's values.</summary>
    public float ItemItemContribution(int historyItem, int item)
    {
        int r = _itemItem!.Rank;
        return TensorPrimitives.Dot(_itemItem.Vectors.AsSpan(historyItem * r, r), _itemItem.ItemParts.AsSpan(item * r, r));
    }

    /// <summary>Gets whether the model's trainer counted the logarithm of weights (model property <c>weighting=log</c>).</summary>
    public bool Logarithmic { get; }

    /// <summary>The confidence above 1 of a history item with this raw weight, <c>c' = α · weighted(w) / mean weighted</c>.</summary>
    public float Confidence(float weight) => ConfidenceScale * Weighted(weight);

    private float Weighted(float weight) => Logarithmic ? ConfidenceWeights.Logarithm(weight) : weight;

    /// <summary>Gets whether the model is explicit (ratings, with biases).</summary>
    public bool IsExplicit { get; }

    /// <summary>Gets the size of the system: the number of factors, plus one for the user bias of explicit models.</summary>
    public int Dimension { get; }

    /// <summary>Gets the mean training weight (implicit): what a training item weighs when the model does not keep seen weights.</summary>
    public float MeanWeight { get; }

    public float ConfidenceScale { get; }

    public float Regularization { get; }

    public float RegularizationExponent { get; }

    public float FactorRegularization { get; }

    public float RatingRegularization { get; }

    public float BiasRegularization { get; }

    public static FoldInSolver Create(FactorModel model) => new(model);

    /// <summary>
    /// The coefficient of a history item in the solution <c>x = A⁻¹ Σ_j coefficient_j · f_j</c>: <c>1 + c'_j</c> for implicit models,
    /// <c>r_j − μ − b_j</c> for explicit ones.
    /// </summary>
    public float Coefficient(int item, float weight) =>
        IsExplicit ? weight - _model.GlobalBias - _model.GetItemBias(item) : 1f + Confidence(weight);

    /// <summary>Writes an item's feature vector <c>f_j</c> (its factors; for explicit models followed by 1) into <paramref name="destination"/>.</summary>
    public void Features(int item, Span<float> destination)
    {
        _model.GetItemFactors(item)[..FactorCount].CopyTo(destination);
        if (IsExplicit)
        {
            destination[^1] = 1f;
        }
    }

    /// <summary>
    /// Builds the system for a history (ascending distinct <paramref name="items"/> with aggregated <paramref name="weights"/>), factors
    /// it into <paramref name="factor"/> (Dimension² floats, lower triangle = L) and writes the solution into <paramref name="solution"/>
    /// (Dimension floats: the user factors, then for explicit models the user bias).
    /// </summary>
    public void Solve(ReadOnlySpan<int> items, ReadOnlySpan<float> weights, Span<float> factor, Span<float> solution)
    {
        int rank = FactorCount, stride = _model.NumberOfFactors;
        int n = Dimension;
        ReadOnlySpan<float> itemFactors = _model.ItemFactors;
        solution = solution[..n];
        factor = factor[..(n * n)];
        solution.Clear();
        float diagonal;
        if (IsExplicit)
        {
            factor.Clear();
            // The trainer's objective: λ once per user plus λ_r once per rating of the user (see the trainer's options).
            diagonal = FactorRegularization + RatingRegularization * items.Length;
            factor[n * n - 1] = BiasRegularization - diagonal;   // the bias's own regularization, after the loop below
        }
        else
        {
            _gram.CopyTo(factor);
            double totalConfidence = _model.Items.Count;
            foreach (float w in weights)
            {
                totalConfidence += Confidence(w);
            }

            diagonal = (float)(Regularization * Math.Pow(totalConfidence, RegularizationExponent));
        }

        for (int d = 0; d < n; d++)
        {
            factor[d * n + d] += diagonal;
        }

        for (int j = 0; j < items.Length; j++)
        {
            int item = items[j];
            ReadOnlySpan<float> y = itemFactors.Slice(item * stride, rank);
            float coefficient = Coefficient(item, weights[j]);

            // Implicit: A += c'·y yᵀ; explicit: A += f fᵀ with f = [y; 1]. Lower triangle only.
            float outer = IsExplicit ? 1f : Confidence(weights[j]);
            if (outer != 0)
            {
                for (int row = 0; row < rank; row++)
                {
                    Span<float> aRow = factor.Slice(row * n, row + 1);
                    TensorPrimitives.MultiplyAdd(y[..(row + 1)], outer * y[row], aRow, aRow);
                }
            }

            TensorPrimitives.MultiplyAdd(y, coefficient, solution[..rank], solution[..rank]);
            if (IsExplicit)
            {
                Span<float> last = factor.Slice(rank * n, n);
                TensorPrimitives.Add(last[..rank], y, last[..rank]);
                last[rank] += 1f;
                solution[rank] += coefficient;
            }
        }

        Cholesky.Factor(factor, n);
        Cholesky.Solve(factor, solution, n);
    }

    private static float Read(IReadOnlyDictionary<string, string> properties, string key, float fallback) =>
        properties.TryGetValue(key, out string? text)
        && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value) && value >= 0
            ? value : fallback;
}
