using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Internal;

/// <summary>Runs the DataAnnotations and <see cref="IValidatableObject"/> rules of an options object and reports every error at once.</summary>
internal static class OptionsValidation
{
    public static void ThrowIfInvalid(object options, string typeName)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
        {
            return;
        }

        var parts = new List<string>(results.Count);
        foreach (ValidationResult result in results)
        {
            parts.Add(result.ErrorMessage ?? "invalid.");
        }

        string noun = results.Count == 1 ? "error" : "errors";
        throw new ValidationException($"{typeName} is invalid ({results.Count} {noun}): {string.Join(" ", parts)}");
    }

    /// <summary>Formats a range error in the style "Name = value: must be between a and b.".</summary>
    public static ValidationResult Error(string member, object? value, string rule) =>
        new($"{member} = {Format(value)}: {rule}", [member]);

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
