using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Training;

/// <summary>
/// The rating baselines every explicit model must beat: the global mean, and global mean + damped item bias + damped user bias
/// (Koren, "Factor in the Neighbors", 2008: <c>b_i = Σ(r − μ)/(λ_i + n_i)</c>, then <c>b_u = Σ(r − μ − b_i)/(λ_u + n_u)</c>).
/// </summary>
/// <remarks>The results are <see cref="FactorModel"/>s of kind <see cref="FactorModelKind.Explicit"/> with one zero factor, so they
/// serve, save and evaluate like any model. Thread-safe.</remarks>
public static class BiasBaseline
{
    /// <summary>The name saved in a model's properties under <c>trainer</c>.</summary>
    public const string TrainerName = "bias-baseline";

    /// <summary>Predicts the global mean rating for every pair.</summary>
    /// <param name="data">The ratings.</param>
    /// <returns>The model.</returns>
    public static FactorModel GlobalMean(RatingMatrix data) => Fit(data, float.PositiveInfinity, float.PositiveInfinity);

    /// <summary>Fits the damped user and item biases.</summary>
    /// <param name="data">The ratings.</param>
    /// <param name="itemDamping">λ_i: how many ratings at the mean an item's bias is shrunk towards. The default, 25, is Koren's.</param>
    /// <param name="userDamping">λ_u: the same for users. The default, 10, is Koren's.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A damping is negative or NaN.</exception>
    /// <exception cref="ArgumentException">The data has no ratings.</exception>
    public static FactorModel Fit(RatingMatrix data, float itemDamping = 25, float userDamping = 10)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(itemDamping >= 0) || !(userDamping >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(itemDamping), "The dampings must be 0 or more.");
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("The ratings are empty; there is nothing to learn from.", nameof(data));
        }

        int users = data.Users.Count, items = data.Items.Count;
        float mean = (float)data.Mean;
        ReadOnlySpan<int> u = data.UserIndices, i = data.ItemIndices;
        ReadOnlySpan<float> r = data.Ratings;
        var itemSum = new double[items];
        var itemCount = new int[items];
        for (int e = 0; e < r.Length; e++)
        {
            itemSum[i[e]] += r[e] - mean;
            itemCount[i[e]]++;
        }

        var itemBias = new float[items];
        for (int item = 0; item < items; item++)
        {
            itemBias[item] = float.IsPositiveInfinity(itemDamping) ? 0 : (float)(itemSum[item] / (itemDamping + itemCount[item]));
        }

        var userSum = new double[users];
        var userCount = new int[users];
        for (int e = 0; e < r.Length; e++)
        {
            userSum[u[e]] += r[e] - mean - itemBias[i[e]];
            userCount[u[e]]++;
        }

        var userBias = new float[users];
        var offsets = new int[users + 1];
        for (int user = 0; user < users; user++)
        {
            userBias[user] = float.IsPositiveInfinity(userDamping) ? 0 : (float)(userSum[user] / (userDamping + userCount[user]));
            offsets[user + 1] = offsets[user] + userCount[user];
        }

        var popularity = new float[items];
        for (int item = 0; item < items; item++)
        {
            popularity[item] = itemCount[item];
        }

        var properties = new Dictionary<string, string>
        {
            [ModelPropertyNames.Trainer] = TrainerName,
            ["item_damping"] = itemDamping.ToString(CultureInfo.InvariantCulture),
            ["user_damping"] = userDamping.ToString(CultureInfo.InvariantCulture),
            [FactorModel.MinRatingProperty] = data.MinRating.ToString("R", CultureInfo.InvariantCulture),
            [FactorModel.MaxRatingProperty] = data.MaxRating.ToString("R", CultureInfo.InvariantCulture),
        };
        return new FactorModel(FactorModelKind.Explicit, data.Users, data.Items, 1, new float[users], new float[items], offsets,
            data.ItemIndexArray.ToArray(), popularity, properties, mean, userBias, itemBias);
    }
}
