using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Personalize.Search;

/// <summary>Runs an options object's DataAnnotations and <see cref="IValidatableObject"/> rules and reports every error at once, each as
/// <c>Name = value: rule.</c>, like Personalize.Core's options.</summary>
internal static class Validation
{
    public static void ThrowIfInvalid(object options, string typeName)
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
                    string rule = attribute is RangeAttribute range
                        ? string.Create(CultureInfo.InvariantCulture, $"must be between {range.Minimum} and {range.Maximum}.")
                        : attribute.FormatErrorMessage(property.Name);
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{property.Name} = {value}: {rule}"));
                }
            }
        }

        if (options is IValidatableObject validatable)
        {
            errors.AddRange(validatable.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? "invalid."));
        }

        if (errors.Count > 0)
        {
            string noun = errors.Count == 1 ? "error" : "errors";
            throw new ValidationException($"{typeName} is invalid ({errors.Count} {noun}): {string.Join(" ", errors)}");
        }
    }
}
