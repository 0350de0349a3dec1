using System.Globalization;

namespace Personalize.Core.Data;

/// <summary>
/// How much one event of each type says about a user's interest in an item: for example a purchase says more than a view.
/// </summary>
/// <remarks>
/// The weights are summed per (user, item) into one confidence (see <see cref="FeedbackMatrix"/>). Event type names are matched
/// ignoring case. A log that has no event column counts every row once, with weight 1. Instances are immutable and thread-safe.
/// </remarks>
public sealed class EventWeights
{
    private readonly string[] _names;
    private readonly float[] _weights;

    private EventWeights(string[] names, float[] weights)
    {
        _names = names;
        _weights = weights;
    }

    /// <summary>Gets the default weights: <c>view=1, cart=4, purchase=10</c>.</summary>
    public static EventWeights Default { get; } = new(["view", "cart", "purchase"], [1f, 4f, 10f]);

    /// <summary>Gets the event type names, in the order they were given.</summary>
    public IReadOnlyList<string> Names => field ??= Array.AsReadOnly(_names);   // read-only: Default is shared by every caller

    /// <summary>Gets how many event types there are.</summary>
    public int Count => _names.Length;

    /// <summary>Creates weights from (name, weight) pairs.</summary>
    /// <param name="weights">The event types and their weights. Names must be distinct (ignoring case), non-empty, and at most 254 of them;
    /// weights must be finite and not negative.</param>
    /// <returns>The weights.</returns>
    /// <exception cref="ArgumentException">A name is empty or repeated, a weight is negative or not finite, or there are no pairs.</exception>
    public static EventWeights Create(IEnumerable<KeyValuePair<string, float>> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var names = new List<string>();
        var values = new List<float>();
        foreach (var (name, weight) in weights)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("An event type name is empty; every event type needs a name such as 'view'.", nameof(weights));
            }

            if (!float.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"The weight of event type '{name}' is {weight.ToString(CultureInfo.InvariantCulture)}; weights must be finite and 0 or more.", nameof(weights));
            }

            foreach (string existing in names)
            {
                if (string.Equals(existing, name.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"The event type '{name}' is given twice; each event type takes one weight.", nameof(weights));
                }
            }

            names.Add(name.Trim());
            values.Add(weight);
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("No event types were given; give at least one, such as view=1.", nameof(weights));
        }

        if (names.Count > 254)
        {
            throw new ArgumentException($"{names.Count} event types were given; at most 254 are supported.", nameof(weights));
        }

        return new EventWeights([.. names], [.. values]);
    }

    /// <summary>Parses weights written as <c>view=1,cart=4,purchase=10</c>.</summary>
    /// <param name="text">Comma-separated <c>name=weight</c> pairs; weights use '.' as the decimal point.</param>
    /// <returns>The weights.</returns>
    /// <exception cref="FormatException">The text is not of that form; the message names the pair at fault.</exception>
    public static EventWeights Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pairs = new List<KeyValuePair<string, float>>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
            {
                throw new FormatException($"Event weights '{text}': '{part}' is not of the form name=weight (for example view=1,cart=4,purchase=10).");
            }

            string name = part[..equals].Trim();
            string number = part[(equals + 1)..].Trim();
            if (!float.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out float weight))
            {
                throw new FormatException($"Event weights '{text}': the weight '{number}' of '{name}' is not a number.");
            }

            pairs.Add(new(name, weight));
        }

        try
        {
            return Create(pairs);
        }
        catch (ArgumentException exception)
        {
            throw new FormatException($"Event weights '{text}': {Internal.ExceptionText.Reason(exception)}", exception);
        }
    }

    /// <summary>Gets the weight of one event type by its position in <see cref="Names"/>.</summary>
    /// <param name="index">The position, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The weight.</returns>
    public float GetWeight(int index) => _weights[index];

    /// <summary>Finds the position of an event type name, ignoring case.</summary>
    /// <param name="name">The name as it appears in the data.</param>
    /// <returns>The position in <see cref="Names"/>, or -1 when the name is not known.</returns>
    public int IndexOf(ReadOnlySpan<char> name)
    {
        name = name.Trim();
        for (int i = 0; i < _names.Length; i++)
        {
            if (name.Equals(_names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Formats the weights as <see cref="Parse"/> reads them.</summary>
    /// <returns>For example <c>view=1,cart=4,purchase=10</c>.</returns>
    public override string ToString()
    {
        var parts = new string[_names.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = _names[i] + "=" + _weights[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join(',', parts);
    }
}
