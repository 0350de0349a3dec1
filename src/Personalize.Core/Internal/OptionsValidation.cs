using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Personalize.Core.Internal;

/// <summary>
/// Runs the DataAnnotations attributes and the <see cref="IValidatableObject"/> rules of an options object and reports every error at
/// once, each as <c>Name = value: rule.</c>, for example <c>NumberOfFactors = 0: must be between 1 and 1024.</c>
/// </summary>
internal static class OptionsValidation
{
    public static void ThrowIfInvalid(object options, string typeName)
    {
        List<string> errors = Collect(options, prefix: "");
        if (errors.Count == 0)
        {
            return;
        }

        string noun = errors.Count == 1 ? "error" : "errors";
        throw new ValidationException($"{typeName} is invalid ({errors.Count} {noun}): {string.Join(" ", errors)}");
    }

    /// <summary>The errors of a nested options object, each named <c>Prefix.Name = value: rule.</c>, for the
    /// <see cref="IValidatableObject.Validate"/> of the object that holds it.</summary>
    public static IEnumerable<ValidationResult> Nested(string member, object? options)
    {
        if (options is null)
        {
            yield break;
        }

        foreach (string error in Collect(options, member + "."))
        {
            yield return new ValidationResult(error, [member]);
        }
    }

    private static List<string> Collect(object options, string prefix)
    {
        var errors = new List<string>();
        foreach (PropertyInfo property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            object? value = property.GetValue(options);
            foreach (ValidationAttribute attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (!attribute.IsValid(value))
                {
                    errors.Add(Error(prefix + property.Name, value, Rule(attribute, property.Name)).ErrorMessage!);
                }
            }
        }

        if (options is IValidatableObject validatable)
        {
            foreach (ValidationResult result in validatable.Validate(new ValidationContext(options)))
            {
                errors.Add(prefix + (result.ErrorMessage ?? "invalid."));
            }
        }

        return errors;
    }

    /// <summary>Formats an error in the style "Name = value: rule".</summary>
    public static ValidationResult Error(string member, object? value, string rule) =>
        new($"{member} = {Format(value)}: {rule}", [member]);

    private static string Rule(ValidationAttribute attribute, string name) => attribute switch
    {
        RangeAttribute range => string.Create(CultureInfo.InvariantCulture, $"must be between {range.Minimum} and {range.Maximum}."),
        RequiredAttribute => "is required.",
        EnumDataTypeAttribute enumType => $"must be one of {string.Join(", ", Enum.GetNames(enumType.EnumType))}.",
        _ => attribute.FormatErrorMessage(name),
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
