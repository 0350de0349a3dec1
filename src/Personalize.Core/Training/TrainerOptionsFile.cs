using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Personalize.Core.Internal;
using Personalize.Core.Models;

namespace Personalize.Core.Training;

/// <summary>
/// Saves and loads a trainer's options as a small JSON file, such as the best options found by
/// <see cref="Evaluation.HyperparameterSearch"/>, so that training can reuse them.
/// </summary>
/// <remarks>
/// <para>*** File format *** (UTF-8 JSON; comments and trailing commas are accepted when reading)</para>
/// <code>
/// {
///   "trainer": "implicit",             // "implicit": ImplicitAlsTrainer; "explicit": BiasedMatrixFactorizationTrainer
///   "options": {                       // the trainer's Options properties by name; a missing one keeps its default
///     "NumberOfFactors": 32,
///     "NumberOfIterations": 7,
///     "Regularization": 0.1,
///     "Solver": "ConjugateGradient",   // enums by name, switches as true or false
///     "NumberOfThreads": null          // null: one per processor
///   }
/// }
/// </code>
/// <para>Reading is strict: a file that is not JSON, lacks <c>trainer</c> or <c>options</c>, has another top-level property, names an
/// option the trainer does not have or gives a value of the wrong type is rejected with a
/// <see cref="TrainerOptionsFileException"/> that lists every such problem. Option names match ignoring case. The options are then
/// checked by the trainer's own validation, which reports values out of range as a <see cref="ValidationException"/>.</para>
/// <para>Saving writes a temporary file beside the target and renames it over the target, so a crash never leaves a half-written
/// file. The methods share no state and are thread-safe.</para>
/// </remarks>
public static class TrainerOptionsFile
{
    /// <summary>The <c>trainer</c> value of <see cref="ImplicitAlsTrainer"/> options (as in <c>personalize train --trainer implicit</c>).</summary>
    public const string ImplicitTrainerName = "implicit";

    /// <summary>The <c>trainer</c> value of <see cref="BiasedMatrixFactorizationTrainer"/> options (as in <c>--trainer explicit</c>).</summary>
    public const string ExplicitTrainerName = "explicit";

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Saves implicit ALS options atomically.</summary>
    /// <param name="options">The options.</param>
    /// <param name="path">The target file; it is replaced if it exists.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file could not be written; the target is left as it was.</exception>
    public static void Save(ImplicitAlsTrainer.Options options, string path) => Write(options, ImplicitTrainerName, path);

    /// <summary>Saves explicit matrix-factorization options atomically.</summary>
    /// <param name="options">The options.</param>
    /// <param name="path">The target file; it is replaced if it exists.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file could not be written; the target is left as it was.</exception>
    public static void Save(BiasedMatrixFactorizationTrainer.Options options, string path) => Write(options, ExplicitTrainerName, path);

    /// <summary>Reads which trainer an options file is for, without reading its options.</summary>
    /// <param name="path">The options file.</param>
    /// <returns><see cref="FactorModelKind.Implicit"/> for <see cref="ImplicitAlsTrainer"/>, <see cref="FactorModelKind.Explicit"/> for
    /// <see cref="BiasedMatrixFactorizationTrainer"/>.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TrainerOptionsFileException">The file is not JSON or its <c>trainer</c> is missing or unknown.</exception>
    public static FactorModelKind ReadKind(string path)
    {
        using JsonDocument document = Parse(path);
        var errors = new List<string>();
        FactorModelKind? kind = Kind(document.RootElement, errors);
        ThrowIfAny(path, errors);
        return kind!.Value;
    }

    /// <summary>Loads implicit ALS options.</summary>
    /// <param name="path">The options file; its <c>trainer</c> must be <c>implicit</c>.</param>
    /// <returns>The options; properties missing from the file have their defaults.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TrainerOptionsFileException">The file is malformed or holds the options of another trainer; the message lists
    /// every problem.</exception>
    /// <exception cref="ValidationException">The options are out of range; the message names the file and lists every error.</exception>
    public static ImplicitAlsTrainer.Options LoadImplicit(string path) =>
        Load<ImplicitAlsTrainer.Options>(path, FactorModelKind.Implicit, "ImplicitAlsTrainer.Options");

    /// <summary>Loads explicit matrix-factorization options.</summary>
    /// <param name="path">The options file; its <c>trainer</c> must be <c>explicit</c>.</param>
    /// <returns>The options; properties missing from the file have their defaults.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TrainerOptionsFileException">The file is malformed or holds the options of another trainer; the message lists
    /// every problem.</exception>
    /// <exception cref="ValidationException">The options are out of range; the message names the file and lists every error.</exception>
    public static BiasedMatrixFactorizationTrainer.Options LoadExplicit(string path) =>
        Load<BiasedMatrixFactorizationTrainer.Options>(path, FactorModelKind.Explicit, "BiasedMatrixFactorizationTrainer.Options");

    private static TOptions Load<TOptions>(string path, FactorModelKind expected, string typeName)
        where TOptions : class, new()
    {
        using JsonDocument document = Parse(path);
        JsonElement root = document.RootElement;
        var errors = new List<string>();
        FactorModelKind? kind = Kind(root, errors);
        if (kind is { } found && found != expected)
        {
            throw new TrainerOptionsFileException(path, 0, 0,
                $"the file holds options for the {NameOf(found)} trainer, not the {NameOf(expected)} one; load it with Load{(found == FactorModelKind.Implicit ? "Implicit" : "Explicit")}.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            ThrowIfAny(path, errors);
        }

        var options = new TOptions();
        if (!root.TryGetProperty("options", out JsonElement values) && !TryGetIgnoringCase(root, "options", out values))
        {
            errors.Add("'options' is missing; it must be an object of option names and values, such as {\"NumberOfFactors\": 32}.");
        }
        else if (values.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'options' is {Describe(values)}; it must be an object of option names and values, such as {{\"NumberOfFactors\": 32}}.");
        }
        else
        {
            ReadOptions(values, options, NameOf(expected), typeName, errors);
        }

        ThrowIfAny(path, errors);
        try
        {
            OptionsValidation.ThrowIfInvalid(options, typeName);
        }
        catch (ValidationException exception)
        {
            throw new ValidationException($"{path}: {exception.Message}");   // the path as the caller gave it
        }

        return options;
    }

    private static void ReadOptions(JsonElement values, object options, string trainer, string typeName, List<string> errors)
    {
        PropertyInfo[] properties = Settable(options.GetType());
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty json in values.EnumerateObject())
        {
            PropertyInfo? property = Array.Find(properties, p => string.Equals(p.Name, json.Name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                errors.Add($"options.{json.Name} is not an option of the {trainer} trainer ({typeName}); valid names: {string.Join(", ", properties.Select(p => p.Name))}.");
                continue;
            }

            if (!given.Add(property.Name))
            {
                errors.Add($"options.{property.Name} is given twice; give each option once.");
                continue;
            }

            if (TryConvert(json.Value, property.PropertyType, out object? value, out string expectedText))
            {
                property.SetValue(options, value);
            }
            else
            {
                errors.Add($"options.{property.Name} is {Describe(json.Value)}; it must be {expectedText}.");
            }
        }
    }

    private static bool TryConvert(JsonElement element, Type type, out object? value, out string expected)
    {
        value = null;
        Type? nullable = Nullable.GetUnderlyingType(type);
        Type target = nullable ?? type;
        expected = target == typeof(int) ? "a whole number"
            : target == typeof(float) || target == typeof(double) ? "a number"
            : target == typeof(bool) ? "true or false"
            : target.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(target).Select(n => $"\"{n}\""))
            : target.Name;
        if (nullable is not null)
        {
            expected += " or null";
            if (element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }
        }

        if (target == typeof(int))
        {
            bool ok = element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int number);
            value = ok ? element.GetInt32() : null;
            return ok;
        }

        if (target == typeof(float) || target == typeof(double))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double number))
            {
                return false;
            }

            value = target == typeof(float) ? (object)(float)number : number;
            return true;
        }

        if (target == typeof(bool))
        {
            bool ok = element.ValueKind is JsonValueKind.True or JsonValueKind.False;
            value = ok ? element.GetBoolean() : null;
            return ok;
        }

        if (target.IsEnum && element.ValueKind == JsonValueKind.String)
        {
            string? text = element.GetString();
            string? name = Array.Find(Enum.GetNames(target), n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            value = name is null ? null : Enum.Parse(target, name);
            return name is not null;
        }

        return false;
    }

    private static FactorModelKind? Kind(JsonElement root, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"the top level is {Describe(root)}; it must be an object such as {{\"trainer\": \"implicit\", \"options\": {{\"NumberOfFactors\": 32}}}}.");
            return null;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        bool twice = false;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!property.Name.Equals("trainer", StringComparison.OrdinalIgnoreCase) && !property.Name.Equals("options", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"'{property.Name}' is not a property of an options file; it has 'trainer' and 'options'.");
            }
            else if (!seen.Add(property.Name))
            {
                // JSON readers differ on which of two keys wins; name it rather than guess.
                errors.Add($"'{property.Name.ToLowerInvariant()}' is given twice (names are read ignoring case); give it once.");
                twice = true;
            }
        }

        if (twice)
        {
            return null;
        }

        if (!root.TryGetProperty("trainer", out JsonElement trainer) && !TryGetIgnoringCase(root, "trainer", out trainer))
        {
            errors.Add($"'trainer' is missing; it must be \"{ImplicitTrainerName}\" or \"{ExplicitTrainerName}\".");
            return null;
        }

        string? name = trainer.ValueKind == JsonValueKind.String ? trainer.GetString()?.ToLowerInvariant() : null;
        switch (name)
        {
            case ImplicitTrainerName:
                return FactorModelKind.Implicit;
            case ExplicitTrainerName:
                return FactorModelKind.Explicit;
            default:
                errors.Add($"'trainer' is {Describe(trainer)}; it must be \"{ImplicitTrainerName}\" or \"{ExplicitTrainerName}\".");
                return null;
        }
    }

    private static bool TryGetIgnoringCase(JsonElement root, string name, out JsonElement value)
    {
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static JsonDocument Parse(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path)
                ? $"The options file '{path}' is a folder; give the path of the JSON file (such as the one personalize tune writes)."
                : $"The options file '{path}' does not exist.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];   // a UTF-8 byte order mark, as some Windows editors write
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new TrainerOptionsFileException(path, 0, 0,
                "the file is empty; it must hold a JSON object such as {\"trainer\": \"implicit\", \"options\": {\"NumberOfFactors\": 32}}.");
        }

        try
        {
            return JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException exception)
        {
            string detail = exception.Message;
            int cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
            detail = (cut >= 0 ? detail[..cut] : detail).TrimEnd('.', ' ');
            long line = (exception.LineNumber ?? -1) + 1, column = (exception.BytePositionInLine ?? -1) + 1;
            throw new TrainerOptionsFileException(path, line, line > 0 ? column : 0, $"the file is not valid JSON: {detail}.");
        }
    }

    private static void ThrowIfAny(string path, List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new TrainerOptionsFileException(path, 0, 0, string.Join(" ", errors));
        }
    }

    private static void Write(object options, string trainer, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("trainer", trainer);
            writer.WriteStartObject("options");
            foreach (PropertyInfo property in Settable(options.GetType()))
            {
                switch (property.GetValue(options))
                {
                    case null:
                        writer.WriteNull(property.Name);
                        break;
                    case int number:
                        writer.WriteNumber(property.Name, number);
                        break;
                    case float number:
                        writer.WriteNumber(property.Name, number);
                        break;
                    case double number:
                        writer.WriteNumber(property.Name, number);
                        break;
                    case bool flag:
                        writer.WriteBoolean(property.Name, flag);
                        break;
                    case Enum value:
                        writer.WriteString(property.Name, value.ToString());
                        break;
                    case var other:
                        writer.WriteString(property.Name, Convert.ToString(other, CultureInfo.InvariantCulture));
                        break;
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                buffer.Position = 0;
                buffer.CopyTo(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    /// <summary>The public read-write properties of an options type, in declaration order.</summary>
    private static PropertyInfo[] Settable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0)];

    private static string NameOf(FactorModelKind kind) => kind == FactorModelKind.Implicit ? ImplicitTrainerName : ExplicitTrainerName;

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"\"{element.GetString()}\" (a string)",
        JsonValueKind.Number => $"{element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{element.GetRawText()} (a boolean)",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => element.ValueKind.ToString(),
    };
}
