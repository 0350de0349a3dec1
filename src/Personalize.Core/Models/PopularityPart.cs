using System.Globalization;
using System.Numerics.Tensors;

namespace Personalize.Core.Models;

/// <summary>
/// The popularity share of an implicit model: a per-user blend <c>(1 − w)·z(personal score) + w·z(ln(1 + users of the item))</c>, where
/// z standardizes over all items. The personal scores are the model's dot products (its factors, and item-item values when it has them),
/// so each user vector is scaled by <c>(1 − w)/σ</c>, σ the spread of that user's scores over all items, and the popularity part is held
/// in the item biases: the blended model is still a factor model, and everything that serves one serves it.
/// </summary>
internal static class PopularityPart
{
    /// <summary>The item biases of the blend: <c>w·z(ln(1 + count))</c>; all 0 when every item has the same count.</summary>
    /// <param name="counts">Each item's number of users in the training data.</param>
    /// <param name="weight">The share w.</param>
    public static float[] ItemBiases(ReadOnlySpan<float> counts, float weight)
    {
        var values = new double[counts.Length];
        double sum = 0;
        for (int j = 0; j < counts.Length; j++)
        {
            values[j] = Math.Log(1 + Math.Max(0f, counts[j]));
            sum += values[j];
        }

        double mean = sum / Math.Max(1, counts.Length), squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        double spread = Math.Sqrt(squares / Math.Max(1, counts.Length));
        var biases = new float[counts.Length];
        if (spread > 1e-12)
        {
            for (int j = 0; j < biases.Length; j++)
            {
                biases[j] = (float)(weight * (values[j] - mean) / spread);
            }
        }

        return biases;
    }

    /// <summary>The scale of a user vector in the blend: <c>(1 − w)/σ</c>, or 0 when the user's scores do not vary over the items (no
    /// history, or no factors), so that user gets the popularity list.</summary>
    /// <param name="vector">The user's vector before the blend.</param>
    /// <param name="moment">The mean outer product of the item vectors.</param>
    /// <param name="mean">The mean item vector.</param>
    /// <param name="weight">The share w.</param>
    public static float UserScale(ReadOnlySpan<float> vector, float[] moment, float[] mean, float weight)
    {
        double spread = ItemItemPart.Spread(vector, moment, mean);
        return spread > 0 ? (float)((1 - weight) / spread) : 0f;
    }

    /// <summary>Blends popularity into an implicit model without biases.</summary>
    /// <param name="model">The model (its factors, and item-item values when blended with them).</param>
    /// <param name="weight">The share w, above 0 and at most 1.</param>
    /// <param name="properties">The blended model's properties; the share is recorded in them.</param>
    /// <param name="parallel">The degree of parallelism.</param>
    /// <returns>The blended model: the same item vectors, the user vectors scaled, and the popularity part in the item biases.</returns>
    public static FactorModel Blend(FactorModel model, float weight, Dictionary<string, string> properties, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(properties);
        if (!(weight > 0 && weight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The popularity share must be above 0 and at most 1.");
        }

        if (model.Kind != FactorModelKind.Implicit || model.HasBiases)
        {
            throw new ArgumentException("Only an implicit model without biases can be blended with popularity.", nameof(model));
        }

        int k = model.NumberOfFactors, users = model.Users.Count;
        var (moment, mean) = ItemItemPart.Moments(model.RawItemFactors, model.Items.Count, k, parallel);
        float[] source = model.RawUserFactors;
        var scaled = new float[source.Length];
        Parallel.For(0, users, parallel, u =>
        {
            ReadOnlySpan<float> vector = source.AsSpan(u * k, k);
            TensorPrimitives.Multiply(vector, UserScale(vector, moment, mean, weight), scaled.AsSpan(u * k, k));
        });

        properties[ModelPropertyNames.PopularityWeight] = weight.ToString(CultureInfo.InvariantCulture);
        return new FactorModel(FactorModelKind.Implicit, model.Users, model.Items, k, scaled, model.RawItemFactors, model.RawSeenOffsets,
            model.RawSeenItems, model.RawItemPopularity, properties, globalBias: 0f, userBiases: new float[users],
            itemBiases: ItemBiases(model.RawItemPopularity, weight), seenWeights: model.RawSeenWeights, cooccurrence: model.Cooccurrence);
    }

    /// <summary>Reads a model's popularity share: 0 when it has none.</summary>
    /// <exception cref="InvalidDataException">The share is not a number between 0 and 1, or the model is not an implicit one with
    /// biases.</exception>
    public static float ReadWeight(IReadOnlyDictionary<string, string> properties, FactorModelKind kind, bool hasBiases)
    {
        if (!properties.TryGetValue(ModelPropertyNames.PopularityWeight, out string? text))
        {
            return 0f;
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float weight) || !(weight >= 0 && weight <= 1))
        {
            throw new InvalidDataException($"'{ModelPropertyNames.PopularityWeight}={text}' is not a number from 0 to 1.");
        }

        if (weight > 0 && (kind != FactorModelKind.Implicit || !hasBiases))
        {
            throw new InvalidDataException(
                $"The model has '{ModelPropertyNames.PopularityWeight}={text}', but only an implicit model with item biases (which hold the popularity part) can have one.");
        }

        return weight;
    }
}
