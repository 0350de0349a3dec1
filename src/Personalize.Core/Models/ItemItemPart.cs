using System.Globalization;
using System.Numerics.Tensors;
using Personalize.Core.Data;
using Personalize.Core.Internal;

namespace Personalize.Core.Models;

/// <summary>
/// The item-item values of a low-rank EASE for one λ (see <c>Training.ItemItemSpectrum</c>), with what blending them into a factor model
/// and folding a new user in need: each item's eigenvector row (for a user's values) and the second moments of the item values.
/// </summary>
internal sealed class ItemItemPart
{
    internal ItemItemPart(int items, int rank, double lambda, double[] eigenvalues, float[] vectors, float[] itemParts, ParallelOptions parallel)
    {
        Items = items;
        Rank = rank;
        Lambda = lambda;
        Eigenvalues = eigenvalues;
        Vectors = vectors;
        ItemParts = itemParts;
        (PartMoment, PartMean) = Moments(itemParts, items, rank, parallel);
    }

    /// <summary>Gets the number of items.</summary>
    public int Items { get; }

    /// <summary>Gets the number of item-item values per user and item.</summary>
    public int Rank { get; }

    /// <summary>Gets EASE's λ.</summary>
    public double Lambda { get; }

    /// <summary>Gets the eigenvalues, largest first.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>Gets each item's eigenvector row (item-major): a user's values are the sum over the items they had.</summary>
    public float[] Vectors { get; }

    /// <summary>Gets each item's values (item-major).</summary>
    public float[] ItemParts { get; }

    /// <summary>Gets the mean outer product of the item values (Rank × Rank).</summary>
    public float[] PartMoment { get; }

    /// <summary>Gets the mean of the item values.</summary>
    public float[] PartMean { get; }

    /// <summary>Reads and checks a model's item-item properties: <see langword="null"/> when it has none (no weight, or a weight of 0).</summary>
    /// <param name="properties">The model's properties.</param>
    /// <param name="kind">The model's kind (only implicit models blend).</param>
    /// <param name="numberOfFactors">The model's factor count (the ALS factors plus the item-item values).</param>
    /// <returns>The rank, λ and eigenvalues.</returns>
    /// <exception cref="InvalidDataException">The properties do not add up; the message names the property.</exception>
    public static (int Rank, double Lambda, double[] Eigenvalues)? ReadProperties(IReadOnlyDictionary<string, string> properties, FactorModelKind kind,
        int numberOfFactors)
    {
        IReadOnlyDictionary<string, string> p = properties;
        if (kind != FactorModelKind.Implicit || !p.TryGetValue(ModelPropertyNames.ItemItemWeight, out string? weightText)
            || !float.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out float weight) || !(weight > 0))
        {
            return null;
        }

        if (!p.TryGetValue(ModelPropertyNames.ItemItemRank, out string? rankText)
            || !int.TryParse(rankText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int rank)
            || rank < 1 || rank >= numberOfFactors
            || !p.TryGetValue(ModelPropertyNames.ItemItemRegularization, out string? lambdaText)
            || !double.TryParse(lambdaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double lambda) || !(lambda > 0) || !double.IsFinite(lambda)
            || !p.TryGetValue(ModelPropertyNames.ItemItemEigenvalues, out string? valuesText))
        {
            throw new InvalidDataException(
                $"The model has '{ModelPropertyNames.ItemItemWeight}={weightText}' but no valid '{ModelPropertyNames.ItemItemRank}' (1 to {numberOfFactors - 1}), '{ModelPropertyNames.ItemItemRegularization}' (above 0) or '{ModelPropertyNames.ItemItemEigenvalues}'.");
        }

        string[] parts = valuesText.Split(',');
        if (parts.Length != rank)
        {
            throw new InvalidDataException($"'{ModelPropertyNames.ItemItemEigenvalues}' holds {parts.Length} values; '{ModelPropertyNames.ItemItemRank}' is {rank}.");
        }

        var eigenvalues = new double[rank];
        for (int k = 0; k < rank; k++)
        {
            if (!double.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out eigenvalues[k]) || !(eigenvalues[k] >= 0)
                || !double.IsFinite(eigenvalues[k]))
            {
                throw new InvalidDataException($"'{ModelPropertyNames.ItemItemEigenvalues}' value {k + 1} ('{parts[k]}') is not a finite number of 0 or more.");
            }
        }

        return (rank, lambda, eigenvalues);
    }

    /// <summary>Recovers the part from a blended model: the item values are its last factors, and each item's eigenvector row follows
    /// from its values, the eigenvalues and λ (the values are <c>γ_k w_jk d_j / λ</c>, and <c>d_j</c> is a function of the row).</summary>
    /// <param name="model">The model.</param>
    /// <returns>The part, or <see langword="null"/> when the model has no item-item values.</returns>
    /// <exception cref="InvalidDataException">The model's item-item properties are inconsistent.</exception>
    public static ItemItemPart? FromModel(FactorModel model)
    {
        if (ReadProperties(model.Properties, model.Kind, model.NumberOfFactors) is not { } read)
        {
            return null;
        }

        var (rank, lambda, eigenvalues) = read;

        int items = model.Items.Count, total = model.NumberOfFactors, factors = total - rank;
        ReadOnlySpan<float> all = model.ItemFactors;
        var itemParts = new float[(long)items * rank];
        var vectors = new float[(long)items * rank];
        var scaled = new double[rank];
        for (int j = 0; j < items; j++)
        {
            ReadOnlySpan<float> z = all.Slice(j * total + factors, rank);
            z.CopyTo(itemParts.AsSpan(j * rank, rank));
            // c_k = z_k λ / γ_k = w_k d_j; with A = Σ c_k² (1/(g_k + λ) − 1/λ) ≤ 0, 1/d = A/d² + 1/λ gives d = λ(1 + √(1 − 4A/λ)) / 2.
            double a = 0;
            for (int k = 0; k < rank; k++)
            {
                double g = eigenvalues[k];
                scaled[k] = g > 0 ? z[k] * lambda * (g + lambda) / g : 0;
                a += scaled[k] * scaled[k] * (1 / (g + lambda) - 1 / lambda);
            }

            double d = lambda * (1 + Math.Sqrt(Math.Max(0, 1 - 4 * a / lambda))) / 2;
            Span<float> w = vectors.AsSpan(j * rank, rank);
            for (int k = 0; k < rank; k++)
            {
                w[k] = (float)(scaled[k] / d);
            }
        }

        return new ItemItemPart(items, rank, lambda, eigenvalues, vectors, itemParts, new ParallelOptions());
    }

    /// <summary>Records the part in a model's properties.</summary>
    /// <param name="properties">The properties to add to.</param>
    /// <param name="weight">The share w.</param>
    public void Describe(Dictionary<string, string> properties, float weight)
    {
        properties[ModelPropertyNames.ItemItemWeight] = weight.ToString(CultureInfo.InvariantCulture);
        properties[ModelPropertyNames.ItemItemRegularization] = Lambda.ToString(CultureInfo.InvariantCulture);
        properties[ModelPropertyNames.ItemItemRank] = Rank.ToString(CultureInfo.InvariantCulture);
        properties[ModelPropertyNames.ItemItemEigenvalues] = string.Join(",", Eigenvalues.Select(g => g.ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>A user's values: the sum of the eigenvector rows of the items they had.</summary>
    /// <param name="items">The user's items.</param>
    /// <param name="destination">Receives <see cref="Rank"/> values.</param>
    public void UserPart(ReadOnlySpan<int> items, Span<float> destination)
    {
        int r = Rank;
        destination = destination[..r];
        destination.Clear();
        foreach (int item in items)
        {
            TensorPrimitives.Add(destination, Vectors.AsSpan(item * r, r), destination);
        }
    }

    /// <summary>
    /// An implicit factor model whose scores rank as the per-user blend <c>(1 − w)·z(factor score) + w·z(item-item score)</c>, where z
    /// standardizes a user's scores over all items: the user and item factors of <paramref name="model"/> followed by the item-item values.
    /// </summary>
    /// <remarks>Each user's two parts are scaled by <c>(1 − w) / σ</c> and <c>w / σ</c>, the standard deviations of that user's two scores over
    /// all items, computed in closed form from the items' second moments (k × k and r × r), so no score vector is formed. A user with no
    /// spread in a part (no items, or no factors) gets 0 for it.</remarks>
    /// <param name="model">The implicit factor model trained on <paramref name="data"/>.</param>
    /// <param name="data">The feedback the model was trained on (same user and item indices).</param>
    /// <param name="weight">The item-item share w, in [0, 1].</param>
    /// <param name="properties">The blended model's properties.</param>
    /// <param name="parallel">The degree of parallelism.</param>
    /// <returns>The blended model, with <c>k + r</c> factors.</returns>
    public FactorModel Blend(FactorModel model, FeedbackMatrix data, float weight, IReadOnlyDictionary<string, string> properties, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!(weight >= 0 && weight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The item-item share must be between 0 and 1.");
        }

        if (model.Items.Count != Items || data.NumberOfItems != Items || model.Users.Count != data.NumberOfUsers)
        {
            throw new ArgumentException("The model, the feedback and the spectrum must have the same users and items.");
        }

        int k = model.NumberOfFactors, r = Rank, total = k + r, users = model.Users.Count;
        ArraySegment<float> itemFactors = model.RawItemFactors;
        var (factorMoment, factorMean) = Moments(itemFactors, Items, k, parallel);
        var blendedItems = new float[(long)Items * total];
        for (int j = 0; j < Items; j++)
        {
            itemFactors.AsSpan(j * k, k).CopyTo(blendedItems.AsSpan(j * total, k));
            ItemParts.AsSpan(j * r, r).CopyTo(blendedItems.AsSpan(j * total + k, r));
        }

        float[] userFactors = model.RawUserFactors;
        var blendedUsers = new float[(long)users * total];
        Parallel.For(0, users, parallel, u =>
        {
            Span<float> destination = blendedUsers.AsSpan(u * total, total);
            UserPart(data.GetItems(u), destination[k..]);
            Combine(userFactors.AsSpan(u * k, k), destination, weight, factorMoment, factorMean);
        });
        return new FactorModel(FactorModelKind.Implicit, model.Users, model.Items, total, blendedUsers, blendedItems,
            model.RawSeenOffsets, model.RawSeenItems, model.RawItemPopularity, properties, seenWeights: model.RawSeenWeights,
            cooccurrence: model.Cooccurrence);
    }

    /// <summary>Writes the blended user vector: <paramref name="factors"/> scaled by (1 − w)/σ into the first k values, and the user's
    /// item-item values, already in the last <see cref="Rank"/> values of <paramref name="destination"/>, scaled by w/σ.</summary>
    /// <returns>The two scales.</returns>
    public (float FactorScale, float PartScale) Combine(ReadOnlySpan<float> factors, Span<float> destination, float weight, float[] factorMoment,
        float[] factorMean)
    {
        int k = factors.Length;
        Span<float> part = destination.Slice(k, Rank);
        double factorSpread = Spread(factors, factorMoment, factorMean);
        double partSpread = Spread(part, PartMoment, PartMean);
        float a = factorSpread > 0 ? (float)((1 - weight) / factorSpread) : 0f;
        float b = partSpread > 0 ? (float)(weight / partSpread) : 0f;
        TensorPrimitives.Multiply(factors, a, destination[..k]);
        TensorPrimitives.Multiply(part, b, part);
        return (a, b);
    }

    /// <summary>The standard deviation over items of <c>x · v_j</c>: √(xᵀ M x − (x · μ)²).</summary>
    internal static double Spread(ReadOnlySpan<float> x, float[] moment, float[] mean)
    {
        int n = x.Length;
        double quadratic = 0;
        for (int a = 0; a < n; a++)
        {
            quadratic += x[a] * (double)TensorPrimitives.Dot(moment.AsSpan(a * n, n), x);
        }

        double linear = TensorPrimitives.Dot(x, mean.AsSpan(0, n));
        double variance = quadratic - linear * linear;
        return variance > 0 ? Math.Sqrt(variance) : 0;
    }

    /// <summary>The mean outer product and the mean of <paramref name="count"/> vectors of <paramref name="dimension"/> values.</summary>
    public static (float[] Moment, float[] Mean) Moments(ArraySegment<float> vectors, int count, int dimension, ParallelOptions parallel)
    {
        var gram = new float[dimension * dimension];
        AlsKernels.Gram(vectors, count, dimension, gram, parallel);
        return Moments(gram, vectors, count, dimension);
    }

    /// <summary>The same, from the vectors' Gram sum <c>Σ v vᵀ</c> when the caller has it already.</summary>
    public static (float[] Moment, float[] Mean) Moments(ReadOnlySpan<float> gram, ArraySegment<float> vectors, int count, int dimension)
    {
        var moment = new float[dimension * dimension];
        TensorPrimitives.Multiply(gram, 1f / Math.Max(1, count), moment);
        var mean = new double[dimension];
        for (int j = 0; j < count; j++)
        {
            ReadOnlySpan<float> v = vectors.AsSpan(j * dimension, dimension);
            for (int a = 0; a < dimension; a++)
            {
                mean[a] += v[a];
            }
        }

        return (moment, mean.Select(m => (float)(m / Math.Max(1, count))).ToArray());
    }
}
