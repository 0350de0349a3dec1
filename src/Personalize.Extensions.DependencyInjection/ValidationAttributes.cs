using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>A path that, when set, must name an existing file. Null is left to <see cref="RequiredAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ExistingFileAttribute(string expected) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string path || string.IsNullOrWhiteSpace(path) || File.Exists(path))
        {
            return ValidationResult.Success;
        }

        string member = validationContext.MemberName ?? validationContext.DisplayName;
        string problem = Directory.Exists(path) ? "it is a folder, not a file" : "the file does not exist";
        return new ValidationResult($"{member} = '{path}': {problem} (full path {Path.GetFullPath(path)}); expected {expected}.", [member]);
    }
}

/// <summary>A path that, when set, must be a folder or be creatable as one: not a file, and not under a file. Null is allowed.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class UsableDirectoryAttribute(string expected) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string path || string.IsNullOrWhiteSpace(path) || Directory.Exists(path))
        {
            return ValidationResult.Success;
        }

        string member = validationContext.MemberName ?? validationContext.DisplayName;
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return new ValidationResult($"{member} = '{path}': it is a file, not a folder (full path {full}); expected {expected}.", [member]);
        }

        // The nearest part of the path that exists must be a folder, or the folder cannot be created.
        for (string? parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (Directory.Exists(parent))
            {
                return ValidationResult.Success;
            }

            if (File.Exists(parent))
            {
                return new ValidationResult($"{member} = '{path}': '{parent}' is a file, so the folder cannot be created (full path {full}); expected {expected}.", [member]);
            }
        }

        return ValidationResult.Success;
    }
}

/// <summary>A path that, when set, must not name the same file as any of other path properties (compared as full paths).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotSameFileAttribute(string suggestion, params string[] otherProperties) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string path || string.IsNullOrWhiteSpace(path))
        {
            return ValidationResult.Success;
        }

        foreach (string otherProperty in otherProperties)
        {
            if (validationContext.ObjectType.GetProperty(otherProperty)?.GetValue(validationContext.ObjectInstance) is string other
                && !string.IsNullOrWhiteSpace(other)
                && string.Equals(Path.GetFullPath(path), Path.GetFullPath(other), StringComparison.Ordinal))
            {
                string member = validationContext.MemberName ?? validationContext.DisplayName;
                return new ValidationResult($"{member} = '{path}': the same file as {otherProperty}; {suggestion}", [member]);
            }
        }

        return ValidationResult.Success;
    }
}

/// <summary>An enum value (or null) that is one of the enum's named values.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DefinedEnumAttribute(string valid) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null || Enum.IsDefined(value.GetType(), value))
        {
            return ValidationResult.Success;
        }

        string member = validationContext.MemberName ?? validationContext.DisplayName;
        return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{member} = {Convert.ToInt64(value, CultureInfo.InvariantCulture)}: must be {valid}."), [member]);
    }
}

/// <summary>A nested options object whose own attributes and <see cref="IValidatableObject"/> rules must hold; its errors are listed in one result.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValidNestedAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null)
        {
            return ValidationResult.Success;
        }

        // Every property's attributes, then the cross-field rules even when a property failed (Validator.TryValidateObject would skip
        // them), so all errors are reported together.
        var results = new List<ValidationResult>();
        foreach (System.Reflection.PropertyInfo property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length == 0 && property.CanRead)
            {
                Validator.TryValidateProperty(property.GetValue(value), new ValidationContext(value) { MemberName = property.Name }, results);
            }
        }

        if (value is IValidatableObject validatable)
        {
            results.AddRange(validatable.Validate(new ValidationContext(value)));
        }

        if (results.Count == 0)
        {
            return ValidationResult.Success;
        }

        string member = validationContext.MemberName ?? validationContext.DisplayName;
        return new ValidationResult($"{member}: {string.Join(" ", results.Select(r => r.ErrorMessage))}", [member]);
    }
}
