using System.Globalization;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Core.Evaluation;

/// <summary>
/// The options a <see cref="HyperparameterSearch"/> varies for one trainer, each with a list or a range of values; every other option
/// keeps the value of the search's base options.
/// </summary>
/// <remarks>
/// <para>A space is checked once, when it is made: every name must be an option the trainer lets a search vary (its property name,
/// such as <c>NumberOfFactors</c>, or the short name of the matching <c>personalize train</c> option, such as <c>factors</c>; case is
/// ignored), no option may appear twice, every value must be in the option's valid range, and options that count things
/// (factors, epochs, conjugate-gradient steps) take whole numbers. All problems are reported together, with the valid names.
/// The parameters are then kept under their property names, with each range's scale resolved.</para>
/// <para>The searchable options are, for <see cref="ImplicitAlsTrainer"/>: NumberOfFactors (factors), NumberOfIterations (epochs),
/// Regularization (regularization), RegularizationExponent (regularization-exponent), ConfidenceScale (alpha),
/// ConjugateGradientSteps (cg-steps), InitialScale (initial-scale), ItemItemWeight (item-item-weight), ItemItemRegularization
/// (item-item-regularization), ItemItemRank (item-item-rank), PopularityWeight (popularity-weight); for <see cref="BiasedMatrixFactorizationTrainer"/>: NumberOfFactors
/// (factors), NumberOfIterations (epochs), LearningRate (learning-rate), LearningRateDecay (learning-rate-decay), FactorRegularization
/// (regularization), RatingRegularization (rating-regularization), BiasRegularization (bias-regularization), InitialScale (initial-scale). NumberOfIterations is the most epochs a
/// candidate may run; early stopping picks the best epoch below it.</para>
/// <para>An empty space is valid: the search then trains the base options alone and only finds their best number of epochs.
/// Immutable and thread-safe.</para>
/// </remarks>
public sealed class SearchSpace
{
    private readonly SearchParameter[] _parameters;

    private SearchSpace(FactorModelKind kind, SearchParameter[] parameters)
    {
        Kind = kind;
        _parameters = parameters;
    }

    /// <summary>Gets which trainer the space is for: <see cref="FactorModelKind.Implicit"/> for <see cref="ImplicitAlsTrainer"/>,
    /// <see cref="FactorModelKind.Explicit"/> for <see cref="BiasedMatrixFactorizationTrainer"/>.</summary>
    public FactorModelKind Kind { get; }

    /// <summary>Gets the parameters in their given order, under their property names and with each range's scale resolved.</summary>
    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    /// <summary>Gets a small space for <see cref="ImplicitAlsTrainer"/>: 12 grid candidates.</summary>
    /// <value>factors 16, 32, 64 × regularization 0.01, 0.1 × α 10, 40.</value>
    public static SearchSpace DefaultImplicit { get; } = ForImplicit(
        SearchParameter.OneOf(nameof(ImplicitAlsTrainer.Options.NumberOfFactors), 16, 32, 64),
        SearchParameter.OneOf(nameof(ImplicitAlsTrainer.Options.Regularization), 0.01, 0.1),
        SearchParameter.OneOf(nameof(ImplicitAlsTrainer.Options.ConfidenceScale), 10, 40));

    /// <summary>Gets a small space for <see cref="BiasedMatrixFactorizationTrainer"/>: 12 grid candidates.</summary>
    /// <value>factors 16, 32 × factor regularization 2, 7, 15 × learning rate 0.02, 0.05.</value>
    public static SearchSpace DefaultExplicit { get; } = ForExplicit(
        SearchParameter.OneOf(nameof(BiasedMatrixFactorizationTrainer.Options.NumberOfFactors), 16, 32),
        SearchParameter.OneOf(nameof(BiasedMatrixFactorizationTrainer.Options.FactorRegularization), 2, 7, 15),
        SearchParameter.OneOf(nameof(BiasedMatrixFactorizationTrainer.Options.LearningRate), 0.02, 0.05));

    /// <summary>Makes a space over <see cref="ImplicitAlsTrainer.Options"/>.</summary>
    /// <param name="parameters">The parameters; see the remarks for the valid names.</param>
    /// <returns>The checked space.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">A name is unknown or given twice, or a value is outside its option's range; the message lists
    /// every problem and the valid names.</exception>
    public static SearchSpace ForImplicit(params IEnumerable<SearchParameter> parameters) => Create(FactorModelKind.Implicit, parameters);

    /// <summary>Makes a space over <see cref="BiasedMatrixFactorizationTrainer.Options"/>.</summary>
    /// <param name="parameters">The parameters; see the remarks for the valid names.</param>
    /// <returns>The checked space.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">A name is unknown or given twice, or a value is outside its option's range; the message lists
    /// every problem and the valid names.</exception>
    public static SearchSpace ForExplicit(params IEnumerable<SearchParameter> parameters) => Create(FactorModelKind.Explicit, parameters);

    /// <summary>Reads parameters from text such as <c>factors=16,32,64;regularization=0.01..1;alpha=10,40</c>.</summary>
    /// <remarks>Parameters are separated by <c>;</c>. Each is <c>name=v1,v2,...</c> (a list) or <c>name=min..max</c> (a range on the
    /// option's usual scale), optionally followed by <c>:log</c> or <c>:linear</c>. Numbers use a dot for decimals. Spaces around
    /// the parts are ignored, and so is a trailing <c>;</c>. The names are checked when the parameters join a space.</remarks>
    /// <param name="text">The text.</param>
    /// <returns>The parameters, in the order written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text is malformed; the message quotes the part at fault and shows the syntax.</exception>
    public static IReadOnlyList<SearchParameter> ParseParameters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parameters = new List<SearchParameter>();
        foreach (string raw in text.Split(';'))
        {
            string part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=');
            if (equals <= 0)
            {
                throw ParseError(part, equals == 0 ? "the name before '=' is missing" : "there is no '=' between the name and the values");
            }

            string name = part[..equals].Trim();
            string values = part[(equals + 1)..].Trim();
            try
            {
                parameters.Add(values.Contains("..", StringComparison.Ordinal) ? ParseRange(part, name, values) : ParseList(part, name, values));
            }
            catch (ArgumentException exception)
            {
                throw ParseError(part, Internal.ExceptionText.Reason(exception).TrimEnd('.'));
            }
        }

        return parameters;
    }

    /// <summary>Returns the text form of the space, readable by <see cref="ParseParameters"/>.</summary>
    /// <returns>The parameters separated by <c>;</c>, such as <c>NumberOfFactors=16,32;Regularization=0.01..1:log</c>.</returns>
    public override string ToString() => string.Join(";", _parameters.Select(p => p.ToString()));

    private static SearchParameter ParseRange(string part, string name, string values)
    {
        SearchScale? scale = null;
        int colon = values.IndexOf(':');
        if (colon >= 0)
        {
            string scaleText = values[(colon + 1)..].Trim().ToLowerInvariant();
            scale = scaleText switch
            {
                "log" or "logarithmic" => SearchScale.Logarithmic,
                "lin" or "linear" => SearchScale.Linear,
                _ => throw ParseError(part, $"'{scaleText}' is not a scale (expected log or linear)"),
            };
            values = values[..colon];
        }

        int dots = values.IndexOf("..", StringComparison.Ordinal);
        double minimum = Number(part, values[..dots]);
        double maximum = Number(part, values[(dots + 2)..]);
        return SearchParameter.Between(name, minimum, maximum, scale);
    }

    private static SearchParameter ParseList(string part, string name, string values)
    {
        string[] items = values.Split(',');
        var numbers = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            numbers[i] = Number(part, items[i]);
        }

        return SearchParameter.OneOf(name, numbers);
    }

    private static double Number(string part, string text)
    {
        string trimmed = text.Trim();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw ParseError(part, trimmed.Length == 0 ? "a value is missing" : $"'{trimmed}' is not a number");
        }

        return value;
    }

    private static FormatException ParseError(string part, string problem) => new(
        $"The search space is invalid at '{part}': {problem}. Write name=v1,v2,... or name=min..max (optionally :log or :linear), separated by ';', such as factors=16,32,64;regularization=0.01..1.");

    private static SearchSpace Create(FactorModelKind kind, IEnumerable<SearchParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        SearchableOption[] options = SearchableOptions.For(kind);
        string trainer = kind == FactorModelKind.Explicit ? "BiasedMatrixFactorizationTrainer.Options" : "ImplicitAlsTrainer.Options";
        var errors = new List<string>();
        var resolved = new List<SearchParameter>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SearchParameter? parameter in parameters)
        {
            if (parameter is null)
            {
                throw new ArgumentNullException(nameof(parameters), "A search parameter is null.");
            }

            SearchableOption? option = Array.Find(options, o =>
                string.Equals(o.Name, parameter.Name.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(o.ShortName, parameter.Name.Trim(), StringComparison.OrdinalIgnoreCase));
            if (option is null)
            {
                errors.Add($"'{parameter.Name}' is not an option a search can vary in {trainer}.");
                continue;
            }

            if (!seen.Add(option.Name))
            {
                errors.Add($"{option.Name} is given twice; give each option once.");
                continue;
            }

            Check(option, parameter, errors);
            SearchScale scale = parameter.Scale ?? (option.UsualScale == SearchScale.Logarithmic && parameter.Minimum > 0 ? SearchScale.Logarithmic : SearchScale.Linear);
            resolved.Add(parameter.Resolved(option.Name, scale));
        }

        if (errors.Count > 0)
        {
            string noun = errors.Count == 1 ? "error" : "errors";
            string valid = string.Join(", ", options.Select(o => $"{o.Name} ({o.ShortName})"));
            throw new ArgumentException(
                $"The search space for {trainer} is invalid ({errors.Count} {noun}): {string.Join(" ", errors)} Valid names: {valid}.", nameof(parameters));
        }

        return new SearchSpace(kind, [.. resolved]);
    }

    private static void Check(SearchableOption option, SearchParameter parameter, List<string> errors)
    {
        IEnumerable<double> values = parameter.IsRange ? [parameter.Minimum, parameter.Maximum] : parameter.Values;
        foreach (double value in values)
        {
            if (value < option.Minimum || value > option.Maximum)
            {
                errors.Add($"{option.Name} = {SearchParameter.Format(value)}: must be between {SearchParameter.Format(option.Minimum)} and {SearchParameter.Format(option.Maximum)}.");
            }
            else if (option.IsInteger && value != Math.Floor(value))
            {
                errors.Add($"{option.Name} = {SearchParameter.Format(value)}: must be a whole number.");
            }
        }
    }
}
