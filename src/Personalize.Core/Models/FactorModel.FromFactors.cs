using Personalize.Core.Data;

namespace Personalize.Core.Models;

public sealed partial class FactorModel
{
    /// <summary>
    /// Creates a model from factors trained elsewhere (an import from another system, or a test), copying every input.
    /// </summary>
    /// <remarks>
    /// This is the public way for add-on packages and users to build a model without a trainer, for example
    /// <c>Personalize.Spark</c>'s importer. The model has no biases and no seen-item weights; save it with <see cref="ModelFile"/>
    /// and serve it like a trained one. The seen items are left out of recommendations; pass none to recommend everything.
    /// </remarks>
    /// <param name="kind">What the factors predict.</param>
    /// <param name="users">The user ids; user <c>u</c> owns <c>userFactors[u * numberOfFactors ..]</c>.</param>
    /// <param name="items">The item ids; item <c>i</c> owns <c>itemFactors[i * numberOfFactors ..]</c>.</param>
    /// <param name="numberOfFactors">How many factors each user and item has (at least 1).</param>
    /// <param name="userFactors">All user factors, user-major: <c>users.Count * numberOfFactors</c> finite values.</param>
    /// <param name="itemFactors">All item factors, item-major: <c>items.Count * numberOfFactors</c> finite values.</param>
    /// <param name="seenOffsets">Each user's seen items are <c>seenItems[seenOffsets[u] .. seenOffsets[u + 1]]</c>: <c>users.Count + 1</c>
    /// non-decreasing offsets from 0 to <c>seenItems.Length</c>; empty for no seen items.</param>
    /// <param name="seenItems">The item indices each user interacted with, ascending within each user.</param>
    /// <param name="itemPopularity">How many users interacted with each item (<c>items.Count</c> finite, non-negative values); empty for
    /// all zero.</param>
    /// <param name="properties">Descriptive properties saved with the model (such as <c>trainer</c>; at most 512 KiB in all), or
    /// <see langword="null"/> for none.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="users"/> or <paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numberOfFactors"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">An array does not match the number of users, items and factors, a factor is not finite,
    /// the seen items are out of range or not ascending, a popularity is negative or not finite, or a property is null or too large.</exception>
    public static FactorModel FromFactors(FactorModelKind kind, IdMap users, IdMap items, int numberOfFactors,
        ReadOnlySpan<float> userFactors, ReadOnlySpan<float> itemFactors, ReadOnlySpan<int> seenOffsets = default,
        ReadOnlySpan<int> seenItems = default, ReadOnlySpan<float> itemPopularity = default,
        IReadOnlyDictionary<string, string>? properties = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(numberOfFactors, 1);
        CheckFactors(userFactors, (long)users.Count * numberOfFactors, "user", nameof(userFactors));
        CheckFactors(itemFactors, (long)items.Count * numberOfFactors, "item", nameof(itemFactors));
        int[] offsets = seenOffsets.IsEmpty ? new int[users.Count + 1] : seenOffsets.ToArray();
        if (offsets.Length != users.Count + 1 || offsets[0] != 0 || offsets[^1] != seenItems.Length)
        {
            throw new ArgumentException(
                $"The seen-item offsets must be {users.Count + 1} values (one per user plus one) from 0 to {seenItems.Length} (the seen items); "
                + $"got {offsets.Length} values from {offsets[0]} to {offsets[^1]}.", nameof(seenOffsets));
        }

        for (int user = 0; user < users.Count; user++)
        {
            if (offsets[user + 1] < offsets[user])
            {
                throw new ArgumentException($"The seen-item offsets decrease at user index {user}; they must be non-decreasing.", nameof(seenOffsets));
            }
        }

        for (int user = 0; user < users.Count; user++)
        {
            for (int k = offsets[user]; k < offsets[user + 1]; k++)
            {
                if ((uint)seenItems[k] >= (uint)items.Count || (k > offsets[user] && seenItems[k] <= seenItems[k - 1]))
                {
                    throw new ArgumentException(
                        $"Seen item {seenItems[k]} of user index {user} is out of range (0 to {items.Count - 1}) or not above the one before; "
                        + "each user's seen items must be distinct item indices in ascending order.", nameof(seenItems));
                }
            }
        }

        if (!itemPopularity.IsEmpty && itemPopularity.Length != items.Count)
        {
            throw new ArgumentException($"The item popularity has {itemPopularity.Length} values, but there are {items.Count} items.", nameof(itemPopularity));
        }

        foreach (float value in itemPopularity)
        {
            if (!(value >= 0) || !float.IsFinite(value))
            {
                throw new ArgumentException($"The item popularity holds {value}; every value must be finite and not negative.", nameof(itemPopularity));
            }
        }

        float[] popularity = itemPopularity.IsEmpty ? new float[items.Count] : itemPopularity.ToArray();
        var copied = properties is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(properties, StringComparer.Ordinal);
        CheckProperties(copied, nameof(properties));
        return new FactorModel(kind, users, items, numberOfFactors, userFactors.ToArray(), itemFactors.ToArray(), offsets, seenItems.ToArray(),
            popularity, copied);
    }

    private static void CheckFactors(ReadOnlySpan<float> factors, long expected, string owner, string parameterName)
    {
        if (factors.Length != expected)
        {
            throw new ArgumentException($"The {owner} factors hold {factors.Length} values; expected {expected} ({owner}s × factors).", parameterName);
        }

        for (int i = 0; i < factors.Length; i++)
        {
            if (!float.IsFinite(factors[i]))
            {
                throw new ArgumentException($"The {owner} factor at position {i} is {factors[i]}; every factor must be finite.", parameterName);
            }
        }
    }
}
